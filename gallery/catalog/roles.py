"""Built-in Azure roles that the catalog's `access` entries may name, by their role definition GUIDs (the same
in every cloud)."""

from __future__ import annotations

import re
from typing import Optional

BUILTIN_ROLES: dict[str, str] = {
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Compute Gallery Sharing Admin": "1ef6a3be-d0ac-425d-8c01-acb62866290b",
    "Virtual Machine Contributor": "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
    "Storage Account Contributor": "17d1049b-9a84-46fb-8f53-869881c3d3ab",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    "Storage Queue Data Contributor": "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
    "Storage Queue Data Reader": "19e7f393-937e-4f77-808e-94535e297925",
    "Storage Table Data Contributor": "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    "Storage Table Data Reader": "76199698-9eea-4c19-bc75-cec21354c6b6",
}
# Roles whose permissions are data actions on storage (blobs, queues, tables): they act only on a storage
# account or what is inside it, so assigned on a gallery they grant nothing.
STORAGE_DATA_ROLES = {
    guid: name for name, guid in BUILTIN_ROLES.items() if name.startswith("Storage ") and " Data " in name
}

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def resolve_role(role: str) -> Optional[str]:
    """A built-in role name (case-insensitive) or a role-definition GUID -> the GUID (lower-case)."""
    if GUID.match(role):
        return role.lower()
    for name, guid in BUILTIN_ROLES.items():
        if name.lower() == role.lower():
            return guid
    return None


def role_definition_id(subscription_id: str, guid: str) -> str:
    return f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{guid}"

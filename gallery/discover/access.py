"""Role assignments read back into the catalog's `access` (the gallery's), or named in a note (everything else).

The catalog's `access` grants roles on the gallery: a principal, a role (a built-in name or a GUID) and the
principal's type. An assignment on the gallery that says more than that (a condition, a description, a delegated
identity) or of a principal type the catalog has no word for is left out, with a note; so are the assignments on
the storage account (the catalog has no key for them). Assignments inherited from above (the subscription, the
resource group) are not the gallery's, and are left alone. The program names an assignment like Bicep's
guid(scope, principal, role); one Azure knows under another name is replaced by the first `pulumi up` (Azure
cannot rename one), which the `changes:` note says.
"""

from __future__ import annotations

import dataclasses
from typing import Optional

from gallery.catalog.roles import BUILTIN_ROLES
from gallery.desired.foundation import assignment_name

_NAMES = {guid: name for name, guid in BUILTIN_ROLES.items()}
_TYPES = ("User", "Group", "ServicePrincipal")
_MORE = ("condition", "conditionVersion", "description", "delegatedManagedIdentityResourceId")


@dataclasses.dataclass
class Access:
    entries: list[dict]  # the catalog's `access`, by principal
    ids: dict[tuple[str, str], str]  # (principal id, role GUID) -> Azure's id of the assignment, for the import
    notes: list[tuple[str, str]]  # (kind, text) at the gallery


def read_access(
    assignments: Optional[list[dict]],
    account_assignments: Optional[list[dict]],
    gallery_id: str,
    account_id: Optional[str],
) -> Access:
    out = Access([], {}, [])
    inherited = 0
    for a in assignments or ():
        p = a.get("properties") or {}
        if (p.get("scope") or "").lower() != gallery_id.lower():
            inherited += 1
            continue
        principal, guid = (p.get("principalId") or "").lower(), _guid(p.get("roleDefinitionId"))
        role = _NAMES.get(guid, guid)
        what = f"{role} for {principal}"
        more = [k for k in _MORE if p.get(k)]
        if more:
            out.notes.append(
                (
                    "left-out",
                    f"the role assignment {what} has {', '.join(more)}, which access cannot "
                    "say: it stays in Azure, outside the stack",
                )
            )
            continue
        kind = p.get("principalType")
        if kind not in _TYPES:
            out.notes.append(
                (
                    "left-out",
                    f"the role assignment {what} is of a {kind} principal, which access "
                    "cannot say: it stays in Azure, outside the stack",
                )
            )
            continue
        if (principal, guid) in out.ids:
            continue  # one grant, however many times Azure lists it
        out.entries.append({"principalId": principal, "role": role, "principalType": kind})
        out.ids[(principal, guid)] = a["id"]
        if (a.get("name") or "").lower() != assignment_name(gallery_id, principal, guid):
            out.notes.append(
                (
                    "changes",
                    f"the role assignment {what} is named {a.get('name')} in Azure; the program "
                    f"names it {assignment_name(gallery_id, principal, guid)}, so the first pulumi up "
                    "replaces it (deleted, then created: a moment without it)",
                )
            )
    # Azure lists them by their names (random GUIDs): the catalog lists them by principal, then role.
    out.entries.sort(key=lambda e: (e["principalId"], e["role"]))
    if inherited:
        out.notes.append(
            (
                "left-out",
                f"{inherited} role assignment{'s' if inherited != 1 else ''} inherited from "
                "above the gallery (its resource group or subscription): not the gallery's, left as they "
                "are",
            )
        )
    mine = [
        a
        for a in account_assignments or ()
        if account_id and ((a.get("properties") or {}).get("scope") or "").lower() == account_id.lower()
    ]
    if mine:
        listed = ", ".join(
            f"{_NAMES.get(_guid(p.get('roleDefinitionId')), _guid(p.get('roleDefinitionId')))} for "
            f"{(p.get('principalId') or '').lower()}"
            for p in (a.get("properties") or {} for a in mine)
        )
        out.notes.append(
            (
                "left-out",
                f"role assignments on the storage account (the catalog's access is the "
                f"gallery's): {listed}; they stay in Azure, outside the stack",
            )
        )
    return out


def _guid(role_definition_id: Optional[str]) -> str:
    return (role_definition_id or "").rstrip("/").rsplit("/", 1)[-1].lower()

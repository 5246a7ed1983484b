"""Beyond Microsoft.Compute, what discovering a gallery reads: its resource group, storage account and blob
containers (paged), each at its provider's api-version (shaped after the Microsoft.Resources 2024-03-01 and
Microsoft.Storage 2024-01-01 examples ResourceGroups_Get, StorageAccountGetProperties, BlobContainersList)."""

from __future__ import annotations

import re

from armlocal.api import RESOURCES_API_VERSION, STORAGE_API_VERSION
from armlocal.bodies import error, page
from armlocal.state import ArmState

GROUP = re.compile(r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)$", re.IGNORECASE)
ACCOUNT = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/Microsoft\.Storage"
    r"/storageAccounts/(?P<account>[^/]+)(?P<containers>/blobServices/default/containers)?$",
    re.IGNORECASE,
)


def answer(state: ArmState, method: str, path: str, query: dict, base: str):
    """(status, headers, body) for a read of a resource group, account or its containers; None for other requests."""
    group, account = GROUP.match(path), ACCOUNT.match(path)
    if not (group or account):
        return None
    if method != "GET":
        return 405, {}, error("MethodNotAllowed", f"{method} {path} is not served by this endpoint")
    expected = RESOURCES_API_VERSION if group else STORAGE_API_VERSION
    if query.get("api-version") != expected:
        return (
            400,
            {},
            error(
                "InvalidApiVersionParameter",
                f"The api-version '{query.get('api-version')}' is "
                f"invalid. The supported versions include '{expected}'.",
            ),
        )
    if group:
        body = state.groups.get((group["sub"].lower(), group["rg"].lower()))
        if body is None:
            return 404, {}, error("ResourceGroupNotFound", f"Resource group '{group['rg']}' could not be found.")
        return 200, {}, body
    account_key = (account["sub"].lower(), account["rg"].lower(), account["account"].lower())
    body = state.accounts.get(account_key)
    if body is None:
        return (
            404,
            {},
            error(
                "ResourceNotFound",
                f"The Resource 'Microsoft.Storage/storageAccounts/"
                f"{account['account']}' under resource group '{account['rg']}' was not found.",
            ),
        )
    if not account["containers"]:
        return 200, {}, body
    items = [c for (s, r, a, _), c in sorted(state.containers.items()) if (s, r, a) == account_key]
    return 200, {}, page(items, query, path, base, state.page_size, STORAGE_API_VERSION)

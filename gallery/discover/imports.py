"""The Pulumi import file (`pulumi import --file import.json`) for what the catalog declares and Azure has.

Each entry carries the type, the logical name and the parent the program gives the resource (the component
`gallery` of type gallery:index:ImageGallery, created empty by the import, and its children), so the URN
the import records is the URN `pulumi up` will look for; and the ARM id in the form pulumi-azure-native
reads it. Both come from the catalog's desired state. Resources that do not exist yet in Azure (a container
no VHD uses, an account to be created) are left to `pulumi up`; so are the sharing resources, which are dynamic
and create idempotently. Role assignments are imported at the id Azure has for them.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any, Optional

from gallery.catalog.model import MAIN, Catalog
from gallery.desired import arm
from gallery.desired.build import desired_state

IMPORTED = (arm.RESOURCE_GROUP, arm.STORAGE_ACCOUNT, arm.CONTAINER, arm.GALLERY, arm.DEFINITION, arm.VERSION)


def provider_version() -> str:
    """The pulumi-azure-native the program runs with: the import reads each resource with that provider."""
    return metadata.version("pulumi-azure-native")


def import_file(
    catalog: Catalog,
    subscription: str,
    *,
    account_exists: bool,
    containers: Optional[set[str]],
    assignments: Optional[dict] = None,
    owner: str = MAIN,
) -> dict[str, Any]:
    """`containers`: the names that exist in the account (None: not known, so none is imported); `assignments`:
    {(principal id, role GUID): Azure's id} of the gallery's role assignments read (each imported at its own id,
    which a name the program does not give makes the first `pulumi up` replace, as a note says). With shards, the
    file of the stack `owner` (each stack imports what it declares; the component is in every one)."""
    version = provider_version()
    state = desired_state(catalog, subscription=subscription)
    entries: list[dict[str, Any]] = []
    for res in state.resources:
        if res.type == arm.COMPONENT:
            entries.append({"type": res.type, "name": res.name, "component": True})
            continue
        if res.owner != owner:
            continue
        if res.type == arm.ROLE_ASSIGNMENT:
            found = (assignments or {}).get(
                (res.inputs["principalId"].lower(), res.inputs["roleDefinitionId"].rsplit("/", 1)[-1].lower())
            )
            if found:
                entries.append(
                    {"type": res.type, "name": res.name, "id": found, "parent": res.parent, "version": version}
                )
            continue
        if res.type not in IMPORTED or not _exists(res, account_exists, containers):
            continue
        entries.append({"type": res.type, "name": res.name, "id": res.arm_id, "parent": res.parent, "version": version})
    return {"resources": entries}


def _exists(res, account_exists: bool, containers: Optional[set[str]]) -> bool:
    if res.type == arm.STORAGE_ACCOUNT:
        return account_exists
    if res.type == arm.CONTAINER:
        return account_exists and containers is not None and res.inputs["containerName"] in containers
    return True

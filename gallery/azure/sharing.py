"""A gallery's sharing through ARM: read it, and `POST .../share` (Add, Remove, Reset, EnableCommunity).

pulumi-azure-native declares the gallery's `sharingProfile.permissions` but cannot make these calls:
groups are added and removed, and a community gallery is published, only by the share action, which
Azure runs as a long-running operation. The calls wait for it, so a refusal fails the deployment.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Sequence

from gallery.azure.client import call_options
from gallery.azure.errors import SHARING_ROLE, arm_error

# SharingProfileGroupTypes: the catalog's subscriptions and tenants.
SUBSCRIPTIONS, TENANTS = "Subscriptions", "AADTenants"


@dataclasses.dataclass(frozen=True)
class SharingState:
    """What Azure reports of a gallery's sharing."""

    permissions: str  # Private | Groups | Community
    subscriptions: tuple[str, ...] = ()
    tenants: tuple[str, ...] = ()
    community_enabled: bool = False
    public_names: tuple[str, ...] = ()


def read_sharing(client: Any, resource_group: str, gallery: str) -> SharingState:
    """GET the gallery with its groups (`$expand=SharingProfile/Groups`). Raises ArmError."""
    try:
        g = client.galleries.get(resource_group, gallery, expand="SharingProfile/Groups", **call_options())
    except Exception as exc:  # noqa: BLE001 - azure-core's errors, each turned into a message
        raise arm_error(exc, f"read the sharing of gallery {gallery}") from None
    profile = g.sharing_profile
    if profile is None:
        return SharingState("Private")
    ids = {kind: () for kind in (SUBSCRIPTIONS, TENANTS)}
    for group in profile.groups or ():
        ids[group.type] = tuple(sorted(i.lower() for i in group.ids or ()))
    info = profile.community_gallery_info
    return SharingState(
        permissions=profile.permissions or "Private",
        subscriptions=ids[SUBSCRIPTIONS],
        tenants=ids[TENANTS],
        community_enabled=bool(info and info.community_gallery_enabled),
        public_names=tuple(info.public_names or ()) if info else (),
    )


def update_sharing(
    client: Any,
    resource_group: str,
    gallery: str,
    operation: str,
    subscriptions: Sequence[str] = (),
    tenants: Sequence[str] = (),
) -> None:
    """POST the share action and wait for it. Add/Remove with no ids is nothing to do. Raises ArmError."""
    from azure.mgmt.compute.models import SharingProfileGroup, SharingUpdate

    groups = [
        SharingProfileGroup(type=kind, ids=list(ids))
        for kind, ids in ((SUBSCRIPTIONS, subscriptions), (TENANTS, tenants))
        if ids
    ]
    if operation in ("Add", "Remove") and not groups:
        return
    update = SharingUpdate(operation_type=operation, groups=groups or None)
    try:
        client.gallery_sharing_profile.begin_update(resource_group, gallery, update, **call_options()).result()
    except Exception as exc:  # noqa: BLE001
        raise arm_error(exc, f"{_DOING[operation]} gallery {gallery}", role=SHARING_ROLE) from None


_DOING = {
    "Add": "share",
    "Remove": "stop sharing",
    "Reset": "reset the sharing of",
    "EnableCommunity": "enable community sharing of",
}

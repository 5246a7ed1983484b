"""Before a version leaves the catalog: which VMs and scale sets still use it (Azure Resource Graph).

`gallery lifecycle` removes a version 30 days (say) after its end of life; Azure then deletes it at the next
deployment, and a VM or scale set made from it can no longer be reimaged, redeployed or scaled out from it. So
before removing, the definitions concerned are looked up once in Resource Graph (gallery.azure.graph), under
every name a machine may use for them: the ARM id, and when the gallery is shared its shared-gallery and
community ids. A version in use is kept, and named with its users, unless `--allow-in-use`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Sequence

from gallery.azure.client import call_options
from gallery.azure.errors import arm_error
from gallery.azure.graph import SCOPE, InUse, Machine, describe, machines_using
from gallery.catalog.model import Catalog
from gallery.desired import arm
from gallery.lifecycle.policy import REMOVE, Action


def image_prefixes(catalog: Catalog, images: Iterable[str], compute: Any, subscription: str) -> list[str]:
    """Every id a machine may reference the definitions by: ARM ids, and the gallery's shared-gallery and
    community names for them (read from Azure: the unique name and public names are Azure's). Raises ArmError."""
    rg, gallery = catalog.resource_group, catalog.gallery.name
    try:
        body = compute.galleries.get(rg, gallery, **call_options())
    except Exception as exc:  # noqa: BLE001
        raise arm_error(exc, f"read gallery {gallery} in resource group {rg}") from None
    bases = [arm.gallery_id(subscription, rg, gallery)]
    unique = body.identifier.unique_name if body.identifier else None
    if unique and catalog.gallery.sharing == "groups":
        bases.append(f"/SharedGalleries/{unique}")
    info = body.sharing_profile.community_gallery_info if body.sharing_profile else None
    bases += [f"/CommunityGalleries/{name}" for name in (info.public_names or ())] if info else []
    return [f"{base}/images/{image}" for base in bases for image in sorted(set(images))]


def users_of_removals(
    catalog: Catalog, actions: Sequence[Action], compute: Any, graph: Any, subscription: str
) -> InUse:
    """What Resource Graph says of the images whose versions `actions` remove (no query when none)."""
    images = {a.image for a in actions if a.kind == REMOVE}
    if not images:
        return InUse(())
    return machines_using(graph, image_prefixes(catalog, images, compute, subscription))


@dataclasses.dataclass(frozen=True)
class Kept:
    """A removal the policy called for, not made: VMs or scale sets still use the version."""

    action: Action
    users: tuple[Machine, ...]

    def text(self) -> str:
        return (
            f"kept: {self.action.image} {self.action.version} is used by {describe(self.users)} "
            f"({SCOPE}); the policy would remove it ({self.action.reason}); --allow-in-use removes it anyway"
        )


def keep_in_use(actions: Sequence[Action], in_use: InUse, *, allow: bool) -> tuple[list[Action], list[Kept]]:
    """The actions to make, and the removals kept back because the version is in use (none with `allow`, where
    each removal in use says so in its reason instead)."""
    out: list[Action] = []
    kept: list[Kept] = []
    for a in actions:
        users = in_use.of_version(a.image, a.version) if a.kind == REMOVE else ()
        if not users:
            out.append(a)
        elif allow:
            out.append(
                dataclasses.replace(a, reason=f"{a.reason}; used by {describe(users)}, removed anyway: --allow-in-use")
            )
        else:
            kept.append(Kept(a, users))
    return out, kept

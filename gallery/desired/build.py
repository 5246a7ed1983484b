"""A validated catalog (or a selection of it) -> its desired state."""

from __future__ import annotations

from typing import Optional

from gallery.catalog.model import MAIN, Catalog, ImageDefinition, VhdSource
from gallery.catalog.stackconfig import PROJECT
from gallery.desired import arm, names
from gallery.desired.definitions import definition_inputs, feature_changes_ignored
from gallery.desired.foundation import Foundation
from gallery.desired.selection import Selection
from gallery.desired.state import DesiredResource, DesiredState, Options, Wire, compact
from gallery.desired.versions import storage_profile, version_inputs, version_timeouts


def desired_state(
    catalog: Catalog,
    only: Optional[Selection] = None,
    *,
    subscription: str = arm.PLACEHOLDER_SUBSCRIPTION,
    component: str = names.COMPONENT_NAME,
    project: str = PROJECT,
) -> DesiredState:
    """Every resource the program declares for `catalog` (or the `only` part of it), in declaration order."""
    foundation = Foundation(catalog, subscription, component)
    # The component is in every stack: it belongs to the stack the selection is, the main one by default.
    resources = [DesiredResource(arm.COMPONENT, component, {}, custom=False, owner=only.owner if only else MAIN)]
    with_foundation = only is None or only.foundation
    if with_foundation:
        resources += foundation.build()  # the main stack's, whatever the shards
    for image in catalog.images:
        resources += _image(foundation, image, only, with_foundation)
    # A stack's part of a sharded catalog is in that stack (its URNs name it); anything else in the main one.
    stack = names.stack(catalog.stack, only.owner) if only else catalog.stack
    return DesiredState(stack, project, subscription, tuple(resources))


def _image(
    f: Foundation, image: ImageDefinition, only: Optional[Selection], with_foundation: bool
) -> list[DesiredResource]:
    c = f.catalog
    owner = c.owner(image)  # the stack that declares the definition and its versions
    declared = only is None or only.has_definition(image.name)
    versions = [v for v in image.versions if only is None or only.has_version(image.name, v.name)]
    # Wired to the foundation even when it is not in this state: the wire says where the value comes from.
    placed = (Wire(("resourceGroupName",), f.group, "name"), Wire(("galleryName",), f.gallery, "name"))
    out = []
    definition = names.definition(image, f.component)
    if declared:
        inputs = compact(
            definition_inputs(image, gallery=c.gallery.name, group=c.resource_group, location=c.location, tags=f.tags)
        )
        out.append(
            DesiredResource(
                arm.DEFINITION,
                definition,
                inputs,
                parent=f.component,
                wires=placed,
                arm_id=arm.arm_id(arm.DEFINITION, f.subscription, inputs),
                api_version=arm.COMPUTE_API_VERSION,
                owner=owner,
                # No replace_on_changes: osType, identifier, hyperVGeneration... are fixed in Azure, but a
                # replacement would have to delete every version first and reuse the same name. The review diff
                # blocks such a change and asks for a new definition instead.
                options=Options(ignore_changes=feature_changes_ignored(image)),
            )
        )
    account_id = arm.account_id(f.subscription, c.resource_group, c.storage.account)
    for version in versions:
        storage, account_paths = storage_profile(version.source, account=c.storage.account, account_id=account_id)
        inputs = compact(
            version_inputs(
                version,
                storage,
                image=image.name,
                gallery=c.gallery.name,
                group=c.resource_group,
                location=c.location,
                tags=f.tags,
            )
        )
        wires = list(placed)
        if declared:  # the definition's name: its resource's output, so the definition comes first
            wires.append(Wire(("galleryImageName",), definition, "name"))
        is_vhd = isinstance(version.source, VhdSource)
        wires += [Wire(path, f.account, "id") for path in account_paths]
        out.append(
            DesiredResource(
                arm.VERSION,
                names.version(image, version, f.component),
                inputs,
                parent=f.component,
                options=Options(
                    # The blobs live in the family's container: it must exist before Azure reads them.
                    depends_on=(names.container(image.family, f.component),) if is_vhd else (),
                    custom_timeouts=version_timeouts(version),
                    # No replace_on_changes: the source, storage type and replication mode are fixed, but replacing
                    # a published version (same number, consumers pinned to it) is never the answer. Publish a new
                    # version; the review diff blocks the change.
                ),
                wires=tuple(wires),
                arm_id=arm.arm_id(arm.VERSION, f.subscription, inputs),
                api_version=arm.COMPUTE_API_VERSION,
                owner=owner,
            )
        )
    return out

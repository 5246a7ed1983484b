"""`gallery:index:ImageGallery`: a validated catalog, declared as Azure resources from its desired state.

Resource group -> storage account (+ one container per OS family) and gallery -> image definitions -> image
versions; plus the gallery's sharing and RBAC. What each resource is (name, inputs, options) is decided in
gallery.desired; here each becomes a Pulumi resource parented to the component, in the state's order, and the
inputs the state wires to another resource take that resource's output, so Pulumi knows the order. In a shard's
stack the foundation is the main stack's: what the state wires to it comes through a StackReference.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from typing import Any, Mapping, Optional

import pulumi
from pulumi_azure_native import authorization

from gallery.azure.target import ArmTarget, resolve_target
from gallery.catalog.model import Catalog
from gallery.catalog.naming import camel
from gallery.components.native import CLASSES, declare_native
from gallery.components.sharing import declare_sharing
from gallery.desired import arm, names
from gallery.desired.build import desired_state
from gallery.desired.selection import Selection
from gallery.desired.shards import FOUNDATION_OUTPUTS, foundation_export
from gallery.desired.state import CLIENT, DesiredResource, Wire

TYPE = arm.COMPONENT


@dataclass
class ImageGalleryArgs:
    catalog: Catalog  # validated by gallery.catalog.loader.load_catalog: every default applied
    only: Optional[Selection] = None  # None: the whole catalog
    # Where the sharing resources call ARM: the stack's cloud (azure-native:environment) or a loopback
    # endpoint; None resolves it from the environment (ARM_ENVIRONMENT, GALLERY_ARM_ENDPOINT).
    arm: Optional[ArmTarget] = None
    # A shard's stack: the main stack, as a StackReference names it (`dev`, `org/image-gallery/dev`), whose
    # outputs give the foundation's names and ids. None: the foundation is declared here, or not needed.
    foundation: Optional[str] = None


@dataclass(frozen=True)
class GalleryOutputs:
    """What a VM or scale-set stack needs to find its image. Each field is also a stack output, under
    its camelCase name (`resource_group_name` -> `resourceGroupName`), registered and exported from here.
    """

    # A name is the resource's output, or the catalog's name when this selection does not declare it;
    # an id is None then.
    resource_group_name: pulumi.Input[str]
    gallery_name: pulumi.Input[str]
    gallery_id: Optional[pulumi.Output[str]]
    storage_account_name: pulumi.Input[str]
    storage_account_id: Optional[pulumi.Output[str]]
    containers: Mapping[str, pulumi.Output[str]]  # {family: container name}
    definition_ids: Mapping[str, pulumi.Output[str]]  # {image: definition id}
    version_ids: Mapping[str, Mapping[str, pulumi.Output[str]]]  # {image: {version: id}}
    # `latest` is the highest version (compared as integers) not excluded from latest: what Azure gives, in
    # the home region here (a region's own excludeFromLatest may give another there: see by region).
    latest_versions: Mapping[str, str]  # {image: version}
    latest_version_ids: Mapping[str, pulumi.Output[str]]  # {image: version id}
    latest_versions_by_region: Mapping[str, Mapping[str, str]]  # {image: {region: version}}
    # Whether Azure has published the gallery to the community, and the public name(s) consumers use
    # (`sharingProfile.communityGalleryInfo.publicNames`); False and [] for other galleries.
    community_sharing_enabled: Optional[pulumi.Input[bool]]  # None in a shard's stack: the main stack's to say
    community_public_names: Optional[pulumi.Input[list]]

    def exports(self) -> dict[str, Any]:
        """{stack output name: value}, in declaration order; None: not this stack's to say (not exported)."""
        return {camel(f.name): getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


class ImageGallery(pulumi.ComponentResource):
    """The catalog's resources; `outputs` (GalleryOutputs) is what consumers need to find an image."""

    def __init__(self, name: str, args: ImageGalleryArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(TYPE, name, None, opts)
        catalog = args.catalog
        state = desired_state(catalog, args.only, component=name)
        client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
        target = args.arm or resolve_target()
        # Every child, by logical name, in the state's order (a resource is declared after what it waits for).
        # Any: azure-native and dynamic resource classes each declare their own outputs (name, id, ...).
        self.resources: dict[str, Any] = {}
        main = (
            pulumi.StackReference(
                f"{name}-foundation", stack_name=args.foundation, opts=pulumi.ResourceOptions(parent=self)
            )
            if args.foundation
            else None
        )

        @functools.cache  # one Output per main-stack output, shared: a shard holds a thousand resources that take it
        def from_main(key: str, inner: Optional[str] = None) -> pulumi.Output:
            assert main is not None  # called only for a shard's stack
            value = main.require_output(key)
            return value.apply(lambda v: v[inner]) if inner is not None else value

        def output(res: DesiredResource, wire: Wire) -> Any:
            if wire.source == CLIENT:
                return client.subscription_id
            if wire.source in self.resources:
                return getattr(self.resources[wire.source], wire.output)
            export = foundation_export(wire, name) if main else None
            if export is not None:  # the main stack's, never a hard-coded id
                return from_main(*export)
            if wire.output == "name":  # declared elsewhere; its name is the catalog's, as the state holds it
                return _at(res.inputs, wire.path)
            raise ValueError(
                f"{res.name}: {'.'.join(map(str, wire.path))} is the {wire.output} of {wire.source}, "
                "which this selection does not declare"
            )

        for res in state.resources:
            if res.type == TYPE:
                continue
            wire_output = functools.partial(output, res)
            if res.type in CLASSES:
                self.resources[res.name] = declare_native(res, wire_output, self, self.resources)
            else:
                self.resources[res.name] = declare_sharing(res, wire_output, target, self, self.resources)

        def of(token: str) -> dict[str, Any]:
            return {r.name: self.resources[r.name] for r in state.of_type(token)}

        definitions: dict[str, Any] = {}
        versions: dict[str, dict[str, Any]] = {}  # every image declared here, in the catalog's order
        for r in state.resources:
            if r.type == arm.DEFINITION:
                definitions[r.inputs["galleryImageName"]] = self.resources[r.name]
                versions.setdefault(r.inputs["galleryImageName"], {})
            elif r.type == arm.VERSION:
                versions.setdefault(r.inputs["galleryImageName"], {})[r.inputs["galleryImageVersionName"]] = (
                    self.resources[r.name]
                )
        self.definitions, self.versions = definitions, versions
        by_region = {
            image.name: {
                region: v for region, v in image.latest_by_region().items() if v in versions.get(image.name, {})
            }
            for image in catalog.images
        }
        latest = {
            image: regions[catalog.location] for image, regions in by_region.items() if catalog.location in regions
        }
        community = of(arm.COMMUNITY).get(names.community(name))
        group, account, gallery = (
            self.resources.get(n) for n in (names.group(name), names.storage_account(name), names.gallery(name))
        )
        foundation: dict[str, Any]  # an output of this stack's resources, the main stack's, or the catalog's name
        if main:  # a shard's stack passes the main stack's on: a consumer finds everything in either
            foundation = {key: from_main(key) for key in FOUNDATION_OUTPUTS}
        else:
            foundation = {
                "resourceGroupName": group.name if group else catalog.resource_group,
                "galleryName": gallery.name if gallery else catalog.gallery.name,
                "galleryId": gallery.id if gallery else None,
                "storageAccountName": account.name if account else catalog.storage.account,
                "storageAccountId": account.id if account else None,
                "containers": {
                    family: self.resources[names.container(family, name)].name
                    for family in sorted(catalog.containers)
                    if names.container(family, name) in self.resources
                },
            }
        self.outputs = GalleryOutputs(
            resource_group_name=foundation["resourceGroupName"],
            gallery_name=foundation["galleryName"],
            gallery_id=foundation["galleryId"],
            storage_account_name=foundation["storageAccountName"],
            storage_account_id=foundation["storageAccountId"],
            containers=foundation["containers"],
            definition_ids={image: d.id for image, d in definitions.items()},
            version_ids={image: {v: r.id for v, r in vs.items()} for image, vs in versions.items()},
            latest_versions=latest,
            latest_version_ids={image: versions[image][v].id for image, v in latest.items()},
            latest_versions_by_region={image: regions for image, regions in by_region.items() if regions},
            # A shard's stack leaves the community's outputs to the main stack, which publishes the gallery.
            community_sharing_enabled=community.communityGalleryEnabled if community else None if main else False,
            community_public_names=community.publicNames if community else None if main else [],
        )
        self.register_outputs(self.outputs.exports())


def _at(inputs: Any, path: tuple) -> Any:
    for part in path:
        inputs = inputs[part]
    return inputs

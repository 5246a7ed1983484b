"""`gallery:index:ImageGallery`: a validated catalog, declared as Azure resources.

Resource group -> storage account (+ one container per OS family) and gallery -> image definitions
-> image versions; plus the gallery's sharing groups and RBAC. Every child is parented to the
component and named from stable catalog keys (image name, version string, family, principal), so
reordering images.yaml renames nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping, Optional

import pulumi
from pulumi_azure_native import authorization, compute, resources

from gallery.components.access import declare_access
from gallery.components.definitions import declare_definition
from gallery.components.storage import declare_storage
from gallery.components.versions import declare_version
from gallery.catalog.model import Catalog
from gallery.catalog.naming import camel
from gallery.components.sharing import GalleryCommunity, GallerySharing, GallerySharingGuard
from gallery.azure.target import ArmTarget, resolve_target

TYPE = "gallery:index:ImageGallery"

SHARING_PERMISSIONS = {
    "private": compute.GallerySharingPermissionTypes.PRIVATE,
    "groups": compute.GallerySharingPermissionTypes.GROUPS,
    "community": compute.GallerySharingPermissionTypes.COMMUNITY,
}


def group_logical_name(component: str) -> str:
    return f"{component}-rg"


def gallery_logical_name(component: str) -> str:
    return f"{component}-gallery"


@dataclass(frozen=True)
class Selection:
    """A part of the catalog to declare: these definitions, and these versions.

    The resource group, storage, gallery, sharing and role assignments are always declared; a version
    whose definition is not selected names it without depending on it. The review diff plans only what
    a change touches this way (both sides with the same selection); `pulumi up` declares everything.
    """

    definitions: frozenset[str]  # image names
    versions: frozenset[tuple[str, str]]  # (image name, version), of any image


@dataclass
class ImageGalleryArgs:
    catalog: Catalog  # validated by gallery.catalog.loader.load_catalog: every default applied
    only: Optional[Selection] = None  # None: the whole catalog
    # Where the sharing resources call ARM: the stack's cloud (azure-native:environment) or a loopback
    # endpoint; None resolves it from the environment (ARM_ENVIRONMENT, GALLERY_ARM_ENDPOINT).
    arm: Optional[ArmTarget] = None


@dataclass(frozen=True)
class GalleryOutputs:
    """What a VM or scale-set stack needs to find its image. Each field is also a stack output, under
    its camelCase name (`resource_group_name` -> `resourceGroupName`), registered and exported from here.
    """

    resource_group_name: pulumi.Output[str]
    gallery_name: pulumi.Output[str]
    gallery_id: pulumi.Output[str]
    storage_account_name: pulumi.Output[str]
    storage_account_id: pulumi.Output[str]
    containers: Mapping[str, pulumi.Output[str]]  # {family: container name}
    definition_ids: Mapping[str, pulumi.Output[str]]  # {image: definition id}
    version_ids: Mapping[str, Mapping[str, pulumi.Output[str]]]  # {image: {version: id}}
    # `latest` is the highest version (compared as integers) not excluded from latest: what Azure gives.
    latest_versions: Mapping[str, str]  # {image: version}
    latest_version_ids: Mapping[str, pulumi.Output[str]]  # {image: version id}
    # Whether Azure has published the gallery to the community, and the public name(s) consumers use
    # (`sharingProfile.communityGalleryInfo.publicNames`); False and [] for other galleries.
    community_sharing_enabled: pulumi.Input[bool]
    community_public_names: pulumi.Input[list]

    def exports(self) -> dict[str, Any]:
        """{stack output name: value}, in declaration order."""
        return {camel(f.name): getattr(self, f.name) for f in fields(self)}



class ImageGallery(pulumi.ComponentResource):
    """The catalog's resources; `outputs` (GalleryOutputs) is what consumers need to find an image."""

    def __init__(self, name: str, args: ImageGalleryArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(TYPE, name, None, opts)
        catalog = args.catalog
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(catalog.tags)

        # Everything below lives here and cannot be moved out: deleting the group deletes it all.
        self.resource_group = resources.ResourceGroup(
            group_logical_name(name),
            resources.ResourceGroupArgs(resource_group_name=catalog.resource_group,
                                        location=catalog.location, tags=tags),
            opts=pulumi.ResourceOptions(parent=self, protect=True))
        group = self.resource_group

        self.storage = declare_storage(name, catalog, group, self)

        spec = catalog.gallery
        community = spec.community
        client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
        target = args.arm or resolve_target()
        # Groups sharing is chosen when a gallery is created; the other two may be reached from a shared
        # state, which Azure lets go only after a reset: the guard does it before the gallery's update.
        self.sharing_guard: Optional[GallerySharingGuard] = None
        if spec.sharing != "groups":
            self.sharing_guard = GallerySharingGuard(
                f"{name}-sharing-guard", target=target, subscription_id=client.subscription_id,
                resource_group_name=group.name, gallery_name=spec.name, sharing=spec.sharing, opts=child)
        self.gallery = compute.Gallery(
            gallery_logical_name(name),
            compute.GalleryArgs(
                gallery_name=spec.name,
                resource_group_name=group.name,
                location=catalog.location,
                description=spec.description,
                sharing_profile=compute.SharingProfileArgs(
                    permissions=SHARING_PERMISSIONS[spec.sharing],
                    community_gallery_info=compute.CommunityGalleryInfoArgs(
                        public_name_prefix=community.public_name_prefix, publisher_uri=community.publisher_uri,
                        publisher_contact=community.publisher_contact, eula=community.eula)
                    if community else None),
                soft_delete_policy=compute.SoftDeletePolicyArgs(is_soft_delete_enabled=spec.soft_delete),
                identity=compute.GalleryIdentityArgs(
                    type=compute.ResourceIdentityType(spec.identity.type),
                    # azure-native takes Azure's {id: {}} map as a list of ids
                    user_assigned_identities=list(spec.identity.user_assigned_identities) or None)
                if spec.identity else None,
                tags=tags,
            ),
            # Deleting the gallery deletes every image consumers boot from. No replace_on_changes
            # either: its fixed settings (sharing: groups...) are blocked by the PR diff instead.
            opts=pulumi.ResourceOptions(parent=self, protect=True,
                                        depends_on=[self.sharing_guard] if self.sharing_guard else None))

        self.sharing: Optional[GallerySharing] = None
        self.community: Optional[GalleryCommunity] = None
        if spec.sharing == "groups":
            self.sharing = GallerySharing(
                f"{name}-sharing", target=target, subscription_id=client.subscription_id,
                resource_group_name=group.name, gallery_name=self.gallery.name,
                subscriptions=spec.shared_with.subscriptions, tenants=spec.shared_with.tenants, opts=child)
        elif spec.sharing == "community" and community:
            self.community = GalleryCommunity(
                f"{name}-community", target=target, subscription_id=client.subscription_id,
                resource_group_name=group.name, gallery_name=self.gallery.name,
                public_name_prefix=community.public_name_prefix, publisher_uri=community.publisher_uri,
                publisher_contact=community.publisher_contact, eula=community.eula, opts=child)
        self.role_assignments = declare_access(name, spec.access, self.gallery, client.subscription_id, self)

        self.definitions: dict[str, compute.GalleryImage] = {}
        self.versions: dict[str, dict[str, compute.GalleryImageVersion]] = {}
        only = args.only
        for image in catalog.images:
            versions = [v for v in image.versions if only is None or (image.name, v.name) in only.versions]
            if only is None or image.name in only.definitions:
                self.definitions[image.name] = declare_definition(name, catalog, image, group, self.gallery, self)
                definition: pulumi.Input[str] = self.definitions[image.name].name
            elif versions:
                definition = image.name  # not declared in this selection: its versions name it
            else:
                continue
            self.versions[image.name] = {
                version.name: declare_version(name, catalog, image, version, group, self.gallery, definition,
                                              self.storage.account, self.storage.containers, self)
                for version in versions}

        latest = {image.name: image.latest.name for image in catalog.images
                  if image.latest and image.latest.name in self.versions.get(image.name, {})}
        self.outputs = GalleryOutputs(
            resource_group_name=group.name,
            gallery_name=self.gallery.name,
            gallery_id=self.gallery.id,
            storage_account_name=self.storage.account.name,
            storage_account_id=self.storage.account.id,
            containers={family: c.name for family, c in self.storage.containers.items()},
            definition_ids={image: d.id for image, d in self.definitions.items()},
            version_ids={image: {v: r.id for v, r in versions.items()} for image, versions in self.versions.items()},
            latest_versions=latest,
            latest_version_ids={image: self.versions[image][v].id for image, v in latest.items()},
            community_sharing_enabled=self.community.communityGalleryEnabled if self.community else False,
            community_public_names=self.community.publicNames if self.community else [],
        )
        self.register_outputs(self.outputs.exports())

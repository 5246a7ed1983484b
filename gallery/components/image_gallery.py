"""`gallery:index:ImageGallery`: a validated catalog, declared as Azure resources.

Resource group -> storage account (+ one container per OS family) and gallery -> image definitions
-> image versions; plus the gallery's sharing groups and RBAC. Every child is parented to the
component and named from stable catalog keys (image name, version string, family, principal), so
reordering images.yaml renames nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
from pulumi_azure_native import authorization, compute, resources

from gallery.components.access import declare_access
from gallery.components.definitions import declare_definition
from gallery.components.storage import declare_storage
from gallery.components.versions import declare_version
from gallery.catalog.model import Catalog
from gallery.components.sharing import GallerySharing

TYPE = "gallery:index:ImageGallery"

SHARING_PERMISSIONS = {
    "private": compute.GallerySharingPermissionTypes.PRIVATE,
    "groups": compute.GallerySharingPermissionTypes.GROUPS,
    "community": compute.GallerySharingPermissionTypes.COMMUNITY,
}


@dataclass
class ImageGalleryArgs:
    catalog: Catalog  # validated by gallery.loader.load_catalog: every default applied


class ImageGallery(pulumi.ComponentResource):
    """The catalog's resources. Outputs are what a VM or scale-set stack needs to find its image.

    resource_group_name, gallery_name, gallery_id, storage_account_name, storage_account_id,
    containers {family: container}, definition_ids {image: id}, version_ids {image: {version: id}},
    latest_versions {image: version} and latest_version_ids {image: id}: `latest` is the highest
    version (compared as integers) not excluded from latest, the one Azure gives for `latest`.
    """

    def __init__(self, name: str, args: ImageGalleryArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(TYPE, name, None, opts)
        catalog = args.catalog
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(catalog.tags)

        # Everything below lives here and cannot be moved out: deleting the group deletes it all.
        self.resource_group = resources.ResourceGroup(
            f"{name}-rg",
            resources.ResourceGroupArgs(resource_group_name=catalog.resource_group,
                                        location=catalog.location, tags=tags),
            opts=pulumi.ResourceOptions(parent=self, protect=True))
        group = self.resource_group

        self.storage = declare_storage(name, catalog, group, self)

        spec = catalog.gallery
        community = spec.community
        self.gallery = compute.Gallery(
            f"{name}-gallery",
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
                tags=tags,
            ),
            # Deleting the gallery deletes every image consumers boot from. No replace_on_changes
            # either: its fixed settings (sharing: groups...) are blocked by the PR diff instead.
            opts=pulumi.ResourceOptions(parent=self, protect=True))

        client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
        self.sharing: Optional[GallerySharing] = None
        if spec.sharing == "groups":
            self.sharing = GallerySharing(
                f"{name}-sharing", subscription_id=client.subscription_id, resource_group_name=group.name,
                gallery_name=self.gallery.name, subscriptions=spec.shared_with.subscriptions,
                tenants=spec.shared_with.tenants, opts=child)
        self.role_assignments = declare_access(name, spec.access, self.gallery, client.subscription_id, self)

        self.definitions: dict[str, compute.GalleryImage] = {}
        self.versions: dict[str, dict[str, compute.GalleryImageVersion]] = {}
        for image in catalog.images:
            definition = declare_definition(name, catalog, image, group, self.gallery, self)
            self.definitions[image.name] = definition
            self.versions[image.name] = {
                version.name: declare_version(name, catalog, image, version, group, self.gallery, definition,
                                              self.storage.account, self.storage.containers, self)
                for version in image.versions}

        latest = {image.name: image.latest.name for image in catalog.images if image.latest}
        self.resource_group_name = group.name
        self.gallery_name = self.gallery.name
        self.gallery_id = self.gallery.id
        self.storage_account_name = self.storage.account.name
        self.storage_account_id = self.storage.account.id
        self.containers = {family: c.name for family, c in self.storage.containers.items()}
        self.definition_ids = {image: d.id for image, d in self.definitions.items()}
        self.version_ids = {image: {v: r.id for v, r in versions.items()}
                            for image, versions in self.versions.items()}
        self.latest_versions = latest
        self.latest_version_ids = {image: self.versions[image][v].id for image, v in latest.items()}
        self.register_outputs({
            "resourceGroupName": self.resource_group_name,
            "galleryName": self.gallery_name,
            "galleryId": self.gallery_id,
            "storageAccountName": self.storage_account_name,
            "storageAccountId": self.storage_account_id,
            "containers": self.containers,
            "definitionIds": self.definition_ids,
            "versionIds": self.version_ids,
            "latestVersions": self.latest_versions,
            "latestVersionIds": self.latest_version_ids,
        })

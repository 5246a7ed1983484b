"""The Pulumi import file (`pulumi import --file import.json`) for what the catalog declares and Azure has.

Each entry carries the type, the logical name and the parent the program gives the resource (the component
`gallery` of type gallery:index:ImageGallery, created empty by the import, and its children), so the URN
the import records is the URN `pulumi up` will look for; and the ARM id in the form pulumi-azure-native
reads it (the same templates the offline plan fills in). Resources that do not exist yet in Azure (a
container no VHD uses, an account to be created) are left to `pulumi up`; so are the role assignments,
which discovery does not read, and the sharing resources, which are dynamic and create idempotently.
"""
from __future__ import annotations

from importlib import metadata
from typing import Any, Optional

from gallery import program
from gallery.catalog.model import Catalog
from gallery.components import TYPE
from gallery.components.definitions import definition_logical_name
from gallery.components.image_gallery import gallery_logical_name, group_logical_name
from gallery.components.storage import account_logical_name, container_logical_name
from gallery.components.versions import version_logical_name
from gallery.plan.engine import ARM_IDS

GROUP = "azure-native:resources:ResourceGroup"
ACCOUNT = "azure-native:storage:StorageAccount"
CONTAINER = "azure-native:storage:BlobContainer"
GALLERY = "azure-native:compute:Gallery"
DEFINITION = "azure-native:compute:GalleryImage"
VERSION = "azure-native:compute:GalleryImageVersion"


def provider_version() -> str:
    """The pulumi-azure-native the program runs with: the import reads each resource with that provider."""
    return metadata.version("pulumi-azure-native")


def import_file(catalog: Catalog, subscription: str, *, account_exists: bool,
                containers: Optional[set[str]]) -> dict[str, Any]:
    """`containers`: the names that exist in the account (None: not known, so none is imported)."""
    component = program.COMPONENT_NAME
    version = provider_version()
    entries: list[dict[str, Any]] = [{"type": TYPE, "name": component, "component": True}]

    def add(type_: str, name: str, **names: str) -> None:
        entries.append({"type": type_, "name": name, "id": ARM_IDS[type_].format(sub=subscription, **names),
                        "parent": component, "version": version})

    group = {"resourceGroupName": catalog.resource_group}
    add(GROUP, group_logical_name(component), **group)
    if account_exists:
        add(ACCOUNT, account_logical_name(component), accountName=catalog.storage.account, **group)
        for family, container in sorted(catalog.containers.items()):
            if containers is not None and container in containers:
                add(CONTAINER, container_logical_name(component, family), accountName=catalog.storage.account,
                    containerName=container, **group)
    in_gallery = {"galleryName": catalog.gallery.name, **group}
    add(GALLERY, gallery_logical_name(component), **in_gallery)
    for image in catalog.images:
        add(DEFINITION, definition_logical_name(component, image), galleryImageName=image.name, **in_gallery)
        for v in image.versions:
            add(VERSION, version_logical_name(component, image, v), galleryImageName=image.name,
                galleryImageVersionName=v.name, **in_gallery)
    return {"resources": entries}

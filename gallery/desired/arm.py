"""What each kind of resource is in Azure and in Pulumi: type token, API version, ARM id, physical name input.

The API versions are the ones pulumi-azure-native 3.29 sends (each resource module's docstring: "Uses Azure
REST API version ..."); the project's own ARM calls (sharing, status, discovery) use the same, so what they
read is what `pulumi up` wrote and `pulumi import` will see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

# The Compute API version of galleries, definitions and versions. At 2024-03-03 a definition without the
# SecurityType feature is Standard; from 2025-03-03 it means TrustedLaunchSupported (see desired.definitions).
COMPUTE_API_VERSION = "2024-03-03"
RESOURCES_API_VERSION = "2024-03-01"
STORAGE_API_VERSION = "2024-01-01"
AUTHORIZATION_API_VERSION = "2022-04-01"

# The subscription of a desired state built without one (the offline plan, the review diff): ids keep
# their shape, and both sides of a comparison carry the same placeholder.
PLACEHOLDER_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"

COMPONENT = "gallery:index:ImageGallery"
RESOURCE_GROUP = "azure-native:resources:ResourceGroup"
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
CONTAINER = "azure-native:storage:BlobContainer"
GALLERY = "azure-native:compute:Gallery"
DEFINITION = "azure-native:compute:GalleryImage"
VERSION = "azure-native:compute:GalleryImageVersion"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
# Dynamic resources (gallery.components.sharing): Pulumi's type token for a dynamic resource is
# `pulumi-python:dynamic/<module>:<name>`.
SHARING = "pulumi-python:dynamic/gallery:GallerySharing"
COMMUNITY = "pulumi-python:dynamic/gallery:GalleryCommunity"
SHARING_GUARD = "pulumi-python:dynamic/gallery:GallerySharingGuard"
DYNAMIC = (SHARING, COMMUNITY, SHARING_GUARD)

_RG = "/subscriptions/{subscription}/resourceGroups/{resourceGroupName}"
_GALLERY = _RG + "/providers/Microsoft.Compute/galleries/{galleryName}"
_ACCOUNT = _RG + "/providers/Microsoft.Storage/storageAccounts/{accountName}"


@dataclass(frozen=True)
class Kind:
    """An Azure resource type as the program declares it."""

    token: str
    api_version: Optional[str]  # None: not an ARM resource of its own (a component, a dynamic resource)
    id_template: Optional[str]  # filled from the inputs and the subscription
    name_input: Optional[str]  # the input that holds the physical name (azure-native's `name` output)


KINDS = {
    k.token: k
    for k in (
        Kind(RESOURCE_GROUP, RESOURCES_API_VERSION, _RG, "resourceGroupName"),
        Kind(STORAGE_ACCOUNT, STORAGE_API_VERSION, _ACCOUNT, "accountName"),
        Kind(
            CONTAINER,
            STORAGE_API_VERSION,
            _ACCOUNT + "/blobServices/default/containers/{containerName}",
            "containerName",
        ),
        Kind(GALLERY, COMPUTE_API_VERSION, _GALLERY, "galleryName"),
        Kind(DEFINITION, COMPUTE_API_VERSION, _GALLERY + "/images/{galleryImageName}", "galleryImageName"),
        Kind(
            VERSION,
            COMPUTE_API_VERSION,
            _GALLERY + "/images/{galleryImageName}/versions/{galleryImageVersionName}",
            "galleryImageVersionName",
        ),
        Kind(
            ROLE_ASSIGNMENT,
            AUTHORIZATION_API_VERSION,
            "{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
            "roleAssignmentName",
        ),
        # The share action's URL is what the sharing resources take as their id.
        Kind(SHARING, None, _GALLERY + "/share", None),
        Kind(COMMUNITY, None, _GALLERY + "/share", None),
        Kind(SHARING_GUARD, None, _GALLERY + "/share/guard", None),
        Kind(COMPONENT, None, None, None),
    )
}


def arm_id(token: str, subscription: str, names: dict) -> Optional[str]:
    """The ARM id of a resource of type `token` whose inputs (or names) are `names`; None when it has none."""
    kind = KINDS.get(token)
    if kind is None or kind.id_template is None:
        return None
    try:
        return kind.id_template.format(subscription=subscription, **names)
    except KeyError:
        return None


def group_id(subscription: str, group: str) -> str:
    return _RG.format(subscription=subscription, resourceGroupName=group)


def account_id(subscription: str, group: str, account: str) -> str:
    return _ACCOUNT.format(subscription=subscription, resourceGroupName=group, accountName=account)


def gallery_id(subscription: str, group: str, gallery: str) -> str:
    return _GALLERY.format(subscription=subscription, resourceGroupName=group, galleryName=gallery)

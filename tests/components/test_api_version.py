"""The Compute API version pulumi-azure-native sends for the gallery resources is the one this project checked.

At 2024-03-03 a definition without the SecurityType feature is Standard, so the program leaves Standard
out (gallery/components/definitions.py). From 2025-03-03 an absent SecurityType means
TrustedLaunchSupported: when the provider moves past 2024-03-03 this test fails, and that choice (and the
catalog's other defaults) must be checked again against the new version before the pin moves.
"""

from __future__ import annotations

import inspect
import re

import pytest
from pulumi_azure_native import compute

from gallery.azure.target import COMPUTE_API_VERSION
from gallery.desired.arm import COMPUTE_API_VERSION as GALLERY_IMAGE_API_VERSION


def _api_versions(resource: type) -> set[str]:
    # Each resource class documents the version it sends: "Uses Azure REST API version 2024-03-03."
    return set(re.findall(r"Uses Azure REST API version (\d{4}-\d{2}-\d{2})", inspect.getsource(resource)))


@pytest.mark.parametrize(
    "resource", [compute.GalleryImage, compute.GalleryImageVersion, compute.Gallery], ids=lambda r: r.__name__
)
def test_gallery_resources_are_sent_at_2024_03_03(resource):
    assert _api_versions(resource) == {"2024-03-03"}, (
        f"pulumi-azure-native now sends {resource.__name__} at {_api_versions(resource)}: from 2025-03-03 a "
        "definition without the SecurityType feature is TrustedLaunchSupported, not Standard; revisit "
        "image_features() in gallery/components/definitions.py before moving on"
    )


def test_the_program_and_the_sharing_calls_agree_on_the_version():
    assert GALLERY_IMAGE_API_VERSION == COMPUTE_API_VERSION == "2024-03-03"


def test_every_kind_is_sent_at_the_api_version_the_desired_state_names():
    from pulumi_azure_native import authorization, resources, storage

    from gallery.desired import arm

    classes = {
        arm.RESOURCE_GROUP: resources.ResourceGroup,
        arm.STORAGE_ACCOUNT: storage.StorageAccount,
        arm.CONTAINER: storage.BlobContainer,
        arm.GALLERY: compute.Gallery,
        arm.DEFINITION: compute.GalleryImage,
        arm.VERSION: compute.GalleryImageVersion,
        arm.ROLE_ASSIGNMENT: authorization.RoleAssignment,
    }
    assert {k.token for k in arm.KINDS.values() if k.api_version} == set(classes)
    for token, cls in classes.items():
        assert _api_versions(cls) == {arm.KINDS[token].api_version}, token

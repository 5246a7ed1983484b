"""Image definitions: one `GalleryImage` per catalog image, with every fixed property explicit."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import pulumi
from pulumi_azure_native import compute, resources

from gallery.catalog.model import Catalog, ImageDefinition, Range

# Azure compares the DiskControllerTypes feature as text: `NVMe, SCSI` shows a change on every
# deploy, so the value is always written in this order.
DISK_CONTROLLER_ORDER = ("SCSI", "NVMe")


def arm_datetime(day: Optional[dt.date]) -> Optional[str]:
    """End-of-life dates are `date-time` in the REST API: midnight UTC of the catalog's date."""
    return f"{day.isoformat()}T00:00:00Z" if day else None


# The API version pulumi-azure-native sends for gallery definitions. At 2024-03-03 a definition without
# the SecurityType feature *is* Standard, and no Microsoft example sends `SecurityType: Standard` (for
# VMs Azure refuses securityType Standard without the UseStandardSecurityType subscription flag), so
# Standard is left out. From 2025-03-03 an absent SecurityType means TrustedLaunchSupported:
# tests/components/test_api_version.py fails when the provider moves, and this must be revisited then.
GALLERY_IMAGE_API_VERSION = "2024-03-03"
STANDARD_SECURITY = "Standard"
# Each feature's catalog key (as `startsAtVersion` names it) and Azure's feature name; discovery reads them back.
FEATURE_NAMES = {"securityType": "SecurityType", "acceleratedNetworking": "IsAcceleratedNetworkSupported",
                 "diskControllerTypes": "DiskControllerTypes", "hibernation": "IsHibernateSupported"}


def image_features(image: ImageDefinition) -> list[compute.GalleryImageFeatureArgs]:
    features = []

    def feature(key: str, value: str) -> None:
        # startsAtVersion: the feature changes on an existing definition from that version on
        # (GalleryImage_UpdateFeatures.json: with allowUpdateImage: true).
        features.append(compute.GalleryImageFeatureArgs(name=FEATURE_NAMES[key], value=value,
                                                        starts_at_version=image.starts_at(key)))

    # A Standard that starts at a version is a change back to Standard, and must be said.
    if image.security_type != STANDARD_SECURITY or image.starts_at("securityType"):
        feature("securityType", image.security_type)
    if image.accelerated_networking is not None:
        feature("acceleratedNetworking", str(image.accelerated_networking))
    if image.disk_controller_types:
        ordered = sorted(image.disk_controller_types, key=DISK_CONTROLLER_ORDER.index)
        feature("diskControllerTypes", ", ".join(ordered))
    if image.hibernation is not None:
        feature("hibernation", str(image.hibernation))
    return features


def _range(r: Optional[Range]) -> Optional[compute.ResourceRangeArgs]:
    if r is None or (r.min is None and r.max is None):
        return None
    return compute.ResourceRangeArgs(min=r.min, max=r.max)


def definition_logical_name(component: str, image: ImageDefinition) -> str:
    return f"{component}-{image.name}"


def declare_definition(name: str, catalog: Catalog, image: ImageDefinition,
                       group: resources.ResourceGroup, gallery: compute.Gallery,
                       parent: pulumi.Resource) -> compute.GalleryImage:
    recommended = None
    if image.recommended:
        recommended = compute.RecommendedMachineConfigurationArgs(
            v_cpus=_range(image.recommended.vcpus), memory=_range(image.recommended.memory_gb))
    plan = image.purchase_plan
    return compute.GalleryImage(
        definition_logical_name(name, image),
        compute.GalleryImageArgs(
            gallery_image_name=image.name,
            gallery_name=gallery.name,
            resource_group_name=group.name,
            location=catalog.location,
            os_type=compute.OperatingSystemTypes(image.os_type),
            os_state=compute.OperatingSystemStateTypes(image.os_state),
            # Explicit, never the API version's default (V1 before 2024, V2 since).
            hyper_v_generation=compute.HyperVGeneration(image.hyper_v_generation),
            architecture=compute.Architecture(image.architecture),
            identifier=compute.GalleryImageIdentifierArgs(
                publisher=image.identifier.publisher, offer=image.identifier.offer, sku=image.identifier.sku),
            features=image_features(image),
            allow_update_image=True if image.allow_update_image else None,  # false is Azure's default
            description=image.description,
            eula=image.eula,
            privacy_statement_uri=image.privacy_statement_uri,
            release_note_uri=image.release_note_uri,
            recommended=recommended,
            disallowed=(compute.DisallowedArgs(disk_types=list(image.disallowed_disk_types))
                        if image.disallowed_disk_types else None),
            purchase_plan=(compute.ImagePurchasePlanArgs(name=plan.name, publisher=plan.publisher,
                                                         product=plan.product) if plan else None),
            end_of_life_date=arm_datetime(image.end_of_life),
            tags=dict(catalog.tags),
        ),
        # No replace_on_changes: osType, identifier, hyperVGeneration... are fixed in Azure, but a
        # replacement would have to delete every version first and reuse the same name. The PR diff
        # blocks such a change and asks for a new definition instead.
        opts=pulumi.ResourceOptions(parent=parent),
    )

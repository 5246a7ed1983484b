"""Image definitions: one `GalleryImage` per catalog image, with every fixed property explicit."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from gallery.catalog.model import ImageDefinition, Range

# Azure compares the DiskControllerTypes feature as text: `NVMe, SCSI` shows a change on every deploy, so the
# value is always written in this order.
DISK_CONTROLLER_ORDER = ("SCSI", "NVMe")

# At API version 2024-03-03 (arm.COMPUTE_API_VERSION) a definition without the SecurityType feature *is*
# Standard, and no Microsoft example sends `SecurityType: Standard` (for VMs Azure refuses securityType
# Standard without the UseStandardSecurityType subscription flag), so Standard is left out. From 2025-03-03 an
# absent SecurityType means TrustedLaunchSupported: tests/components/test_api_version.py fails when the
# provider moves, and this must be revisited then.
STANDARD_SECURITY = "Standard"
# Each feature's catalog key (as `startsAtVersion` names it) and Azure's feature name; discovery reads them back.
FEATURE_NAMES = {
    "securityType": "SecurityType",
    "acceleratedNetworking": "IsAcceleratedNetworkSupported",
    "diskControllerTypes": "DiskControllerTypes",
    "hibernation": "IsHibernateSupported",
}


def arm_datetime(day: Optional[dt.date]) -> Optional[str]:
    """End-of-life dates are `date-time` in the REST API: midnight UTC of the catalog's date."""
    return f"{day.isoformat()}T00:00:00Z" if day else None


def features(image: ImageDefinition) -> list[dict]:
    out = []

    def feature(key: str, value: str) -> None:
        # startsAtVersion: the feature changes on an existing definition from that version on
        # (GalleryImage_UpdateFeatures.json: with allowUpdateImage: true).
        out.append({"name": FEATURE_NAMES[key], "value": value, "startsAtVersion": image.starts_at(key)})

    # A Standard that starts at a version is a change back to Standard, and must be said.
    if image.security_type != STANDARD_SECURITY or image.starts_at("securityType"):
        feature("securityType", image.security_type)
    if image.accelerated_networking is not None:
        feature("acceleratedNetworking", str(image.accelerated_networking))
    if image.disk_controller_types:
        feature("diskControllerTypes", ", ".join(sorted(image.disk_controller_types, key=DISK_CONTROLLER_ORDER.index)))
    if image.hibernation is not None:
        feature("hibernation", str(image.hibernation))
    return out


def feature_changes_ignored(image: ImageDefinition) -> tuple[str, ...]:
    """`features` as Pulumi's ignoreChanges, unless the catalog updates a feature in place (startsAtVersion).

    Azure fixes a definition's features at creation and refuses a PUT that changes them, and it tells an absent
    feature from one sent with its default value. Only what the catalog writes is sent, so a definition created
    with explicit defaults (IsAcceleratedNetworkSupported=False and DiskControllerTypes=SCSI, which earlier
    releases always sent) or adopted without them keeps what Azure has: the engine sends the features it holds.
    A change of features the catalog makes without startsAtVersion is refused by the review diff.
    """
    return () if image.feature_starts else ("features",)


def _range(r: Optional[Range]) -> Optional[dict]:
    if r is None or (r.min is None and r.max is None):
        return None
    return {"min": r.min, "max": r.max}


def definition_inputs(image: ImageDefinition, *, gallery: str, group: str, location: str, tags: dict) -> dict:
    recommended = None
    if image.recommended:
        recommended = {"vCPUs": _range(image.recommended.vcpus), "memory": _range(image.recommended.memory_gb)}
    plan = image.purchase_plan
    return {
        "galleryImageName": image.name,
        "galleryName": gallery,
        "resourceGroupName": group,
        "location": location,
        "osType": image.os_type,
        "osState": image.os_state,
        # Explicit, never the API version's default (V1 before 2024, V2 since).
        "hyperVGeneration": image.hyper_v_generation,
        "architecture": image.architecture,
        "identifier": {
            "publisher": image.identifier.publisher,
            "offer": image.identifier.offer,
            "sku": image.identifier.sku,
        },
        "features": features(image) or None,
        "allowUpdateImage": True if image.allow_update_image else None,  # false is Azure's default
        "description": image.description,
        "eula": image.eula,
        "privacyStatementUri": image.privacy_statement_uri,
        "releaseNoteUri": image.release_note_uri,
        "recommended": recommended,
        "disallowed": {"diskTypes": list(image.disallowed_disk_types)} if image.disallowed_disk_types else None,
        "purchasePlan": ({"name": plan.name, "publisher": plan.publisher, "product": plan.product} if plan else None),
        "endOfLifeDate": arm_datetime(image.end_of_life),
        "tags": tags,
    }

"""The keys added for the rest of Azure's gallery API (issue 15) reach the provider exactly in the shape of
Microsoft's REST examples for Compute 2024-03-03 (the example named in each test)."""

from __future__ import annotations

import pytest

from gallery.catalog.loader import load_catalog, load_catalog_text
from tests.fixtures.paths import CATALOGS
from tests.fixtures.pulumi_mocks import by_name

API_FIELDS = CATALOGS / "program" / "api-fields.yaml"
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"


@pytest.fixture
def declared(pulumi_mocks):
    return by_name(pulumi_mocks.component(load_catalog(API_FIELDS, "dev")))


def test_gallery_identity_as_gallery_create_with_managed_identity(declared):
    g = declared["gallery-gallery"]
    # The example sends {"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": {id: {}}};
    # azure-native takes that map as a list of ids.
    assert g.inputs["identity"] == {
        "type": "SystemAssigned, UserAssigned",
        "userAssignedIdentities": [
            f"{SUB}/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-images"
        ],
    }, g.urn


def test_feature_update_as_gallery_image_update_features(declared):
    d = declared["gallery-windows-tl"]
    assert d.inputs["allowUpdateImage"] is True, d.urn
    # Only what the catalog writes, as GalleryImage_UpdateFeatures.json sends only the feature it changes.
    assert d.inputs["features"] == [
        {"name": "SecurityType", "value": "TrustedLaunch", "startsAtVersion": "2.0.0"},
        {"name": "IsHibernateSupported", "value": "True"},
    ], d.urn
    assert d.ignore_changes == [], "a definition that updates its features in place sends them"
    assert "allowUpdateImage" not in declared["gallery-linux-tl"].inputs, "false is Azure's default: not sent"


def test_standard_that_starts_at_a_version_is_sent(pulumi_mocks):
    text = API_FIELDS.read_text().replace("    securityType: TrustedLaunch\n", "")
    run = pulumi_mocks.component(load_catalog_text(text, "api-fields.yaml", "dev"))
    d = by_name(run)["gallery-windows-tl"]
    assert d.inputs["features"][0] == {"name": "SecurityType", "value": "Standard", "startsAtVersion": "2.0.0"}, d.urn


def test_community_source_as_create_with_community_image_version_as_source(declared):
    v = declared["gallery-from-community-1.0.0"]
    assert v.inputs["storageProfile"] == {
        "source": {
            "communityGalleryImageId": "/communityGalleries/contoso-00000000-0000-0000-0000-000000000000/images/ubuntu"
        }
    }, v.urn


def test_disk_sources_as_create_with_snapshots_as_source(declared):
    v = declared["gallery-from-disks-1.0.0"]
    rg = f"{SUB}/resourceGroups/rg-build/providers/Microsoft.Compute"
    assert v.inputs["storageProfile"] == {
        "osDiskImage": {"source": {"id": f"{rg}/snapshots/os-1"}, "hostCaching": "ReadOnly"},
        "dataDiskImages": [{"source": {"id": f"{rg}/disks/data-1"}, "lun": 1, "hostCaching": "None"}],
    }, v.urn


def test_uefi_settings_as_create_with_vhd_uefi_settings(declared):
    v = declared["gallery-linux-tl-1.0.0"]
    assert v.inputs["securityProfile"] == {
        "uefiSettings": {
            "signatureTemplateNames": ["MicrosoftUefiCertificateAuthorityTemplate"],
            "additionalSignatures": {
                "kek": [{"type": "sha256", "value": ["<sha256 value>"]}],
                "db": [{"type": "x509", "value": ["<x509 value>"]}],
                "dbx": [{"type": "x509", "value": ["<x509 value>"]}],
            },
        }
    }, v.urn


def test_region_exclude_from_latest_as_gallery_image_version_create(declared):
    v = declared["gallery-linux-tl-1.0.0"]
    assert v.inputs["publishingProfile"]["targetRegions"] == [
        {
            "name": "westeurope",
            "regionalReplicaCount": 1,
            "storageAccountType": "Standard_LRS",
            "excludeFromLatest": False,
        },
        {
            "name": "northeurope",
            "regionalReplicaCount": 2,
            "storageAccountType": "Standard_ZRS",
            "excludeFromLatest": True,
        },
    ], v.urn
    unset = declared["gallery-from-disks-1.0.0"].inputs["publishingProfile"]["targetRegions"]
    assert unset == [{"name": "westeurope", "regionalReplicaCount": 1, "storageAccountType": "Standard_LRS"}]


def test_premium_v2_storage(declared):
    v = declared["gallery-from-community-1.0.0"]
    assert v.inputs["publishingProfile"]["storageAccountType"] == "PremiumV2_LRS", v.urn
    assert v.inputs["publishingProfile"]["targetRegions"][0]["storageAccountType"] == "PremiumV2_LRS", v.urn


def test_region_encryption_as_gallery_image_version_create(declared):
    v = declared["gallery-confidential-1.0.0"]
    keys = f"{SUB}/resourceGroups/rg-keys/providers/Microsoft.Compute/diskEncryptionSets"
    west, north = v.inputs["publishingProfile"]["targetRegions"]
    assert west["encryption"] == {
        "osDiskImage": {
            "diskEncryptionSetId": f"{keys}/des-weu",
            "securityProfile": {
                "confidentialVMEncryptionType": "EncryptedWithCmk",
                "secureVMDiskEncryptionSetId": f"{keys}/des-cvm-weu",
            },
        },
        "dataDiskImages": [
            {"lun": 0, "diskEncryptionSetId": f"{keys}/des-data-weu"},
            {"lun": 1, "diskEncryptionSetId": f"{keys}/des-weu"},
        ],
    }, v.urn
    assert north["encryption"] == {
        "osDiskImage": {"securityProfile": {"confidentialVMEncryptionType": "EncryptedWithPmk"}}
    }, v.urn


def test_additional_replica_sets_as_create_with_additional_replica_sets(declared):
    west = declared["gallery-confidential-1.0.0"].inputs["publishingProfile"]["targetRegions"][0]
    # The example spells the type "PreviumV2_LRS" (a typo in Microsoft's example); the enum value is PremiumV2_LRS.
    assert west["additionalReplicaSets"] == [{"storageAccountType": "PremiumV2_LRS", "regionalReplicaCount": 1}]

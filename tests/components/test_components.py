"""The ImageGallery component under Pulumi's mocks: exact types, names, inputs and options."""

from __future__ import annotations

import datetime as dt
import uuid

import pulumi
import pytest

from gallery import program
from gallery.desired.foundation import ASSIGNMENT_NAMESPACE
from gallery.catalog.loader import load_catalog
from gallery.plan.engine import FAKE_SUBSCRIPTION
from gallery.catalog.naming import data_disk_blob_name, os_blob_name
from tests.fixtures.paths import CATALOGS, ROOT
from tests.fixtures.pulumi_mocks import by_name, of_type

PROGRAM = CATALOGS / "program"
EXAMPLE = ROOT / "images.yaml"
ALL_VALID = [EXAMPLE, *sorted(PROGRAM.glob("*.yaml")), *sorted((CATALOGS / "valid").glob("*.yaml"))]

RG = "azure-native:resources:ResourceGroup"
ACCOUNT = "azure-native:storage:StorageAccount"
CONTAINER = "azure-native:storage:BlobContainer"
GALLERY = "azure-native:compute:Gallery"
DEFINITION = "azure-native:compute:GalleryImage"
VERSION = "azure-native:compute:GalleryImageVersion"
ASSIGNMENT = "azure-native:authorization:RoleAssignment"
SHARING = "pulumi-python:dynamic/gallery:GallerySharing"
COMMUNITY = "pulumi-python:dynamic/gallery:GalleryCommunity"
GUARD = "pulumi-python:dynamic/gallery:GallerySharingGuard"
SUB_RG = f"/subscriptions/{FAKE_SUBSCRIPTION}/resourceGroups"


@pytest.fixture
def example(pulumi_mocks):
    return pulumi_mocks.component(load_catalog(EXAMPLE, "dev"))


def test_example_declares_exactly_these_resources(example):
    assert sorted((r.type, r.name) for r in example.registrations) == sorted(
        [
            ("gallery:index:ImageGallery", "gallery"),
            (RG, "gallery-rg"),
            (ACCOUNT, "gallery-storage"),
            (CONTAINER, "gallery-container-linux"),
            (CONTAINER, "gallery-container-windows"),
            (GALLERY, "gallery-gallery"),
            (SHARING, "gallery-sharing"),
            (ASSIGNMENT, "gallery-access-3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f-acdd72a7-3385-48ef-bd42-f606fba81ae7"),
            (ASSIGNMENT, "gallery-access-4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a-b24988ac-6180-42a0-ab88-20f7382dd24c"),
            (DEFINITION, "gallery-ubuntu-22.04-gen2"),
            (DEFINITION, "gallery-windows-2022-datacenter"),
            (DEFINITION, "gallery-legacy-erp-app-known-good"),
            (VERSION, "gallery-ubuntu-22.04-gen2-1.0.0"),
            (VERSION, "gallery-ubuntu-22.04-gen2-1.1.0"),
            (VERSION, "gallery-ubuntu-22.04-gen2-1.1.1"),
            (VERSION, "gallery-windows-2022-datacenter-2026.11.0"),
            (VERSION, "gallery-legacy-erp-app-known-good-1.0.0"),
        ]
    )
    component_urn = by_name(example)["gallery"].urn
    for r in example.registrations:
        if r.name != "gallery":
            assert r.parent_urn == component_urn, f"{r.urn} is not parented to the component"


def test_resource_group_and_secure_storage(example):
    res = by_name(example)
    tags = {"costCenter": "4711", "owner": "platform-team"}
    assert res["gallery-rg"].inputs == {"resourceGroupName": "rg-images-dev", "location": "westeurope", "tags": tags}
    account = res["gallery-storage"]
    assert account.inputs == {
        "accountName": "stimagesdev001",
        "resourceGroupName": "rg-images-dev",
        "location": "westeurope",
        "kind": "StorageV2",
        "sku": {"name": "Standard_LRS"},
        "enableHttpsTrafficOnly": True,
        "minimumTlsVersion": "TLS1_2",
        "allowBlobPublicAccess": False,
        "tags": tags,
    }, account.urn
    for family in ("linux", "windows"):
        c = res[f"gallery-container-{family}"]
        assert c.inputs == {
            "accountName": "stimagesdev001",
            "resourceGroupName": "rg-images-dev",
            "containerName": f"{family}-vhds",
            "publicAccess": "None",
        }, c.urn
        assert c.retain_on_delete is True, f"{c.urn}: uploaded VHDs must survive a family's removal"


def test_gallery_resource_group_and_storage_are_protected(example):
    protected = sorted(r.name for r in example.registrations if r.protect)
    assert protected == ["gallery-gallery", "gallery-rg", "gallery-storage"]


def test_gallery_inputs_for_groups_sharing(example):
    g = by_name(example)["gallery-gallery"]
    assert g.inputs == {
        "galleryName": "gal_platform_dev",
        "resourceGroupName": "rg-images-dev",
        "location": "westeurope",
        "description": "Golden images of the platform team",
        "sharingProfile": {"permissions": "Groups"},
        "softDeletePolicy": {"isSoftDeleteEnabled": False},
        "tags": {"costCenter": "4711", "owner": "platform-team"},
    }, g.urn
    s = by_name(example)["gallery-sharing"]
    assert {k: v for k, v in s.inputs.items() if k != "__provider"} == {
        "subscriptionId": FAKE_SUBSCRIPTION,
        "resourceGroupName": "rg-images-dev",
        "galleryName": "gal_platform_dev",
        "subscriptions": ["6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "7a2b3c4d-5e6f-4a7b-9c8d-1e2f3a4b5c6d"],
        "tenants": ["9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e"],
    }, s.urn
    assert sorted(s.dependencies) == sorted([g.urn, by_name(example)["gallery-rg"].urn]), s.urn


def test_community_gallery(pulumi_mocks):
    run = pulumi_mocks.component(load_catalog(PROGRAM / "community.yaml", "dev"))
    g = by_name(run)["gallery-gallery"]
    assert g.inputs["sharingProfile"] == {
        "permissions": "Community",
        "communityGalleryInfo": {
            "publicNamePrefix": "contoso",
            "publisherUri": "https://contoso.example",
            "publisherContact": "images@contoso.example",
            "eula": "https://contoso.example/eula",
        },
    }, g.urn
    assert g.inputs["softDeletePolicy"] == {"isSoftDeleteEnabled": True}, g.urn
    assert of_type(run, SHARING) == [], "only `sharing: groups` galleries get a sharing resource"
    # The gallery is not public until Azure's EnableCommunity: the GalleryCommunity resource sends it.
    [c] = of_type(run, COMMUNITY)
    assert c.name == "gallery-community", c.urn
    assert {k: v for k, v in c.inputs.items() if k != "__provider"} == {
        "subscriptionId": FAKE_SUBSCRIPTION,
        "resourceGroupName": "rg-comm-dev",
        "galleryName": "gal_comm_dev",
        "publicNamePrefix": "contoso",
        "publisherUri": "https://contoso.example",
        "publisherContact": "images@contoso.example",
        "eula": "https://contoso.example/eula",
    }, c.urn
    assert g.urn in c.dependencies, "published only once the gallery exists, and reset before it is deleted"
    assert run.outputs["communitySharingEnabled"] is True
    assert run.outputs["communityPublicNames"] == [f"contoso-{FAKE_SUBSCRIPTION}"]


def test_role_assignments_resolve_roles_and_have_deterministic_names(example, pulumi_mocks):
    gallery_id = f"{SUB_RG}/rg-images-dev/providers/Microsoft.Compute/galleries/gal_platform_dev"
    expected = {
        ("3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", "Group", "acdd72a7-3385-48ef-bd42-f606fba81ae7"),
        ("4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a", "ServicePrincipal", "b24988ac-6180-42a0-ab88-20f7382dd24c"),
    }
    seen = set()
    for a in of_type(example, ASSIGNMENT):
        principal, kind, guid = a.inputs["principalId"], a.inputs["principalType"], a.inputs["roleDefinitionId"][-36:]
        seen.add((principal, kind, guid))
        assert a.inputs["roleDefinitionId"] == (
            f"/subscriptions/{FAKE_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
        ), a.urn
        assert a.inputs["scope"] == gallery_id, a.urn
        assert a.inputs["roleAssignmentName"] == str(
            uuid.uuid5(ASSIGNMENT_NAMESPACE, f"{gallery_id.lower()}|{principal}|{guid}")
        ), a.urn
        assert a.replace_on_changes == ["principalId", "principalType", "roleDefinitionId", "scope"], a.urn
        assert a.delete_before_replace is True, f"{a.urn}: the same name cannot exist twice"
    assert seen == expected
    again = pulumi_mocks.component(load_catalog(EXAMPLE, "dev"))
    assert sorted(a.inputs["roleAssignmentName"] for a in of_type(again, ASSIGNMENT)) == sorted(
        a.inputs["roleAssignmentName"] for a in of_type(example, ASSIGNMENT)
    ), "a re-run must not add assignments"


def test_role_given_as_guid_and_principal_type_left_to_azure_native(pulumi_mocks):
    run = pulumi_mocks.component(load_catalog(PROGRAM / "community.yaml", "dev"))
    [a] = of_type(run, ASSIGNMENT)
    assert a.inputs["roleDefinitionId"].endswith("/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"), a.urn
    # azure-native fills in principalType "User" when it is left out (role_assignment.py): a group or
    # service principal must say so in the catalog, or Azure rejects the assignment.
    assert a.inputs["principalType"] == "User", a.urn


@pytest.mark.parametrize("catalog", ALL_VALID, ids=lambda p: p.name)
def test_every_definition_states_generation_and_security_type(pulumi_mocks, catalog):
    model = load_catalog(catalog, "dev")
    run = pulumi_mocks.component(model)
    for image in model.images:
        d = by_name(run)[f"gallery-{image.name}"]
        assert d.inputs["hyperVGeneration"] == image.hyper_v_generation, d.urn
        security = [f for f in d.inputs.get("features", []) if f["name"] == "SecurityType"]
        # At API 2024-03-03 a definition without the feature is Standard, and no Microsoft example sends
        # `SecurityType: Standard`: it is left out (unless a startsAtVersion changes the feature back to it).
        if image.security_type == "Standard" and not image.starts_at("securityType"):
            assert security == [], d.urn
        else:
            assert [f["value"] for f in security] == [image.security_type], d.urn


def test_definition_inputs_for_every_key(pulumi_mocks):
    run = pulumi_mocks.component(load_catalog(PROGRAM / "community.yaml", "dev"))
    d = by_name(run)["gallery-win-arm"]
    assert d.inputs == {
        "galleryImageName": "win-arm",
        "galleryName": "gal_comm_dev",
        "resourceGroupName": "rg-comm-dev",
        "location": "northeurope",
        "osType": "Windows",
        "osState": "Specialized",
        "hyperVGeneration": "V2",
        "architecture": "Arm64",
        "identifier": {"publisher": "Contoso", "offer": "win-arm", "sku": "11"},
        "features": [
            {"name": "SecurityType", "value": "TrustedLaunchSupported"},
            {"name": "IsAcceleratedNetworkSupported", "value": "False"},  # written, so sent
            # written NVMe, SCSI in the catalog: Azure wants SCSI first, or every deploy diffs
            {"name": "DiskControllerTypes", "value": "SCSI, NVMe"},
        ],
        "eula": "https://contoso.example/eula/win",
        "privacyStatementUri": "https://contoso.example/privacy",
        "releaseNoteUri": "https://contoso.example/notes",
        "recommended": {"vCPUs": {"min": 2, "max": 8}, "memory": {"min": 8}},
        "disallowed": {"diskTypes": ["Standard_LRS"]},
        "purchasePlan": {"name": "plan-1", "publisher": "contoso", "product": "win-arm"},
        "endOfLifeDate": "2030-01-31T00:00:00Z",
        "tags": {"owner": "images"},
    }, d.urn


def test_vhd_versions_follow_the_blob_convention(example):
    account_id = f"{SUB_RG}/rg-images-dev/providers/Microsoft.Storage/storageAccounts/stimagesdev001"
    base = "https://stimagesdev001.blob.core.windows.net/linux-vhds/"
    image = "ubuntu-22.04-gen2"
    v = by_name(example)[f"gallery-{image}-1.1.1"]
    day = dt.date(2026, 11, 2)
    assert v.inputs["storageProfile"] == {
        "osDiskImage": {
            "hostCaching": "ReadWrite",
            "source": {"uri": base + os_blob_name(image, day, 1), "storageAccountId": account_id},
        },
        "dataDiskImages": [
            {
                "lun": 0,
                "hostCaching": "ReadOnly",
                "source": {"uri": base + data_disk_blob_name(image, 0, day, 1), "storageAccountId": account_id},
            },
            {
                "lun": 1,
                "hostCaching": "None",
                "source": {"uri": base + data_disk_blob_name(image, 1, day, 1), "storageAccountId": account_id},
            },
        ],
    }, v.urn
    assert v.inputs["storageProfile"]["osDiskImage"]["source"]["uri"].endswith(
        "/linux-vhds/ubuntu-22.04-gen2-os-2026-11-02-01.vhd"
    ), v.urn


def test_version_publishing_and_safety(example):
    v = by_name(example)["gallery-ubuntu-22.04-gen2-1.1.0"]
    assert v.inputs["galleryImageVersionName"] == "1.1.0" and v.inputs["galleryImageName"] == "ubuntu-22.04-gen2"
    assert v.inputs["location"] == "westeurope", v.urn
    assert v.inputs["publishingProfile"] == {
        "targetRegions": [
            {"name": "westeurope", "regionalReplicaCount": 1, "storageAccountType": "Standard_LRS"},
            {"name": "northeurope", "regionalReplicaCount": 2, "storageAccountType": "Standard_ZRS"},
        ],
        "replicaCount": 1,
        "storageAccountType": "Standard_LRS",
        "replicationMode": "Full",
        "excludeFromLatest": False,
        "endOfLifeDate": "2027-11-02T00:00:00Z",
    }, v.urn
    assert v.inputs["safetyProfile"] == {"allowDeletionOfReplicatedLocations": True}, v.urn
    w = by_name(example)["gallery-windows-2022-datacenter-2026.11.0"]
    assert w.inputs["publishingProfile"]["targetRegions"] == [
        {"name": "westeurope", "regionalReplicaCount": 2, "storageAccountType": "Standard_ZRS"},
        {"name": "northeurope", "regionalReplicaCount": 2, "storageAccountType": "Standard_ZRS"},
    ], w.urn
    assert by_name(example)["gallery-ubuntu-22.04-gen2-1.1.1"].inputs["publishingProfile"]["excludeFromLatest"] is True


def test_shallow_replication_and_kept_replicated_locations(pulumi_mocks):
    run = pulumi_mocks.component(load_catalog(PROGRAM / "community.yaml", "dev"))
    v = by_name(run)["gallery-win-arm-0.1.0"]
    assert v.inputs["publishingProfile"]["replicationMode"] == "Shallow", v.urn
    assert v.inputs["publishingProfile"]["targetRegions"] == [
        {"name": "northeurope", "regionalReplicaCount": 1, "storageAccountType": "Standard_LRS"}
    ], v.urn
    assert v.inputs["safetyProfile"] == {"allowDeletionOfReplicatedLocations": False}, v.urn
    assert v.inputs["storageProfile"]["osDiskImage"]["source"]["uri"] == (
        "https://stcommdev.blob.core.windows.net/vhd-windows/win-arm-os-2026-01-15.vhd"
    ), v.urn


@pytest.mark.parametrize("catalog", ALL_VALID, ids=lambda p: p.name)
def test_every_version_replicates_to_the_home_region_first(pulumi_mocks, catalog):
    model = load_catalog(catalog, "dev")
    run = pulumi_mocks.component(model)
    versions = of_type(run, VERSION)
    assert len(versions) == sum(len(i.versions) for i in model.images)
    for v in versions:
        assert v.inputs["location"] == model.location, v.urn
        assert v.inputs["publishingProfile"]["targetRegions"][0]["name"] == model.location, v.urn


def test_resource_sources(pulumi_mocks):
    run = pulumi_mocks.component(load_catalog(PROGRAM / "sources.yaml", "dev"))
    res = by_name(run)
    build = f"{SUB_RG}/rg-build/providers/Microsoft.Compute"
    assert res["gallery-from-resources-1.0.0"].inputs["storageProfile"] == {"source": {"id": f"{build}/images/img-1"}}
    assert res["gallery-from-resources-1.0.1"].inputs["storageProfile"] == {
        "source": {"virtualMachineId": f"{build}/virtualMachines/vm-1"}
    }
    assert res["gallery-from-resources-1.0.2"].inputs["storageProfile"] == {
        "osDiskImage": {"source": {"id": f"{build}/snapshots/snap-1"}}
    }
    assert res["gallery-from-resources-1.0.3"].inputs["storageProfile"] == {
        "source": {
            "id": (f"{SUB_RG}/rg-other/providers/Microsoft.Compute/galleries/gal_other/images/base/versions/1.0.0")
        }
    }
    base = "https://stsrcdev.blob.core.windows.net/linux-vhds/"
    explicit = res["gallery-linux-vhd-1.0.1"].inputs["storageProfile"]
    assert explicit["osDiskImage"]["source"]["uri"] == base + "custom/os-disk.vhd"
    assert explicit["dataDiskImages"][0]["source"]["uri"] == base + "custom/data-0.vhd"
    assert explicit["osDiskImage"]["hostCaching"] == "ReadWrite", "the default OS disk caching"
    dated = res["gallery-linux-vhd-1.0.0"].inputs["storageProfile"]
    assert dated["osDiskImage"]["hostCaching"] == "ReadOnly"
    assert dated["dataDiskImages"] == [
        {
            "lun": 3,
            "hostCaching": "ReadWrite",
            "source": {
                "uri": base + "linux-vhd-datadisk-3-2026-11-02.vhd",
                "storageAccountId": f"{SUB_RG}/rg-src-dev/providers/Microsoft.Storage/storageAccounts/stsrcdev",
            },
        }
    ]
    # Only VHD versions wait for the storage; resource sources do not.
    assert res["gallery-storage"].urn in res["gallery-linux-vhd-1.0.0"].dependencies
    assert res["gallery-storage"].urn not in res["gallery-from-resources-1.0.0"].dependencies


def test_version_timeouts_fit_replication(pulumi_mocks, example):
    for v in of_type(example, VERSION):
        assert v.custom_timeouts == {"create": "6h", "update": "6h", "delete": "1h"}, v.urn
    run = pulumi_mocks.component(load_catalog(PROGRAM / "many-regions.yaml", "dev"))
    wide = by_name(run)["gallery-fleet-3.0.0"]  # 8 regions x 3 replicas: 8h + 24 x 20 min = 16h
    assert wide.custom_timeouts == {"create": "16h", "update": "16h", "delete": "4h"}, wide.urn
    narrow = by_name(run)["gallery-fleet-3.0.1"]
    assert narrow.custom_timeouts == {"create": "6h", "update": "6h", "delete": "1h"}, narrow.urn
    for r in run.registrations:
        if r.type != VERSION:
            assert r.custom_timeouts == {}, r.urn


def test_only_role_assignments_replace_on_changes(example):
    for r in example.registrations:
        if r.type != ASSIGNMENT:
            assert r.replace_on_changes == [] and not r.delete_before_replace, r.urn


def test_dependency_chain_is_short_and_versions_never_wait_for_versions(example):
    res = by_name(example)
    urns = {r.urn: r for r in example.registrations}
    for v in of_type(example, VERSION):
        deps = {urns[u].type for u in v.dependencies}
        assert VERSION not in deps, f"{v.urn} waits for another version"
    windows = res["gallery-windows-2022-datacenter-2026.11.0"]
    assert {urns[u].name for u in windows.dependencies} == {
        "gallery-rg",
        "gallery-gallery",
        "gallery-windows-2022-datacenter",
    }, windows.urn
    ubuntu = res["gallery-ubuntu-22.04-gen2-1.0.0"]
    assert {urns[u].name for u in ubuntu.dependencies} == {
        "gallery-rg",
        "gallery-gallery",
        "gallery-ubuntu-22.04-gen2",
        "gallery-storage",
        "gallery-container-linux",
    }, ubuntu.urn

    def depth(r) -> int:
        return 1 + max((depth(urns[u]) for u in r.dependencies), default=0)

    assert max(depth(r) for r in example.registrations) == 4, "rg -> storage/gallery -> definition -> version"


def test_reordering_images_and_versions_changes_nothing(pulumi_mocks):
    a = pulumi_mocks.component(load_catalog(PROGRAM / "order-a.yaml", "dev"))
    b = pulumi_mocks.component(load_catalog(PROGRAM / "order-b.yaml", "dev"))
    assert by_name(a).keys() == by_name(b).keys()
    for name, r in by_name(a).items():
        other = by_name(b)[name]
        assert (r.type, r.inputs, sorted(r.dependencies)) == (other.type, other.inputs, sorted(other.dependencies)), (
            r.urn
        )


def test_outputs_give_latest_as_integers(pulumi_mocks):
    run = pulumi_mocks.component(load_catalog(PROGRAM / "order-b.yaml", "dev"))
    assert run.outputs["latestVersions"] == {"alpha": "1.0.10", "beta": "2.0.0"}
    assert run.outputs["latestVersionIds"]["alpha"] == (
        f"{SUB_RG}/rg-order-dev/providers/Microsoft.Compute/galleries/gal_order_dev/images/alpha/versions/1.0.10"
    )
    wide = pulumi_mocks.component(load_catalog(PROGRAM / "many-regions.yaml", "dev"))
    assert wide.outputs["latestVersions"] == {"fleet": "3.0.0"}, "3.0.1 is excluded from latest"


def test_outputs_give_latest_per_region_honouring_each_regions_exclude_from_latest(pulumi_mocks):
    run = pulumi_mocks.component(load_catalog(PROGRAM / "api-fields.yaml", "dev"))
    # linux-tl 1.0.0 is excluded from latest in northeurope only: VMs there get no `latest` of it.
    assert run.outputs["latestVersionsByRegion"]["linux-tl"] == {"westeurope": "1.0.0"}
    assert run.outputs["latestVersions"]["linux-tl"] == "1.0.0"
    wide = pulumi_mocks.component(load_catalog(PROGRAM / "many-regions.yaml", "dev"))
    assert wide.outputs["latestVersionsByRegion"]["fleet"] == {
        r: "3.0.0"
        for r in ("westeurope", "northeurope", "eastus", "eastus2", "westus2", "westus3", "centralus", "uksouth")
    }


def test_the_program_exports_what_consumers_need(pulumi_mocks):
    run = pulumi_mocks.component(load_catalog(EXAMPLE, "dev"))
    assert list(run.outputs) == sorted(
        [
            "resourceGroupName",
            "galleryName",
            "galleryId",
            "storageAccountName",
            "storageAccountId",
            "containers",
            "definitionIds",
            "versionIds",
            "latestVersions",
            "latestVersionIds",
            "latestVersionsByRegion",
            "communitySharingEnabled",
            "communityPublicNames",
        ]
    )
    gallery_id = f"{SUB_RG}/rg-images-dev/providers/Microsoft.Compute/galleries/gal_platform_dev"
    assert run.outputs["resourceGroupName"] == "rg-images-dev"
    assert run.outputs["galleryName"] == "gal_platform_dev"
    assert run.outputs["galleryId"] == gallery_id
    assert run.outputs["storageAccountName"] == "stimagesdev001"
    assert (
        run.outputs["storageAccountId"]
        == f"{SUB_RG}/rg-images-dev/providers/Microsoft.Storage/storageAccounts/stimagesdev001"
    )
    assert run.outputs["containers"] == {"linux": "linux-vhds", "windows": "windows-vhds"}
    assert run.outputs["definitionIds"]["ubuntu-22.04-gen2"] == f"{gallery_id}/images/ubuntu-22.04-gen2"
    assert (
        run.outputs["versionIds"]["ubuntu-22.04-gen2"]["1.1.1"]
        == f"{gallery_id}/images/ubuntu-22.04-gen2/versions/1.1.1"
    )
    assert run.outputs["latestVersions"] == {
        "ubuntu-22.04-gen2": "1.1.0",
        "windows-2022-datacenter": "2026.11.0",
        "legacy-erp-app-known-good": "1.0.0",
    }
    assert run.outputs["latestVersionIds"]["windows-2022-datacenter"] == (
        f"{gallery_id}/images/windows-2022-datacenter/versions/2026.11.0"
    )
    assert (run.outputs["communitySharingEnabled"], run.outputs["communityPublicNames"]) == (False, [])


def test_the_program_refuses_an_invalid_catalog_before_declaring_anything(pulumi_mocks):
    config = {"image-gallery:catalog": "tests/catalogs/invalid/regions.yaml"}
    runs = []

    def main():
        runs.append(1)
        program.declare(program.load(ROOT, pulumi.Config(), pulumi.get_stack()))

    with pytest.raises(pulumi.RunError) as info:
        pulumi_mocks.run(main, config=config)
    assert runs == [1]
    assert "regions.yaml:17:44: error: images[0].versions[0].regions[2]: 'northeurop' is not an Azure region" in str(
        info.value
    )
    assert pulumi_mocks.mocks.created == [], "no resource may be declared from an invalid catalog"


def test_block_deletion_before_end_of_life_is_sent_only_where_the_policy_asks(pulumi_mocks):
    run = pulumi_mocks.component(load_catalog(PROGRAM / "lifecycle.yaml", "dev"))
    safety = {r.name: r.inputs["safetyProfile"] for r in of_type(run, VERSION)}
    assert safety == {
        "gallery-web-1.0.0": {"allowDeletionOfReplicatedLocations": True, "blockDeletionBeforeEndOfLife": True},
        "gallery-web-1.1.0": {"allowDeletionOfReplicatedLocations": True, "blockDeletionBeforeEndOfLife": True},
        "gallery-batch-2.0.0": {"allowDeletionOfReplicatedLocations": True},
    }


def test_a_private_or_community_gallery_waits_for_its_sharing_guard(pulumi_mocks, example):
    for path in (CATALOGS / "valid" / "minimal.yaml", PROGRAM / "community.yaml"):
        run = pulumi_mocks.component(load_catalog(path, "dev"))
        [guard] = of_type(run, GUARD)
        gallery = by_name(run)["gallery-gallery"]
        assert guard.name == "gallery-sharing-guard", guard.urn
        assert guard.urn in gallery.dependencies, "the guard's reset must come before the gallery's update"
        assert {k: v for k, v in guard.inputs.items() if k != "__provider"} == {
            "subscriptionId": FAKE_SUBSCRIPTION,
            "resourceGroupName": gallery.inputs["resourceGroupName"],
            "galleryName": gallery.inputs["galleryName"],
            "sharing": load_catalog(path, "dev").gallery.sharing,
        }
    assert of_type(example, GUARD) == [], "groups sharing is chosen at creation: nothing to leave"


def test_features_the_catalog_does_not_write_are_not_sent(pulumi_mocks):
    # Azure applies its own defaults to absent features and tells them from explicit ones; and it fixes the
    # features at creation, so a definition that does not update them in place ignores changes to them: a stack
    # holding the explicit defaults earlier releases sent (or a gallery adopted without them) sees no update.
    run = pulumi_mocks.component(load_catalog(ROOT / "images.yaml", "dev"))
    d = by_name(run)["gallery-windows-2022-datacenter"]
    assert d.inputs["features"] == [{"name": "SecurityType", "value": "TrustedLaunchSupported"}], d.urn
    assert d.ignore_changes == ["features"], d.urn
    legacy = by_name(run)["gallery-legacy-erp-app-known-good"]
    assert "features" not in legacy.inputs, legacy.urn

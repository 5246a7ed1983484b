"""Replication region by region (Replicating with progress -> Completed or Failed) and a second writer's PUT, PATCH
and DELETE of a version, read and written through the real azure-mgmt-compute client."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.compute.models import GalleryImageVersionUpdate, TargetRegion

from armlocal import SUBSCRIPTION
from armlocal.example import add_platform_gallery
from armlocal.replication import Region
from gallery.azure.client import call_options, compute_client
from gallery.azure.target import resolve_target

RG, GALLERY, UBUNTU = "rg-images-dev", "gal_platform_dev", "ubuntu-22.04-gen2"


@pytest.fixture
def client(arm):
    add_platform_gallery(arm)
    return compute_client(resolve_target(), SUBSCRIPTION)


def read(client, version: str):
    v = client.gallery_image_versions.get(RG, GALLERY, UBUNTU, version, expand="ReplicationStatus", **call_options())
    return (
        v.provisioning_state,
        v.replication_status.aggregated_state,
        [(s.region, s.state, s.progress, s.details) for s in v.replication_status.summary],
    )


def test_a_region_replicates_with_progress_then_completes(arm, client):
    arm.replicate(RG, GALLERY, UBUNTU, "1.1.1", {"northeurope": Region(progress=42, step=29, details="copying")})
    assert read(client, "1.1.1") == (
        "Creating",
        "InProgress",
        [("West Europe", "Completed", 100, ""), ("North Europe", "Replicating", 42, "copying")],
    )
    arm.tick()
    assert read(client, "1.1.1")[2][1] == ("North Europe", "Replicating", 71, "copying")
    arm.tick()
    assert read(client, "1.1.1") == (
        "Succeeded",
        "Completed",
        [("West Europe", "Completed", 100, ""), ("North Europe", "Completed", 100, "")],
    )


def test_a_region_that_fails_fails_the_version_with_azures_details(arm, client):
    arm.replicate(
        RG,
        GALLERY,
        UBUNTU,
        "1.1.1",
        {"northeurope": Region(step=50, fail_at=50), "westeurope": Region(progress=0, step=25)},
        updating=True,
    )
    arm.tick()
    assert read(client, "1.1.1") == (
        "Updating",
        "InProgress",
        [("West Europe", "Replicating", 25, ""), ("North Europe", "Failed", 50, "Replication job failed.")],
    )
    arm.tick(3)
    assert read(client, "1.1.1")[:2] == ("Failed", "Failed")


def test_each_read_is_a_tick_when_asked(arm, client):
    arm.tick_on_read = True
    arm.replicate(RG, GALLERY, UBUNTU, "1.1.1", {"northeurope": Region(step=40)})
    assert [read(client, "1.1.1")[2][1][2] for _ in range(3)] == [40, 80, 100]


def test_a_second_writers_put_replaces_the_whole_region_list(arm, client):
    """Azure has no ETag on versions: the other pipeline's list wins, the regions it lacks are gone, the ones it
    adds replicate, and its operation ends when they have."""
    body = client.gallery_image_versions.get(RG, GALLERY, UBUNTU, "1.1.0", **call_options())
    body.publishing_profile.target_regions = [
        TargetRegion(name="westeurope", regional_replica_count=1),
        TargetRegion(name="eastus", regional_replica_count=1),
    ]
    poller = client.gallery_image_versions.begin_create_or_update(RG, GALLERY, UBUNTU, "1.1.0", body, **call_options())
    assert read(client, "1.1.0") == (
        "Updating",
        "InProgress",
        [("West Europe", "Completed", 100, ""), ("East US", "Replicating", 0, "")],
    )
    arm.tick(4)
    assert poller.result().provisioning_state == "Succeeded"
    assert read(client, "1.1.0")[2] == [("West Europe", "Completed", 100, ""), ("East US", "Completed", 100, "")]


def test_a_patch_of_the_region_list_replaces_it_whole_too(arm, client):
    update = GalleryImageVersionUpdate(publishing_profile={"targetRegions": [{"name": "West Europe"}]})
    client.gallery_image_versions.begin_update(RG, GALLERY, UBUNTU, "1.1.1", update, **call_options())
    assert read(client, "1.1.1") == ("Succeeded", "Completed", [("West Europe", "Completed", 100, "")])


def test_what_azure_refuses_is_refused_and_nothing_changes(arm, client):
    before = read(client, "1.1.0")
    version = arm.versions[next(k for k in arm.versions if k[1:] == (UBUNTU, "1.1.0"))]
    version["properties"]["safetyProfile"]["allowDeletionOfReplicatedLocations"] = False
    update = GalleryImageVersionUpdate(publishing_profile={"targetRegions": [{"name": "West Europe"}]})
    with pytest.raises(HttpResponseError) as refused:
        client.gallery_image_versions.begin_update(RG, GALLERY, UBUNTU, "1.1.0", update, **call_options())
    assert refused.value.error.code == "OperationNotAllowed"
    update = GalleryImageVersionUpdate(
        publishing_profile={
            "targetRegions": [{"name": "westeurope"}, {"name": "northeurope", "storageAccountType": "Standard_LRS"}]
        }
    )
    with pytest.raises(HttpResponseError) as refused:
        client.gallery_image_versions.begin_update(RG, GALLERY, UBUNTU, "1.1.0", update, **call_options())
    assert refused.value.error.code == "PropertyChangeNotAllowed"
    assert read(client, "1.1.0") == before


def test_a_delete_is_deleting_until_time_passes(arm, client):
    poller = client.gallery_image_versions.begin_delete(RG, GALLERY, UBUNTU, "1.0.0", **call_options())
    assert read(client, "1.0.0")[0] == "Deleting"
    arm.tick()
    poller.result()
    assert [
        v.name for v in client.gallery_image_versions.list_by_gallery_image(RG, GALLERY, UBUNTU, **call_options())
    ] == ["1.1.0", "1.1.1"]

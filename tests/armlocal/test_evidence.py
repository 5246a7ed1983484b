"""What the endpoint serves for issue 21, read back through the real clients: a version's validation profile (only
with $expand=ValidationProfile), its policy violations, soft-deleted versions, and Resource Graph's answers."""

from __future__ import annotations

import pytest

from armlocal import SUBSCRIPTION, policy_violation, serve_catalog
from gallery.azure.client import call_options, compute_client
from gallery.azure.errors import ArmError
from gallery.azure.graph import graph_client, machines_using
from gallery.azure.target import resolve_target
from gallery.catalog.loader import load_catalog
from tests.fixtures.paths import ROOT

UBUNTU = "ubuntu-22.04-gen2"
RG, GALLERY = "rg-images-dev", "gal_platform_dev"


@pytest.fixture
def client(arm):
    serve_catalog(arm, load_catalog(ROOT / "images.yaml"))
    return compute_client(resolve_target(), SUBSCRIPTION)


def get(client, version="1.1.0", **kw):
    return client.gallery_image_versions.get(RG, GALLERY, UBUNTU, version, **kw, **call_options())


def test_the_validation_profile_comes_with_its_expand_only(arm, client):
    arm.validate(RG, GALLERY, UBUNTU, "1.1.0", {"vmScan": "Succeeded", "bootCheck": "Failed"})
    body = get(client, expand="ValidationProfile")
    profile = body.validations_profile
    assert profile.validation_etag == "340b47fb-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    assert [(v.type, v.status, v.version) for v in profile.executed_validations] == [
        ("vmScan", "Succeeded", "1.0.0"),
        ("bootCheck", "Failed", "1.0.0"),
    ]
    assert [(a.name, a.value) for a in profile.platform_attributes] == [("osState", "Generalized")]
    assert body.replication_status is None, "one expand at a time"
    assert get(client).validations_profile is None
    assert get(client, expand="ReplicationStatus").validations_profile is None


def test_policy_violations_on_every_get(arm, client):
    arm.flag(RG, GALLERY, UBUNTU, "1.1.0", policy_violation("IpTheft", "Reported by the publisher."))
    safety = get(client).safety_profile
    assert safety.reported_for_policy_violation is True
    assert [(v.category, v.details) for v in safety.policy_violations] == [("IpTheft", "Reported by the publisher.")]
    assert get(client, "1.0.0").safety_profile.policy_violations is None


def test_soft_deleted_versions_are_listed_by_image(arm, client):
    arm.soft_delete(RG, GALLERY, UBUNTU, "1.0.0")
    arm.page_size = 1
    arm.add_soft_deleted(RG, GALLERY, UBUNTU, "0.9.0", deleted="2026-10-01T00:00:00.0000000+00:00")
    listed = list(client.soft_deleted_resource.list_by_artifact_name(RG, GALLERY, "Images", UBUNTU, **call_options()))
    assert [(r.name, r.properties.soft_deleted_artifact_type, r.properties.soft_deleted_time) for r in listed] == [
        ("0.9.0", "Images", "2026-10-01T00:00:00.0000000+00:00"),
        ("1.0.0", "Images", "2026-11-20T08:00:00.0000000+00:00"),
    ]
    assert listed[1].properties.resource_arm_id.endswith(f"/images/{UBUNTU}/versions/1.0.0")
    with pytest.raises(Exception, match="ResourceNotFound"):
        get(client, "1.0.0")  # no longer served as a version


def test_resource_graph_refuses_a_query_it_does_not_answer(arm):
    from azure.core.exceptions import HttpResponseError
    from azure.mgmt.resourcegraph.models import QueryRequest

    with pytest.raises(HttpResponseError, match="BadRequest"):
        graph_client(resolve_target()).resources(QueryRequest(query="resources | take 1"))


def test_resource_graph_errors_are_said_as_arm_errors(arm):
    arm.fail("POST", "ResourceGraph", 429, "RateLimiting", "Please retry after 5 seconds.", times=10)
    with pytest.raises(ArmError, match="Azure kept throttling the requests"):
        machines_using(graph_client(resolve_target(), retry_total=0), ["/subscriptions/s/x/images/a"])


# -- the catalog edits of issue 21, deployed: what a `pulumi up` of them sends (the version's desired inputs) ------


def deploy(client, catalog, image: str, version: str):
    """PUT the version as the catalog's desired state declares it, as azure-native does, and wait for it."""
    from gallery.desired import arm as kinds
    from gallery.desired.build import desired_state

    [inputs] = [
        r.inputs
        for r in desired_state(catalog, subscription=SUBSCRIPTION).of_type(kinds.VERSION)
        if (r.inputs["galleryImageName"], r.inputs["galleryImageVersionName"]) == (image, version)
    ]
    body = {
        "location": inputs["location"],
        "tags": inputs.get("tags") or {},
        "properties": {
            k: inputs[k] for k in ("publishingProfile", "storageProfile", "safetyProfile", "restore") if k in inputs
        },
    }
    return client.gallery_image_versions.begin_create_or_update(RG, GALLERY, image, version, body, **call_options())


def test_a_delete_on_a_gallery_with_soft_delete_keeps_the_version_and_restore_brings_it_back(arm, client, tmp_path):
    arm.gallery(RG, GALLERY)["properties"]["softDeletePolicy"]["isSoftDeleteEnabled"] = True
    poller = client.gallery_image_versions.begin_delete(RG, GALLERY, UBUNTU, "1.0.0", **call_options())
    arm.tick()
    poller.result()
    kept = list(client.soft_deleted_resource.list_by_artifact_name(RG, GALLERY, "Images", UBUNTU, **call_options()))
    assert [r.name for r in kept] == ["1.0.0"]
    # `gallery version restore` puts it back with restore: true; the deployment sends it so.
    text = (
        (ROOT / "images.yaml")
        .read_text()
        .replace("        endOfLife: 2027-04-05\n", "        endOfLife: 2027-04-05\n        restore: true\n", 1)
    )
    (tmp_path / "images.yaml").write_text(text)
    assert (
        deploy(client, load_catalog(tmp_path / "images.yaml"), UBUNTU, "1.0.0").result().provisioning_state
        == "Succeeded"
    )
    assert [r.query for r in arm.calls("PUT", "/versions/1.0.0")] == [{"api-version": "2024-03-03"}]
    assert arm.calls("PUT", "/versions/1.0.0")[0].body["properties"]["restore"] is True
    assert get(client, "1.0.0", expand="ReplicationStatus").replication_status.aggregated_state == "Completed"
    assert (
        list(client.soft_deleted_resource.list_by_artifact_name(RG, GALLERY, "Images", UBUNTU, **call_options())) == []
    )


def test_a_restore_of_what_the_gallery_does_not_keep_is_refused(arm, client, tmp_path):
    from azure.core.exceptions import ResourceNotFoundError

    text = (
        (ROOT / "images.yaml")
        .read_text()
        .replace(
            "      - version: 1.1.0\n",
            "      - version: 0.9.0\n        source: {vhd: {captured: 2026-09-01}}\n"
            "        excludeFromLatest: true\n        restore: true\n      - version: 1.1.0\n",
            1,
        )
    )
    (tmp_path / "images.yaml").write_text(text)
    with pytest.raises(ResourceNotFoundError, match="no soft-deleted version '0.9.0'"):
        deploy(client, load_catalog(tmp_path / "images.yaml"), UBUNTU, "0.9.0")


def test_the_two_repair_deployments(arm, client, tmp_path):
    """Change 1 (northeurope repairing) removes the region from the version, change 2 replicates it again."""
    text = (ROOT / "images.yaml").read_text()
    first = text.replace(
        "          - {name: northeurope, replicas: 2, storageAccountType: Standard_ZRS}\n",
        "          - {name: northeurope, replicas: 2, storageAccountType: Standard_ZRS, repairing: true}\n",
        1,
    )
    (tmp_path / "images.yaml").write_text(first)
    deploy(client, load_catalog(tmp_path / "images.yaml"), UBUNTU, "1.1.0").result()
    assert [s.region for s in get(client, expand="ReplicationStatus").replication_status.summary] == ["West Europe"]
    (tmp_path / "images.yaml").write_text(text)
    poller = deploy(client, load_catalog(tmp_path / "images.yaml"), UBUNTU, "1.1.0")
    status = get(client, expand="ReplicationStatus").replication_status
    assert [(s.region, s.state) for s in status.summary] == [
        ("West Europe", "Completed"),
        ("North Europe", "Replicating"),
    ]
    arm.tick(4)
    assert poller.result().provisioning_state == "Succeeded"

"""`gallery status` through the real client against the local ARM endpoint: replicating with progress, failed with
Azure's details, deleting, migrating, missing, outside the catalog, what a second writer changed, `latest` per
region, refusals and throttling; every JSON document checked against the schema in the repository."""

from __future__ import annotations

import json

import jsonschema
import pytest
from azure.mgmt.compute.models import GalleryImageVersionUpdate

from armlocal import API_VERSION, SUBSCRIPTION, serve_catalog
from armlocal.bodies import image_properties, version_properties
from armlocal.replication import Region
from gallery.azure.client import call_options, compute_client
from gallery.azure.target import resolve_target
from gallery.catalog.loader import load_catalog
from gallery.cli import main
from gallery.lifecycle.status import read_status
from tests.fixtures.paths import ROOT

EXAMPLE = ROOT / "images.yaml"
SCHEMA = json.loads((ROOT / "gallery" / "lifecycle" / "schema" / "status.schema.json").read_text())
UBUNTU, WINDOWS, ERP = "ubuntu-22.04-gen2", "windows-2022-datacenter", "legacy-erp-app-known-good"
RG, GALLERY = "rg-images-dev", "gal_platform_dev"


@pytest.fixture
def catalog():
    return load_catalog(EXAMPLE, "dev")


@pytest.fixture
def env(arm, monkeypatch):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    return arm


def read(catalog, **kw):
    return read_status(catalog, compute_client(resolve_target(), SUBSCRIPTION), SUBSCRIPTION, **kw)


def by_name(status):
    return {(v.image, v.version): v for v in status.versions}


def status_json(capsys, *argv) -> tuple[int, dict]:
    code = main(["status", str(EXAMPLE), "--format", "json", *argv])
    doc = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert doc["exitCode"] == code
    return code, doc


def body(arm, image, version) -> dict:
    return arm.versions[next(k for k in arm.versions if k[1:] == (image.lower(), version))]["properties"]


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["formatVersion"] == {"const": 1}


def test_a_ready_gallery(env, catalog, capsys):
    serve_catalog(env, catalog)
    status = read(catalog)
    assert status.healthy and not status.attention
    v = by_name(status)[(UBUNTU, "1.1.0")]
    assert (v.state, v.message, v.provisioning, v.replication, v.end_of_life, v.latest_in) == (
        "ready",
        "ready",
        "Succeeded",
        "Completed",
        "2027-11-02",
        ("westeurope", "northeurope"),
    )
    assert [(r.region, r.state, r.progress) for r in v.regions] == [
        ("westeurope", "Completed", 100),
        ("northeurope", "Completed", 100),
    ]
    assert by_name(status)[(UBUNTU, "1.1.1")].latest_in == () and by_name(status)[(UBUNTU, "1.1.1")].exclude_from_latest
    gets = [r for r in env.calls("GET", "/versions/") if "$expand" in r.query]
    assert len(gets) == 5 and all(r.query == {"api-version": API_VERSION, "$expand": "ReplicationStatus"} for r in gets)
    code, doc = status_json(capsys)
    assert code == 0 and doc["attention"] is False
    assert doc["summary"] == {
        "catalogVersions": 5,
        "ready": 5,
        "replicating": 0,
        "migrating": 0,
        "deleting": 0,
        "failed": 0,
        "unknown": 0,
        "missing": 0,
        "unreadable": 0,
        "differing": 0,
        "outsideCatalog": {"definitions": 0, "versions": 0},
    }
    [ubuntu] = [i for i in doc["images"] if i["name"] == UBUNTU]
    assert ubuntu["latest"] == [
        {"region": "westeurope", "azure": "1.1.0", "catalog": "1.1.0"},
        {"region": "northeurope", "azure": "1.1.0", "catalog": "1.1.0"},
    ]


def test_replicating_is_shown_with_region_and_progress_not_failed(env, catalog, capsys):
    serve_catalog(env, catalog)
    env.replicate(RG, GALLERY, UBUNTU, "1.1.1", {"northeurope": Region(progress=42, step=29, details="copying")})
    v = by_name(read(catalog))[(UBUNTU, "1.1.1")]
    assert (v.state, v.attention) == ("replicating", False)
    assert v.message == "replicating in northeurope, 42% (Azure: copying) (provisioning Creating)"
    assert v.health().reason == v.message
    assert main(["status", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "5 catalog versions, 4 ready, 1 replicating: ok" in out.splitlines()[0]
    assert "northeurope Replicating 42% (Azure: copying)" in out
    env.tick(2)
    assert by_name(read(catalog))[(UBUNTU, "1.1.1")].state == "ready"


def test_a_failed_region_is_named_with_azures_details_and_exits_2(env, catalog, capsys):
    serve_catalog(
        env,
        catalog,
        states={(UBUNTU, "1.1.0"): {"northeurope": "Failed"}},
        details={(UBUNTU, "1.1.0"): {"northeurope": "The storage account could not be reached."}},
    )
    v = by_name(read(catalog))[(UBUNTU, "1.1.0")]
    assert (v.state, v.attention) == ("failed", True)
    assert v.message == (
        "provisioning Failed; replication failed in northeurope (Azure: The storage account could not be reached.)"
    )
    code, doc = status_json(capsys)
    assert code == 2 and doc["summary"]["failed"] == 1
    [j] = [x for x in doc["versions"] if x["version"] == "1.1.0" and x["image"] == UBUNTU]
    assert j["regions"][1] == {
        "region": "northeurope",
        "state": "Failed",
        "progress": 0,
        "details": "The storage account could not be reached.",
    }


def test_one_region_failed_while_another_still_replicates(env, catalog):
    serve_catalog(env, catalog)
    env.replicate(
        RG,
        GALLERY,
        UBUNTU,
        "1.1.1",
        {"northeurope": Region(step=50, fail_at=50), "westeurope": Region(progress=10, step=10)},
        updating=True,
    )
    env.tick()
    v = by_name(read(catalog))[(UBUNTU, "1.1.1")]
    assert v.state == "failed"
    assert v.message == (
        "replication failed in northeurope (Azure: Replication job failed.); still replicating in westeurope, 20%"
    )


def test_deleting_is_neither_good_nor_missing_and_migrating_is_waited_for(env, catalog, capsys):
    serve_catalog(env, catalog, provisioning={(UBUNTU, "1.0.0"): "Deleting", (WINDOWS, "2026.11.0"): "Migrating"})
    status = read(catalog)
    deleting, migrating = by_name(status)[(UBUNTU, "1.0.0")], by_name(status)[(WINDOWS, "2026.11.0")]
    assert (deleting.state, deleting.in_azure, deleting.attention, deleting.health().good) == (
        "deleting",
        True,
        True,
        False,
    )
    assert deleting.message == "being deleted in Azure (provisioning Deleting): neither ready nor missing yet"
    assert (migrating.state, migrating.attention, migrating.health().good) == ("migrating", False, False)
    code, doc = status_json(capsys)
    assert code == 2 and (doc["summary"]["deleting"], doc["summary"]["missing"], doc["summary"]["migrating"]) == (
        1,
        0,
        1,
    )


def test_missing_and_what_is_outside_the_catalog(env, catalog, capsys):
    serve_catalog(env, catalog, skip={(WINDOWS, "2026.11.0")}, extra=((UBUNTU, "0.9.0"),))
    env.add_image(RG, GALLERY, "rhel-9", image_properties("Linux", "Contoso", "rhel", "9"))
    env.add_version(RG, GALLERY, "rhel-9", "1.0.0", version_properties({"westeurope": 1}))
    status = read(catalog)
    assert by_name(status)[(WINDOWS, "2026.11.0")].message == "missing in Azure"
    extra = by_name(status)[(UBUNTU, "0.9.0")]
    assert (extra.in_catalog, extra.state, extra.attention) == (False, "ready", False)
    assert [d.text() for d in extra.drift] == [
        "ubuntu-22.04-gen2 0.9.0: in Azure, not in the catalog: adopt it with `gallery discover` (it writes the "
        "catalog entry), or delete it in Azure; a version the catalog removed is deleted by the next `pulumi up`"
    ]
    [rhel] = [i for i in status.images if i.name == "rhel-9"]
    assert (rhel.in_catalog, rhel.attention, [d.text() for d in rhel.drift]) == (
        False,
        False,
        [
            "definition rhel-9: in Azure, not in the catalog (made outside it; 1 versions): adopt it with `gallery "
            "discover` (it writes the catalog entries), or delete it in Azure"
        ],
    )
    code, doc = status_json(capsys)
    assert code == 2 and doc["summary"]["outsideCatalog"] == {"definitions": 1, "versions": 2}


def test_a_second_writers_region_list_is_drift_with_what_to_do(env, catalog, capsys):
    """Another pipeline PATCHes 1.1.0's targetRegions with its own list: northeurope is gone, eastus added."""
    serve_catalog(env, catalog)
    client = compute_client(resolve_target(), SUBSCRIPTION)
    update = GalleryImageVersionUpdate(
        publishing_profile={
            "targetRegions": [
                {"name": "westeurope", "regionalReplicaCount": 1},
                {"name": "eastus", "regionalReplicaCount": 1},
            ]
        }
    )
    client.gallery_image_versions.begin_update(RG, GALLERY, UBUNTU, "1.1.0", update, **call_options())
    v = by_name(read(catalog))[(UBUNTU, "1.1.0")]
    assert (v.state, v.message, v.attention) == (
        "replicating",
        "replicating in eastus, 0% (provisioning Updating)",
        True,
    )
    assert [d.text() for d in v.drift] == [
        "northeurope: in the catalog, not in Azure's target regions (another writer's list replaced the catalog's: "
        "Azure keeps no ETag on versions): `pulumi up --refresh` puts the catalog's regions back (a plain `pulumi "
        "up` compares with its state, not Azure)",
        "eastus: in Azure's target regions, not in the catalog (added outside it): add it to the catalog's regions "
        "to keep it; otherwise `pulumi up --refresh` removes it",
    ]
    env.tick(4)
    v = by_name(read(catalog))[(UBUNTU, "1.1.0")]
    assert v.state == "ready" and v.health().reason == "not replicated to northeurope (Azure's targetRegions lack it)"
    assert main(["status", str(EXAMPLE)]) == 2
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith(
        "5 catalog versions, all ready, 2 differing from the catalog: needs attention (exit 2)"
    )
    assert (
        "latest per region (Azure's; the catalog's where it differs):\n  ubuntu-22.04-gen2: westeurope 1.1.0, "
        "northeurope none (catalog 1.1.0), eastus 1.1.0 (catalog none)" in out
    )
    assert (
        "  ubuntu-22.04-gen2: latest in northeurope: Azure gives none, the catalog 1.1.0: a version's "
        "excludeFromLatest or regions differ (see its line): `pulumi up --refresh`" in out
    )


def test_replicas_storage_exclude_from_latest_and_end_of_life_that_differ(env, catalog, capsys):
    serve_catalog(env, catalog)
    profile = body(env, UBUNTU, "1.1.0")["publishingProfile"]
    profile["targetRegions"][1].update(
        regionalReplicaCount=1, storageAccountType="Standard_LRS", excludeFromLatest=True
    )
    profile["endOfLifeDate"] = "2028-01-01T00:00:00+00:00"
    body(env, UBUNTU, "1.1.1")["publishingProfile"]["excludeFromLatest"] = False
    status = read(catalog)
    assert [(d.kind, d.region, d.azure, d.catalog) for d in by_name(status)[(UBUNTU, "1.1.0")].drift] == [
        ("replicas", "northeurope", 1, 2),
        ("storage-type", "northeurope", "Standard_LRS", "Standard_ZRS"),
        ("region-exclude-from-latest", "northeurope", True, False),
        ("end-of-life", None, "2028-01-01", "2027-11-02"),
    ]
    [promoted] = by_name(status)[(UBUNTU, "1.1.1")].drift
    assert promoted.text() == (
        "excludeFromLatest false in Azure, true in the catalog: it was promoted outside the catalog: `gallery "
        "promote` writes that into the catalog; otherwise `pulumi up --refresh` puts the catalog's value back (a "
        "plain `pulumi up` compares with its state, not Azure)"
    )
    [ubuntu] = [i for i in status.images if i.name == UBUNTU]
    assert ubuntu.latest == (("westeurope", "1.1.1", "1.1.0"), ("northeurope", "1.1.1", "1.1.0"))
    code, doc = status_json(capsys)
    assert code == 2 and doc["summary"]["differing"] == 3


def test_latest_per_region_honours_each_regions_exclude_from_latest(env, catalog):
    serve_catalog(env, catalog)
    body(env, UBUNTU, "1.1.0")["publishingProfile"]["targetRegions"][1]["excludeFromLatest"] = True
    status = read(catalog)
    assert by_name(status)[(UBUNTU, "1.1.0")].latest_in == ("westeurope",)
    assert by_name(status)[(UBUNTU, "1.0.0")].latest_in == ()  # excluded as a whole
    [ubuntu] = [i for i in status.images if i.name == UBUNTU]
    assert ubuntu.latest == (("westeurope", "1.1.0", "1.1.0"), ("northeurope", None, "1.1.0"))


def test_a_missing_definition(env, catalog):
    serve_catalog(env, catalog)
    env.images.pop(next(k for k in env.images if k[1] == WINDOWS))
    status = read(catalog)
    assert [v.message for v in status.versions if v.image == WINDOWS] == ["missing in Azure"]
    [windows] = [i for i in status.images if i.name == WINDOWS]
    assert (windows.in_azure, [d.kind for d in windows.drift]) == (False, ["definition-missing"])


def test_a_refusal_on_one_definition_is_reported_there_and_the_rest_carries_on(env, catalog):
    serve_catalog(env, catalog)
    env.fail("GET", r"/images/legacy-erp-app-known-good/versions$", 403, "AuthorizationFailed", "no read")
    status = read(catalog)
    [erp] = [v for v in status.versions if v.image == ERP]
    assert (erp.state, erp.message) == (
        "unreadable",
        "cannot list the versions of legacy-erp-app-known-good: Azure "
        "refused the caller (AuthorizationFailed: no read)",
    )
    assert all(v.state == "ready" for v in status.versions if v.image != ERP)


def test_throttling_is_waited_out(env, catalog):
    serve_catalog(env, catalog)
    env.fail("GET", r"/versions/1\.1\.0$", 429, "TooManyRequests", times=2, retry_after=0)
    assert read(catalog).healthy
    assert len([r for r in env.calls("GET", "/versions/1.1.0")]) == 3


def test_the_gallery_itself_missing_is_an_error_and_prints_no_document(env, catalog, capsys):
    assert main(["status", str(EXAMPLE), "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(
        "error: cannot read gallery gal_platform_dev in resource group rg-images-dev: not found (ResourceNotFound: "
    )


def test_markdown_marks_each_state(env, catalog, capsys):
    serve_catalog(
        env,
        catalog,
        states={(UBUNTU, "1.1.0"): {"northeurope": "Failed"}, (UBUNTU, "1.1.1"): {"northeurope": "Replicating"}},
        progress={(UBUNTU, "1.1.1"): {"northeurope": 42}},
    )
    assert main(["status", str(EXAMPLE), "--format", "markdown"]) == 2
    out = capsys.readouterr().out
    assert (
        "| ❌ | ubuntu-22.04-gen2 | 1.1.0 | provisioning Failed; replication failed in northeurope (Azure: "
        "Replication job failed.) | Failed | Failed | westeurope Completed, northeurope Failed (Azure: Replication "
        "job failed.) | 2027-11-02 | latest |"
    ) in out
    assert (
        "| ⏳ | ubuntu-22.04-gen2 | 1.1.1 | replicating in northeurope, 42% (provisioning Creating) | Creating | "
        "InProgress | westeurope Completed, northeurope Replicating 42% | - | excluded |"
    ) in out


def test_no_subscription_is_a_clear_error(env, catalog, capsys, monkeypatch):
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID")
    monkeypatch.delenv("ARM_SUBSCRIPTION_ID", raising=False)
    assert main(["status", str(EXAMPLE)]) == 1
    assert capsys.readouterr().err == (
        "error: no subscription is known for the gallery; pass --subscription ID, set AZURE_SUBSCRIPTION_ID, or "
        "`pulumi config set azure-native:subscriptionId ID --stack dev`\n"
    )

"""`gallery status` through the real client against the local ARM endpoint: failed, replicating, missing, extra, throttled."""
from __future__ import annotations

import json

import pytest

from armlocal import API_VERSION, SUBSCRIPTION, serve_catalog
from gallery.azure.client import compute_client
from gallery.azure.target import resolve_target
from gallery.catalog.loader import load_catalog
from gallery.cli import main
from gallery.lifecycle.status import read_status
from tests.fixtures.paths import ROOT

EXAMPLE = ROOT / "images.yaml"
UBUNTU = "ubuntu-22.04-gen2"


@pytest.fixture
def catalog():
    return load_catalog(EXAMPLE, "dev")


@pytest.fixture
def env(arm, monkeypatch):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    return arm


def read(catalog, **kw):
    return read_status(catalog, compute_client(resolve_target(), SUBSCRIPTION), SUBSCRIPTION, **kw)


def test_a_healthy_gallery(env, catalog):
    serve_catalog(env, catalog)
    status = read(catalog)
    assert status.healthy and not status.failed
    states = {(v.image, v.version): v for v in status.versions}
    assert len(states) == 5
    v = states[(UBUNTU, "1.1.0")]
    assert (v.provisioning, v.replication, v.end_of_life, v.latest) == ("Succeeded", "Completed", "2027-11-02", True)
    assert [(r.region, r.state, r.progress) for r in v.regions] == [("westeurope", "Completed", 100),
                                                                   ("northeurope", "Completed", 100)]
    assert states[(UBUNTU, "1.1.1")].latest is False and states[(UBUNTU, "1.1.1")].exclude_from_latest is True
    gets = [r for r in env.calls("GET", "/versions/") if "$expand" in r.query]
    assert len(gets) == 5 and all(r.query == {"api-version": API_VERSION, "$expand": "ReplicationStatus"} for r in gets)


def test_failed_replicating_missing_and_extra_versions(env, catalog):
    serve_catalog(env, catalog, states={(UBUNTU, "1.1.0"): {"northeurope": "Failed"},
                                        (UBUNTU, "1.1.1"): {"northeurope": "Replicating"}},
                  skip={("windows-2022-datacenter", "2026.11.0")}, extra=((UBUNTU, "0.9.0"),))
    status = read(catalog)
    problems = {(v.image, v.version): v.problem for v in status.versions}
    assert problems == {
        (UBUNTU, "1.0.0"): None, (UBUNTU, "1.1.0"): "replication failed in northeurope",
        (UBUNTU, "1.1.1"): "replicating (0%)", ("windows-2022-datacenter", "2026.11.0"): "missing in Azure",
        ("legacy-erp-app-known-good", "1.0.0"): None, (UBUNTU, "0.9.0"): None}
    assert [v.in_catalog for v in status.versions if v.version == "0.9.0"] == [False]
    assert status.failed and not status.healthy


def test_a_missing_definition_makes_its_versions_missing(env, catalog):
    serve_catalog(env, catalog)
    env.images.pop(next(k for k in env.images if k[1] == "windows-2022-datacenter"))
    status = read(catalog)
    assert [v.problem for v in status.versions if v.image == "windows-2022-datacenter"] == ["missing in Azure"]


def test_a_refusal_on_one_definition_is_reported_there_and_the_rest_carries_on(env, catalog):
    serve_catalog(env, catalog)
    env.fail("GET", r"/images/legacy-erp-app-known-good/versions$", 403, "AuthorizationFailed", "no read")
    status = read(catalog)
    [erp] = [v for v in status.versions if v.image == "legacy-erp-app-known-good"]
    assert erp.problem == ("cannot list the versions of legacy-erp-app-known-good: Azure refused the caller "
                           "(AuthorizationFailed: no read)")
    assert all(v.problem is None for v in status.versions if v.image != "legacy-erp-app-known-good")


def test_throttling_is_waited_out(env, catalog):
    serve_catalog(env, catalog)
    env.fail("GET", r"/versions/1\.1\.0$", 429, "TooManyRequests", times=2, retry_after=0)
    assert read(catalog).healthy
    assert len([r for r in env.calls("GET", "/versions/1.1.0")]) == 3


def test_the_gallery_itself_missing_is_an_error(env, catalog, capsys):
    assert main(["status", str(EXAMPLE)]) == 1
    assert capsys.readouterr().err.startswith(
        "error: cannot read gallery gal_platform_dev in resource group rg-images-dev: not found (ResourceNotFound: ")


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_the_command_exits_2_on_a_failure_in_each_format(env, catalog, capsys, fmt):
    serve_catalog(env, catalog, states={(UBUNTU, "1.1.0"): {"northeurope": "Failed"}})
    assert main(["status", str(EXAMPLE), "--format", fmt]) == 2
    out = capsys.readouterr().out
    if fmt == "json":
        doc = json.loads(out)
        assert doc["failed"] is True and doc["subscription"] == SUBSCRIPTION
        assert [v["problem"] for v in doc["versions"] if v["version"] == "1.1.0"] == [
            "replication failed in northeurope"]
    elif fmt == "markdown":
        assert "| ❌ | ubuntu-22.04-gen2 | 1.1.0 | replication failed in northeurope | Succeeded | Failed | " \
               "westeurope Completed, northeurope Failed | 2027-11-02 | latest |" in out
    else:
        assert out.splitlines()[0] == ("gallery gal_platform_dev (resource group rg-images-dev, subscription "
                                       f"{SUBSCRIPTION}): 5 catalog versions, 1 not healthy")


def test_healthy_exits_0_and_no_subscription_is_a_clear_error(env, catalog, capsys, monkeypatch):
    serve_catalog(env, catalog)
    assert main(["status", str(EXAMPLE)]) == 0
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID")
    monkeypatch.delenv("ARM_SUBSCRIPTION_ID", raising=False)
    capsys.readouterr()
    assert main(["status", str(EXAMPLE)]) == 1
    assert capsys.readouterr().err == (
        "error: no subscription is known for the gallery; pass --subscription ID, set AZURE_SUBSCRIPTION_ID, or "
        "`pulumi config set azure-native:subscriptionId ID --stack dev`\n")

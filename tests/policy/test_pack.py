"""The pack as the engine meets it: its entry point served over gRPC, enforcement levels, previews, blocking changes."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel

import gallery
from gallery.catalog.loader import load_catalog
from gallery.desired import arm
from gallery.plan.run import plan_catalog
from gallery.raw import scope
from tests.fixtures.paths import CATALOGS, ROOT
from tests.fixtures.policypack import UNKNOWN, Pack

POLICY = ROOT / "policy"


@pytest.fixture(scope="module")
def minimal() -> list[dict]:
    return plan_catalog(load_catalog(CATALOGS / "valid" / "minimal.yaml", "dev")).resources


def _of(records: list[dict], rtype: str) -> dict:
    return next(r for r in records if r["type"] == rtype)


def test_the_entry_point_serves_every_policy_with_its_level():
    """`python policy` as Pulumi runs it: it prints its port and answers the engine's GetAnalyzerInfo."""
    proc = subprocess.Popen([sys.executable, str(POLICY)], cwd=POLICY, stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            info = analyzer_pb2_grpc.AnalyzerStub(channel).GetAnalyzerInfo(empty_pb2.Empty(), timeout=60)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    levels = {p.name: p.enforcementLevel for p in info.policies}
    advisory = {s.name for s in scope.RESOURCE + scope.STACK if s.advisory}
    assert info.name == "image-gallery"
    assert set(levels) == {s.name for s in scope.RESOURCE + scope.STACK} | {
        "version-values",
        "vhd-storage-account",
        "blocking-changes",
    }
    assert {n for n, level in levels.items() if level == 0} == advisory == {"latest-exists", "version-end-of-life-past"}


def test_the_pack_declares_its_version_and_pins():
    assert yaml.safe_load((POLICY / "PulumiPolicy.yaml").read_text())["version"] == gallery.__version__
    pin = next(
        line for line in (ROOT / "requirements-dev.txt").read_text().splitlines() if line.startswith("pulumi-policy==")
    )
    assert (POLICY / "requirements.txt").read_text().splitlines()[-2:] == ["-r ../requirements.txt", pin]


def test_enforcement_levels_are_configured_per_policy(minimal):
    records = copy.deepcopy(minimal)
    definition = _of(records, arm.DEFINITION)
    definition["inputs"]["hyperVGeneration"] = "V1"
    definition["inputs"]["architecture"] = "Arm64"
    [d] = Pack().analyze(records)
    assert (d.policy, d.level, d.name, d.message) == (
        "generation-requirements",
        "mandatory",
        "gallery-app",
        "Arm64 images need hyperVGeneration V2 [architecture.needs-gen2]",
    )
    [d] = Pack({"generation-requirements": {"enforcementLevel": EnforcementLevel.ADVISORY}}).analyze(records)
    assert d.level == "advisory"
    assert Pack({"generation-requirements": {"enforcementLevel": EnforcementLevel.DISABLED}}).analyze(records) == []


def test_a_value_not_known_in_a_preview_leaves_the_resource_unjudged(minimal):
    records = copy.deepcopy(minimal)
    version = _of(records, arm.VERSION)
    version["inputs"]["location"] = UNKNOWN
    version["inputs"]["publishingProfile"]["targetRegions"] = [{"name": "northeurope"}]
    pack = Pack()
    assert pack.analyze([version]) == []
    assert (
        "home-region-replicated",
        "location is not known before the resource it comes from exists",
    ) in pack.not_applicable
    version["inputs"]["location"] = "westeurope"
    assert [d.rule for d in Pack().analyze([version])] == ["region.home-missing"]


def test_stack_policies_read_names_from_ids_and_links_from_property_dependencies(minimal):
    records = copy.deepcopy(minimal)
    definition, version = _of(records, arm.DEFINITION), _of(records, arm.VERSION)
    definition["inputs"]["osState"] = "Specialized"
    version["inputs"]["storageProfile"] = {"source": {"id": "/s/r/providers/Microsoft.Compute/images/packer-1"}}
    expected = [("specialized-managed-image", "gallery-app-1.0.0")]
    assert [(d.policy, d.name) for d in Pack().analyze_stack(records)] == expected
    # What a preview may show instead: outputs (names only in the ARM id), or a definition's name not known yet.
    as_outputs = {k: v for k, v in definition["inputs"].items() if k not in ("resourceGroupName", "galleryName")}
    definition["inputs"] = {
        **as_outputs,
        "id": "/subscriptions/s/resourceGroups/rg-min-dev/providers/Microsoft.Compute/galleries/gal_min_dev/images/app",
    }
    assert [(d.policy, d.name) for d in Pack().analyze_stack(records)] == expected
    version["inputs"]["galleryImageName"] = UNKNOWN
    links = {version["urn"]: {"galleryImageName": [definition["urn"]]}}
    assert [(d.policy, d.name) for d in Pack().analyze_stack(records, links)] == expected
    assert Pack().analyze_stack(records) == []  # without the link, the version's definition is not known


def test_blocking_changes_against_a_stack_export(tmp_path):
    base = plan_catalog(load_catalog(CATALOGS / "diff" / "base.yaml", "dev")).resources
    export = {
        "version": 3,
        "deployment": {
            "resources": [
                {"urn": r["urn"], "type": r["type"], "custom": r["custom"], "inputs": r["inputs"]} for r in base
            ]
        },
    }
    (tmp_path / "state.json").write_text(json.dumps(export))
    head = plan_catalog(load_catalog(CATALOGS / "diff" / "version-source-changed.yaml", "dev")).resources
    config = {"blocking-changes": {"baseline": str(tmp_path / "state.json")}}
    assert [(d.policy, d.level, d.name, d.rule) for d in Pack(config).analyze_stack(head)] == [
        ("blocking-changes", "mandatory", "gallery-ubuntu-1.1.0", "version.source-changed")
    ]
    allowed = {"blocking-changes": {**config["blocking-changes"], "allow": ["version.source-changed"]}}
    assert Pack(allowed).analyze_stack(head) == []
    assert Pack(config).analyze_stack(base) == []
    unconfigured = Pack()
    assert unconfigured.analyze_stack(head) == []
    assert (
        "blocking-changes",
        "no baseline: set this policy's `baseline` to a `pulumi stack export` file",
    ) in unconfigured.not_applicable


def test_the_readme_names_every_policy():
    section = (ROOT / "README.md").read_text("utf-8").split("## The rules for programs of their own")[1]
    section = section.split("\n## ")[0]
    names = {s.name for s in scope.RESOURCE + scope.STACK} | {
        "version-values",
        "vhd-storage-account",
        "blocking-changes",
    }
    assert sorted(n for n in names if f"`{n}`" not in section) == []

"""The review diff's blocking rules on raw resources: each diff test catalog against the base, as gallery diff does."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from gallery.catalog.loader import load_catalog
from gallery.desired import arm
from gallery.desired.build import desired_state
from gallery.diff.catalog import diff_catalogs
from gallery.errors import CatalogError
from gallery.raw.changes import blocking, read_baseline
from gallery.raw.resources import from_record
from tests.fixtures.paths import CATALOGS

TODAY = dt.date(2026, 12, 1)
DIFF = CATALOGS / "diff"
HEADS = sorted(p for p in DIFF.glob("*.yaml") if p.name not in ("base.yaml", "invalid.yaml"))
# Storage accounts and containers are not gallery resources: the pack leaves them to the catalog's diff.
NOT_GALLERY = ("storage.", "container.")


def _resources(path):
    return [from_record(r) for r in desired_state(load_catalog(path, "dev")).records()]


@pytest.mark.parametrize("head", HEADS, ids=lambda p: p.stem)
def test_the_blocking_findings_of_gallery_diff_are_found_on_raw_resources(head):
    base, new = load_catalog(DIFF / "base.yaml", "dev"), load_catalog(head, "dev")
    expected = sorted(
        f.kind for f in diff_catalogs(base, new, today=TODAY) if f.blocking and not f.kind.startswith(NOT_GALLERY)
    )
    found = blocking(_resources(DIFF / "base.yaml"), _resources(head), today=TODAY)
    assert sorted(v.rule for v in found) == expected
    assert all(v.urn and v.urn.startswith("urn:pulumi:dev::image-gallery::") for v in found)


def test_a_refused_region_removal_is_reported_at_its_version_with_the_diffs_words():
    found = blocking(
        _resources(DIFF / "base.yaml"), _resources(DIFF / "version-region-removal-refused.yaml"), today=TODAY
    )
    assert [(v.urn.rsplit("::", 1)[1], v.text()) for v in found] == [
        (
            "gallery-ubuntu-1.1.0",
            "ubuntu 1.1.0: northeurope cannot be removed while allowDeletionOfReplicatedLocations "
            "is false (Azure refuses); set allowDeletionOfReplicatedLocations: true on the version "
            "[version.region-removal-refused]",
        )
    ]


def test_allowed_kinds_do_not_block_and_unknown_ones_are_refused():
    base, head = _resources(DIFF / "base.yaml"), _resources(DIFF / "definition-replaced.yaml")
    assert [v.rule for v in blocking(base, head, today=TODAY)] == ["definition.replaced"]
    assert blocking(base, head, today=TODAY, allow=["replace"]) == []
    with pytest.raises(CatalogError, match="unknown kind 'replaced'"):
        blocking(base, head, today=TODAY, allow=["replaced"])


def test_a_gallery_gone_from_the_stack_takes_its_published_versions_with_it():
    base = _resources(DIFF / "base.yaml")
    kept = [r for r in base if r.type not in (arm.GALLERY, arm.DEFINITION, arm.VERSION)]
    assert sorted({v.rule for v in blocking(base, kept, today=TODAY)}) == ["version.removed"]


def test_the_baseline_is_a_stack_export_or_plan_records():
    records = desired_state(load_catalog(DIFF / "base.yaml", "dev")).records()
    export = {
        "version": 3,
        "deployment": {
            "resources": [
                {"urn": r["urn"], "type": r["type"], "inputs": r["inputs"], "outputs": {"id": "x"}} for r in records
            ]
        },
    }
    from_export, from_plan = read_baseline(json.dumps(export)), read_baseline(json.dumps({"resources": records}))
    assert (
        [(r.type, r.name, r.urn, r.inputs) for r in from_export]
        == [(r.type, r.name, r.urn, r.inputs) for r in from_plan]
        == [(r["type"], r["name"], r["urn"], r["inputs"]) for r in records]
    )

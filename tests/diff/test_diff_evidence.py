"""The review diff of issue 21's catalog keys: a version's own tags, a restore from soft delete, the two repair
changes, and a deletion the gallery's soft delete can undo (catalogs under tests/catalogs/diff/)."""

from __future__ import annotations

import datetime as dt
import pathlib

from gallery.catalog.loader import load_catalog
from gallery.desired.build import desired_state
from gallery.diff.catalog import diff_catalogs
from gallery.diff.findings import sort_findings

DIFF = pathlib.Path(__file__).resolve().parents[1] / "catalogs" / "diff" / "evidence"
TODAY = dt.date(2026, 6, 1)


def lines(base: str, head: str) -> list[str]:
    found = sort_findings(diff_catalogs(load_catalog(DIFF / base), load_catalog(DIFF / head), today=TODAY))
    return [
        f"{f.severity} {f.kind}: {f.message}" + "".join(f" | {d.property}: {d.before} → {d.after}" for d in f.details)
        for f in found
    ]


def test_a_versions_own_tags_are_reviewed_key_by_key():
    assert lines("base.yaml", "version-tags.yaml") == [
        "info version.tags-changed: ubuntu 1.1.0: its own tags change in place"
        " | tags.gate.canary: None → exit 0 in westeurope, northeurope | tags.promoted.on: None → 2026-05-30"
    ]


def test_a_versions_tags_go_over_the_catalogs_on_the_resource():
    catalog = load_catalog(DIFF / "version-tags.yaml")
    [version] = [r for r in desired_state(catalog).resources if r.name == "gallery-ubuntu-1.1.0"]
    assert version.inputs["tags"] == {"gate.canary": "exit 0 in westeurope, northeurope", "promoted.on": "2026-05-30"}


def test_the_two_repair_changes_say_what_each_deployment_does():
    assert lines("base.yaml", "version-repair-started.yaml") == [
        "info version.repair-started: ubuntu 1.1.0: northeurope left out for repair: this deployment deletes the "
        "failed replica; the next repair change replicates it again | regions[northeurope]: 1 × Standard_LRS → repairing"
    ]
    assert lines("version-repair-started.yaml", "version-repair-finished.yaml") == [
        "info version.repair-finished: ubuntu 1.1.0: northeurope replicated again after its repair"
        " | regions[northeurope]: repairing → 1 × Standard_LRS"
    ]
    started = load_catalog(DIFF / "version-repair-started.yaml").image("ubuntu").version("1.1.0")
    assert [t.name for t in started.target_regions] == ["westeurope"]
    assert [t.name for t in started.repairing] == ["northeurope"]


def test_a_restore_is_its_own_finding_and_sends_restore_true():
    assert lines("soft-delete.yaml", "version-restored.yaml") == [
        "info version.restored: ubuntu 0.9.0 is restored from the gallery's soft delete (restore: true), to "
        "westeurope ×1, northeurope ×1, staged: excluded from latest until it is promoted"
        " | source: None → vhd linux-vhds/ubuntu-os-2025-12-01.vhd (ReadWrite)"
    ]
    state = desired_state(load_catalog(DIFF / "version-restored.yaml"))
    inputs = {r.name: r.inputs for r in state.resources}
    assert inputs["gallery-ubuntu-0.9.0"]["restore"] is True
    assert "restore" not in inputs["gallery-ubuntu-1.1.0"]


def test_a_deletion_on_a_gallery_with_soft_delete_says_how_to_restore_it():
    assert lines("soft-delete.yaml", "version-removed-soft-delete.yaml") == [
        "warning version.removed-retired: ubuntu 1.0.0 is deleted (retired: excluded from latest); the gallery's "
        "soft delete keeps it restorable (`gallery version restore ubuntu 1.0.0`)"
    ]

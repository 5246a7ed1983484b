"""`gallery repair`: the two reviewed changes for a region whose replication failed, each written when Azure's state
(served by the local ARM endpoint) calls for it, and what each deployment does."""

from __future__ import annotations

import shutil

import pytest

from armlocal import SUBSCRIPTION, serve_catalog
from gallery.catalog.loader import load_catalog
from gallery.cli import main
from gallery.diff.catalog import diff_catalogs
from tests.fixtures.paths import ROOT

UBUNTU = "ubuntu-22.04-gen2"
STAGED = "        excludeFromLatest: true   # published, replication checked, promoted in a later change\n"
SOURCE_111 = "              - {lun: 1, caching: None}\n"


@pytest.fixture
def example(tmp_path):
    path = tmp_path / "images.yaml"
    shutil.copy(ROOT / "images.yaml", path)
    return path


@pytest.fixture
def azure(arm, monkeypatch):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    return arm


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_two_changes_of_a_repair(example, azure, capsys):
    before = example.read_text()
    serve_catalog(azure, load_catalog(example), states={(UBUNTU, "1.1.1"): {"northeurope": "Failed"}})
    code, out, _ = run(capsys, "repair", UBUNTU, "1.1.1", "--catalog", example)
    assert code == 0
    assert out.splitlines() == [
        f"{example}: repair of {UBUNTU} 1.1.1, change 1 of 2 written: northeurope left out with repairing: true "
        "(Azure: northeurope: Replication job failed.)",
        "  deploy 1 (this change, after review): Azure deletes the failed replica in northeurope "
        "(allowDeletionOfReplicatedLocations: true (the default)); westeurope keeps serving 1.1.1",
        f"  deploy 2: once deploy 1 is done, run `gallery repair {UBUNTU} 1.1.1` again: it writes change 2, whose "
        "deployment replicates 1.1.1 to northeurope again",
    ]
    # The version took the default regions: they are written out, the failed one marked.
    changed = before.replace(
        SOURCE_111 + STAGED,
        SOURCE_111 + "        regions: [westeurope, {name: northeurope, repairing: true}]\n" + STAGED,
    )
    assert example.read_text() == changed
    findings = diff_catalogs(load_catalog(ROOT / "images.yaml"), load_catalog(example))
    assert [f.kind for f in findings] == ["version.repair-started"]

    # Not deployed yet: Azure still lists the failed region. Nothing is written.
    code, _, err = run(capsys, "repair", UBUNTU, "1.1.1", "--catalog", example)
    assert code == 2
    assert err == (
        f"error: {UBUNTU} 1.1.1: change 1 of the repair is not deployed yet: Azure still lists northeurope "
        "(Failed) for it; deploy it (the failed replica is deleted), then run `gallery repair` again\n"
    )
    assert example.read_text() == changed

    # Deploy 1 done: Azure holds the version in westeurope only. Change 2 brings northeurope back.
    azure.reset()
    serve_catalog(azure, load_catalog(example))
    code, out, _ = run(capsys, "repair", UBUNTU, "1.1.1", "--catalog", example)
    assert code == 0
    assert out.splitlines() == [
        f"{example}: repair of {UBUNTU} 1.1.1, change 2 of 2 written: northeurope back in its target regions",
        "  deploy 2 (this change, after review): Azure replicates 1.1.1 to northeurope again; `gallery status` "
        "shows the progress",
    ]
    assert example.read_text() == changed.replace("{name: northeurope, repairing: true}", "northeurope")
    assert [f.kind for f in diff_catalogs(load_catalog(ROOT / "images.yaml"), load_catalog(example))] == []


def test_a_region_written_with_its_settings_keeps_them(example, azure, capsys):
    serve_catalog(azure, load_catalog(example), states={(UBUNTU, "1.1.0"): {"northeurope": "Failed"}})
    before = example.read_text()
    assert run(capsys, "repair", UBUNTU, "1.1.0", "--catalog", example)[0] == 0
    assert example.read_text() == before.replace(
        "          - {name: northeurope, replicas: 2, storageAccountType: Standard_ZRS}\n",
        "          - {name: northeurope, replicas: 2, storageAccountType: Standard_ZRS, repairing: true}\n",
    )
    repaired = load_catalog(example).image(UBUNTU).version("1.1.0")
    assert [(t.name, t.replicas, t.storage_account_type) for t in repaired.repairing] == [
        ("northeurope", 2, "Standard_ZRS")
    ]


def test_nothing_failed_nothing_to_repair(example, azure, capsys):
    serve_catalog(azure, load_catalog(example))
    before = example.read_bytes()
    code, out, _ = run(capsys, "repair", UBUNTU, "1.1.1", "--catalog", example)
    assert (code, out) == (
        0,
        f"{example}: {UBUNTU} 1.1.1: Azure reports no region whose replication failed: nothing to repair\n",
    )
    assert example.read_bytes() == before


def test_the_home_region_is_not_repaired_in_place(example, azure, capsys):
    serve_catalog(azure, load_catalog(example), states={(UBUNTU, "1.1.1"): {"westeurope": "Failed"}})
    before = example.read_bytes()
    code, _, err = run(capsys, "repair", UBUNTU, "1.1.1", "--catalog", example)
    assert code == 1
    assert err == (
        f"{example}: error: {UBUNTU} 1.1.1: replication failed in the home region westeurope, which a "
        "version cannot leave; publish a new version (and retire this one): a version keeps its home "
        "region\n"
    )
    assert example.read_bytes() == before


def test_a_region_named_that_did_not_fail(example, azure, capsys):
    serve_catalog(azure, load_catalog(example), states={(UBUNTU, "1.1.1"): {"northeurope": "Replicating"}})
    code, _, err = run(capsys, "repair", UBUNTU, "1.1.1", "--catalog", example, "--region", "North Europe")
    assert code == 1
    assert f"{UBUNTU} 1.1.1 has nothing to repair in northeurope: Azure reports it Replicating" in err

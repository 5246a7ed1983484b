"""`gallery version add`, `promote` and `lifecycle` on copies of real catalogs: exact file contents, exit codes."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from armlocal import SUBSCRIPTION, serve_catalog
from gallery.catalog.loader import load_catalog
from gallery.cli import main
from tests.fixtures.paths import CATALOGS, ROOT

UBUNTU = "ubuntu-22.04-gen2"


@pytest.fixture
def example(tmp_path):
    path = tmp_path / "images.yaml"
    shutil.copy(ROOT / "images.yaml", path)
    return path


@pytest.fixture
def life(tmp_path):
    path = tmp_path / "images.yaml"
    shutil.copy(CATALOGS / "program" / "lifecycle.yaml", path)
    return path


@pytest.fixture
def azure(arm, monkeypatch):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    return arm


def run(capsys, *argv):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


# -- version add -----------------------------------------------------------------------------------------


def test_version_add_from_vhds_writes_the_entry_in_the_images_style(example, capsys):
    before = example.read_text()
    code, out, _ = run(
        capsys,
        "version",
        "add",
        UBUNTU,
        "1.2.0",
        "--catalog",
        example,
        "--vhd-captured",
        "2026-11-20",
        "--sequence",
        "1",
        "--data-disk",
        "0:ReadOnly",
        "--data-disk",
        "1",
        "--staged",
    )
    assert code == 0
    assert out == (
        f"{example}: added {UBUNTU} 1.2.0, staged (excludeFromLatest: true; `gallery promote` makes it "
        "latest)\n  tagged source.captured=2026-11-20\n"
    )
    anchor = "        excludeFromLatest: true   # published, replication checked, promoted in a later change\n"
    assert example.read_text() == before.replace(
        anchor,
        anchor
        + (
            "      - version: 1.2.0\n        source:\n          vhd:\n            captured: 2026-11-20\n"
            "            sequence: 1\n            dataDisks:\n              - {lun: 0, caching: ReadOnly}\n"
            "              - {lun: 1}\n        excludeFromLatest: true\n"
            "        tags:\n          source.captured: '2026-11-20'\n"
        ),
    )
    assert (
        load_catalog(example).image(UBUNTU).version("1.2.0").source.os_blob == "ubuntu-22.04-gen2-os-2026-11-20-01.vhd"
    )


def test_version_add_follows_the_policy_unless_told(life, capsys):
    code, out, _ = run(
        capsys,
        "version",
        "add",
        "batch",
        "2.1.0",
        "--catalog",
        life,
        "--managed-image",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/batch-2",
    )
    assert code == 0 and "staged" in out, "the top-level policy says stageNewVersions"
    assert life.read_text().endswith(
        "      - version: 2.0.0\n        source: {vhd: {captured: 2026-10-05}}\n"
        "      - version: 2.1.0\n        source: {managedImage: /subscriptions/s/resourceGroups/rg/providers/"
        "Microsoft.Compute/images/batch-2}\n        excludeFromLatest: true\n"
    )
    code, out, _ = run(
        capsys, "version", "add", "batch", "2.2.0", "--catalog", life, "--vhd-captured", "2026-11-01", "--not-staged"
    )
    assert code == 0 and out.endswith("added batch 2.2.0, eligible for latest\n  tagged source.captured=2026-11-01\n")


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["version", "add", "nope", "1.0.0", "--vhd-captured", "2026-11-20"],
            "error: the catalog has no image named 'nope'; its images are: ubuntu-22.04-gen2, windows-2022-datacenter, "
            "legacy-erp-app-known-good",
        ),
        (
            ["version", "add", UBUNTU, "1.1.0", "--vhd-captured", "2026-11-20"],
            "error: image ubuntu-22.04-gen2 already has version 1.1.0; versions cannot be republished",
        ),
        (["version", "add", UBUNTU, "1.2", "--vhd-captured", "2026-11-20"], "versions[3].version"),
        (
            ["version", "add", UBUNTU, "1.2.0", "--vhd-captured", "2026-10-05"],
            "images.yaml (as edited; nothing was written):90:13: error: images[0].versions[3].source",
        ),
        (
            ["version", "add", UBUNTU, "1.2.0", "--managed-image", "x", "--sequence", "1"],
            "error: --sequence and --data-disk go with --vhd-captured",
        ),
        (
            ["version", "add", UBUNTU, "1.2.0", "--vhd-captured", "20.11.2026"],
            "'20.11.2026' is not a date: write YYYY-MM-DD",
        ),
        (
            ["version", "add", UBUNTU, "1.2.0", "--vhd-captured", "2026-11-20", "--data-disk", "64"],
            "'64' is not a data disk LUN: a LUN is a whole number from 0 to 63",
        ),
    ],
)
def test_version_add_refusals_change_nothing(example, capsys, argv, message):
    before = example.read_bytes()
    code, out, err = run(capsys, *argv, "--catalog", example)
    assert code == 1, err
    assert message in err
    assert "Traceback" not in err
    assert example.read_bytes() == before


# -- promote ---------------------------------------------------------------------------------------------


def test_promote_when_azure_reports_it_replicated(example, azure, capsys):
    serve_catalog(azure, load_catalog(example))
    before = example.read_text()
    code, out, _ = run(capsys, "promote", UBUNTU, "1.1.1", "--catalog", example)
    assert code == 0
    assert out == (
        f"{example}: promoted {UBUNTU} 1.1.1 (Azure reports it provisioned and replicated to every "
        "target region)\n"
        "  gate validation: passed (Azure ran no validation of this version)\n"
        "  gate policy: passed (no policy violation reported)\n"
        "  recorded in its tags: promoted.on, gate.validation, gate.policy\n"
    )
    today = dt.datetime.now(dt.timezone.utc).date()
    assert example.read_text() == before.replace(
        "        excludeFromLatest: true   # published, replication checked, promoted in a later change\n",
        f"        tags:\n          promoted.on: '{today}'\n          gate.validation: Azure ran no validation of "
        "this version\n          gate.policy: no policy violation reported\n",
    )
    assert load_catalog(example).image(UBUNTU).latest.name == "1.1.1"


@pytest.mark.parametrize(
    "serve, reason",
    [
        (
            {
                "states": {(UBUNTU, "1.1.1"): {"northeurope": "Replicating"}},
                "progress": {(UBUNTU, "1.1.1"): {"northeurope": 42}},
            },
            "replicating in northeurope, 42% (provisioning Creating); run again once it has finished (`gallery status` "
            "shows progress)",
        ),
        (
            {"states": {(UBUNTU, "1.1.1"): {"northeurope": "Failed"}}},
            "provisioning Failed; replication failed in northeurope (Azure: Replication job failed.); a version that failed "
            "cannot be published again under the same number: delete it in Azure and publish a new version; when only "
            "regions other than the home region failed, `gallery repair` replicates it there again in two reviewed "
            "changes",
        ),
        (
            {"provisioning": {(UBUNTU, "1.1.1"): "Creating"}},
            "replicating (provisioning Creating); run again once it has finished (`gallery status` shows progress)",
        ),
        (
            {"provisioning": {(UBUNTU, "1.1.1"): "Updating"}},
            "replicating (provisioning Updating); run again once it has finished (`gallery status` shows progress)",
        ),
        (
            {"provisioning": {(UBUNTU, "1.1.1"): "Deleting"}},
            "being deleted in Azure (provisioning Deleting): neither ready nor missing yet; Azure is deleting it: publish a "
            "new version to promote",
        ),
        (
            {"skip": {(UBUNTU, "1.1.1")}},  # said once: not "Azure reports it missing in Azure"
            "publish it first (`pulumi up`), then promote it once it has replicated",
        ),
    ],
)
def test_promote_refuses_what_azure_has_not_finished(example, azure, capsys, serve, reason):
    serve_catalog(azure, load_catalog(example), **serve)
    before = example.read_bytes()
    code, _, err = run(capsys, "promote", UBUNTU, "1.1.1", "--catalog", example)
    assert code == 2
    said = "Azure does not have it; " if "skip" in serve else "Azure reports it "
    assert err == f"error: {UBUNTU} 1.1.1 is not ready to be latest: {said}{reason}\n"
    assert example.read_bytes() == before


def test_promote_refuses_a_version_another_writer_took_out_of_a_region(example, azure, capsys):
    """Replicated everywhere Azure has it, but another writer's region list dropped northeurope."""
    serve_catalog(azure, load_catalog(example))
    profile = azure.versions[next(k for k in azure.versions if k[1:] == (UBUNTU, "1.1.1"))]["properties"]
    profile["publishingProfile"]["targetRegions"].pop()
    profile["replicationStatus"]["summary"].pop()
    code, _, err = run(capsys, "promote", UBUNTU, "1.1.1", "--catalog", example)
    assert code == 2
    assert err == (
        f"error: {UBUNTU} 1.1.1 is not ready to be latest: Azure reports it not replicated to northeurope "
        "(Azure's targetRegions lack it); `pulumi up --refresh` restores the catalog's regions; run again "
        "once it has replicated there\n"
    )


def test_promote_offline_says_it_did_not_ask(example, capsys):
    code, out, _ = run(capsys, "promote", UBUNTU, "1.1.1", "--catalog", example, "--offline")
    assert code == 0 and out.splitlines() == [
        f"{example}: promoted {UBUNTU} 1.1.1 (offline: Azure was not asked whether it finished replicating)",
        "  gate validation: not checked (--offline: Azure was not asked)",
        "  gate policy: not checked (--offline: Azure was not asked)",
        "  recorded in its tags: promoted.on, gate.validation, gate.policy",
    ]
    assert load_catalog(example).image(UBUNTU).version("1.1.1").tag("gate.policy") == "not checked: --offline"


def test_promote_of_a_version_already_eligible(example, capsys):
    code, _, err = run(capsys, "promote", UBUNTU, "1.1.0", "--catalog", example, "--offline")
    assert code == 1 and "1.1.0 is not staged: it is already eligible for latest" in err


def test_promote_with_azure_unreachable_is_exit_1(example, monkeypatch, capsys):
    monkeypatch.setenv("GALLERY_ARM_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    code, _, err = run(capsys, "promote", UBUNTU, "1.1.1", "--catalog", example)
    assert code == 1 and "Azure Resource Manager cannot be reached" in err


# -- lifecycle -------------------------------------------------------------------------------------------


def test_lifecycle_shows_then_applies(life, capsys):
    before = life.read_text()
    code, out, _ = run(capsys, "lifecycle", life, "--today", "2027-04-01", "--offline")
    assert code == 0
    assert out == (
        f"{life}: lifecycle on 2027-04-01 (offline: Azure was not asked, so failed or replicating "
        "versions count as good and versions in use are not looked for)\n"
        "  remove: web 1.0.0 (endOfLife 2027-03-01 + removeAfterDays 30 has passed)\n"
        "(shown only: --apply edits the catalog)\n"
    )
    assert life.read_text() == before
    code, out, _ = run(capsys, "lifecycle", life, "--today", "2027-04-01", "--offline", "--apply")
    assert code == 0 and out.endswith(f"{life}: 1 change written\n")
    assert life.read_text() == before.replace(
        "      - version: 1.0.0\n        source: {vhd: {captured: 2026-09-01}}\n        excludeFromLatest: true\n"
        "        endOfLife: 2027-03-01\n",
        "",
    )


def test_lifecycle_asks_azure_which_versions_are_good(life, azure, capsys):
    cat = load_catalog(life)
    serve_catalog(azure, cat)
    code, out, _ = run(capsys, "lifecycle", life, "--today", "2027-03-15")
    assert code == 0
    assert "(versions Azure reports failed, replicating, being deleted or missing do not count as good)" in out
    assert "  nothing to do" in out


def test_lifecycle_apply_on_the_example_after_a_new_version(example, capsys):
    example.write_text(
        example.read_text().replace(
            "replication:\n", "lifecycle:\n  keepEligibleForLatest: 1\n  endOfLifeAfterDays: 30\n\nreplication:\n"
        )
    )
    assert run(capsys, "version", "add", UBUNTU, "1.2.0", "--catalog", example, "--vhd-captured", "2026-11-25")[0] == 0
    before = example.read_text()
    code, out, _ = run(capsys, "lifecycle", example, "--today", "2026-12-01", "--offline", "--apply")
    assert code == 0
    assert out.splitlines()[1:] == [
        "  exclude from latest: ubuntu-22.04-gen2 1.1.0 (keepEligibleForLatest 1: 1.2.0 stay eligible)",
        "  set end of life 2026-12-31: ubuntu-22.04-gen2 1.1.1 (excluded from latest, endOfLifeAfterDays 30)",
        f"{example}: 2 changes written",
    ]
    # 1.1.0 keeps the end of life it has; 1.1.1, staged but overtaken by 1.2.0, is retired with a date.
    staged = "        excludeFromLatest: true   # published, replication checked, promoted in a later change\n"
    assert example.read_text() == before.replace(
        "          - {name: northeurope, replicas: 2, storageAccountType: Standard_ZRS}\n        endOfLife: 2027-11-02\n",
        "          - {name: northeurope, replicas: 2, storageAccountType: Standard_ZRS}\n        endOfLife: 2027-11-02\n"
        "        excludeFromLatest: true\n",
    ).replace(staged, staged + "        endOfLife: 2026-12-31\n")

"""`gallery promote`'s gates, as a user sees them: Azure's validations and policy violations (served by the local
ARM endpoint in Microsoft's example shapes), the catalog's canary run as real subprocesses, --skip-gate, and what
the version's tags record. Nothing is written when a gate refuses."""

from __future__ import annotations

import datetime as dt
import pathlib
import re
import shutil
import stat
import time

import pytest

from armlocal import SUBSCRIPTION, policy_violation, serve_catalog
from gallery.catalog.loader import load_catalog
from gallery.cli import main
from gallery.lifecycle.canary import run_one
from tests.fixtures.paths import ROOT

UBUNTU = "ubuntu-22.04-gen2"
RG, GALLERY = "rg-images-dev", "gal_platform_dev"
VERSION_ID = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.Compute/galleries/{GALLERY}"
    f"/images/{UBUNTU}/versions/1.1.1"
)
# The canary: boots nothing, says where it runs, fails in northeurope when told to.
CANARY = """#!/bin/sh
echo "canary for $1 in $2 (GALLERY_REGION=$GALLERY_REGION)"
if [ "$2" = "$FAIL_IN" ]; then
  i=1; while [ $i -le 12 ]; do echo "boot log line $i"; i=$((i+1)); done
  echo "ssh: connect to host 10.0.0.4 port 22: Connection timed out" >&2
  exit 3
fi
"""


@pytest.fixture
def example(tmp_path):
    path = tmp_path / "images.yaml"
    shutil.copy(ROOT / "images.yaml", path)
    return path


@pytest.fixture
def canary(example):
    script = example.parent / "canary.sh"
    script.write_text(CANARY)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    example.write_text(
        example.read_text().replace(
            "replication:\n", 'lifecycle:\n  canary: [./canary.sh, "{versionId}", "{region}"]\n\nreplication:\n', 1
        )
    )
    return script


@pytest.fixture
def azure(arm, monkeypatch, example):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    serve_catalog(arm, load_catalog(example))
    return arm


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def timeless(text: str) -> str:
    return re.sub(r"\d+(\.\d)? s\b", "N s", text)


def test_every_gate_passes_and_is_recorded(example, canary, azure, capsys):
    azure.validate(RG, GALLERY, UBUNTU, "1.1.1", {"vmScan": "Succeeded", "bootCheck": "Succeeded"})
    code, out, err = run(capsys, "promote", UBUNTU, "1.1.1", "--catalog", example)
    assert (code, err) == (0, "")
    assert timeless(out).splitlines() == [
        f"{example}: promoted {UBUNTU} 1.1.1 (Azure reports it provisioned and replicated to every target region)",
        "  gate validation: passed (Succeeded: vmScan, bootCheck; etag 340b47fb-1c2d-4e5f-8a9b-0c1d2e3f4a5b)",
        "  gate policy: passed (no policy violation reported)",
        "  gate canary: passed (exit 0 in westeurope (N s), northeurope (N s))",
        "  recorded in its tags: promoted.on, gate.validation, gate.policy, gate.canary",
    ]
    version = load_catalog(example).image(UBUNTU).version("1.1.1")
    assert not version.exclude_from_latest
    assert dict(version.tags)["promoted.on"] == dt.datetime.now(dt.timezone.utc).date().isoformat()
    assert timeless(version.tag("gate.canary")) == "exit 0 in westeurope (N s), northeurope (N s)"
    # Azure's validations were asked for as 2024-03-03 names them.
    [get] = [r for r in azure.calls("GET", "/versions/1.1.1") if r.query.get("$expand") == "ValidationProfile"]
    assert get.query == {"api-version": "2024-03-03", "$expand": "ValidationProfile"}


def test_a_failed_validation_refuses_with_azures_words(example, canary, azure, capsys):
    azure.validate(RG, GALLERY, UBUNTU, "1.1.1", {"vmScan": "Succeeded", "bootCheck": "Failed"})
    before = example.read_bytes()
    code, out, err = run(capsys, "promote", UBUNTU, "1.1.1", "--catalog", example)
    assert (code, out) == (2, "")
    assert err == (
        f"error: {UBUNTU} 1.1.1 was not promoted: 1 gate refusal(s); nothing was written\n"
        "  gate validation refused it in every region: Azure's bootCheck validation (version 1.0.0, run "
        "2026-11-24T09:30:00Z) reports Failed\n"
        "  gate canary was not run: Azure's gates refused first\n"
        "hint: publish a fixed version; or, to accept the risk, run again with --skip-gate validation (recorded in "
        "the version's tags)\n"
    )
    assert example.read_bytes() == before


def test_a_policy_violation_refuses(example, azure, capsys):
    azure.flag(
        RG,
        GALLERY,
        UBUNTU,
        "1.1.1",
        policy_violation(),
        policy_violation("CopyrightValidation", "The image contains copyrighted material."),
    )
    code, _, err = run(capsys, "promote", UBUNTU, "1.1.1", "--catalog", example)
    assert code == 2
    assert err.splitlines()[1:3] == [
        "  gate policy refused it in every region: Azure reports a policy violation: ImageFlaggedUnsafe: This is "
        "the policy violation details.",
        "  gate policy refused it in every region: Azure reports a policy violation: CopyrightValidation: The "
        "image contains copyrighted material.",
    ]


def test_the_canary_refuses_in_its_region_with_its_last_lines(example, canary, azure, capsys, monkeypatch):
    monkeypatch.setenv("FAIL_IN", "northeurope")
    before = example.read_bytes()
    code, out, err = run(capsys, "promote", UBUNTU, "1.1.1", "--catalog", example)
    assert (code, out) == (2, "")
    assert timeless(err) == (
        f"error: {UBUNTU} 1.1.1 was not promoted: 1 gate refusal(s); nothing was written\n"
        f"  gate canary refused it in northeurope: `./canary.sh {VERSION_ID} northeurope` exited 3 after N s; "
        "its last lines:\n"
        + "".join(f"      | boot log line {i}\n" for i in range(4, 13))
        + "      | ssh: connect to host 10.0.0.4 port 22: Connection timed out\n"
        "hint: publish a fixed version; or, to accept the risk, run again with --skip-gate canary (recorded in the "
        "version's tags)\n"
    )
    assert example.read_bytes() == before


def test_skip_gate_is_explicit_and_recorded(example, canary, azure, capsys, monkeypatch):
    monkeypatch.setenv("FAIL_IN", "northeurope")
    azure.flag(RG, GALLERY, UBUNTU, "1.1.1")
    code, out, _ = run(
        capsys, "promote", UBUNTU, "1.1.1", "--catalog", example, "--skip-gate", "canary", "--skip-gate", "policy"
    )
    assert code == 0
    assert out.splitlines()[1:] == [
        "  gate validation: passed (Azure ran no validation of this version)",
        "  gate policy: skipped (--skip-gate policy; recorded in the version's tags)",
        "  gate canary: skipped (--skip-gate canary; recorded in the version's tags)",
        "  recorded in its tags: promoted.on, gate.validation, gate.policy, gate.canary",
    ]
    version = load_catalog(example).image(UBUNTU).version("1.1.1")
    assert (version.tag("gate.policy"), version.tag("gate.canary")) == (
        "skipped: --skip-gate policy",
        "skipped: --skip-gate canary",
    )


def test_the_canary_runs_only_in_its_regions(example, canary, azure, capsys, monkeypatch):
    monkeypatch.setenv("FAIL_IN", "northeurope")
    example.write_text(
        example.read_text().replace(
            'canary: [./canary.sh, "{versionId}", "{region}"]',
            'canary: {command: [./canary.sh, "{versionId}", "{region}"], regions: [westeurope], timeoutMinutes: 5}',
        )
    )
    code, out, _ = run(capsys, "promote", UBUNTU, "1.1.1", "--catalog", example)
    assert code == 0 and timeless(out).splitlines()[3] == "  gate canary: passed (exit 0 in westeurope (N s))"


def test_a_canary_that_cannot_start_refuses(example, azure, capsys):
    example.write_text(
        example.read_text().replace("replication:\n", "lifecycle:\n  canary: [./missing.sh]\n\nreplication:\n", 1)
    )
    code, _, err = run(capsys, "promote", UBUNTU, "1.1.1", "--catalog", example)
    assert code == 2
    assert err.splitlines()[1] == (
        "  gate canary refused it in westeurope: `./missing.sh` cannot start: No such file "
        f"or directory (run from {example.parent})"
    )


def test_a_canary_past_its_timeout_is_stopped_with_its_children(tmp_path):
    script = tmp_path / "slow.sh"
    script.write_text("#!/bin/sh\necho started\nsleep 30 &\necho $! > child.pid\nwait\n")
    script.chmod(0o755)
    started = time.monotonic()
    result = run_one(["./slow.sh"], "westeurope", {}, cwd=str(tmp_path), timeout=1)
    assert time.monotonic() - started < 10
    assert (result.passed, result.returncode, result.tail) == (False, None, ("started",))
    assert result.words() == "`./slow.sh` timed out after 1 s and was stopped; its last lines:\n      | started"
    child = int((tmp_path / "child.pid").read_text())
    time.sleep(0.2)
    assert _gone(child), "the script's own child (sleep 30) was stopped with it"


def _gone(pid: int) -> bool:
    """No such process, or a zombie waiting for whichever process reaps orphans here."""
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True

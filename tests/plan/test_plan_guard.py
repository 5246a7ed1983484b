"""The plan guard: `gallery plan --format json` of every valid test catalog, both stacks, byte for byte as recorded.

The recording (guard.json.gz beside this file) was made at commit 8073fb5, the last before catalogs could be split into
shards: a catalog without `shards:` must still be exactly that single stack, so existing stacks see no change.
A change that means to change what is planned records it again, and the diff of the recording shows what moved:

    .venv/bin/python -m tests.plan.test_plan_guard --record
"""

from __future__ import annotations

import contextlib
import difflib
import gzip
import io
import json
import sys

import pytest

from gallery import cli
from tests.fixtures.paths import CATALOGS, ROOT

RECORDING = ROOT / "tests" / "plan" / "guard.json.gz"
# Every valid test catalog but the sharded ones (tests/catalogs/shards/), which did not exist then.
CATALOG_FILES = sorted(
    p.relative_to(ROOT).as_posix()
    for p in CATALOGS.rglob("*.yaml")
    if not {"invalid", "shards"} & set(p.parts) and p.name != "invalid.yaml"
) + ["images.yaml"]
CASES = [(path, stack) for path in CATALOG_FILES for stack in ("dev", "prod")]


def planned(path: str, stack: str) -> str:
    """What `gallery plan PATH --stack STACK --format json` prints, run from the project's root."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["plan", path, "--stack", stack, "--format", "json"])
    assert code == 0, f"plan {path} --stack {stack} exited {code}"
    return out.getvalue()


def recorded() -> dict[str, str]:
    return json.loads(gzip.decompress(RECORDING.read_bytes()))


@pytest.fixture(scope="module")
def recording() -> dict[str, str]:
    return recorded()


def test_the_recording_covers_every_valid_test_catalog(recording):
    assert sorted(recording) == sorted(f"{path} {stack}" for path, stack in CASES)


@pytest.mark.parametrize("path, stack", CASES, ids=[f"{p}-{s}" for p, s in CASES])
def test_a_catalog_without_shards_plans_exactly_as_recorded(path, stack, recording, monkeypatch):
    monkeypatch.chdir(ROOT)
    now, then = planned(path, stack), recording[f"{path} {stack}"]
    if now != then:
        diff = "".join(difflib.unified_diff(then.splitlines(True), now.splitlines(True), "recorded", "now", n=2))
        pytest.fail(f"plan {path} --stack {stack} differs from the recording:\n{diff[:6000]}")


def record() -> None:
    import os

    os.chdir(ROOT)
    plans = {f"{path} {stack}": planned(path, stack) for path, stack in CASES}
    RECORDING.write_bytes(gzip.compress(json.dumps(plans, sort_keys=True, indent=0).encode(), 9, mtime=0))
    print(f"recorded {len(plans)} plans in {RECORDING.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1:] != ["--record"]:
        sys.exit("usage: python -m tests.plan.test_plan_guard --record")
    record()

"""A reader that goes away (`gallery diff A B | head -1`) must not change the command's exit code.

Each test gives the command a real pipe whose reading end is closed before the command starts, so the
first write fails with EPIPE, exactly as after `head` has read its lines and exited.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.fixtures.paths import CATALOGS, ROOT

DIFF = CATALOGS / "diff"


def run_into_closed_pipe(*args: str, stream: str = "stdout") -> subprocess.CompletedProcess:
    read_end, write_end = os.pipe()
    os.close(read_end)
    other = subprocess.PIPE
    try:
        return subprocess.run(
            [sys.executable, "-m", "gallery", *args],
            cwd=ROOT,
            text=True,
            timeout=120,
            stdout=write_end if stream == "stdout" else other,
            stderr=write_end if stream == "stderr" else other,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "args, stream, code",
    [
        (["validate", str(CATALOGS / "invalid" / "regions.yaml"), "--format", "json"], "stdout", 1),
        (["validate", str(CATALOGS / "invalid" / "regions.yaml")], "stderr", 1),
        (["validate", "--format", "json"], "stdout", 0),
        (["diff", str(DIFF / "base.yaml"), str(DIFF / "version-removed.yaml"), "--no-plan"], "stdout", 2),
        (["diff", str(DIFF / "base.yaml"), str(DIFF / "reformatted.yaml"), "--no-plan"], "stdout", 0),
        (["plan", str(CATALOGS / "valid" / "minimal.yaml"), "--format", "json"], "stdout", 0),
    ],
)
def test_a_closed_pipe_keeps_the_commands_own_exit_code(args, stream, code):
    r = run_into_closed_pipe(*args, stream=stream)
    assert r.returncode == code
    if stream == "stdout":  # stderr is still readable: nothing about the pipe may appear there
        # (a command given no catalog says which one it read: that line is the only one allowed)
        assert [line for line in r.stderr.splitlines() if not line.startswith("catalog: ")] == []

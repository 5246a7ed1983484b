"""Property tests of the loader and the command line against inputs nobody should give them.

Oversized, special (FIFO, /dev/zero, directory, symlink loop, socket) and truncated inputs must end
as a clean user error (or a valid catalog, for a cut that happens to be one): no traceback, no hang
(every command runs under a timeout), and bounded memory (each command reports its own peak).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gallery.catalog.inputs import MAX_INPUT_BYTES
from gallery.catalog.loader import load_catalog_text
from gallery.errors import CatalogError
from tests.fixtures.bigcatalogs import many
from tests.fixtures.paths import ROOT
from tests.fixtures.strategies import EXAMPLE

MAX_RSS_KIB = 1024 * 1024  # 1 GiB: the node limit keeps the worst catalog near 700 MB
TIMEOUT_S = 90
BIG = many(200, 5)  # a generated catalog of 1,000 versions, to be cut anywhere

# Runs one command in-process and writes its peak memory where the test can read it.
WRAPPER = """
import os, resource, sys
from gallery.cli import main
try:
    code = main(sys.argv[1:])
finally:
    with open(os.environ["GALLERY_TEST_RSS"], "w") as f:
        f.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
sys.exit(code)
"""


def _endless(f) -> None:
    line = b"# " + b"x" * 4093 + b"\n"
    while True:
        f.write(line)


def _make(kind: str, tmp: Path, cut: int) -> str:
    """The path of an input of `kind` in `tmp`."""
    path = tmp / "input.yaml"
    if kind in ("/dev/zero", "/dev/urandom", "/dev/null"):
        return kind
    if kind == "directory":
        path.mkdir()
    elif kind == "symlink loop":
        path.symlink_to(tmp / "other.yaml")
        (tmp / "other.yaml").symlink_to(path)
    elif kind == "oversized file":
        with open(path, "wb") as f:
            f.truncate(MAX_INPUT_BYTES + 1 + cut)
    elif kind == "oversized text":
        path.write_text(EXAMPLE + "# " + "x" * MAX_INPUT_BYTES + "\n")
    elif kind == "many nodes":
        path.write_text("- a\n" * 1_100_000)
    elif kind == "truncated example":
        path.write_bytes(EXAMPLE.encode()[: cut % (len(EXAMPLE.encode()) + 1)])
    elif kind == "truncated big catalog":
        path.write_bytes(BIG.encode()[: cut % (len(BIG) + 1)])
    elif kind in ("endless fifo", "catalog fifo"):
        os.mkfifo(path)

        def write():
            try:
                with open(path, "wb") as f:
                    _endless(f) if kind == "endless fifo" else f.write(EXAMPLE.encode())
            except (BrokenPipeError, OSError):
                pass  # the reader stopped at the limit, or went away

        threading.Thread(target=write, daemon=True).start()
    else:  # pragma: no cover
        raise AssertionError(kind)
    return str(path)


KINDS = [
    "/dev/zero",
    "/dev/urandom",
    "/dev/null",
    "directory",
    "symlink loop",
    "oversized file",
    "oversized text",
    "many nodes",
    "truncated example",
    "truncated big catalog",
    "endless fifo",
    "catalog fifo",
]
COMMANDS = {
    "validate": lambda p: ["validate", p],
    "validate json": lambda p: ["validate", p, "--format", "json"],
    "diff": lambda p: ["diff", p, str(ROOT / "images.yaml"), "--no-plan"],
    "plan": lambda p: ["plan", p, "--format", "json"],
}


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(kind=st.sampled_from(KINDS), command=st.sampled_from(sorted(COMMANDS)), cut=st.integers(0, 10**6))
def test_the_command_line_ends_cleanly_in_bounded_time_and_memory(kind, command, cut):
    with tempfile.TemporaryDirectory() as tmp:
        path = _make(kind, Path(tmp), cut)
        rss = Path(tmp) / "rss"
        env = {**os.environ, "GALLERY_TEST_RSS": str(rss)}
        r = subprocess.run(
            [sys.executable, "-c", WRAPPER, *COMMANDS[command](path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr[-2000:]
        # diff: a valid cut of the example (an image and its versions gone) blocks, which is exit 2.
        assert r.returncode in ((0, 1, 2) if command == "diff" else (0, 1)), (r.returncode, r.stderr[-2000:])
        if r.returncode == 1:  # says why: on stderr, or in the JSON document a machine format prints
            assert r.stderr.strip() or '"problems"' in r.stdout, "a failure says why"
        assert int(rss.read_text()) < MAX_RSS_KIB


@settings(max_examples=200, deadline=dt.timedelta(seconds=10), suppress_health_check=list(HealthCheck))
@given(st.sampled_from([EXAMPLE, BIG]), st.integers(0, 10**6), st.sampled_from(["", "\x07", "\x00", "\ufeff", "é"]))
def test_the_loader_takes_any_cut_of_a_catalog(text, cut, tail):
    data = text[: cut % (len(text) + 1)] + tail
    try:
        load_catalog_text(data.encode("utf-8"), "cut.yaml")
    except CatalogError as exc:
        assert exc.problems and all(p.file == "cut.yaml" and p.message for p in exc.problems)

"""SIGINT and SIGTERM, sent for real to `python -m gallery`: every command stops within moments, with one line
on stderr and 128 + the signal's number, and leaves no partial file under a final name; after SIGKILL, the
rerun recognises and removes what the killed run left.

The bound asserted is generous (the machine running the tests may be busy); the design target is 2 s
(gallery.supervisor.GRACE after the signal, at worst).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Optional

import pytest

from gallery.vhd import vhdfile
from tests.fixtures.bigcatalogs import many
from tests.fixtures.paths import ROOT
from tests.fixtures.vhds import make_vhd

BOUND = 10.0  # seconds from the signal to the process's end, asserted
WORDS = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
SIGNALS = [pytest.param(signal.SIGINT, id="SIGINT"), pytest.param(signal.SIGTERM, id="SIGTERM")]
MIB = 1 << 20


def start(*argv: str, prelude: str = "", cwd: Path = ROOT, env: Optional[dict] = None, **options) -> subprocess.Popen:
    """`python -m gallery ARGV`, after `prelude` (Python run first in the same process, to slow a step down)."""
    code = textwrap.dedent(prelude) + textwrap.dedent(f"""
        import runpy, sys
        sys.argv = ["gallery", *{list(argv)!r}]
        runpy.run_module("gallery", run_name="__main__", alter_sys=True)
    """)
    env = {**(env or os.environ), "PYTHONPATH": str(ROOT)}  # this checkout's gallery, from any folder
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


def stop(process: subprocess.Popen, signum: int) -> tuple[int, str, float]:
    """Send `signum`, wait for the end: (exit code, stderr, seconds it took)."""
    sent = time.monotonic()
    process.send_signal(signum)
    try:
        _, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"still running 60 s after {signal.Signals(signum).name}")
    return process.returncode, err, time.monotonic() - sent


def wait_for(condition, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(0.01)


# What the command is doing when the signal comes: the Pulumi program declares the catalog, inside Pulumi's
# sync_await, which catches KeyboardInterrupt and then waits for every registration in flight.
IN_PULUMI = """
    import os
    from gallery import program
    real = program.declare
    def declare(*args, **kwargs):
        os.close(os.open(os.environ["GALLERY_TEST_MARK"], os.O_CREAT | os.O_WRONLY))
        return real(*args, **kwargs)
    program.declare = declare
"""


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Path, Path]:
    """Two catalogs of 2,000 versions each that differ in a setting every resource depends on."""
    folder = tmp_path_factory.mktemp("big")
    base, head = folder / "base.yaml", folder / "head.yaml"
    text = many(100, 20)
    base.write_text(text)
    head.write_text(text.replace("location: westeurope", "location: westeurope\ntags: {owner: platform}"))
    return base, head


@pytest.mark.parametrize("signum", SIGNALS)
def test_plan_stops_at_once_while_pulumi_runs(big, signum, tmp_path):
    mark = tmp_path / "in-pulumi"
    process = start("plan", str(big[0]), prelude=IN_PULUMI, env={**os.environ, "GALLERY_TEST_MARK": str(mark)})
    wait_for(mark.exists, what="the Pulumi program to start")
    time.sleep(5)  # well into it: thousands of registrations in flight
    code, err, seconds = stop(process, signum)
    assert (code, err) == (128 + signum, WORDS[signum] + "\n")
    assert seconds < BOUND


@pytest.mark.parametrize("signum", SIGNALS)
def test_diff_stops_at_once(big, signum):
    # The diff compares desired states (no Pulumi): it reads, validates and compares; a signal at any moment of
    # it (or just after it printed) ends it with the one line and 128 + the signal.
    process = start("diff", str(big[0]), str(big[1]))
    time.sleep(1)
    code, err, seconds = stop(process, signum)
    assert code == 128 + signum and err.endswith(WORDS[signum] + "\n")
    assert seconds < BOUND


@pytest.mark.parametrize("signum", SIGNALS)
def test_a_command_waiting_on_the_network_stops_at_once(signum, monkeypatch):
    # An ARM endpoint that accepts the connection and never answers: the read would wait for minutes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        silent.settimeout(60)
        env = {
            **os.environ,
            "GALLERY_ARM_ENDPOINT": f"http://127.0.0.1:{silent.getsockname()[1]}",
            "AZURE_SUBSCRIPTION_ID": "11111111-2222-3333-4444-555555555555",
        }
        process = start("status", str(ROOT / "images.yaml"), env=env)
        connection, _ = silent.accept()
        with connection:
            code, err, seconds = stop(process, signum)
    assert (code, err) == (128 + signum, WORDS[signum] + "\n")
    assert seconds < BOUND


def test_a_signal_once_the_command_is_done_still_counts_and_says_so():
    # The plan is printed, and the signal comes while the interpreter shuts down (here: from an exit handler
    # that then sleeps, standing for the worker threads the shutdown waits for).
    late = """
        import atexit, os, signal, time
        atexit.register(lambda: (os.kill(os.getpid(), signal.SIGINT), time.sleep(30)))
    """
    process = start("plan", str(ROOT / "tests" / "catalogs" / "valid" / "minimal.yaml"), prelude=late)
    out, err = process.communicate(timeout=60)
    assert "to create" in out
    assert (process.returncode, err) == (130, "interrupted\n")


# -- vhd convert: the VHD appears whole under its name, or not at all ----------------------------------------

SLOW_SCAN = """
    import time
    from gallery.vhd import diskscan
    real = diskscan.scan
    def scan(*args, **kwargs):
        for piece in real(*args, **kwargs):
            time.sleep(0.05)
            yield piece
    diskscan.scan = scan
"""


@pytest.fixture
def raw(tmp_path) -> Path:
    """A raw disk of 64 MiB with data in every 4 MiB chunk: 16 slowed-down pieces to write."""
    path = tmp_path / "disk.raw"
    with open(path, "wb") as f:
        for chunk in range(16):
            f.seek(chunk * 4 * MIB)
            f.write(bytes([chunk + 1]) * 4096)
        f.truncate(64 * MIB)
    return path


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".gallery-tmp"))


@pytest.mark.parametrize("signum", SIGNALS)
def test_convert_stopped_by_a_signal_leaves_no_vhd_and_the_rerun_writes_it(raw, tmp_path, signum):
    out = tmp_path / "out.vhd"
    process = start("vhd", "convert", str(raw), str(out), prelude=SLOW_SCAN)
    wait_for(lambda: temporaries(tmp_path), what="the conversion to start writing")
    code, err, seconds = stop(process, signum)
    assert (code, err, seconds < BOUND) == (128 + signum, WORDS[signum] + "\n", True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disk.raw"]  # no out.vhd, no temporary
    rerun = subprocess.run(
        [sys.executable, "-m", "gallery", "vhd", "convert", str(raw), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert vhdfile.inspect(out).ok


def test_convert_killed_outright_leaves_a_temporary_the_rerun_removes(raw, tmp_path):
    out = tmp_path / "out.vhd"
    process = start("vhd", "convert", str(raw), str(out), prelude=SLOW_SCAN, start_new_session=True)
    wait_for(lambda: temporaries(tmp_path), what="the conversion to start writing")
    os.killpg(process.pid, signal.SIGKILL)  # the command and its supervisor: nothing gets to clean up
    process.communicate(timeout=60)
    [leftover] = temporaries(tmp_path)
    assert re.fullmatch(r"\.out\.vhd\.\d+\.gallery-tmp", leftover)
    assert not out.exists()  # never a half-written VHD under the final name
    rerun = subprocess.run(
        [sys.executable, "-m", "gallery", "vhd", "convert", str(raw), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (rerun.returncode, rerun.stderr) == (0, "")
    assert vhdfile.inspect(out).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disk.raw", "out.vhd"]


def test_the_command_does_not_outlive_its_supervisor(raw, tmp_path):
    out = tmp_path / "out.vhd"
    process = start("vhd", "convert", str(raw), str(out), prelude=SLOW_SCAN)
    wait_for(lambda: temporaries(tmp_path), what="the conversion to start writing")
    process.kill()  # SIGKILL to the process the caller knows (the supervisor)
    process.communicate(timeout=60)
    wait_for(lambda: not temporaries(tmp_path), timeout=BOUND, what="the command to stop and remove its temporary")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disk.raw"]


def test_ctrl_c_at_a_terminal_reaches_both_processes_and_counts_once(raw, tmp_path):
    # A terminal sends SIGINT to the whole foreground process group: the supervisor and the command.
    out = tmp_path / "out.vhd"
    process = start("vhd", "convert", str(raw), str(out), prelude=SLOW_SCAN, start_new_session=True)
    wait_for(lambda: temporaries(tmp_path), what="the conversion to start writing")
    sent = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err, time.monotonic() - sent < BOUND) == (130, "interrupted\n", True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disk.raw"]


# -- upload: the blob stays marked unfinished, and the line says how to go on ------------------------------------

SLOW_PUTS = """
    import os, time
    from azure.storage.blob import BlobClient
    real = BlobClient.upload_page
    def upload_page(self, *args, **kwargs):
        os.close(os.open(os.environ["GALLERY_TEST_MARK"], os.O_CREAT | os.O_WRONLY))
        time.sleep(float(os.environ["GALLERY_TEST_PUT_SECONDS"]))
        return real(self, *args, **kwargs)
    BlobClient.upload_page = upload_page
"""
UPLOAD = ["upload", "a.vhd", "--image", "ubuntu-test", "--captured", "2026-11-21", "--quiet"]


@pytest.mark.parametrize(
    "put_seconds",
    [pytest.param(0.2, id="the command unwinds"), pytest.param(60, id="the supervisor ends a put that hangs")],
)
def test_an_upload_stopped_by_sigterm_says_how_to_resume(blob_catalog, tmp_path, put_seconds):
    make_vhd(tmp_path / "a.vhd")
    mark = tmp_path / "putting"
    process = start(
        *UPLOAD,
        prelude=SLOW_PUTS,
        cwd=tmp_path,
        env={**os.environ, "GALLERY_TEST_MARK": str(mark), "GALLERY_TEST_PUT_SECONDS": str(put_seconds)},
    )
    wait_for(mark.exists, what="the first put")
    code, err, seconds = stop(process, signal.SIGTERM)
    where = f"devstoreaccount1/{blob_catalog.container_name}"
    assert (code, err) == (
        143,
        f"terminated: the blob in {where} stays marked unfinished: run the same command "
        "again on this machine to resume it at once\n",
    )
    assert seconds < BOUND
    if put_seconds < 1:  # the command released the blob's lease: the same command again finishes the upload
        rerun = subprocess.run(
            [sys.executable, "-m", "gallery", *UPLOAD],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert (rerun.returncode, rerun.stdout.split(" ", 3)[:3]) == (0, ["resumed", "and", "finished"]), rerun.stderr

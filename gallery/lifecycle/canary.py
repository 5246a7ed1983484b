"""The canary gate's runs: the catalog's `lifecycle.canary` command, once per region, as real subprocesses.

Each run is the command itself (no shell), from the catalog's folder, with its placeholders replaced and the
version in its environment (GALLERY_IMAGE, GALLERY_VERSION, GALLERY_VERSION_ID, GALLERY_REGION). Its output,
stdout and stderr together, goes to a file (a pipe would block a chatty command); only the last lines are
kept, for the refusal. A run that outlives its timeout is stopped with its whole process group (a script's
children too: SIGTERM, then SIGKILL), and the gate refuses. The regions run at the same time: a canary that
boots a VM per region takes as long as the slowest region, not their sum.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Mapping, Optional, Sequence

TAIL_LINES = 10  # the command's last output lines a refusal shows
GRACE_SECONDS = 5  # between SIGTERM and SIGKILL when a run is stopped


@dataclasses.dataclass(frozen=True)
class CanaryRun:
    region: str
    argv: tuple[str, ...]
    returncode: Optional[int]  # None: it did not finish (timed out, or could not start)
    seconds: float
    tail: tuple[str, ...] = ()  # its last output lines
    failure: Optional[str] = None  # why it did not finish: "timed out after 30 min", "cannot start: ..."

    @property
    def passed(self) -> bool:
        return self.returncode == 0

    def words(self) -> str:
        """What a refusal says of this run: the command, how it ended, and its last lines."""
        how = self.failure or f"exited {self.returncode} after {self.seconds:.1f} s"
        said = f"`{' '.join(self.argv)}` {how}"
        if self.tail:
            said += "; its last lines:\n" + "\n".join(f"      | {line}" for line in self.tail)
        elif not (self.failure or "").startswith("cannot start"):
            said += " (no output)"
        return said


def command_for(command: Sequence[str], values: Mapping[str, str]) -> tuple[str, ...]:
    """The command with each `{name}` of `values` replaced (text replacement: other braces stay as written)."""
    out = []
    for arg in command:
        for name, value in values.items():
            arg = arg.replace("{" + name + "}", value)
        out.append(arg)
    return tuple(out)


def run_canaries(
    command: Sequence[str], values_by_region: Mapping[str, Mapping[str, str]], *, cwd: str, timeout: float
) -> list[CanaryRun]:
    """One run per region (in the order given), concurrently; `timeout` in seconds for each."""
    regions = list(values_by_region)
    if not regions:
        return []
    with ThreadPoolExecutor(max_workers=len(regions)) as pool:
        return list(pool.map(lambda r: run_one(command, r, values_by_region[r], cwd=cwd, timeout=timeout), regions))


def run_one(command: Sequence[str], region: str, values: Mapping[str, str], *, cwd: str, timeout: float) -> CanaryRun:
    argv = command_for(command, values)
    env = {
        **os.environ,
        "GALLERY_IMAGE": values.get("image", ""),
        "GALLERY_VERSION": values.get("version", ""),
        "GALLERY_VERSION_ID": values.get("versionId", ""),
        "GALLERY_REGION": region,
    }
    started = time.monotonic()
    with tempfile.TemporaryFile() as output:
        try:
            # Its own session, so a timeout stops what it started as well (a VM boot script's ssh, az...).
            child = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            return CanaryRun(region, argv, None, 0.0, failure=f"cannot start: {exc.strerror or exc} (run from {cwd})")
        try:
            code: Optional[int] = child.wait(timeout=timeout)
            failure = None
        except subprocess.TimeoutExpired:
            _stop(child)
            code, failure = None, f"timed out after {_duration(timeout)} and was stopped"
        seconds = time.monotonic() - started
        output.seek(0)
        tail = tuple(output.read().decode("utf-8", "replace").splitlines()[-TAIL_LINES:])
    return CanaryRun(region, argv, code, seconds, tuple(line.rstrip() for line in tail), failure)


def _stop(child: subprocess.Popen) -> None:
    """SIGTERM to the run's process group, SIGKILL to what is left of it after a grace period."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            break  # the whole group is gone
        try:
            child.wait(timeout=GRACE_SECONDS if sig == signal.SIGTERM else None)
        except subprocess.TimeoutExpired:
            pass
        if sig == signal.SIGTERM:
            time.sleep(0.1)  # a moment for the children of a script that obeyed to go too


def _duration(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"

"""The upload's progress line on stderr: how much of the disk is done, what the service acknowledged,
at what rate, and any retry going on. Binary units throughout (GiB, MiB, MiB/s), like every size the
tool prints.

`done` counts the disk's bytes dealt with for good (zeros once read, data once acknowledged), so the bar
and the time left follow the disk; `sent` and its rate are the data the service acknowledged.
"""
from __future__ import annotations

import contextlib
import sys
import time
from typing import Callable, Iterator, Optional

from gallery.vhd.vhdfile import human_size

Callbacks = tuple[Optional[Callable[[int, int], None]], Optional[Callable[[str], None]]]


def status(sent: int, seconds: float, note: str = "") -> str:
    """`sent 3.0 MiB at 1.5 MiB/s`, then the retry note if there is one."""
    rate = sent / seconds if seconds > 0 else 0.0
    text = f"sent {human_size(sent)} at {human_size(int(rate))}/s"
    return f"{text}  {note}" if note else text


def columns():
    from rich.progress import BarColumn, DownloadColumn, TextColumn, TimeRemainingColumn  # noqa: PLC0415
    return (TextColumn("upload"), BarColumn(), DownloadColumn(binary_units=True), TimeRemainingColumn(),
            TextColumn("{task.fields[status]}"))


@contextlib.contextmanager
def upload_progress(quiet: bool, total: int) -> Iterator[Callbacks]:
    """(progress(done, sent), on_retry(note)) for an upload of `total` bytes: a bar on a terminal; without
    one, each retry as a line (a CI log shows why the upload waits); nothing with --quiet."""
    if quiet:
        yield None, None
        return
    if not sys.stderr.isatty():
        yield None, lambda note: print(note, file=sys.stderr)
        return
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import Progress  # noqa: PLC0415
    with Progress(*columns(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("upload", total=total, status=status(0, 0))
        started, state = time.monotonic(), {"sent": 0, "note": ""}

        def progress(done: int, sent: int) -> None:
            if sent != state["sent"]:  # a put went through: any retry is over
                state.update(sent=sent, note="")
            bar.update(task, completed=done, status=status(sent, time.monotonic() - started, state["note"]))

        def on_retry(note: str) -> None:
            state["note"] = note
            bar.update(task, status=status(state["sent"], time.monotonic() - started, note))

        yield progress, on_retry

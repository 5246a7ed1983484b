"""The upload's progress line: how much of the disk is done, what the service acknowledged,
at what rate, and any retry going on. Binary units throughout (GiB, MiB, MiB/s), like every size the
tool prints.

`done` counts the disk's bytes dealt with for good (zeros once read, data once acknowledged), so the bar
and the time left follow the disk; `sent` and its rate are the data the service acknowledged. Whether
there is a bar, and on which console, is the reporter's to decide (output.Reporter.progress).
"""

from __future__ import annotations

import contextlib
import time
from typing import Any, Iterator

from gallery.cli.output import Callbacks
from gallery.vhd.vhdfile import human_size


def status(sent: int, seconds: float, note: str = "") -> str:
    """`sent 3.0 MiB at 1.5 MiB/s`, then the retry note if there is one."""
    rate = sent / seconds if seconds > 0 else 0.0
    text = f"sent {human_size(sent)} at {human_size(int(rate))}/s"
    return f"{text}  {note}" if note else text


def columns():
    from rich.progress import BarColumn, DownloadColumn, TextColumn, TimeRemainingColumn  # noqa: PLC0415

    return (
        TextColumn("upload"),
        BarColumn(),
        DownloadColumn(binary_units=True),
        TimeRemainingColumn(),
        TextColumn("{task.fields[status]}"),
    )


@contextlib.contextmanager
def bar(console, total: int) -> Iterator[Callbacks]:
    """(progress(done, sent), on_retry(note)) drawing a bar of `total` bytes on `console` (the reporter's)."""
    from rich.progress import Progress  # noqa: PLC0415

    with Progress(*columns(), console=console, transient=True) as bar:
        task = bar.add_task("upload", total=total, status=status(0, 0))
        started = time.monotonic()
        state: dict[str, Any] = {"sent": 0, "note": ""}

        def progress(done: int, sent: int) -> None:
            if sent != state["sent"]:  # a put went through: any retry is over
                state.update(sent=sent, note="")
            bar.update(task, completed=done, status=status(sent, time.monotonic() - started, state["note"]))

        def on_retry(note: str) -> None:
            state["note"] = note
            bar.update(task, status=status(state["sent"], time.monotonic() - started, note))

        yield progress, on_retry

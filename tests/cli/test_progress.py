"""The upload's progress line: binary units throughout, the rate of what the service acknowledged."""

from __future__ import annotations

import io

from rich.console import Console
from rich.progress import Progress

from gallery.cli import progress

MIB = 1 << 20


def test_status_gives_the_acknowledged_bytes_and_their_rate_in_binary_units():
    assert progress.status(3 * MIB, 2.0) == "sent 3.0 MiB at 1.5 MiB/s"
    assert progress.status(0, 0) == "sent 0 bytes at 0 bytes/s"
    assert (
        progress.status(MIB, 1.0, "retrying (1/4) after: Connection refused")
        == "sent 1.0 MiB at 1.0 MiB/s  retrying (1/4) after: Connection refused"
    )


def test_the_progress_line_speaks_gib_and_mib_per_second_only():
    console = Console(file=io.StringIO(), width=200, color_system=None)
    bar = Progress(*progress.columns(), console=console)
    task = bar.add_task("upload", total=6 << 30, status=progress.status(3 * MIB, 2.0))
    bar.update(task, completed=3 << 29)
    console.print(bar.make_tasks_table(bar.tasks))
    line = console.file.getvalue().rstrip()
    assert line.split(" ", 1)[0] == "upload"
    assert line.split("━")[-1].strip() == "1.5/6.0 GiB -:--:-- sent 3.0 MiB at 1.5 MiB/s"


def test_the_bar_draws_on_the_console_the_reporter_gives_it():
    console = Console(file=io.StringIO(), width=200, color_system=None, force_terminal=True)
    with progress.bar(console, 6 << 30) as (on_progress, on_retry):
        on_retry("retrying (1/4) after: Connection refused")
        on_progress(3 << 29, 0)
    drawn = console.file.getvalue()  # the last refresh, as the bar stops (then erased: it is transient)
    assert "1.5/6.0 GiB" in drawn and "sent 0 bytes at 0 bytes/s  retrying (1/4) after: Connection refused" in drawn

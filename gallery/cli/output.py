"""Every format and stream of the command line, decided here.

Machine formats (json, github annotations, markdown) are a command's result: they go to stdout whole,
so a pipe or a CI step gets one parseable document. In text, the result goes to stdout and diagnostics
(problems, warnings, progress) to stderr, so `gallery plan > plan.txt` keeps only the plan.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Sequence

from gallery.errors import Problem

TEXT, JSON, GITHUB, MARKDOWN = "text", "json", "github", "markdown"
MACHINE = (JSON, GITHUB, MARKDOWN)


def emit(text: str, fmt: str = TEXT, *, diagnostic: bool = False) -> None:
    """Print `text` on the stream its format and role call for; nothing for empty text."""
    if not text:
        return
    stream = sys.stderr if diagnostic and fmt not in MACHINE else sys.stdout
    try:
        print(text, file=stream, flush=True)  # flushed here, so a closed pipe is met here, not at exit
    except BrokenPipeError:
        discard(stream)


def discard(stream) -> None:
    """The reader of `stream` went away (`gallery diff A B | head -1`): send the rest to devnull.

    The command carries on and exits with its own code: a closed pipe must not turn a failure into
    success. Python's docs advise the devnull redirect, so that the flush at exit fails no second time
    (an "Exception ignored" message).
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, stream.fileno())
    os.close(devnull)


def flush() -> None:
    """Flush stdout and stderr before exit, discarding what a closed pipe will no longer take."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            discard(stream)


def problems(items: Sequence[Problem], fmt: str = TEXT) -> str:
    """Problems as `FILE:LINE:COL: severity: PATH: MESSAGE` lines, GitHub annotations or a JSON document."""
    if fmt == JSON:
        errors = sum(p.severity == "error" for p in items)
        return json.dumps({"valid": errors == 0, "errors": errors, "warnings": len(items) - errors,
                           "problems": [p.as_dict() for p in items]}, indent=2)
    if fmt == GITHUB:
        return "\n".join(p.github() for p in items)
    return "\n".join(p.text() for p in items)


def report_problems(items: Sequence[Problem], fmt: str = TEXT) -> None:
    """Problems that stop a command (or warnings that do not): diagnostics, in the command's format."""
    emit(problems(items, fmt if fmt in (TEXT, JSON, GITHUB) else TEXT), fmt if fmt in (JSON, GITHUB) else TEXT,
         diagnostic=True)

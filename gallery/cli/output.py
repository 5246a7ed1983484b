"""The reporter: every format and stream of the command line, decided here.

A command computes its result and hands it to its `Reporter`, which owns the formats (text, json,
github, markdown) and the streams, the way check-jsonschema keeps checking apart from reporting.
Machine formats (json, github annotations, markdown) are a command's result: they go to stdout whole,
so a pipe or a CI step gets one parseable document. In text, the result goes to stdout and diagnostics
(problems, warnings, progress) to stderr, so `gallery plan > plan.txt` keeps only the plan.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import traceback
from enum import StrEnum
from typing import Any, Callable, Iterator, Mapping, Optional, Sequence

from gallery.errors import Problem


class Format(StrEnum):
    """What `--format` takes: the one place format names are written."""

    TEXT = "text"
    JSON = "json"
    GITHUB = "github"
    MARKDOWN = "markdown"
    GITHUB_MATRIX = "github-matrix"  # `gallery shards`: a workflow's strategy.matrix
    DEPLOYMENTS = "deployments"  # `gallery shards`: Pulumi Deployments settings


TEXT, JSON, GITHUB, MARKDOWN = Format.TEXT, Format.JSON, Format.GITHUB, Format.MARKDOWN
MACHINE = (JSON, GITHUB, MARKDOWN, Format.GITHUB_MATRIX, Format.DEPLOYMENTS)

# (progress(done, sent), on_retry(note)) of an upload; None where nobody listens.
Callbacks = tuple[Optional[Callable[[int, int], None]], Optional[Callable[[str], None]]]


def add_format(parser: argparse.ArgumentParser, formats: Sequence[Format], help: str) -> None:
    """`--format`, offering `formats` in that order, text by default."""
    parser.add_argument("--format", choices=[f.value for f in formats], default=TEXT.value, help=help)


class Reporter:
    """One command's output in one format: results on stdout; diagnostics on stderr.

    `quiet` (upload's --quiet, for CI) turns the progress bar off, and nothing else.
    """

    def __init__(self, fmt: str = TEXT, *, quiet: bool = False):
        self.format = Format(fmt)
        self.quiet = quiet

    def result(self, text: str) -> None:
        """What the command found or did, on stdout."""
        emit(text)

    def render(self, result: Any, renderers: Mapping[Format, Callable[[Any], str]]) -> None:
        """`result` as the renderer of this format writes it, on stdout. A format the mapping lacks prints
        nothing: a failure only some formats put into words (the PR comment that says why nothing was compared)."""
        renderer = renderers.get(self.format)
        if renderer is not None:
            emit(renderer(result))

    def diagnostic(self, text: str) -> None:
        """A line about the run (an error, a note, a retry): on stderr, whatever the format."""
        emit(text, diagnostic=True)

    def error(self, message: str) -> None:
        self.diagnostic(f"error: {message}")

    def problems(self, items: Sequence[Problem]) -> None:
        """Problems that stop a command (or warnings that do not), in the command's format: a JSON document or
        annotations on stdout, text lines on stderr (markdown commands too: a PR comment is no place for them)."""
        report_problems(items, self.format)

    def warnings(self, items: Sequence[Problem]) -> None:
        """Problems beside another result (the plan's warnings): text lines on stderr, whatever the format, so
        the result on stdout stays machine-readable."""
        report_problems(items)

    def verdict(self, items: Sequence[Problem], *, found: str = "", summary: str = "") -> None:
        """A check's outcome. json: one document of every problem (it says "valid" even with none). Otherwise
        `found` (what passed, a line each) on stdout, the problems in the format, and in text a `summary` line."""
        if self.format == JSON:
            emit(problems(items, JSON), JSON)
            return
        emit(found)
        self.problems(items)
        if self.format == TEXT:
            emit(summary)

    @contextlib.contextmanager
    def progress(self, total: int) -> Iterator[Callbacks]:
        """Callbacks for an upload of `total` bytes: a bar on stderr when it is a terminal; without one, each
        retry as a line (a CI log shows why the upload waits); nothing when quiet."""
        if self.quiet:
            yield None, None
            return
        if not sys.stderr.isatty():
            yield None, self.diagnostic
            return
        from rich.console import Console  # noqa: PLC0415 - only a terminal's bar needs rich

        from gallery.cli.progress import bar  # noqa: PLC0415

        with bar(Console(stderr=True), total) as callbacks:
            yield callbacks

    def bug(self) -> None:
        """The exception being handled is ours: say so, with its trace, on stderr."""
        print(
            "internal error: this is a bug in the gallery tool, not in your input.\n"
            "Please report it with the catalog (or a reduced copy) and this trace:\n",
            file=sys.stderr,
        )
        traceback.print_exc()

    def pipe_closed(self) -> None:
        """A write that did not go through the reporter met a closed stdout: send the rest to devnull."""
        discard(sys.stdout)

    def flush(self) -> None:
        flush()


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
        return json.dumps(
            {
                "valid": errors == 0,
                "errors": errors,
                "warnings": len(items) - errors,
                "problems": [p.as_dict() for p in items],
            },
            indent=2,
        )
    if fmt == GITHUB:
        return "\n".join(p.github() for p in items)
    return "\n".join(p.text() for p in items)


def report_problems(items: Sequence[Problem], fmt: str = TEXT) -> None:
    """Problems that stop a command (or warnings that do not): diagnostics, in the command's format."""
    emit(
        problems(items, fmt if fmt in (TEXT, JSON, GITHUB) else TEXT),
        fmt if fmt in (JSON, GITHUB) else TEXT,
        diagnostic=True,
    )

"""`python -m gallery COMMAND`: a thin shell over the same loader and model the Pulumi program uses.

Each command lives in its own module with `register(subparsers)`, which adds its parser and sets
`func(args, out) -> Exit`: it computes its result and hands it to `out`, the reporter (output.py). The exit
codes are one table, `gallery.errors.Exit`, which `--help` prints.
"""
from __future__ import annotations

import argparse
import importlib
import re
import sys
import textwrap
from typing import Optional, Sequence

from gallery import __version__
from gallery.cli import output
from gallery.azure.errors import ArmError
from gallery.errors import CatalogError, Exit

# Modules that register subcommands, in the order `--help` lists them.
COMMAND_MODULES = (
    "gallery.cli.validate",
    "gallery.cli.plan",
    "gallery.cli.shards",
    "gallery.cli.apply",
    "gallery.cli.diff",
    "gallery.cli.vhd",
    "gallery.cli.version",
    "gallery.cli.promote",
    "gallery.cli.lifecycle",
    "gallery.cli.status",
    "gallery.cli.discover",
)


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on a usage error; here 2 means "done, look at the result", so a typo exits 1."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(Exit.USER, f"{self.format_usage()}{self.prog}: error: {message}\n")


class _Formatter(argparse.HelpFormatter):
    """Wraps descriptions as argparse does; a text of several lines (the exit-code table) keeps its lines, each
    wrapped under its own text, past its first word (the code)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" not in text:
            return super()._fill_text(text, width, indent)
        lines = []
        for line in text.splitlines():
            hanging = indent + " " * len(re.match(r"\s*\S*\s*", line).group())  # under the text, past the code
            lines.append(textwrap.fill(line, width, initial_indent=indent, subsequent_indent=hanging))
        return "\n".join(lines)


def exit_codes() -> str:
    """The exit-code table, as `--help` ends."""
    return "exit codes:\n" + "\n".join(f"  {code.value:<5}{code.meaning}" for code in Exit)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        # `gallery` (the console script) or `python -m gallery`, as the user typed it
        prog="python -m gallery" if sys.argv and sys.argv[0].endswith("__main__.py") else "gallery",
        description="Azure Compute Gallery as code: validate, plan and diff images.yaml; check and upload VHDs; "
                    "add, promote and retire versions; read their status in Azure; discover an existing gallery.",
        epilog=exit_codes(), formatter_class=_Formatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        return _run(argv)
    except KeyboardInterrupt:  # Ctrl-C at any moment, loading the commands included: one line, no trace
        output.Reporter().diagnostic("interrupted")
        return Exit.INTERRUPTED


def _run(argv: Optional[Sequence[str]]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    out = output.Reporter(getattr(args, "format", None) or output.TEXT, quiet=getattr(args, "quiet", False))
    try:
        code = args.func(args, out)
    except CatalogError as exc:
        out.problems(exc.problems)
        code = Exit.USER
    except ArmError as exc:
        out.error(str(exc))
        code = Exit.USER
    except BrokenPipeError:
        # A write that did not go through the reporter met a closed pipe: the command stopped halfway,
        # so its result is unknown, and it is not claimed as a success (Python's own exit code on EPIPE).
        out.pipe_closed()
        return Exit.USER
    except Exception:  # noqa: BLE001 - the last line of defence: a bug, said to be one
        out.bug()
        return Exit.BUG
    out.flush()
    return code

"""`python -m gallery COMMAND`: a thin shell over the same loader and model the Pulumi program uses.

Each command lives in its own module with `register(subparsers)`, which adds its parser and sets
`func(args, out) -> Exit`: it computes its result and hands it to `out`, the reporter (output.py). The exit
codes are one table, `gallery.errors.Exit`, which `--help` prints; a signal ends a command with 128 + its number
(130 SIGINT, 143 SIGTERM), see gallery.interrupts.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import textwrap
from typing import Optional, Sequence

from gallery import __version__, interrupts
from gallery.azure.errors import ArmError
from gallery.cli import output
from gallery.cli.arguments import UsageError, resolve_catalog
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
    "gallery.cli.repair",
    "gallery.cli.lifecycle",
    "gallery.cli.status",
    "gallery.cli.discover",
)


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on a usage error; here 2 means "done, look at the result", so a typo exits 1."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(Exit.USER, f"{self.format_usage()}{self.prog}: error: {message}\n")

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        """Arguments a command does not know are its error, said with its usage (argparse leaves them to the
        top parser, whose usage names no command's arguments)."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self.command_parser(parsed).error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed

    def command_parser(self, parsed: argparse.Namespace) -> argparse.ArgumentParser:
        """The parser of the command `parsed` is for (this one when there is none)."""
        commands = next((a.choices for a in self._actions if isinstance(a, argparse._SubParsersAction)), {})
        return commands.get(getattr(parsed, "command", None) or "", self)


class _Formatter(argparse.HelpFormatter):
    """Wraps descriptions as argparse does; a text of several lines (the exit-code table) keeps its lines, each
    wrapped under its own text, past its first word (the code)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" not in text:
            return super()._fill_text(text, width, indent)
        lines = []
        for line in text.splitlines():
            past_code = re.match(r"\s*\S*\s*", line)
            assert past_code is not None  # the pattern matches every string
            hanging = indent + " " * past_code.end()  # under the text, past the code
            lines.append(textwrap.fill(line, width, initial_indent=indent, subsequent_indent=hanging))
        return "\n".join(lines)


def exit_codes() -> str:
    """The exit-code table, as `--help` ends."""
    return "exit codes:\n" + "\n".join(f"  {code.value:<5}{code.meaning}" for code in Exit)


def build_parser() -> _Parser:
    parser = _Parser(
        # `gallery` (the console script) or `python -m gallery`, as the user typed it
        prog="python -m gallery" if sys.argv and sys.argv[0].endswith("__main__.py") else "gallery",
        description="Azure Compute Gallery as code: validate, plan and diff images.yaml; check and upload VHDs; "
        "add, promote, retire, restore and repair versions; read their status in Azure; discover an "
        "existing gallery.",
        epilog=exit_codes(),
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        return _run(argv)
    except KeyboardInterrupt as exc:  # SIGINT or SIGTERM at any moment, loading the commands included
        return interrupts.report(exc)  # one line, no trace


def _run(argv: Optional[Sequence[str]]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    out = output.Reporter(getattr(args, "format", None) or output.TEXT, quiet=getattr(args, "quiet", False))
    try:
        note = resolve_catalog(args)
        if note:
            out.diagnostic(note)
        code = args.func(args, out)
    except CatalogError as exc:
        out.problems(exc.problems)
        code = Exit.USER
    except UsageError as exc:
        parser.command_parser(args).error(str(exc))
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

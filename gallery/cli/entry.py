"""`python -m gallery COMMAND`: a thin shell over the same loader and model the Pulumi program uses.

Each command lives in its own module with `register(subparsers)`, which adds its parser and sets
`func(args) -> exit code`. Exit codes: 0 fine, 1 the input is wrong, 2 blocking diff findings (discover:
written, but Azure refused to let some part be read), 3 our bug (with a request to report it), 130 interrupted
(SIGINT, Ctrl-C), 143 terminated (SIGTERM); see gallery.interrupts.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from typing import Optional, Sequence

from gallery import __version__, interrupts
from gallery.cli import output
from gallery.azure.errors import ArmError
from gallery.errors import EXIT_BUG, EXIT_USER, CatalogError

# Modules that register subcommands, in the order `--help` lists them.
COMMAND_MODULES = (
    "gallery.cli.validate",
    "gallery.cli.plan",
    "gallery.cli.diff",
    "gallery.cli.vhd",
    "gallery.cli.version",
    "gallery.cli.promote",
    "gallery.cli.lifecycle",
    "gallery.cli.status",
    "gallery.cli.discover",
)


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on a usage error; here 2 means "blocking diff findings", so a typo exits 1."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        # `gallery` (the console script) or `python -m gallery`, as the user typed it
        prog="python -m gallery" if sys.argv and sys.argv[0].endswith("__main__.py") else "gallery",
        description="Azure Compute Gallery as code: validate, plan and diff images.yaml; check and upload VHDs; "
                    "add, promote and retire versions; read their status in Azure; discover an existing gallery.")
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
    try:
        code = args.func(args)
    except CatalogError as exc:
        output.report_problems(exc.problems, getattr(args, "format", None) or output.TEXT)
        code = EXIT_USER
    except ArmError as exc:
        output.emit(f"error: {exc}", diagnostic=True)
        code = EXIT_USER
    except BrokenPipeError:
        # A write that did not go through output.emit met a closed pipe: the command stopped halfway,
        # so its result is unknown, and it is not claimed as a success (Python's own exit code on EPIPE).
        output.discard(sys.stdout)
        return EXIT_USER
    except Exception:  # noqa: BLE001 - the last line of defence: a bug, said to be one
        print("internal error: this is a bug in the gallery tool, not in your input.\n"
              "Please report it with the catalog (or a reduced copy) and this trace:\n", file=sys.stderr)
        traceback.print_exc()
        return EXIT_BUG
    output.flush()
    return code

"""Arguments several commands share, checked by argparse so that a wrong one is a usage error (exit 1)."""
from __future__ import annotations

import argparse
import re

from gallery.catalog.loader import DEFAULT_STACK

# Pulumi's own rule for stack names: letters, digits, '-', '_' and '.'.
_STACK = re.compile(r"^[A-Za-z0-9_.-]+$")


def file_path(text: str) -> str:
    """A path that names something: "" would mean the current directory."""
    if not text:
        raise argparse.ArgumentTypeError("the path is empty: give a catalog file, e.g. images.yaml")
    return text


def stack_name(text: str) -> str:
    if not text:
        raise argparse.ArgumentTypeError("the stack name is empty: give one, e.g. dev")
    if not _STACK.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a Pulumi stack name (letters, digits, '-', '_' and '.')")
    return text


def add_stack(parser: argparse.ArgumentParser, what: str = "") -> None:
    parser.add_argument("--stack", default=DEFAULT_STACK, type=stack_name,
                        help=f"the Pulumi stack name that replaces {{stack}}{what} (default: {DEFAULT_STACK})")


def add_catalog_arguments(parser: argparse.ArgumentParser) -> None:
    """The CATALOG and --stack arguments every catalog command shares."""
    parser.add_argument("catalog", nargs="?", default="images.yaml", metavar="CATALOG", type=file_path,
                        help="the catalog file (default: images.yaml)")
    add_stack(parser)


def add_catalog_option(parser: argparse.ArgumentParser) -> None:
    """--catalog and --stack, for commands whose positional arguments name something else."""
    parser.add_argument("--catalog", default="images.yaml", type=file_path,
                        help="the catalog file (default: images.yaml)")
    add_stack(parser)

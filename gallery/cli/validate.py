"""`python -m gallery validate [CATALOG] [--stack NAME] [--format text|json|github]`."""
from __future__ import annotations

import argparse

from gallery.catalog.loader import load_catalog
from gallery.cli import blobcheck, output
from gallery.cli.arguments import add_catalog_arguments
from gallery.errors import CatalogError, Exit

FORMATS = ("text", "json", "github")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check a catalog: YAML, schema and Azure's rules",
                       description="Check a catalog and report every problem as FILE:LINE:COL: error: PATH: MESSAGE. "
                                   "Exit 0 when valid (warnings allowed), 1 when not.")
    add_catalog_arguments(p)
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="text lines, a JSON document, or GitHub Actions annotations (default: text)")
    blobcheck.add_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> Exit:
    try:
        catalog = load_catalog(args.catalog, args.stack)
        if args.check_blobs:
            blobcheck.check_or_raise(catalog)
    except CatalogError as exc:
        output.report_problems(exc.problems, args.format)
        return Exit.USER
    if args.format == output.JSON:  # the document says "valid" even without warnings
        output.emit(output.problems(catalog.warnings, output.JSON), output.JSON)
        return Exit.OK
    output.report_problems(catalog.warnings, args.format)
    if args.format == output.TEXT:
        versions = sum(len(i.versions) for i in catalog.images)
        output.emit(f"{args.catalog}: valid ({len(catalog.images)} image definitions, {versions} versions, "
                    f"stack {catalog.stack}" + (f", {_count(len(catalog.warnings), 'warning')}" if catalog.warnings else "") + ")")
    return Exit.OK


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")

"""`python -m gallery validate [CATALOG] [--stack NAME] [--format text|json|github]`."""

from __future__ import annotations

import argparse

from gallery.catalog.loader import load_catalog
from gallery.cli import blobcheck
from gallery.cli.arguments import add_catalog_arguments, add_cloud
from gallery.cli.output import Format, Reporter, add_format
from gallery.errors import Exit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check a catalog: YAML, schema and Azure's rules",
        description="Check a catalog and report every problem as FILE:LINE:COL: error: PATH: MESSAGE. "
        "Exit 0 when valid (warnings allowed), 1 when not.",
    )
    add_catalog_arguments(p)
    add_format(
        p,
        (Format.TEXT, Format.JSON, Format.GITHUB),
        help="text lines, a JSON document, or GitHub Actions annotations (default: text)",
    )
    add_cloud(p)
    blobcheck.add_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: Reporter) -> Exit:
    # A CatalogError propagates to gallery.cli, which reports the problems in this format and exits 1.
    catalog = load_catalog(args.catalog, args.stack, cloud=args.cloud)
    if args.check_blobs:
        blobcheck.check_or_raise(catalog)
    versions = sum(len(i.versions) for i in catalog.images)
    warnings = f", {_count(len(catalog.warnings), 'warning')}" if catalog.warnings else ""
    out.verdict(
        catalog.warnings,
        summary=f"{args.catalog}: valid ({len(catalog.images)} image definitions, "
        f"{versions} versions, stack {catalog.stack}{warnings})",
    )
    return Exit.OK


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")

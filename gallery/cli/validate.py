"""`python -m gallery validate [CATALOG] [--stack NAME] [--format text|json|github]`."""
from __future__ import annotations

import argparse
import sys

from gallery.cli import blobcheck
from gallery.errors import EXIT_OK, EXIT_USER, CatalogError, render
from gallery.catalog.loader import DEFAULT_STACK, load_catalog

FORMATS = ("text", "json", "github")


def add_catalog_arguments(parser: argparse.ArgumentParser) -> None:
    """The CATALOG and --stack arguments every catalog command shares."""
    parser.add_argument("catalog", nargs="?", default="images.yaml", metavar="CATALOG",
                        help="the catalog file (default: images.yaml)")
    parser.add_argument("--stack", default=DEFAULT_STACK,
                        help=f"the Pulumi stack name that replaces {{stack}} (default: {DEFAULT_STACK})")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check a catalog: YAML, schema and Azure's rules",
                       description="Check a catalog and report every problem as FILE:LINE:COL: error: PATH: MESSAGE. "
                                   "Exit 0 when valid (warnings allowed), 1 when not.")
    add_catalog_arguments(p)
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="text lines, a JSON document, or GitHub Actions annotations (default: text)")
    blobcheck.add_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        catalog = load_catalog(args.catalog, args.stack)
        if args.check_blobs:
            blobcheck.check_or_raise(catalog)
    except CatalogError as exc:
        _emit(render(exc.problems, args.format), args.format, error=True)
        return EXIT_USER
    if args.format == "json":
        _emit(render(list(catalog.warnings), "json"), "json")
    else:
        if catalog.warnings:
            _emit(render(list(catalog.warnings), args.format), args.format, error=True)
        if args.format == "text":
            versions = sum(len(i.versions) for i in catalog.images)
            print(f"{args.catalog}: valid ({len(catalog.images)} image definitions, {versions} versions, "
                  f"stack {catalog.stack}" + (f", {len(catalog.warnings)} warnings" if catalog.warnings else "") + ")")
    return EXIT_OK


def _emit(text: str, fmt: str, error: bool = False) -> None:
    if not text:
        return
    # JSON and annotations are machine output: stdout. Human diagnostics go to stderr.
    stream = sys.stdout if fmt in ("json", "github") or not error else sys.stderr
    print(text, file=stream)

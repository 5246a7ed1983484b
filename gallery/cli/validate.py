"""`python -m gallery validate [CATALOG] [--stack NAME] [--format text|json|github]`."""
from __future__ import annotations

import argparse

from gallery.cli import blobcheck, output
from gallery.errors import EXIT_OK, EXIT_USER, CatalogError
from gallery.catalog.loader import DEFAULT_STACK, load_catalog

FORMATS = ("text", "json", "github")


def add_catalog_arguments(parser: argparse.ArgumentParser) -> None:
    """The CATALOG and --stack arguments every catalog command shares."""
    parser.add_argument("catalog", nargs="?", default="images.yaml", metavar="CATALOG",
                        help="the catalog file (default: images.yaml)")
    parser.add_argument("--stack", default=DEFAULT_STACK,
                        help=f"the Pulumi stack name that replaces {{stack}} (default: {DEFAULT_STACK})")


def add_catalog_option(parser: argparse.ArgumentParser) -> None:
    """--catalog and --stack, for commands whose positional arguments name something else."""
    parser.add_argument("--catalog", default="images.yaml", help="the catalog file (default: images.yaml)")
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
        output.report_problems(exc.problems, args.format)
        return EXIT_USER
    if args.format == output.JSON:  # the document says "valid" even without warnings
        output.emit(output.problems(catalog.warnings, output.JSON), output.JSON)
        return EXIT_OK
    output.report_problems(catalog.warnings, args.format)
    if args.format == output.TEXT:
        versions = sum(len(i.versions) for i in catalog.images)
        output.emit(f"{args.catalog}: valid ({len(catalog.images)} image definitions, {versions} versions, "
                    f"stack {catalog.stack}" + (f", {len(catalog.warnings)} warnings" if catalog.warnings else "") + ")")
    return EXIT_OK

"""`python -m gallery plan [CATALOG] [--stack NAME] [--format text|json]`.

Runs the real Pulumi program (`__main__.py`, the code `pulumi up` runs) under Pulumi's mock engine
and prints every resource it would declare. Nothing reaches Azure. An invalid catalog gives the
validator's errors and exit 1, and no resource.
"""
from __future__ import annotations

import argparse
import json

from gallery.cli import blobcheck
from gallery.cli.arguments import add_catalog_arguments
from gallery.cli.output import Format, Reporter, add_format
from gallery.errors import Exit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="list the Azure resources the Pulumi program declares (offline)",
                       description="Run the Pulumi program in-process under Pulumi's mock engine and print "
                                   "every resource it declares: a tree like `pulumi preview`, or JSON records "
                                   "(type, name, parent, inputs, dependsOn, options) sorted by type and name. "
                                   "Exit 0 on success, 1 when the catalog is invalid.")
    add_catalog_arguments(p)
    add_format(p, (Format.TEXT, Format.JSON),
               help="a preview-like tree, or a JSON document {\"resources\": [...]} (default: text)")
    blobcheck.add_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: Reporter) -> Exit:
    # Pulumi takes a while to import: only the commands that run the program load it, when they run.
    from gallery.plan.run import plan
    from gallery.plan.text import render_text

    # A CatalogError propagates to gallery.cli, which prints the problems and exits 1.
    result = plan(args.catalog, args.stack)
    if args.check_blobs:
        assert result.model is not None  # plan() always keeps the catalog it ran the program on
        blobcheck.check_or_raise(result.model)
    out.warnings(result.warnings)  # they do not block
    out.render(result, {
        Format.TEXT: lambda r: render_text(r.resources, stack=args.stack, outputs=r.outputs),
        Format.JSON: lambda r: json.dumps(r.document(), indent=2),
    })
    return Exit.OK

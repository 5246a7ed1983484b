"""`python -m gallery plan [CATALOG] [--stack NAME] [--shard NAME | --all-shards [--jobs N]] [--format text|json]`.

Runs the real Pulumi program (`__main__.py`, the code `pulumi up` runs) under Pulumi's mock engine and prints every
resource it would declare: the main stack's, or with shards in the catalog one shard's stack (`--shard`) or every
stack (`--all-shards`, each in a process of its own, `--jobs` at a time). Nothing reaches Azure. An invalid catalog
gives the validator's errors and exit 1, and no resource.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from gallery.catalog.model import MAIN
from gallery.cli import blobcheck
from gallery.cli.arguments import add_catalog_arguments, add_jobs
from gallery.cli.output import Format, Reporter, add_format
from gallery.errors import CatalogError, Exit, Problem
from gallery.plan import DEFAULT_JOBS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plan",
        help="list the Azure resources the Pulumi program declares (offline)",
        description="Run the Pulumi program in-process under Pulumi's mock engine and print "
        "every resource it declares: a tree like `pulumi preview`, or JSON records "
        "(type, name, parent, inputs, dependsOn, options) sorted by type and name. "
        "With shards in the catalog: the main stack's, one shard's stack, or every "
        "stack. Exit 0 on success, 1 when the catalog is invalid.",
    )
    add_catalog_arguments(p)
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--shard",
        default=MAIN,
        metavar="NAME",
        help=f"plan the stack of this shard (<stack>-NAME) (default: {MAIN}, the main stack)",
    )
    which.add_argument(
        "--all-shards", action="store_true", help="plan every stack of the catalog: the main stack, then each shard's"
    )
    add_jobs(p, DEFAULT_JOBS, "with --all-shards: stacks planned at a time, each in a process of its own")
    add_format(
        p,
        (Format.TEXT, Format.JSON),
        help='a preview-like tree, or a JSON document {"resources": [...]} (with --all-shards, '
        '{"stacks": [...]}, one such document per stack) (default: text)',
    )
    blobcheck.add_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: Reporter) -> Exit:
    # Pulumi takes a while to import: only the commands that run the program load it, when they run.
    from gallery.catalog.loader import load_catalog
    from gallery.desired.shards import StackPart, parts
    from gallery.plan.run import plan_catalog, project_config
    from gallery.plan.text import render_stacks, render_text

    # A CatalogError propagates to gallery.cli, which prints the problems and exits 1.
    path = Path(args.catalog)
    catalog = load_catalog(path, args.stack, display_name=str(args.catalog))
    if args.check_blobs:
        blobcheck.check_or_raise(catalog)
    out.warnings(catalog.warnings)  # they do not block
    if not args.all_shards:
        if args.shard not in catalog.owners:
            raise CatalogError([_no_shard(catalog, args.shard)])
        part = StackPart.of(args.stack, args.shard)
        result = plan_catalog(catalog, config=project_config(path, args.stack, args.shard), part=part)
        out.render(
            result,
            {
                Format.TEXT: lambda r: render_text(
                    r.resources, stack=r.stack, outputs=r.outputs, reads=part.foundation
                ),
                Format.JSON: lambda r: json.dumps(r.document(), indent=2),
            },
        )
        return Exit.OK
    from gallery.plan.stacks import plan_stacks

    stacks = parts(catalog, args.stack)
    config = project_config(path, args.stack)
    own = {p.owner: project_config(path, args.stack, p.owner) for p in stacks if not p.is_main}
    plans = plan_stacks(catalog, stacks, config, jobs=args.jobs, overrides=own)
    out.render(
        plans,
        {
            Format.TEXT: render_stacks,
            Format.JSON: lambda ps: json.dumps(
                {"catalog": str(args.catalog), "stacks": [p.document() for p in ps]}, indent=2
            ),
        },
    )
    return Exit.OK


def _no_shard(catalog, shard: str) -> Problem:
    shards = ", ".join(s.name for s in catalog.shards)
    return Problem(
        "--shard",
        0,
        0,
        "",
        f"the catalog has no shard '{shard}'",
        "plan.shard",
        hint=f"its shards: {shards}" if shards else "the catalog has no shards: plan the main stack",
    )

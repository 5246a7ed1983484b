"""`python -m gallery apply [CATALOG] [--stack NAME] [--preview] [--jobs N] [--org ORG] [--refresh]`.

`pulumi up` (or `pulumi preview`) of every stack of the catalog through Pulumi's Automation API: the main stack
first, then the shards' stacks, each in a process of its own, `--jobs` at a time; the stacks that need a stack that
failed are stopped. It needs the Pulumi CLI, the stacks' backend and Azure credentials, as `pulumi up` does. Exit 0
when every stack succeeded, 2 when one failed or was stopped, 1 when the catalog is invalid.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gallery.cli.arguments import add_catalog_arguments, add_jobs
from gallery.cli.output import Reporter
from gallery.errors import CatalogError, Exit, Problem
from gallery.stacks import DEFAULT_JOBS

TAIL = 40  # lines of a failed stack's output shown


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "apply",
        help="pulumi up (or preview) of every stack of the catalog, the main stack first",
        description="Run `pulumi up`, or `pulumi preview` with --preview, for every stack of the "
        "catalog through Pulumi's Automation API: the main stack (the foundation) first, "
        "then each shard's stack, each in a process of its own; a shard's stack gets its "
        "config (image-gallery:shard, image-gallery:foundation) and the main stack's "
        "other config. The stacks that need a failed stack are stopped. Needs the Pulumi "
        "CLI. Exit 0 when every stack succeeded, 2 when one failed or was stopped.",
    )
    add_catalog_arguments(p)
    p.add_argument("--preview", action="store_true", help="pulumi preview instead of pulumi up")
    p.add_argument("--refresh", action="store_true", help="refresh each stack's state first (as --refresh does)")
    p.add_argument(
        "--org",
        default=None,
        metavar="ORG",
        help="the Pulumi organization of the stacks: ORG/STACK (a shard reads ORG/image-gallery/STACK)",
    )
    add_jobs(p, DEFAULT_JOBS, "stacks run at a time, each in a process of its own")
    p.set_defaults(func=run)


def runner():
    """What runs one stack in its process (the tests stand in for it: the Pulumi CLI is not there)."""
    from gallery.stacks.automation import run_stack

    return run_stack


def run(args: argparse.Namespace, out: Reporter) -> Exit:
    from gallery.catalog.loader import load_catalog
    from gallery.catalog.stackconfig import project_dir
    from gallery.stacks.apply import SUCCEEDED, apply_stacks, jobs_for, summary

    path = Path(args.catalog)
    catalog = load_catalog(path, args.stack, display_name=str(args.catalog))
    out.warnings(catalog.warnings)
    project = project_dir(path)
    if project is None:
        raise CatalogError(
            [
                Problem(
                    str(path),
                    0,
                    0,
                    "",
                    "no Pulumi project (Pulumi.yaml) in its directory or above",
                    "apply.project",
                    hint="run it on the catalog of a Pulumi project",
                )
            ]
        )
    command = "preview" if args.preview else "up"
    jobs, needs = jobs_for(catalog, args.stack, str(project), command, org=args.org, refresh=args.refresh)
    results = apply_stacks(
        jobs,
        needs,
        runner(),
        workers=args.jobs,
        on_done=lambda r: out.result(f"{r.stack}: {command} {r.status}: {r.summary}"),
    )
    for result in results:
        if result.status != SUCCEEDED and result.output:
            tail = result.output.splitlines()[-TAIL:]
            out.result("\n".join([f"--- {result.stack}: the last {len(tail)} lines of its output"] + tail))
    out.result(f"{len(results)} stack(s): {summary(results)}")
    return Exit.OK if all(r.status == SUCCEEDED for r in results) else Exit.ATTENTION

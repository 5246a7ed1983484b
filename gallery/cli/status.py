"""`gallery status [CATALOG] [--stack] [--format text|json|markdown]`: what Azure has of every catalog version."""

from __future__ import annotations

import argparse

from gallery.catalog.loader import load_catalog
from gallery.cli.arguments import add_catalog_arguments, add_workers
from gallery.cli.arm_options import add_arm_options, arm_target, subscription
from gallery.cli.output import Format, Reporter, add_format
from gallery.errors import Exit
from gallery.lifecycle import DEFAULT_WORKERS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "status",
        help="what Azure has of every version: provisioning, replication per region, latest",
        description="Read every version of the catalog from Azure (its provisioning, and its replication per region "
        "with progress and Azure's details), compare what Azure has with the catalog (target regions both "
        "ways, replicas, storage types, excludeFromLatest, end of life, `latest` per region), and list "
        "what Azure has that the catalog does not, each with what to do, and the versions its soft "
        "delete keeps (--format markdown adds the storage each version takes). Exit 0 when nothing needs "
        "attention (a version still replicating is shown, not failed), 1 when Azure cannot be read or the "
        "input is wrong, 2 when a catalog version failed, is missing or being deleted, or differs from the "
        "catalog. --format json is a versioned contract (gallery/lifecycle/schema/status.schema.json).",
    )
    add_catalog_arguments(p)
    add_format(
        p,
        (Format.TEXT, Format.JSON, Format.MARKDOWN),
        help="a table, a JSON document, or a markdown table for a CI job summary (default: text)",
    )
    add_workers(p, DEFAULT_WORKERS, "parallel reads")
    add_arm_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: Reporter) -> Exit:
    from gallery.azure.client import compute_client
    from gallery.cost.prices import load_prices
    from gallery.lifecycle import render, report
    from gallery.lifecycle.softdelete import read_soft_deleted
    from gallery.lifecycle.status import read_status

    catalog = load_catalog(args.catalog, args.stack, cloud=args.cloud)
    sub = subscription(args)
    client = compute_client(arm_target(args), sub, retry_total=6)
    status = read_status(catalog, client, sub, workers=args.workers)
    # Issue 21: the versions soft delete keeps, and (markdown) the storage each version takes.
    full = report.status_report(
        catalog, status, read_soft_deleted(client, catalog, workers=args.workers), load_prices()
    )
    out.render(
        full,
        {Format.TEXT: report.render_text, Format.JSON: report.render_json, Format.MARKDOWN: report.render_markdown},
    )
    return render.exit_code(status)

"""`gallery lifecycle [--apply] [--today DATE] [--offline]`: what the lifecycle policy does, then does it."""

from __future__ import annotations

import argparse
import datetime as dt

from gallery.cli.arguments import add_catalog_arguments, iso_date
from gallery.cli.arm_options import add_arm_options, arm_target, subscription
from gallery.cli.output import Reporter
from gallery.errors import Exit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "lifecycle",
        help="show (then --apply) what the lifecycle policy does: exclude, end of life, remove",
        description="Show what each image's lifecycle policy does today: versions excluded from latest, "
        "end-of-life dates set, versions removed after their end of life. With --apply, edit "
        "images.yaml in place (validated, comments kept). Azure is asked which versions are good, "
        "so a failed or replicating version never counts as one to keep; --offline skips that.",
    )
    add_catalog_arguments(p)
    p.add_argument("--apply", action="store_true", help="edit the catalog (default: only show)")
    p.add_argument(
        "--today", type=iso_date, default=None, metavar="DATE", help="the day to judge by (default: today, UTC)"
    )
    p.add_argument(
        "--offline",
        action="store_true",
        help="do not ask Azure: every version counts as good, and nobody is asked whether VMs use the "
        "versions removed (said in the output)",
    )
    p.add_argument(
        "--allow-in-use",
        action="store_true",
        help="remove a version even when Azure Resource Graph finds VMs or scale sets using it (they "
        "are named); by default such a version is kept",
    )
    add_arm_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: Reporter) -> Exit:
    from gallery.catalog.loader import load_catalog
    from gallery.lifecycle.edit import CatalogEditor
    from gallery.lifecycle.policy import apply_actions, lifecycle_actions

    today = args.today or dt.datetime.now(dt.timezone.utc).date()
    catalog = load_catalog(args.catalog, args.stack, cloud=args.cloud)
    health = None
    kept: list = []
    asked = False
    if not args.offline:
        from gallery.azure.client import compute_client
        from gallery.lifecycle.status import read_status

        sub = subscription(args)
        client = compute_client(arm_target(args), sub, retry_total=6)
        health = read_status(catalog, client, sub).health()
    actions = lifecycle_actions(catalog, today, health)
    if not args.offline:
        # Before anything leaves the catalog: the VMs and scale sets still using it keep it (issue 21).
        from gallery.azure.graph import graph_client
        from gallery.lifecycle.inuse import keep_in_use, users_of_removals

        in_use = users_of_removals(catalog, actions, client, graph_client(arm_target(args), retry_total=6), sub)
        actions, kept = keep_in_use(actions, in_use, allow=args.allow_in_use)
        asked = any(a.kind == "remove" for a in actions)
    note = (
        "offline: Azure was not asked, so failed or replicating versions count as good and versions in use "
        "are not looked for"
        if health is None
        else "versions Azure reports failed, replicating, being deleted or missing do not count as good"
    )
    lines = [f"{args.catalog}: lifecycle on {today} ({note})"]
    lines += [f"  {a.text()}" for a in actions] or ["  nothing to do"]
    lines += [f"  {k.text()}" for k in kept]
    if asked:
        from gallery.azure.graph import SCOPE

        lines.append(
            f"  (the versions removed were looked up in {SCOPE}: no VM or scale set uses them"
            + (", but where said" if args.allow_in_use and any("--allow-in-use" in a.reason for a in actions) else "")
            + ")"
        )
    if args.apply and actions:
        editor = CatalogEditor(args.catalog, args.stack, cloud=args.cloud)
        apply_actions(editor, actions)
        editor.save()
        lines.append(f"{args.catalog}: {len(actions)} change{'s' if len(actions) != 1 else ''} written")
    elif actions:
        lines.append("(shown only: --apply edits the catalog)")
    out.result("\n".join(lines))
    return Exit.OK

"""`gallery promote IMAGE VERSION`: a staged version becomes eligible for latest, once Azure has it ready."""
from __future__ import annotations

import argparse

from gallery.cli.arguments import add_catalog_option
from gallery.cli.arm_options import add_arm_options, arm_target, subscription
from gallery.cli.output import Reporter
from gallery.errors import Exit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "promote", help="make a staged version eligible for latest, once Azure reports it replicated",
        description="Clear excludeFromLatest on a staged version in images.yaml, only when Azure reports the "
                    "version provisioned and its replication Completed in every target region. Exit 0 promoted, "
                    "1 wrong input or Azure unreachable, 2 not ready yet.")
    p.add_argument("image", metavar="IMAGE")
    p.add_argument("version", metavar="VERSION")
    add_catalog_option(p)
    p.add_argument("--offline", action="store_true",
                   help="edit without asking Azure whether the version finished replicating (said in the output)")
    add_arm_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: Reporter) -> Exit:
    from gallery.catalog.loader import load_catalog
    from gallery.lifecycle.versions import NotReady, promote

    state = None
    if not args.offline:
        from gallery.azure.client import compute_client
        from gallery.lifecycle.status import read_status
        catalog = load_catalog(args.catalog, args.stack, cloud=args.cloud)
        sub = subscription(args)
        found = read_status(catalog, compute_client(arm_target(args), sub), sub,
                            only={(args.image, args.version)}).versions
        state = found[0] if found else None
    try:
        lines = promote(args.catalog, args.stack, args.image, args.version, state, cloud=args.cloud)
    except NotReady as exc:
        out.error(str(exc))
        return Exit.ATTENTION
    out.result("\n".join(lines))
    return Exit.OK

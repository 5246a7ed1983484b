"""`gallery repair IMAGE VERSION`: the reviewed changes that replicate a version again where its replication failed."""

from __future__ import annotations

import argparse

from gallery.cli.arguments import add_catalog_option
from gallery.cli.arm_options import add_arm_options, arm_target, subscription
from gallery.cli.output import Reporter
from gallery.errors import Exit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "repair",
        help="write the two changes that replicate a version again where its replication failed",
        description="Azure replicates a failed region again only after it has left the version and come back, in "
        "two deployments. Run once: the region Azure reports Failed is marked repairing: true (left out; "
        "allowDeletionOfReplicatedLocations: true), change 1. Once that is deployed, run again: the mark "
        "goes, change 2, and its deployment replicates the region afresh. Exit 0 written (or nothing to "
        "repair), 1 wrong input, the home region, or Azure unreachable, 2 change 1 not deployed yet.",
    )
    p.add_argument("image", metavar="IMAGE")
    p.add_argument("version", metavar="VERSION")
    p.add_argument(
        "--region",
        action="append",
        default=[],
        metavar="REGION",
        help="repair this region only (repeat for more; default: every region that failed)",
    )
    add_catalog_option(p)
    add_arm_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: Reporter) -> Exit:
    from gallery.azure.client import compute_client
    from gallery.catalog.loader import load_catalog
    from gallery.catalog.regions import normalize
    from gallery.lifecycle.repair import NotDeployed, repair
    from gallery.lifecycle.states import VersionState
    from gallery.lifecycle.status import read_status

    catalog = load_catalog(args.catalog, args.stack, cloud=args.cloud)
    sub = subscription(args)
    found = read_status(catalog, compute_client(arm_target(args), sub), sub, only={(args.image, args.version)}).versions
    state = found[0] if found else VersionState(args.image, args.version, True, False)
    if found and not state.in_azure:
        out.error(f"{args.image} {args.version}: Azure does not have it, so it has no replica to repair")
        return Exit.ATTENTION
    try:
        lines = repair(
            args.catalog,
            args.stack,
            args.image,
            args.version,
            state,
            [normalize(r) for r in args.region],
            cloud=args.cloud,
        )
    except NotDeployed as exc:
        out.error(str(exc))
        return Exit.ATTENTION
    out.result("\n".join(lines))
    return Exit.OK

"""`gallery promote IMAGE VERSION`: a staged version becomes eligible for latest, once Azure has it ready and its
gates (Azure's validations, policy violations, the catalog's canary) let it through."""

from __future__ import annotations

import argparse
import os

from gallery.cli.arguments import add_catalog_option
from gallery.cli.arm_options import add_arm_options, arm_target, subscription
from gallery.cli.output import Reporter
from gallery.errors import Exit

GATE_NAMES = ("validation", "policy", "canary")  # gallery.lifecycle.gates.GATES, without importing the SDK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "promote",
        help="make a staged version eligible for latest, once Azure has it everywhere and its gates pass",
        description="Clear excludeFromLatest on a staged version in images.yaml, only when Azure reports the "
        "version provisioned and its replication Completed in every target region, and its gates "
        "pass: every validation Azure ran Succeeded, no policy violation reported, and the image's "
        "lifecycle.canary command exits 0 in each of its regions. What passed is recorded in the "
        "version's tags. Exit 0 promoted, 1 wrong input or Azure unreachable, 2 not ready yet or a "
        "gate refused (nothing written).",
    )
    p.add_argument("image", metavar="IMAGE")
    p.add_argument("version", metavar="VERSION")
    add_catalog_option(p)
    p.add_argument(
        "--offline",
        action="store_true",
        help="edit without asking Azure whether the version finished replicating, nor for its "
        "validations and policy violations (said in the output; the canary still runs)",
    )
    p.add_argument(
        "--skip-gate",
        action="append",
        default=[],
        choices=GATE_NAMES,
        metavar="NAME",
        help="promote without this gate (validation, policy or canary; repeat for more): the skip is "
        "recorded in the version's tags",
    )
    add_arm_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: Reporter) -> Exit:
    from gallery.catalog.loader import load_catalog
    from gallery.lifecycle.gates import check_gates
    from gallery.lifecycle.versions import GatesRefused, NotReady, promote

    catalog = load_catalog(args.catalog, args.stack, cloud=args.cloud)
    image = catalog.image(args.image)
    canary = image is not None and image.lifecycle.canary is not None and "canary" not in args.skip_gate
    sub = subscription(args) if not args.offline or canary else None
    state, client = None, None
    if sub is not None and not args.offline:
        from gallery.azure.client import compute_client
        from gallery.lifecycle.status import read_status

        client = compute_client(arm_target(args), sub)
        found = read_status(catalog, client, sub, only={(args.image, args.version)}).versions
        state = found[0] if found else None

    def gates():
        return check_gates(
            catalog,
            args.image,
            args.version,
            client=client,
            subscription=sub,
            skip=args.skip_gate,
            cwd=os.path.dirname(os.path.abspath(args.catalog)),
        )

    try:
        lines = promote(args.catalog, args.stack, args.image, args.version, state, gates, cloud=args.cloud)
    except NotReady as exc:
        out.error(str(exc))
        return Exit.ATTENTION
    except GatesRefused as exc:
        out.error("\n".join([str(exc), *(f"  {o.refusal()}" for o in exc.gates.refusals), *_after(exc.gates)]))
        return Exit.ATTENTION
    out.result("\n".join(lines))
    return Exit.OK


def _after(gates) -> list[str]:
    """What the refusal leaves to the user: the canary not run, and how to go on."""
    lines = [f"  gate {gate} was not run: Azure's gates refused first" for gate in gates.not_run]
    names = sorted({o.gate for o in gates.refusals})
    lines.append(
        "hint: publish a fixed version; or, to accept the risk, run again with "
        + " ".join(f"--skip-gate {n}" for n in names)
        + " (recorded in the version's tags)"
    )
    return lines

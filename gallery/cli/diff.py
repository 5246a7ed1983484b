"""`python -m gallery diff BASE HEAD [--stack NAME] [--format text|markdown|json|github] [--allow KIND...]`.

What a change to the catalog will do to Azure, for the reviewer of a pull request. BASE and HEAD are
catalog files or `REV:PATH` (e.g. `origin/main:images.yaml`). Exit 0: nothing blocking (or no
change); 1: either side is invalid; 2: blocking findings that no `--allow` covers.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gallery.cli.arguments import add_stack, file_path, iso_date
from gallery.cli.arm_options import add_arm_options, arm_target, subscription
from gallery.cli.output import Format, Reporter, add_format
from gallery.diff.findings import KINDS, parse_allow
from gallery.errors import CatalogError, Exit


def register(sub: argparse._SubParsersAction) -> None:
    blocking = ", ".join(k for k, v in KINDS.items() if v.severity == "blocking")
    p = sub.add_parser(
        "diff",
        help="what a catalog change will do to Azure (for pull-request reviews)",
        description="Compare two catalogs (files, or REV:PATH such as origin/main:images.yaml) in the catalog's "
        "terms and resource by resource (their offline plans). Exit 0 when nothing blocks, 1 when "
        "either side is invalid, 2 when a destructive or impossible change is not allowed.",
        epilog=f"Blocking kinds: {blocking}.",
    )
    p.add_argument("base", metavar="BASE", type=file_path, help="the catalog before the change: a file or REV:PATH")
    p.add_argument("head", metavar="HEAD", type=file_path, help="the catalog after the change: a file or REV:PATH")
    add_stack(p, " on both sides")
    add_format(
        p,
        (Format.TEXT, Format.MARKDOWN, Format.JSON, Format.GITHUB),
        help="text, markdown (a PR comment), json, or github (workflow annotations) (default: text)",
    )
    # One value per --allow: `--allow version.removed BASE HEAD` keeps BASE and HEAD for themselves.
    p.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="KIND",
        help="let a blocking change through deliberately: a kind (version.removed), a family "
        "(version), or what it does (delete, replace, refused); repeat or separate with commas",
    )
    p.add_argument(
        "--today",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="judge end-of-life retirement on this date (default: today)",
    )
    p.add_argument(
        "--no-plan",
        action="store_true",
        help="compare the catalogs only, not their offline plans (faster for very large catalogs)",
    )
    p.add_argument(
        "--in-use",
        action="store_true",
        help="ask Azure Resource Graph how many VMs and scale sets use each version or definition the "
        "change removes (Reader on their subscriptions; the gallery and subscription as for status)",
    )
    add_arm_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: Reporter) -> Exit:
    # The diff plans both sides with Pulumi, which takes a while to import: loaded here, not at start-up.
    from gallery.diff.markdown import render_invalid, render_markdown
    from gallery.diff.render import render_github, render_json, render_text
    from gallery.diff.report import build_report

    allow = parse_allow(args.allow)
    try:
        report, head = build_report(
            args.base,
            args.head,
            stack=args.stack,
            allow=allow,
            today=args.today,
            with_plan=not args.no_plan,
            in_use=_asker(args) if args.in_use else None,
        )
    except CatalogError as exc:  # the PR comment says why nothing was compared; the problems follow
        out.render(exc, {Format.MARKDOWN: lambda e: render_invalid(args.base, args.head, args.stack, e.errors)})
        raise
    out.render(
        report,
        {
            Format.TEXT: render_text,
            Format.MARKDOWN: render_markdown,
            Format.JSON: render_json,
            # annotations point at HEAD as a path in the repository
            Format.GITHUB: lambda r: render_github(r, head.annotate_as or r.head),
        },
    )
    return Exit.ATTENTION if report.blocking else Exit.OK


def _asker(args: argparse.Namespace):
    """How --in-use asks: the gallery's ids (read from Azure) looked up in Resource Graph."""

    def ask(base, images):
        from gallery.azure.client import compute_client
        from gallery.azure.graph import graph_client, machines_using
        from gallery.lifecycle.inuse import image_prefixes

        # The stack's azure-native config is found from the catalog being reviewed (HEAD when it is a file).
        args.catalog = args.head if ":" not in args.head or Path(args.head).exists() else "images.yaml"
        target, sub = arm_target(args), subscription(args)
        prefixes = image_prefixes(base, images, compute_client(target, sub), sub)
        return machines_using(graph_client(target), prefixes)

    return ask

"""`python -m gallery shards [CATALOG] [--stack NAME] [--format text|json|github-matrix|deployments]`.

The stacks a catalog deploys to (the main stack, then one per shard), for the engines that run them: a matrix for
GitHub Actions (`strategy.matrix: ${{ fromJSON(...) }}`), or Pulumi Deployments settings with the webhooks that
deploy each shard once the main stack's update succeeded. Nothing reaches Azure or Pulumi.
"""

from __future__ import annotations

import argparse
import json

from gallery.cli.arguments import add_catalog_arguments, jobs
from gallery.cli.output import Format, Reporter, add_format
from gallery.errors import Exit
from gallery.stacks import DEFAULT_MAX_PARALLEL


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "shards",
        help="the stacks a catalog deploys to, for GitHub Actions or Pulumi Deployments",
        description="List the catalog's stacks: the main stack (the foundation) first, then one per "
        "shard, each with its config (image-gallery:shard, image-gallery:foundation) and "
        "size. github-matrix: one line of JSON for a workflow's strategy.matrix "
        "(.foundation, then .shards with max-parallel); deployments: Pulumi Deployments "
        "settings and the main stack's webhooks that deploy each shard after it. Exit 0, "
        "or 1 when the catalog is invalid.",
    )
    add_catalog_arguments(p)
    add_format(
        p,
        (Format.TEXT, Format.JSON, Format.GITHUB_MATRIX, Format.DEPLOYMENTS),
        help="a table, JSON, a GitHub Actions matrix, or Pulumi Deployments settings (default: text)",
    )
    p.add_argument(
        "--org",
        default=None,
        metavar="ORG",
        help="the Pulumi organization: stack names become ORG/STACK, and a shard reads its main stack as "
        "ORG/image-gallery/STACK (needed for deployments)",
    )
    p.add_argument(
        "--max-parallel",
        type=jobs,
        default=DEFAULT_MAX_PARALLEL,
        metavar="N",
        help=f"github-matrix: shard stacks deployed at a time (default: {DEFAULT_MAX_PARALLEL})",
    )
    p.add_argument(
        "--repo-url",
        default=None,
        metavar="URL",
        help="deployments: the git repository Pulumi Deployments clones (needed for deployments)",
    )
    p.add_argument("--branch", default="main", help="deployments: the branch it deploys (default: main)")
    p.add_argument("--repo-dir", default=".", help="deployments: the directory of Pulumi.yaml (default: .)")
    p.add_argument(
        "--github",
        default=None,
        metavar="OWNER/REPO",
        help="deployments: the GitHub repository, for push-to-deploy of the main stack and PR previews",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: Reporter) -> Exit:
    from gallery.catalog.loader import load_catalog
    from gallery.stacks.settings import deployments, github_matrix, stack_table

    catalog = load_catalog(args.catalog, args.stack)  # a CatalogError: exit 1 with the problems
    out.warnings(catalog.warnings)
    if out.format == Format.DEPLOYMENTS and not (args.org and args.repo_url):
        out.error(
            "--format deployments needs --org (the Pulumi organization) and --repo-url (the repository "
            "Pulumi Deployments clones)"
        )
        return Exit.USER
    out.render(
        catalog,
        {
            Format.TEXT: lambda c: _table(stack_table(c, args.stack, args.org)),
            Format.JSON: lambda c: json.dumps([s.document() for s in stack_table(c, args.stack, args.org)], indent=2),
            # One line: `echo "matrix=$(gallery shards --format github-matrix)" >> "$GITHUB_OUTPUT"`.
            Format.GITHUB_MATRIX: lambda c: json.dumps(github_matrix(c, args.stack, args.org, args.max_parallel)),
            Format.DEPLOYMENTS: lambda c: json.dumps(
                deployments(
                    c,
                    args.stack,
                    args.org,
                    args.repo_url,
                    branch=args.branch,
                    repo_dir=args.repo_dir,
                    github=args.github,
                ),
                indent=2,
            ),
        },
    )
    return Exit.OK


def _table(stacks) -> str:
    rows = [("stack", "holds", "definitions", "versions", "resources", "reads")]
    rows += [
        (
            s.stack,
            "main (foundation)" if s.part.is_main else f"shard {s.part.owner}",
            str(s.definitions),
            str(s.versions),
            str(s.resources),
            s.part.foundation or "",
        )
        for s in stacks
    ]
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell.ljust(w) if k < 2 or k == 5 else cell.rjust(w)
            for k, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    return "\n".join(lines)

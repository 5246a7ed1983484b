"""Arguments several commands share, checked by argparse so that a wrong one is a usage error (exit 1)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
from pathlib import Path
from typing import Optional

from gallery.catalog.loader import DEFAULT_STACK
from gallery.catalog.stackconfig import PROJECT, project_dir, stack_config

DEFAULT_CATALOG = "images.yaml"
CATALOG_CONFIG = f"{PROJECT}:catalog"  # the program reads the same key (gallery.program.CATALOG_KEY)

# Pulumi's own rule for stack names: letters, digits, '-', '_' and '.'.
_STACK = re.compile(r"^[A-Za-z0-9_.-]+$")
# --workers: requests in flight at a time. Each is a thread and a pooled connection: the bound keeps a typo
# (--workers 800) from opening hundreds of connections at once to ARM or to a storage account.
WORKERS_MIN, WORKERS_MAX = 1, 64
# --jobs: stacks at a time, each in a process of its own that holds its Pulumi runtime (hundreds of MiB for a large
# stack).
JOBS_MAX = 32


def file_path(text: str) -> str:
    """A path that names something: "" would mean the current directory."""
    if not text:
        raise argparse.ArgumentTypeError("the path is empty: give a catalog file, e.g. images.yaml")
    return text


def stack_name(text: str) -> str:
    if not text:
        raise argparse.ArgumentTypeError("the stack name is empty: give one, e.g. dev")
    if not _STACK.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a Pulumi stack name (letters, digits, '-', '_' and '.')")
    return text


def add_stack(parser: argparse.ArgumentParser, what: str = "") -> None:
    parser.add_argument(
        "--stack",
        default=DEFAULT_STACK,
        type=stack_name,
        help=f"the Pulumi stack name that replaces {{stack}}{what} (default: {DEFAULT_STACK})",
    )


CATALOG_HELP = (
    f"the catalog file (default: the one the stack's Pulumi.<stack>.yaml names as {CATALOG_CONFIG}, "
    f"as `pulumi up` deploys it, else {DEFAULT_CATALOG})"
)


def add_catalog_arguments(parser: argparse.ArgumentParser) -> None:
    """CATALOG (or --catalog) and --stack, for the commands whose one positional argument is the catalog."""
    parser.add_argument("catalog", nargs="?", default=None, metavar="CATALOG", type=file_path, help=CATALOG_HELP)
    parser.add_argument(
        "--catalog",
        dest="catalog_option",
        default=None,
        metavar="PATH",
        type=file_path,
        help="the same, as an option (every command takes --catalog)",
    )
    add_stack(parser)


def add_cloud(parser: argparse.ArgumentParser) -> None:
    """--cloud: the Azure cloud whose regions the catalog may name."""
    from gallery.catalog.regions import CLOUDS

    parser.add_argument(
        "--cloud",
        choices=CLOUDS,
        default=None,
        help="the Azure cloud the stack deploys to, whose regions the catalog may name (default: "
        "$ARM_ENVIRONMENT, else the stack's azure-native:environment, else public)",
    )


def add_catalog_option(parser: argparse.ArgumentParser) -> None:
    """--catalog and --stack, for commands whose positional arguments name something else."""
    parser.add_argument("--catalog", default=None, metavar="PATH", type=file_path, help=CATALOG_HELP)
    add_stack(parser)


def resolve_catalog(args: argparse.Namespace) -> Optional[str]:
    """Put the catalog to use in `args.catalog`: the one given, else the one the stack's config names (what
    `pulumi up` deploys), else images.yaml. Returns what to tell the user when it was not given, else None.
    Raises CatalogError for an unreadable stack config, UsageError for a catalog given twice."""
    if not hasattr(args, "catalog"):
        return None
    option = getattr(args, "catalog_option", None)
    if option is not None:
        if args.catalog is not None:
            raise UsageError("give the catalog once: as CATALOG or as --catalog")
        args.catalog = option
    if args.catalog is not None:
        return None
    project = project_dir(Path.cwd() / DEFAULT_CATALOG)
    if project is None:  # no stack config to deploy another file: images.yaml here, nothing to say
        args.catalog = DEFAULT_CATALOG
        return None
    named = stack_config(args.stack, project).get(CATALOG_CONFIG)
    args.catalog = _shown(project / (named or DEFAULT_CATALOG))
    why = (
        f"{CATALOG_CONFIG} in Pulumi.{args.stack}.yaml"
        if named
        else f"the default: Pulumi.{args.stack}.yaml names none"
    )
    return f"catalog: {args.catalog} ({why})"


def _shown(path: Path) -> str:
    """The path as the user would type it from here."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)


class UsageError(Exception):
    """Arguments that argparse accepted one by one but that do not go together."""


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write YYYY-MM-DD") from None


def lun(text: str) -> int:
    """A data disk's LUN, in the range the catalog schema allows: checked before anything is sent."""
    from gallery.catalog import schema  # the schema loads only for a LUN

    bounds = schema.schema()["$defs"]["dataDisk"]["properties"]["lun"]
    low, high = bounds["minimum"], bounds["maximum"]
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a data disk LUN: a LUN is a whole number from {low} to {high}"
        )
    return value


def data_disk(text: str) -> tuple[int, str | None]:
    """LUN or LUN:CACHING, e.g. 0 or 1:ReadOnly; the caching values are the schema's."""
    from gallery.catalog import schema

    number, _, caching = text.partition(":")
    allowed = schema.schema()["$defs"]["dataDisk"]["properties"]["caching"]["enum"]
    if caching and caching not in allowed:
        raise argparse.ArgumentTypeError(f"{text!r}: caching must be one of {', '.join(allowed)}")
    return lun(number), caching or None


def workers(text: str) -> int:
    """A number of requests in flight, from WORKERS_MIN to WORKERS_MAX."""
    value = int(text) if re.fullmatch(r"[0-9]+", text) else None  # int() would take " 8", "+8" and "1_0"
    if value is None or not WORKERS_MIN <= value <= WORKERS_MAX:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of workers: give a whole number from {WORKERS_MIN} to {WORKERS_MAX}"
        )
    return value


def jobs(text: str) -> int:
    """A number of stacks at a time, each in a process of its own, from 1 to JOBS_MAX."""
    value = int(text) if re.fullmatch(r"[0-9]+", text) else None
    if value is None or not 1 <= value <= JOBS_MAX:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of jobs: give a whole number from 1 to {JOBS_MAX}")
    return value


def add_jobs(parser: argparse.ArgumentParser, default: int, what: str) -> None:
    """--jobs: stacks at a time, each in a process of its own; `what` says what is done to them."""
    parser.add_argument(
        "--jobs", type=jobs, default=default, metavar="N", help=f"{what}, 1 to {JOBS_MAX} (default: {default})"
    )


def add_workers(parser: argparse.ArgumentParser, default: int, what: str) -> None:
    """--workers, with the default of the library it tunes (each written once, there)."""
    parser.add_argument(
        "--workers",
        type=workers,
        default=default,
        metavar="N",
        help=f"{what}, {WORKERS_MIN} to {WORKERS_MAX} (default: {default})",
    )


def add_build_options(parser: argparse.ArgumentParser) -> None:
    """--build-id and --commit: the build a new version comes from, recorded in its tags (default: the CI's own
    variables, GitHub Actions or Azure Pipelines, when they are set)."""
    group = parser.add_argument_group("provenance (recorded in the version's tags)")
    group.add_argument(
        "--build-id",
        metavar="ID",
        default=None,
        help="the build that made the version (default: $GITHUB_RUN_ID or $BUILD_BUILDID in CI)",
    )
    group.add_argument(
        "--commit",
        metavar="SHA",
        default=None,
        help="the commit it was built from (default: $GITHUB_SHA or $BUILD_SOURCEVERSION in CI)",
    )

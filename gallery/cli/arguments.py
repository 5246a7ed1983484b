"""Arguments several commands share, checked by argparse so that a wrong one is a usage error (exit 1)."""
from __future__ import annotations

import argparse
import datetime as dt
import re

from gallery.catalog.loader import DEFAULT_STACK

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
    parser.add_argument("--stack", default=DEFAULT_STACK, type=stack_name,
                        help=f"the Pulumi stack name that replaces {{stack}}{what} (default: {DEFAULT_STACK})")


def add_catalog_arguments(parser: argparse.ArgumentParser) -> None:
    """The CATALOG and --stack arguments every catalog command shares."""
    parser.add_argument("catalog", nargs="?", default="images.yaml", metavar="CATALOG", type=file_path,
                        help="the catalog file (default: images.yaml)")
    add_stack(parser)


def add_catalog_option(parser: argparse.ArgumentParser) -> None:
    """--catalog and --stack, for commands whose positional arguments name something else."""
    parser.add_argument("--catalog", default="images.yaml", type=file_path,
                        help="the catalog file (default: images.yaml)")
    add_stack(parser)


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
        raise argparse.ArgumentTypeError(f"{text!r} is not a data disk LUN: a LUN is a whole number from {low} "
                                         f"to {high}")
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
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of workers: give a whole number from "
                                         f"{WORKERS_MIN} to {WORKERS_MAX}")
    return value


def jobs(text: str) -> int:
    """A number of stacks at a time, each in a process of its own, from 1 to JOBS_MAX."""
    value = int(text) if re.fullmatch(r"[0-9]+", text) else None
    if value is None or not 1 <= value <= JOBS_MAX:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of jobs: give a whole number from 1 to {JOBS_MAX}")
    return value


def add_jobs(parser: argparse.ArgumentParser, default: int, what: str) -> None:
    """--jobs: stacks at a time, each in a process of its own; `what` says what is done to them."""
    parser.add_argument("--jobs", type=jobs, default=default, metavar="N",
                        help=f"{what}, 1 to {JOBS_MAX} (default: {default})")


def add_workers(parser: argparse.ArgumentParser, default: int, what: str) -> None:
    """--workers, with the default of the library it tunes (each written once, there)."""
    parser.add_argument("--workers", type=workers, default=default, metavar="N",
                        help=f"{what}, {WORKERS_MIN} to {WORKERS_MAX} (default: {default})")

"""The review diff's blocking rules on raw resources: what a stack has (its baseline) against what a preview declares.

A policy sees only the resources a preview ends with, not the ones the stack holds now. Given those too (a
baseline: `pulumi stack export`, or the records of `gallery plan --format json`), both sides become catalogs
through the adapter and gallery.diff.catalog compares them exactly as `gallery diff` compares two images.yaml: a
definition replaced (a property Azure fixes changes), a published version deleted without being retired, its
source or replication changed, a region removed that Azure refuses to drop. Only blocking findings are reported;
`allow` takes what `gallery diff --allow` takes.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Iterable, Optional, Sequence

from gallery.diff.catalog import diff_catalogs
from gallery.diff.findings import apply_allow, parse_allow
from gallery.raw import model
from gallery.raw.judge import StackCatalog, Violation, stack_catalogs
from gallery.raw.resources import RawResource

BASE, HEAD = "baseline", "preview"


def read_baseline(text: str) -> list[RawResource]:
    """The resources of a `pulumi stack export` (their inputs), or of a list of plan records."""
    data: Any = json.loads(text)
    if isinstance(data, dict) and "deployment" in data:
        data = data["deployment"].get("resources") or []
    elif isinstance(data, dict):
        data = data.get("resources") or []
    return [
        RawResource(r["type"], r.get("name") or r["urn"].rsplit("::", 1)[-1], r["urn"], r.get("inputs") or {})
        for r in data
        if isinstance(r, dict) and "type" in r and "urn" in r
    ]


def blocking(
    baseline: Iterable[RawResource],
    current: Iterable[RawResource],
    *,
    today: Optional[dt.date] = None,
    allow: Sequence[str] = (),
) -> list[Violation]:
    """The blocking findings of baseline -> current, each at the resource it is about."""
    allowed = parse_allow(list(allow))
    before = stack_catalogs(baseline, BASE)
    after = stack_catalogs(current, HEAD)
    out: list[Violation] = []
    paired: set[int] = set()
    for head in after:
        base = _partner(head, before)
        if base is None:
            continue  # a new gallery: everything in it is created
        paired.add(id(base))
        out += _compare(base, head, today, allowed)
    for base in before:
        if id(base) not in paired:  # the gallery left the stack: compare with it emptied
            gone = StackCatalog(
                base.key,
                model.catalog(
                    base.catalog.location,
                    gallery_=base.catalog.gallery,
                    resource_group=base.catalog.resource_group,
                    source=HEAD,
                ),
                {},
            )
            out += _compare(base, gone, today, allowed)
    return out


def _partner(head: StackCatalog, before: list[StackCatalog]) -> Optional[StackCatalog]:
    """The same gallery in the baseline: the same gallery resource (its logical name), else the same Azure names."""
    urn = head.gallery_urn
    return next((b for b in before if urn and b.gallery_urn == urn), None) or next(
        (b for b in before if b.key == head.key), None
    )


def _compare(
    base: StackCatalog, head: StackCatalog, today: Optional[dt.date], allowed: frozenset[str]
) -> list[Violation]:
    findings = apply_allow(diff_catalogs(base.catalog, head.catalog, today=today), allowed)
    return [
        Violation(
            (head if f.file == HEAD else base).owner(f.path) or head.gallery_urn or base.gallery_urn,
            f.kind,
            f.message,
            f.hint,
        )
        for f in findings
        if f.blocking
    ]

"""Put a diff together: read and validate both sides, compare the catalogs, then their offline plans.

Both sides are validated before anything is compared, and the problems of both are reported
together, so a broken BASE and a broken HEAD are fixed in one round.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from gallery.diff.catalog import diff_catalogs
from gallery.diff.findings import Report, apply_allow
from gallery.diff.sources import Side, read_side
from gallery.errors import CatalogError, Problem
from gallery.catalog.yamlload import load_yaml


def build_report(base_spec: str, head_spec: str, *, stack: str, allow: frozenset[str] = frozenset(),
                 today: Optional[dt.date] = None, with_plan: bool = True) -> tuple[Report, Side]:
    """The report, and HEAD's side (GitHub annotations point at its path). Raises CatalogError."""
    sides, catalogs, problems = [], [], []
    for spec in (base_spec, head_spec):
        try:
            side = read_side(spec)
            catalogs.append(side.load(stack))
            sides.append(side)
        except CatalogError as exc:
            problems += exc.problems
    if problems:
        raise CatalogError(problems)
    base, head = sides
    findings = diff_catalogs(catalogs[0], catalogs[1], today=today, locate=_locator(head))
    report = Report(base_spec, head_spec, stack, apply_allow(findings, allow))
    if with_plan:
        report.resources, report.resources_note = _plans(base, head, stack)
    else:
        report.resources_note = "not compared (--no-plan)"
    return report, head


def _locator(side: Side):
    """Line and column of a document path in HEAD; parses HEAD again only if a top-level key changed."""
    doc = []

    def locate(path: str) -> tuple[int, int]:
        if not doc:
            doc.append(load_yaml(side.data, side.spec))
        return doc[0].locate(path, at_key=True)
    return locate


def _plans(base: Side, head: Side, stack: str):
    try:
        from gallery.plan.run import run_plan
    except ModuleNotFoundError as exc:
        if exc.name != "gallery.plan.run":
            raise
        return None, "not compared: this version has no offline plan"
    from gallery.diff.resources import compare_plans

    plans = []
    for side in (base, head):
        with side.on_disk() as path:
            try:
                plans.append(run_plan(path, stack))
            except CatalogError as exc:  # validated above, so only a file the plan reads on its own
                raise CatalogError([Problem(side.spec, p.line, p.column, p.path, p.message, p.rule, p.severity,
                                            p.hint) for p in exc.problems]) from None
    return compare_plans(*plans), ""

"""Put a diff together: read and validate both sides, compare the catalogs, then their offline plans.

Both sides are validated before anything is compared, and the problems of both are reported
together, so a broken BASE and a broken HEAD are fixed in one round.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from gallery.catalog.model import Catalog
from gallery.catalog.yamlload import Document, load_yaml
from gallery.cost.prices import load_prices
from gallery.desired.build import desired_state
from gallery.desired.selection import Selection, changed
from gallery.diff.catalog import diff_catalogs
from gallery.diff.cost import storage_changes
from gallery.diff.findings import Report, apply_allow
from gallery.diff.inuse import NOTE as IN_USE_NOTE
from gallery.diff.inuse import Ask, with_in_use
from gallery.diff.resources import compare_plans
from gallery.diff.shards import moved_definitions, place, reach, sharded
from gallery.diff.sources import Side, read_side
from gallery.errors import CatalogError


def build_report(
    base_spec: str,
    head_spec: str,
    *,
    stack: str,
    allow: frozenset[str] = frozenset(),
    today: Optional[dt.date] = None,
    with_plan: bool = True,
    in_use: Optional[Ask] = None,
) -> tuple[Report, Side]:
    """The report, and HEAD's side (GitHub annotations point at its path). `in_use`: how to ask Azure which VMs and
    scale sets use what the change removes (None: not asked). Raises CatalogError, ArmError."""
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
    head = sides[1]
    findings = diff_catalogs(catalogs[0], catalogs[1], today=today, locate=_locator(head))
    if in_use is not None:
        findings = with_in_use(findings, catalogs[0], in_use)
    report = Report(
        base_spec,
        head_spec,
        stack,
        apply_allow(findings, allow),
        storage=storage_changes(catalogs[0], catalogs[1], load_prices()),
        in_use_note=IN_USE_NOTE if in_use is not None else "",
    )
    if with_plan:
        _plans(catalogs[0], catalogs[1], report)
    else:
        report.resources_note = "not compared (--no-plan)"
    return report, head


def _locator(side: Side):
    """Line and column of a document path in HEAD; parses HEAD again only if a top-level key changed."""
    doc: list[Document] = []  # parsed once, on the first call

    def locate(path: str) -> tuple[int, int]:
        if not doc:
            doc.append(load_yaml(side.data, side.spec))
        return doc[0].locate(path, at_key=True)

    return locate


def _plans(base: Catalog, head: Catalog, report: Report) -> None:
    """Both catalogs' desired states, as far as the change reaches (gallery.desired.selection.changed), compared
    resource by resource: the records the offline plan would give, without running the program. With shards, each
    change in its stack, the definitions that change stacks compared too (as moves), and the stacks reached."""
    only = changed(base, head)
    moved = moved_definitions(base, head)
    if only is not None and moved:
        only = only | Selection.images(base, moved) | Selection.images(head, moved)
    before, after = desired_state(base, only), desired_state(head, only)
    report.resources = compare_plans(before.records(), after.records())
    if sharded(base, head):
        report.resources, report.moves = place(report.resources, before, after, head.stack)
        report.stacks = reach(base, head, report.resources, only)

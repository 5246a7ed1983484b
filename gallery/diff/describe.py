"""How the diff report describes things, whatever the format: values, changes, counts, the summary."""

from __future__ import annotations

import json

from gallery.catalog.model import MAIN
from gallery.diff.findings import ACTIONS, BLOCK, INFO, WARN, Finding, Report

COMMENT_LIMIT = 65_536  # GitHub cuts a PR comment here

ICONS = {BLOCK: "⛔", WARN: "⚠️", INFO: "ℹ️"}


def value(v) -> str:
    if v is None:
        return "(none)"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, sort_keys=True, default=str)
    return str(v)


def label(f: Finding) -> str:
    return f"{f.severity} (allowed)" if f.allowed else f.severity


def change(d) -> str:
    return f"{d.property}: {value(d.before)} → {value(d.after)}"


def summary(report: Report) -> str:
    if not report.changed:
        return "no changes"
    counts = {s: sum(f.severity == s for f in report.findings) for s in (BLOCK, WARN, INFO)}
    allowed = sum(f.allowed for f in report.findings)
    parts = [f"{n} {s}" for s, n in counts.items() if n]
    text = ", ".join(parts) or "no catalog-level findings"
    if allowed:
        text += f" ({allowed} allowed)"
    return text + (f"; resources: {resource_counts(report.resources)}" if report.resources else "")


def resource_counts(resources) -> str:
    counts = {a: sum(r.action == a for r in resources) for a in ACTIONS}
    return ", ".join(f"{n} {'refused update' if a == 'refused' else a}" for a, n in counts.items() if n)


def blocked_footer(report: Report) -> list[str]:
    kinds = sorted({f.kind for f in report.blocking})
    if not kinds:
        return []
    return [
        f"blocked: {len(report.blocking)} blocking finding(s); if this is deliberate, rerun with "
        f"--allow {','.join(kinds)}"
    ]


def stack_title(reach) -> str:
    """`dev-linux (shard linux)`, `dev (main)`: a stack and the part it holds."""
    return f"{reach.stack} ({'main' if reach.owner == MAIN else 'shard ' + reach.owner})"


def stack_summary(reach) -> str:
    """What the change does to one stack, or that it was not compared."""
    if not reach.reached:
        return "not reached by the change (not compared)"
    return resource_counts(reach.changes) or "no change"

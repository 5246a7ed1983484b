"""Write a diff report as text, JSON, or GitHub workflow annotations (the PR-comment markdown is markdown.py);
the command's reporter picks one.

Findings come destructive-first (see findings.sort_findings) in every format, so the one line a
reviewer must not miss is never at the bottom. GitHub cuts a PR comment at 65,536 characters: the
markdown keeps the summary and the blocking rows first and says what it had to leave out.
"""

from __future__ import annotations

import json

from gallery.annotations import annotation
from gallery.diff.describe import (
    blocked_footer,
    change,
    label,
    resource_counts,
    stack_summary,
    stack_title,
    summary,
    value,
)
from gallery.diff.findings import BLOCK, INFO, WARN, Report, sort_findings


def render_text(report: Report) -> str:
    out = [f"{report.base} → {report.head} (stack {report.stack}): {summary(report)}"]
    for f in sort_findings(report.findings):
        where = f"{f.where()}: " if f.where() else ""
        out.append(f"{where}{label(f)}: {f.kind}: {f.message}")
        out += [f"    {change(d)}" for d in f.details]
        if f.hint:
            out.append(f"    hint: {f.hint}")
    if report.in_use_note:
        out.append(f"({report.in_use_note})")
    out += storage_lines(report)
    if report.stacks is not None and report.resources is not None:
        out.append(
            f"resources (offline plan): {resource_counts(report.resources) or 'no change'}; "
            f"{sum(s.reached for s in report.stacks)} of {len(report.stacks)} stacks reached"
        )
        for reach in report.stacks:
            out.append(f"  stack {stack_title(reach)}: {stack_summary(reach)}")
            out += _resources(reach.changes, "    ")
        if report.moves:
            out.append("state moves, to run before the next deployment (README: Moving a stack to shards):")
            out += [f"  {command}" for move in report.moves for command in move.commands()]
    elif report.resources:
        out.append(f"resources (offline plan): {resource_counts(report.resources)}")
        out += _resources(report.resources, "  ")
    elif report.resources_note and report.findings:
        out.append(f"resources: {report.resources_note}")
    out += blocked_footer(report)
    return "\n".join(out)


def storage_lines(report: Report) -> list[str]:
    """What the change adds to or frees from storage, a version a line (nothing when no replica changes)."""
    storage = report.storage
    if storage is None or not storage.changes:
        return []
    return [
        f"storage ({storage.prices.stated()}): {storage.total()}",
        *(f"  {c.text(storage.prices)}" for c in storage.changes),
    ]


def _resources(changes, indent: str) -> list[str]:
    out = []
    for r in changes:
        out.append(f"{indent}{r.label:<8} {r.type} {r.name}" + (f" ({r.note})" if r.note else ""))
        out += [
            f"{indent}    {p.path}: {value(p.before)} → {value(p.after)}" + (f"  [{p.reason}]" if p.reason else "")
            for p in r.properties
        ]
    return out


def render_json(report: Report) -> str:
    doc = {
        "base": report.base,
        "head": report.head,
        "stack": report.stack,
        "changed": report.changed,
        "blocking": len(report.blocking),
        "findings": [
            {
                "kind": f.kind,
                "severity": f.severity,
                "action": f.action,
                "blocking": f.blocking,
                "allowed": f.allowed,
                "subject": f.subject,
                "message": f.message,
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "path": f.path,
                "hint": f.hint,
                "inUse": f.in_use,
                "details": [{"property": d.property, "before": d.before, "after": d.after} for d in f.details],
            }
            for f in sort_findings(report.findings)
        ],
        "resources": None if report.resources is None else [r.as_dict() for r in report.resources],
        "resourcesNote": report.resources_note or None,
        "storage": report.storage.as_dict() if report.storage is not None else None,
        "inUseNote": report.in_use_note or None,
    }
    if report.stacks is not None:  # a sharded catalog: every stack, and the state moves
        doc["stacks"] = [
            {"stack": s.stack, "owner": s.owner, "reached": s.reached, "changes": len(s.changes)} for s in report.stacks
        ]
        doc["moves"] = [
            {"source": m.source, "dest": m.dest, "urns": list(m.urns), "commands": m.commands()} for m in report.moves
        ]
    return json.dumps(doc, indent=2, default=str)


def render_github(report: Report, head_file: str) -> str:
    """`head_file` is the catalog path the annotations point at (HEAD as a path in the repository)."""
    level = {BLOCK: "error", WARN: "warning", INFO: "notice"}
    out = []
    for f in sort_findings(report.findings):
        on_head = f.file == report.head and f.line  # things gone from HEAD are annotated on the file
        body = f.message + "".join(f"\n{change(d)}" for d in f.details) + (f"\nhint: {f.hint}" if f.hint else "")
        out.append(
            annotation(
                "warning" if f.allowed else level[f.severity],
                body,
                file=head_file,
                line=f.line if on_head else 0,
                column=f.column if on_head else 0,
                title=f.kind + (" (allowed)" if f.allowed else ""),
            )
        )
    out.append(f"{report.base} → {report.head} (stack {report.stack}): {summary(report)}")
    out += blocked_footer(report)
    return "\n".join(out)

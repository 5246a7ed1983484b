"""Write a diff report as text, a PR-comment markdown, JSON, or GitHub workflow annotations.

Findings come destructive-first (see findings.sort_findings) in every format, so the one line a
reviewer must not miss is never at the bottom. GitHub cuts a PR comment at 65,536 characters: the
markdown keeps the summary and the blocking rows first and says what it had to leave out.
"""
from __future__ import annotations

import json
from typing import Optional

from gallery.diff.findings import BLOCK, INFO, WARN, Finding, Report, sort_findings

COMMENT_LIMIT = 65_536  # GitHub cuts a PR comment here

ICONS = {BLOCK: "⛔", WARN: "⚠️", INFO: "ℹ️"}


def render(report: Report, fmt: str, *, head_file: Optional[str] = None, limit: int = COMMENT_LIMIT) -> str:
    """`head_file` is the catalog path GitHub annotations point at (HEAD as a path in the repository)."""
    if fmt == "json":
        return render_json(report)
    if fmt == "markdown":
        from gallery.diff.markdown import render_markdown  # it builds on the helpers below
        return render_markdown(report, limit)
    if fmt == "github":
        return render_github(report, head_file or report.head)
    return render_text(report)


def value(v) -> str:
    if v is None:
        return "(none)"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, sort_keys=True, default=str)
    return str(v)


def _label(f: Finding) -> str:
    return f"{f.severity} (allowed)" if f.allowed else f.severity


def _change(d) -> str:
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
    order = ("delete", "replace", "refused", "update", "create")
    counts = {a: sum(r.action == a for r in resources) for a in order}
    return ", ".join(f"{n} {'refused update' if a == 'refused' else a}" for a, n in counts.items() if n)


def render_text(report: Report) -> str:
    out = [f"{report.base} → {report.head} (stack {report.stack}): {summary(report)}"]
    for f in sort_findings(report.findings):
        where = f"{f.where()}: " if f.where() else ""
        out.append(f"{where}{_label(f)}: {f.kind}: {f.message}")
        out += [f"    {_change(d)}" for d in f.details]
        if f.hint:
            out.append(f"    hint: {f.hint}")
    if report.resources:
        out.append(f"resources (offline plan): {resource_counts(report.resources)}")
        for r in report.resources:
            out.append(f"  {r.label:<8} {r.type} {r.name}" + (f" ({r.note})" if r.note else ""))
            out += [f"      {p.path}: {value(p.before)} → {value(p.after)}" + (f"  [{p.reason}]" if p.reason else "")
                    for p in r.properties]
    elif report.resources_note and report.findings:
        out.append(f"resources: {report.resources_note}")
    out += blocked_footer(report)
    return "\n".join(out)


def blocked_footer(report: Report) -> list[str]:
    kinds = sorted({f.kind for f in report.blocking})
    if not kinds:
        return []
    return [f"blocked: {len(report.blocking)} blocking finding(s); if this is deliberate, rerun with "
            f"--allow {','.join(kinds)}"]


def render_json(report: Report) -> str:
    doc = {
        "base": report.base, "head": report.head, "stack": report.stack, "changed": report.changed,
        "blocking": len(report.blocking),
        "findings": [{
            "kind": f.kind, "severity": f.severity, "action": f.action, "blocking": f.blocking,
            "allowed": f.allowed, "subject": f.subject, "message": f.message, "file": f.file, "line": f.line,
            "column": f.column, "path": f.path, "hint": f.hint,
            "details": [{"property": d.property, "before": d.before, "after": d.after} for d in f.details],
        } for f in sort_findings(report.findings)],
        "resources": None if report.resources is None else [r.as_dict() for r in report.resources],
        "resourcesNote": report.resources_note or None,
    }
    return json.dumps(doc, indent=2, default=str)


def render_github(report: Report, head_file: str) -> str:
    level = {BLOCK: "error", WARN: "warning", INFO: "notice"}
    out = []
    for f in sort_findings(report.findings):
        props = [f"file={_prop(head_file)}"]
        if f.file == report.head and f.line:  # things gone from HEAD are annotated on the file
            props += [f"line={f.line}", f"col={f.column}"]
        props.append(f"title={_prop(f.kind + (' (allowed)' if f.allowed else ''))}")
        body = f.message + "".join(f"\n{_change(d)}" for d in f.details) + (f"\nhint: {f.hint}" if f.hint else "")
        out.append(f"::{'warning' if f.allowed else level[f.severity]} {','.join(props)}::{_data(body)}")
    out.append(f"{report.base} → {report.head} (stack {report.stack}): {summary(report)}")
    out += blocked_footer(report)
    return "\n".join(out)


def _data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")


"""The diff as a pull-request comment: a summary table first, then details, destructive items first.

GitHub cuts a comment at 65,536 characters. Blocks are added in order of importance while they fit;
whatever does not fit is counted in a closing note, so the comment never ends mid-table and the
blocking rows, which come first, are always there.
"""

from __future__ import annotations

from typing import Sequence

from gallery.catalog.model import MAIN
from gallery.diff.describe import COMMENT_LIMIT, ICONS, resource_counts, stack_summary, summary, value
from gallery.diff.findings import BLOCK, Report, sort_findings
from gallery.errors import Problem

MARKER = "<!-- gallery-diff -->"  # lets a workflow find and update its own comment
RESERVE = 400  # room for the closing note


def render_invalid(base: str, head: str, stack: str, problems: Sequence[Problem], limit: int = COMMENT_LIMIT) -> str:
    """The PR comment when a side does not validate: nothing can be compared, here is why."""
    head_lines = [
        MARKER,
        f"### Catalog diff: `{base}` → `{head}` (stack `{stack}`)",
        "",
        f"**❌ Not compared: the catalog is invalid ({len(problems)} problem(s)).** "
        "Fix these and push again (`gallery validate` shows the same list):",
        "",
    ]
    rows = [
        (f"- `{p.file}:{p.line}:{p.column}` {p.severity}: " if p.line else f"- `{p.file}` {p.severity}: ")
        + _cell((f"{p.path}: " if p.path else "") + p.message + (f"; {p.hint}" if p.hint else ""))
        for p in problems
    ]
    return _fit(head_lines, [(row, "problem") for row in rows], [], limit)


def render_markdown(report: Report, limit: int = COMMENT_LIMIT) -> str:
    findings = sort_findings(report.findings)
    head = [MARKER, f"### Catalog diff: `{report.base}` → `{report.head}` (stack `{report.stack}`)", ""]
    if not report.changed:
        return "\n".join(head + ["No changes: nothing in Azure changes."])
    verdict = (
        f"**⛔ Blocked: {len(report.blocking)} destructive or impossible change(s).**"
        if report.blocking
        else "**✅ Nothing blocking.**"
    )
    head += [verdict + f" {summary(report)}.", ""] + _counts(findings)
    rows = [
        f"| {ICONS[f.severity]} {f.severity}{' (allowed)' if f.allowed else ''} | `{f.kind}` | {_cell(f.message)} |"
        for f in findings
    ]
    # A section's heading travels with its first item, so a cut never leaves a heading without items.
    blocks: list[tuple[str, str]] = _section("| | Kind | Change |\n|---|---|---|", rows, "row")
    detailed = [f for f in findings if f.details or f.hint]
    blocks += _section("\n#### Details\n", [_detail(f) for f in detailed], "detail")
    if report.in_use_note:
        blocks.append((f"\n_{_cell(report.in_use_note)}._", "note"))
    storage = report.storage
    if storage is not None and storage.changes:
        blocks += _section(
            f"\n#### Storage: {_cell(storage.total())}\n\n_{_cell(storage.prices.stated())}._\n",
            [f"- {_cell(c.text(storage.prices))}" for c in storage.changes],
            "storage",
        )
    if report.stacks is not None and report.resources is not None:
        blocks += _stacks(report)
    elif report.resources:
        blocks += _section(
            f"\n#### Resources (offline plan): {resource_counts(report.resources)}\n",
            [_resource(r) for r in report.resources],
            "resource",
        )
    elif report.resources_note:
        blocks.append((f"\n_Resources: {report.resources_note}._", "note"))
    kinds = sorted({f.kind for f in report.blocking})
    labels = ", ".join(f"`allow:{k}`" for k in kinds)
    footer = (
        [
            f"\n\nTo proceed deliberately, a release manager adds the label(s) {labels} to the pull request "
            f"(locally: `--allow {','.join(kinds)}`)."
        ]
        if kinds
        else []
    )
    return _fit(head, blocks, footer, limit)


def _stacks(report: Report) -> list[tuple[str, str]]:
    """A sharded catalog: one row per stack, then each reached stack's resources, then the state moves."""
    stacks = report.stacks or []
    reached = sum(s.reached for s in stacks)
    rows = [
        f"| `{s.stack}` | {'main (foundation)' if s.owner == MAIN else 'shard ' + s.owner} | {stack_summary(s)} |"
        for s in stacks
    ]
    blocks = [
        (
            f"\n#### Stacks: {reached} of {len(stacks)} reached by the change\n\n| Stack | Holds | Offline "
            "plan |\n|---|---|---|\n" + "\n".join(rows),
            "stack table",
        )
    ]
    if report.moves:  # what must be run before the deployment comes before the details
        commands = "\n".join(c for m in report.moves for c in m.commands())
        blocks.append(
            (
                "\n#### State moves\n\nBefore the next deployment (README: Moving a stack to shards), in the "
                f"project directory:\n\n```sh\n{commands}\n```",
                "state move list",
            )
        )
    for s in stacks:
        if s.changes:
            blocks += _section(
                f"\n#### Resources of `{s.stack}`: {resource_counts(s.changes)}\n",
                [_resource(r) for r in s.changes],
                "resource",
            )
    return blocks


def _counts(findings) -> list[str]:
    """One row per kind: the summary table (there are a few dozen kinds at most, so it always fits)."""
    counts: dict[str, list] = {}
    for f in findings:
        counts.setdefault(f.kind, [f, 0])[1] += 1
    if not counts:
        return []
    rows = [f"| {ICONS[f.severity]} {f.severity} | {f.action} | `{kind}` | {n} |" for kind, (f, n) in counts.items()]
    return ["| | Does | Kind | Count |", "|---|---|---|---|", *rows, ""]


def _section(heading: str, items: list[str], what: str) -> list[tuple[str, str]]:
    return [((heading + "\n" if i == 0 else "") + text, what) for i, text in enumerate(items)]


def _fit(head: list[str], blocks: list[tuple[str, str]], footer: list[str], limit: int) -> str:
    out = "\n".join(head)
    tail = "".join(footer)
    budget = limit - len(tail) - RESERVE
    left: dict[str, int] = {}
    for text, what in blocks:
        if what in left or len(out) + 1 + len(text) > budget:
            left[what] = left.get(what, 0) + 1
            continue
        out += "\n" + text
    if left:
        parts = [
            f"{n} {'table row' if w == 'row' else w}{'s' if n > 1 else ''}"
            for w, n in left.items()
            if w in ("row", "detail", "resource", "problem", "storage", "stack table", "state move list")
        ]
        out += (
            f"\n\n_Cut to fit a PR comment ({limit:,} characters): {', '.join(parts) or 'some sections'} "
            "not shown. Run `gallery diff` locally, or use `--format json`, for everything._"
        )
    return out + tail


def _detail(f) -> str:
    icon = ICONS[f.severity]
    lines = [
        f"<details{' open' if f.severity == BLOCK else ''}><summary>{icon} <code>{f.kind}</code> "
        f"{_html(f.subject)}</summary>",
        "",
    ]
    lines += [f"- `{_tick(d.property)}`: {_code(value(d.before))} → {_code(value(d.after))}" for d in f.details]
    if f.hint:
        lines.append(f"- hint: {_cell(f.hint)}")
    if f.where():
        lines.append(f"- at `{_tick(f.where())}`")
    return "\n".join(lines + ["", "</details>"])


def _resource(r) -> str:
    note = f" — {_cell(r.note)}" if r.note else ""
    lines = [f"- **{r.label}** `{r.type}` `{r.name}`{note}"]
    lines += [
        f"  - `{_tick(p.path)}`: {_code(value(p.before))} → {_code(value(p.after))}"
        + (f" _({_cell(p.reason)})_" if p.reason else "")
        for p in r.properties
    ]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _tick(text: str) -> str:
    return text.replace("`", "'")


def _code(text: str) -> str:
    return f"`{_tick(text)}`"


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

"""A gallery status as text (a table for the terminal), a JSON document, or a markdown table (CI job summary)."""
from __future__ import annotations

import dataclasses
import json

from gallery.lifecycle.status import GalleryStatus, VersionState


def _state(v: VersionState) -> str:
    if v.problem:
        return v.problem
    if not v.in_catalog:
        return "not in the catalog"
    return "ok"


def _regions(v: VersionState) -> str:
    return ", ".join(f"{r.region} {r.state}" + (f" {r.progress}%" if r.state not in ("Completed", "Failed")
                                                 and r.progress is not None else "") for r in v.regions) or "-"


def _row(v: VersionState) -> list[str]:
    return [v.image, v.version, _state(v), v.provisioning or "-", v.replication or "-", _regions(v),
            v.end_of_life or "-", "latest" if v.latest else ("excluded" if v.exclude_from_latest else "")]


HEADER = ["image", "version", "state", "provisioning", "replication", "regions", "end of life", "latest"]


def _summary(status: GalleryStatus) -> str:
    bad = [v for v in status.versions if v.problem]
    extra = [v for v in status.versions if not v.in_catalog]
    parts = [f"{len(status.versions) - len(extra)} catalog versions"]
    parts.append("all healthy" if not bad else f"{len(bad)} not healthy")
    if extra:
        parts.append(f"{len(extra)} in Azure but not in the catalog")
    return (f"gallery {status.gallery} (resource group {status.resource_group}, subscription {status.subscription}): "
            + ", ".join(parts))


def render_text(status: GalleryStatus) -> str:
    rows = [HEADER] + [_row(v) for v in status.versions]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join([_summary(status), "", *lines])


def render_markdown(status: GalleryStatus) -> str:
    icon = lambda v: "✅" if not v.problem and v.in_catalog else ("➕" if not v.in_catalog else (  # noqa: E731
        "⏳" if not v.failed else "❌"))
    lines = [f"### Gallery status: `{status.gallery}`", "", _summary(status), "",
             "| | " + " | ".join(HEADER) + " |", "|---|" + "---|" * len(HEADER)]
    for v in status.versions:
        lines.append(f"| {icon(v)} | " + " | ".join(c.replace("|", "\\|") for c in _row(v)) + " |")
    return "\n".join(lines)


def render_json(status: GalleryStatus) -> str:
    doc = dataclasses.asdict(status)
    for out, v in zip(doc["versions"], status.versions, strict=True):  # asdict keeps one entry per version
        out["problem"] = v.problem
    doc["healthy"], doc["failed"] = status.healthy, status.failed
    return json.dumps(doc, indent=2)

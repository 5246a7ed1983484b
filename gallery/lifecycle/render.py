"""A gallery status as text (a table for the terminal), markdown (a CI job summary) or JSON (a versioned contract).

The JSON document is the contract CI jobs depend on: its shape is `gallery/lifecycle/schema/status.schema.json`
(FORMAT_VERSION below; the README's "status --format json" says what each field means). A field is never
renamed or removed, nor a state's meaning changed, without a new format version.
"""

from __future__ import annotations

import json
from typing import Any

from gallery.errors import Exit
from gallery.lifecycle.states import STATES, Drift, GalleryStatus, ImageState, VersionState

FORMAT_VERSION = 1
HEADER = ["image", "version", "state", "provisioning", "replication", "regions", "end of life", "latest"]


def exit_code(status: GalleryStatus) -> Exit:
    return Exit.ATTENTION if status.attention else Exit.OK


def _latest(v: VersionState, regions_of_image: int) -> str:
    if v.latest_in:
        return "latest" if len(v.latest_in) == regions_of_image else "latest in " + ", ".join(v.latest_in)
    return "excluded" if v.exclude_from_latest else ""


def _rows(status: GalleryStatus) -> list[list[str]]:
    regions = {i.name: sum(1 for _, azure, _ in i.latest if azure is not None) for i in status.images}
    rows = []
    for v in status.versions:
        state = v.message if v.in_catalog else f"{v.message} (not in the catalog)"
        rows.append(
            [
                v.image,
                v.version,
                state,
                v.provisioning or "-",
                v.replication or "-",
                ", ".join(r.text() for r in v.regions) or "-",
                v.end_of_life or "-",
                _latest(v, regions.get(v.image, 0)),
            ]
        )
    return rows


def _summary(status: GalleryStatus) -> str:
    counts = status.counts()
    mine = sum(counts.values())
    extra_versions = sum(1 for v in status.versions if not v.in_catalog)
    extra_images = sum(1 for i in status.images if not i.in_catalog)
    parts = [f"{mine} catalog versions"]
    parts.append(
        "all ready" if counts["ready"] == mine else ", ".join(f"{n} {state}" for state, n in counts.items() if n)
    )
    drifted = sum(1 for v in status.versions if v.in_catalog and v.drift) + sum(1 for i in status.images if i.attention)
    if drifted:
        parts.append(f"{drifted} differing from the catalog")
    if extra_versions or extra_images:
        parts.append(f"{extra_versions} versions and {extra_images} definitions in Azure but not in the catalog")
    verdict = "needs attention (exit 2)" if status.attention else "ok"
    return (
        f"gallery {status.gallery} (resource group {status.resource_group}, subscription {status.subscription}): "
        + ", ".join(parts)
        + f": {verdict}"
    )


def _differences(status: GalleryStatus) -> list[tuple[str, Drift]]:
    """(what, drift) of every difference: the catalog's first, then what is outside it."""
    out = [(f"{i.name}", d) for i in status.images for d in i.drift if i.in_catalog]
    out += [(f"{v.image} {v.version}", d) for v in status.versions for d in v.drift if v.in_catalog]
    out += [(f"{i.name}", d) for i in status.images for d in i.drift if not i.in_catalog]
    out += [(f"{v.image} {v.version}", d) for v in status.versions for d in v.drift if not v.in_catalog]
    return out


def _latest_lines(status: GalleryStatus) -> list[str]:
    """`latest` per region where it is not one version everywhere, or where Azure and the catalog differ."""
    lines = []
    for i in status.images:
        given = {azure for _, azure, _ in i.latest} | {catalog for _, _, catalog in i.latest if i.in_catalog}
        if len(given) > 1:
            lines.append(
                f"  {i.name}: "
                + ", ".join(
                    f"{region} {azure or 'none'}"
                    + (f" (catalog {catalog or 'none'})" if i.in_catalog and catalog != azure else "")
                    for region, azure, catalog in i.latest
                )
            )
    return lines


def render_text(status: GalleryStatus) -> str:
    rows = [HEADER] + _rows(status)
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = [_summary(status), ""] + [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    latest = _latest_lines(status)
    if latest:
        lines += ["", "latest per region (Azure's; the catalog's where it differs):", *latest]
    differences = _differences(status)
    if differences:
        lines += ["", "differences from the catalog, and what to do:"]
        lines += [f"  {what}: {d.text()}" for what, d in differences]
    return "\n".join(lines)


def _icon(v: VersionState) -> str:
    if not v.in_catalog:
        return "➕"
    if v.attention:
        return "❌" if v.state != "ready" else "⚠️"
    return "✅" if v.state == "ready" else "⏳"


def render_markdown(status: GalleryStatus) -> str:
    lines = [
        f"### Gallery status: `{status.gallery}`",
        "",
        _summary(status),
        "",
        "| | " + " | ".join(HEADER) + " |",
        "|---|" + "---|" * len(HEADER),
    ]
    for v, row in zip(status.versions, _rows(status), strict=True):  # one row per version
        lines.append(f"| {_icon(v)} | " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    latest = _latest_lines(status)
    if latest:
        lines += ["", "**latest per region** (Azure's; the catalog's where it differs):", ""]
        lines += [f"- {line.strip()}" for line in latest]
    differences = _differences(status)
    if differences:
        lines += ["", "**Differences from the catalog, and what to do:**", ""]
        lines += [f"- `{what}`: {d.text()}".replace("|", "\\|") for what, d in differences]
    return "\n".join(lines)


def document(status: GalleryStatus) -> dict[str, Any]:
    """The JSON contract (schema/status.schema.json), as plain data."""
    counts = status.counts()
    return {
        "formatVersion": FORMAT_VERSION,
        "gallery": {
            "subscription": status.subscription,
            "resourceGroup": status.resource_group,
            "name": status.gallery,
        },
        "exitCode": int(exit_code(status)),
        "attention": status.attention,
        "summary": {
            "catalogVersions": sum(counts.values()),
            **{s: counts[s] for s in STATES},
            "differing": sum(1 for v in status.versions if v.in_catalog and v.drift)
            + sum(1 for i in status.images if i.attention),
            "outsideCatalog": {
                "definitions": sum(1 for i in status.images if not i.in_catalog),
                "versions": sum(1 for v in status.versions if not v.in_catalog),
            },
        },
        "images": [_image(i) for i in status.images],
        "versions": [_version(v) for v in status.versions],
    }


def _drift(d: Drift) -> dict[str, Any]:
    return {
        "kind": d.kind,
        "region": d.region,
        "azure": d.azure,
        "catalog": d.catalog,
        "message": d.message,
        "fix": d.fix,
    }


def _image(i: ImageState) -> dict[str, Any]:
    return {
        "name": i.name,
        "inCatalog": i.in_catalog,
        "inAzure": i.in_azure,
        "attention": i.attention,
        "latest": [{"region": r, "azure": a, "catalog": c if i.in_catalog else None} for r, a, c in i.latest],
        "drift": [_drift(d) for d in i.drift],
    }


def _version(v: VersionState) -> dict[str, Any]:
    return {
        "image": v.image,
        "version": v.version,
        "inCatalog": v.in_catalog,
        "inAzure": v.in_azure,
        "state": v.state,
        "message": v.message,
        "attention": v.attention,
        "provisioningState": v.provisioning,
        "replicationState": v.replication,
        "regions": [
            {"region": r.region, "state": r.state, "progress": r.progress, "details": r.details} for r in v.regions
        ],
        "excludeFromLatest": v.exclude_from_latest,
        "endOfLife": v.end_of_life,
        "latestIn": list(v.latest_in),
        "drift": [_drift(d) for d in v.drift],
        "error": v.error,
    }


def render_json(status: GalleryStatus) -> str:
    return json.dumps(document(status), indent=2)

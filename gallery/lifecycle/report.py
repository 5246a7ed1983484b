"""`gallery status` with what issue 21 adds to it: the versions the gallery's soft delete keeps (every format), and
the storage each version takes (the markdown a CI job summary shows), after the status itself (render.py).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Optional

from gallery.catalog.model import Catalog
from gallery.cost.prices import Prices
from gallery.cost.storage import VersionStorage, version_storage
from gallery.lifecycle import render
from gallery.lifecycle.softdelete import SoftDeleted
from gallery.lifecycle.states import GalleryStatus

RESTORE = "`gallery version restore IMAGE VERSION` brings one back"


@dataclasses.dataclass(frozen=True)
class StatusReport:
    status: GalleryStatus
    soft_deleted: tuple[SoftDeleted, ...] = ()
    storage: tuple[VersionStorage, ...] = ()  # the catalog's versions, sized by Azure (or their tag)
    prices: Optional[Prices] = None


def status_report(
    catalog: Catalog, status: GalleryStatus, soft_deleted: tuple[SoftDeleted, ...], prices: Prices
) -> StatusReport:
    sizes = {(v.image, v.version): v.disk_gib for v in status.versions}
    storage = tuple(
        version_storage(image.name, v, sizes.get((image.name, v.name)))
        for image in catalog.images
        for v in image.versions
    )
    return StatusReport(status, soft_deleted, storage, prices)


def _soft_deleted_lines(report: StatusReport) -> list[str]:
    if not report.soft_deleted:
        return []
    return [
        "",
        f"soft-deleted, restorable ({RESTORE}):",
        *(f"  {s.image} {s.version}  deleted {s.deleted or 'at an unknown time'}" for s in report.soft_deleted),
    ]


def render_text(report: StatusReport) -> str:
    return "\n".join([render.render_text(report.status), *_soft_deleted_lines(report)])


def render_json(report: StatusReport) -> str:
    doc = json.loads(render.render_json(report.status))
    doc["softDeleted"] = [dataclasses.asdict(s) for s in report.soft_deleted]
    return json.dumps(doc, indent=2)


def render_markdown(report: StatusReport) -> str:
    lines = [render.render_markdown(report.status)]
    if report.soft_deleted:
        lines += ["", f"#### Soft-deleted versions ({RESTORE})", "", "| image | version | deleted |", "|---|---|---|"]
        lines += [f"| {s.image} | {s.version} | {s.deleted or '?'} |" for s in report.soft_deleted]
    if report.storage and report.prices is not None:
        lines += _storage_table(report.storage, report.prices)
    return "\n".join(lines)


def _storage_table(storage: tuple[VersionStorage, ...], prices: Prices) -> list[str]:
    known = [s.monthly(prices) for s in storage]
    total = sum(m for m in known if m is not None)
    gib = sum(s.gib or 0 for s in storage)
    out = [
        "",
        "#### Storage per version",
        "",
        f"_{prices.stated()}._",
        "",
        "| image | version | disks | replicas | stored | per month |",
        "|---|---|---|---|---|---|",
    ]
    for s, money in zip(storage, known, strict=True):
        where = ", ".join(f"{r.region} {r.count} × {r.storage_type}" for r in s.replicas) or "Shallow: none"
        out.append(
            f"| {s.image} | {s.version} | {_gib(s.size_gib)} | {s.replica_count} ({where}) | {_gib(s.gib)} | "
            f"{prices.money(money) if money is not None else '?'} |"
        )
    unknown = sum(m is None for m in known)
    note = f" ({unknown} of unknown size not counted)" if unknown else ""
    out.append(f"| **all** | | | | **{gib} GiB** | **{prices.money(total)}**{note} |")
    return out


def _gib(value: Optional[int]) -> str:
    return "?" if value is None else f"{value} GiB"

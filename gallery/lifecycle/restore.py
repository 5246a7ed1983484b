"""`gallery version restore IMAGE VERSION`: a soft-deleted version back in the catalog, with `restore: true`.

The version goes back as it was declared before it was removed (the newest commit of the catalog that has it), or
with the source given on the command line; its end of life, when passed, is dropped, so that the lifecycle policy
gives it a new one rather than remove it again at its next run. The next deployment sends it with `restore: true`
(GalleryImageVersion_Update_RestoreSoftDeleted), and Azure brings back the version it keeps.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from typing import Any, Optional, Sequence

from gallery.catalog.model import Catalog
from gallery.lifecycle.edit import CatalogEditor, EditError
from gallery.lifecycle.softdelete import SoftDeleted, previous_entry, read_soft_deleted


def soft_deleted_version(client: Any, catalog: Catalog, image: str, version: str) -> SoftDeleted:
    """What Azure keeps of the version. Raises EditError when it keeps nothing of it, ArmError."""
    if not catalog.gallery.soft_delete:
        raise _no_soft_delete(catalog)
    found = read_soft_deleted(client, catalog, [image])
    match = next((s for s in found if s.version == version), None)
    if match is None:
        there = ", ".join(s.version for s in found) or "none"
        raise EditError(
            catalog.source_file,
            f"Azure keeps no soft-deleted {image} {version} in gallery {catalog.gallery.name}",
            "restore.not-soft-deleted",
            hint=f"soft-deleted versions of {image}: {there}; once Azure has deleted a version for good, "
            "publish it again under a new version number",
        )
    return match


def restore_version(
    path: str | os.PathLike,
    stack: str,
    image: str,
    version: str,
    *,
    deleted: Optional[SoftDeleted],
    source: Optional[dict] = None,
    end_of_life: Optional[dt.date] = None,
    today: Optional[dt.date] = None,
    cloud: Optional[str] = None,
) -> list[str]:
    """Add the version back with `restore: true`; returns what changed. `deleted`: what Azure keeps (None:
    --offline). Raises EditError, CatalogError."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    editor = CatalogEditor(path, stack, cloud)
    catalog = editor.check()
    editor.image(image)  # an unknown image is named as such, with the ones there are
    definition = catalog.image(image)
    assert definition is not None
    if not catalog.gallery.soft_delete:
        raise _no_soft_delete(catalog)
    if definition.version(version) is not None:
        raise EditError(
            str(path),
            f"{image} {version} is in the catalog: there is nothing to restore",
            "restore.in-catalog",
            hint="a version still in the catalog is not deleted by a deployment",
        )
    lines: list[str] = []
    if source is not None:
        entry: dict = {"version": version, "source": source}
        how = "with the source given"
    else:
        found = previous_entry(path, image, version)
        if found is None:
            raise EditError(
                str(path),
                f"no commit of {path} has {image} {version}, so its source is not known",
                "restore.unknown-source",
                hint="give the source it was published from, as for `gallery version add` "
                "(--vhd-captured DATE, --managed-image ID, ...): Azure restores the version it keeps "
                "only when the catalog declares it as it was",
            )
        entry = copy.deepcopy(found.entry)
        how = f"as commit {found.commit} declared it"
    entry["version"] = version
    eol = entry.get("endOfLife")
    if end_of_life is not None:
        entry["endOfLife"] = end_of_life
    elif isinstance(eol, dt.date) and eol < today:
        del entry["endOfLife"]
        lines.append(
            f"  endOfLife {eol} had passed: dropped, so the lifecycle policy gives it a new one instead of "
            "removing it again (or pass --end-of-life DATE)"
        )
    entry["restore"] = True
    entry.setdefault("tags", {})["restored.on"] = today.isoformat()
    editor.add_version(image, _ordered(entry))
    editor.save()
    since = (
        f"; Azure keeps it soft-deleted since {deleted.deleted}"
        if deleted and deleted.deleted
        else ("" if deleted else "; offline: Azure was not asked whether it keeps it")
    )
    return [
        f"{path}: restored {image} {version} (restore: true), {how}{since}",
        *lines,
        "  the next deployment sends it with restore: true (GalleryImageVersion_Update_RestoreSoftDeleted), and "
        "Azure brings back the version it keeps",
    ]


def _ordered(entry: dict) -> dict:
    """The keys in the order a version is written (version, source first; restore and tags last)."""
    first: Sequence[str] = ("version", "source")
    last: Sequence[str] = ("restore", "tags")
    keys = (
        [k for k in first if k in entry]
        + [k for k in entry if k not in first and k not in last]
        + [k for k in last if k in entry]
    )
    return {k: entry[k] for k in keys}


def _no_soft_delete(catalog: Catalog) -> EditError:
    return EditError(
        catalog.source_file,
        f"gallery {catalog.gallery.name} has no soft delete (gallery.softDelete: "
        "false), so Azure keeps nothing it deleted",
        "restore.no-soft-delete",
        hint="publish the image again under a new version number; set gallery.softDelete: true so "
        "that versions deleted from now on can be restored",
    )

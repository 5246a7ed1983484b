"""Versions a gallery's soft delete keeps: what `gallery status` lists, and what `gallery version restore` brings back.

On a gallery with `softDelete: true`, a version deleted (by a deployment, after the catalog dropped it) stays
restorable for a while. Azure lists those per definition (SoftDeletedResource_ListByArtifactName, 2024-03-03:
`.../softDeletedArtifactTypes/Images/artifacts/{image}/versions`). Restoring is a PUT of the version with
`restore: true` (GalleryImageVersion_Update_RestoreSoftDeleted), which the program sends when the catalog has the
version back with `restore: true`: so a restore is a catalog edit, reviewed and deployed like any other.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterable, Optional

from gallery.azure.client import call_options
from gallery.azure.errors import arm_error
from gallery.catalog.model import Catalog
from gallery.lifecycle import DEFAULT_WORKERS

ARTIFACT_TYPE = "Images"  # the one soft-deleted artifact type at 2024-03-03


@dataclasses.dataclass(frozen=True)
class SoftDeleted:
    image: str
    version: str
    deleted: Optional[str]  # when, as Azure writes it (softDeletedTime)
    id: str  # the version's own ARM id (resourceArmId)


def read_soft_deleted(
    client: Any, catalog: Catalog, images: Optional[Iterable[str]] = None, *, workers: int = DEFAULT_WORKERS
) -> tuple[SoftDeleted, ...]:
    """The soft-deleted versions of the catalog's definitions (or of `images`), by image then version. A gallery
    without soft delete has none, and is not asked. Raises ArmError."""
    if not catalog.gallery.soft_delete:
        return ()
    names = sorted(set(images) if images is not None else {i.name for i in catalog.images})
    rg, gallery = catalog.resource_group, catalog.gallery.name

    def listed(image: str) -> list[SoftDeleted]:
        try:
            return [
                SoftDeleted(
                    image,
                    r.name,
                    r.properties.soft_deleted_time if r.properties else None,
                    r.properties.resource_arm_id if r.properties else "",
                )
                for r in client.soft_deleted_resource.list_by_artifact_name(
                    rg, gallery, ARTIFACT_TYPE, image, **call_options()
                )
            ]
        except Exception as exc:  # noqa: BLE001
            err = arm_error(exc, f"list the soft-deleted versions of {image}")
            if err.status == 404:
                return []
            raise err from None

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(names) or 1))) as pool:
        found = [v for vs in pool.map(listed, names) for v in vs]
    return tuple(sorted(found, key=lambda s: (s.image, _key(s.version))))


def _key(version: str) -> tuple:
    try:
        return (0, tuple(int(p) for p in version.split(".")))
    except ValueError:
        return (1, version)


@dataclasses.dataclass(frozen=True)
class Previous:
    """The version's entry in an earlier commit of the catalog: what Azure deleted, as it was declared."""

    commit: str  # short hash
    entry: dict  # the version's mapping, as written in that commit


def previous_entry(path: str | os.PathLike, image: str, version: str) -> Optional[Previous]:
    """The newest commit of `path` (in git) whose catalog has `image` `version`, with the version as written there
    (the edited catalog is validated as a whole before it is written); None outside a repository, or when no commit
    has it."""
    folder = Path(path).resolve().parent
    try:
        commits = _git(folder, "log", "--format=%h", "--", Path(path).resolve().name).split()
        top = _git(folder, "rev-parse", "--show-toplevel").strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    relative = Path(path).resolve().relative_to(Path(top).resolve()).as_posix()
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    for commit in commits:
        try:
            data = YAML(typ="safe").load(_git(folder, "show", f"{commit}:{relative}"))
        except (subprocess.CalledProcessError, YAMLError):
            continue
        for img in (data.get("images") if isinstance(data, dict) else None) or []:
            if img.get("name") != image:
                continue
            for entry in img.get("versions") or []:
                if str(entry.get("version")) == version:
                    return Previous(commit, entry)
    return None


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60).stdout

"""Adding and promoting versions in images.yaml: the edits `gallery version add`, `upload --add-version` and
`gallery promote` make, through the one editor (gallery.lifecycle.edit)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from typing import Callable, Optional, Sequence

from gallery.catalog.model import Catalog
from gallery.lifecycle.edit import CatalogEditor, EditError
from gallery.lifecycle.gates import Gates
from gallery.lifecycle.provenance import set_tags
from gallery.lifecycle.states import VersionState


class NotReady(Exception):
    """Azure does not report the version ready: promoting it would send VMs to a broken image (exit 2)."""


# What to do, by the version's state (gallery.lifecycle.states).
_AFTER = {
    "replicating": "run again once it has finished (`gallery status` shows progress)",
    "migrating": "run again once Azure has finished (`gallery status` shows it)",
    "failed": "a version that failed cannot be published again under the same number: delete it in Azure and "
    "publish a new version; when only regions other than the home region failed, `gallery repair` "
    "replicates it there again in two reviewed changes",
    "deleting": "Azure is deleting it: publish a new version to promote",
    "missing": "publish it first (`pulumi up`), then promote it once it has replicated",
    "ready": "`pulumi up --refresh` restores the catalog's regions; run again once it has replicated there",
}


@dataclasses.dataclass(frozen=True)
class NewVersion:
    image: str
    version: str
    source: dict  # the catalog's `source` mapping, e.g. {"vhd": {"captured": date}}
    staged: Optional[bool] = None  # None: as the image's lifecycle policy says (stageNewVersions)
    end_of_life: Optional[dt.date] = None
    tags: dict = dataclasses.field(default_factory=dict)  # provenance (gallery.lifecycle.provenance)


def vhd_source(captured: dt.date, sequence: int = 0, data_disks: Sequence[tuple[int, Optional[str]]] = ()) -> dict:
    """A VHD source named by the blob convention: the capture date, the -ZZ sequence, the data disks' LUNs."""
    vhd: dict = {"captured": captured}
    if sequence:
        vhd["sequence"] = sequence
    if data_disks:
        vhd["dataDisks"] = [{"lun": lun, **({"caching": caching} if caching else {})} for lun, caching in data_disks]
    return {"vhd": vhd}


def add_version(path: str | os.PathLike, stack: str, new: NewVersion) -> tuple[Catalog, list[str]]:
    """Append the version to its image; returns the edited catalog and what changed. Raises CatalogError."""
    editor = CatalogEditor(path, stack)
    editor.image(new.image)  # an unknown image is named as such, with the ones there are
    image = next(i for i in editor.check().images if i.name == new.image)
    if image.version(new.version) is not None:
        raise EditError(
            str(path),
            f"image {new.image} already has version {new.version}",
            "edit.version-exists",
            hint="versions cannot be republished: choose the next version number",
        )
    staged = image.lifecycle.stage_new_versions if new.staged is None else new.staged
    entry: dict = {"version": new.version, "source": new.source}
    if staged:
        entry["excludeFromLatest"] = True
    if new.end_of_life:
        entry["endOfLife"] = new.end_of_life
    if new.tags:
        entry["tags"] = dict(new.tags)
    editor.add_version(new.image, entry)
    catalog = editor.save()
    how = "staged (excludeFromLatest: true; `gallery promote` makes it latest)" if staged else "eligible for latest"
    lines = [f"{path}: added {new.image} {new.version}, {how}"]
    if new.tags:
        lines.append("  tagged " + ", ".join(f"{k}={v}" for k, v in new.tags.items()))
    return catalog, lines


class GatesRefused(Exception):
    """A gate refused the version (gallery.lifecycle.gates): nothing is written (exit 2)."""

    def __init__(self, image: str, version: str, gates: Gates):
        super().__init__(
            f"{image} {version} was not promoted: {len(gates.refusals)} gate refusal(s); nothing was written"
        )
        self.gates = gates


def promote(
    path: str | os.PathLike,
    stack: str,
    image: str,
    version: str,
    state: Optional[VersionState],
    gates: Optional[Callable[[], Gates]] = None,
    *,
    cloud: Optional[str] = None,
    today: Optional[dt.date] = None,
) -> list[str]:
    """Clear excludeFromLatest. `state` is what Azure reports (None: --offline, not checked). Raises
    NotReady when Azure does not report it provisioned and Completed everywhere, GatesRefused when a gate refuses
    it (`gates` runs them once the version is found staged and ready; their record goes into its tags),
    CatalogError on bad input."""
    editor = CatalogEditor(path, stack, cloud)
    node = editor.version(image, version)
    if not node.get("excludeFromLatest"):
        raise EditError(
            str(path), f"{image} {version} is not staged: it is already eligible for latest", "edit.not-staged"
        )
    health = state.health() if state is not None else None
    if state is not None and health is not None and not health.good:
        # Not "Azure reports it missing in Azure": a missing version is said once.
        said = "Azure does not have it" if state.state == "missing" else f"Azure reports it {health.reason}"
        raise NotReady(
            f"{image} {version} is not ready to be latest: {said}; " + _AFTER.get(state.state, _AFTER["replicating"])
        )
    passed = gates() if gates is not None else None
    if passed is not None and passed.refusals:
        raise GatesRefused(image, version, passed)
    editor.delete(node, "excludeFromLatest")
    recorded = passed.tags(today or dt.datetime.now(dt.timezone.utc).date()) if passed is not None else {}
    set_tags(editor, node, recorded)
    editor.save()
    checked = (
        "Azure reports it provisioned and replicated to every target region"
        if state is not None
        else "offline: Azure was not asked whether it finished replicating"
    )
    lines = [f"{path}: promoted {image} {version} ({checked})"]
    if passed is not None:
        lines += passed.lines()
        lines.append("  recorded in its tags: " + ", ".join(recorded))
    return lines

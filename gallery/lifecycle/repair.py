"""`gallery repair IMAGE VERSION`: the two reviewed changes that replicate a version again where replication failed.

Azure does not retry a failed region, nor replicate it again while it is listed. What it needs is two deployments:
first the failed region leaves the version's target regions (which Azure allows only with the version's
safetyProfile.allowDeletionOfReplicatedLocations: true) and Azure deletes the failed replica; then the region comes
back and Azure replicates it afresh. In the catalog the region stays written, with `repairing: true` between the
two changes (its settings kept for its return). Each run writes the change Azure's state calls for:
- a region Azure reports Failed, not yet marked: change 1 (mark it; allow the deletion);
- a region marked, which Azure no longer lists for the version: change 2 (unmark it);
- a region marked, still listed by Azure: change 1 is not deployed yet, nothing is written.
The home region cannot leave a version: a version that failed there is replaced by a new one, not repaired.
"""

from __future__ import annotations

import os
from typing import Optional, Sequence

from gallery.lifecycle.edit import CatalogEditor, EditError
from gallery.lifecycle.states import VersionState


class NotDeployed(Exception):
    """Change 1 is written but Azure still lists the region: deploy it first (exit 2)."""


def repair(
    path: str | os.PathLike,
    stack: str,
    image: str,
    version: str,
    state: VersionState,
    regions: Sequence[str] = (),
    *,
    cloud: Optional[str] = None,
) -> list[str]:
    """Write the repair change Azure's `state` of the version calls for (in `regions` only, when given); returns
    what was written and what each deployment does. Raises NotDeployed, EditError, CatalogError."""
    editor = CatalogEditor(path, stack, cloud)
    node = editor.version(image, version)  # an unknown image or version is named, with the ones there are
    catalog = editor.check()
    model = catalog.image(image).version(version)  # type: ignore[union-attr]
    assert model is not None
    subject = f"{image} {version}"
    azure = {r.region: r for r in state.regions}
    marked = [r.name for r in model.repairing if not regions or r.name in regions]
    if marked:
        still = [f"{r} ({azure[r].state})" for r in marked if r in azure]
        if still:
            raise NotDeployed(
                f"{subject}: change 1 of the repair is not deployed yet: Azure still lists "
                f"{', '.join(still)} for it; deploy it (the failed replica is deleted), then run "
                "`gallery repair` again"
            )
        seq = node["regions"]
        for k, entry in enumerate(list(seq)):
            if isinstance(entry, str) or _name(entry) not in marked:
                continue
            editor.delete(entry, "repairing")
            if list(entry) == ["name"]:  # nothing but its name: written as a name, as before change 1
                seq[k] = entry["name"]
        editor.save()
        where = ", ".join(marked)
        return [
            f"{path}: repair of {subject}, change 2 of 2 written: {where} back in its target regions",
            f"  deploy 2 (this change, after review): Azure replicates {version} to {where} again; "
            "`gallery status` shows the progress",
        ]
    failed = [r for r in state.regions if r.state == "Failed" and (not regions or r.region in regions)]
    if regions:
        for name in regions:
            if name not in {r.region for r in failed}:
                said = f"Azure reports it {azure[name].state}" if name in azure else "Azure does not list it"
                raise EditError(
                    str(path),
                    f"{subject} has nothing to repair in {name}: {said}",
                    "repair.region",
                    hint="name a region whose replication failed (`gallery status` shows them)",
                )
    if not failed:
        return [f"{path}: {subject}: Azure reports no region whose replication failed: nothing to repair"]
    home = catalog.location
    if any(r.region == home for r in failed):
        raise EditError(
            str(path),
            f"{subject}: replication failed in the home region {home}, which a version cannot leave",
            "repair.home",
            hint="publish a new version (and retire this one): a version keeps its home region",
        )
    names = [r.region for r in failed]
    _mark(editor, node, [t.name for t in model.target_regions], names)
    allowed = " (the default)"
    if not model.allow_deletion_of_replicated_locations:
        editor.set(node, "allowDeletionOfReplicatedLocations", True)
        allowed = ", written"
    editor.save()
    why = "; ".join(f"{r.region}: {r.details or 'Failed'}" for r in failed)
    where = ", ".join(names)
    others = [t.name for t in model.target_regions if t.name not in names]
    rest = ", ".join(others) + (" keeps" if len(others) == 1 else " keep")
    return [
        f"{path}: repair of {subject}, change 1 of 2 written: {where} left out with repairing: true (Azure: {why})",
        f"  deploy 1 (this change, after review): Azure deletes the failed replica in {where} "
        f"(allowDeletionOfReplicatedLocations: true{allowed}); {rest} serving {version}",
        f"  deploy 2: once deploy 1 is done, run `gallery repair {image} {version}` again: it writes change 2, "
        f"whose deployment replicates {version} to {where} again",
    ]


def _mark(editor: CatalogEditor, node, targets: list[str], failed: Sequence[str]) -> None:
    """Mark the failed regions `repairing: true` in the version's own regions (written out first when the version
    takes the catalog's default regions)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    seq = node.get("regions")
    if seq is None:  # the defaults, written out: the marked region keeps its place for its return
        seq = CommentedSeq(targets)
        seq.fa.set_flow_style()
        editor.set(node, "regions", seq, after="source")
    for k, entry in enumerate(list(seq)):
        if _name(entry) not in failed:
            continue
        if isinstance(entry, str):
            mapping = CommentedMap([("name", entry), ("repairing", True)])
            if seq.fa.flow_style():
                mapping.fa.set_flow_style()
            seq[k] = mapping
        else:
            editor.set(entry, "repairing", True)


def _name(entry) -> Optional[str]:
    from gallery.catalog.regions import normalize

    name = entry if isinstance(entry, str) else entry.get("name")
    return normalize(str(name)) if name is not None else None

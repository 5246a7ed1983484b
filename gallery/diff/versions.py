"""The catalog-level diff of image versions: published, deleted, changed in place, refused, and `latest`.

Azure lets a version change its target regions, replica counts, excludeFromLatest and end of life;
its source, storage type and replication mode are fixed, a region's storage type is fixed once it
has replicas, and a region can only be dropped with allowDeletionOfReplicatedLocations. Deleting a
version that VMs may still resolve through `latest` is the one mistake a reviewer must never miss,
so only a version retired first (excluded from latest, or past its end of life) goes quietly.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator, Optional, Protocol

from gallery.catalog.model import Catalog, ImageDefinition, ImageVersion, TargetRegion
from gallery.diff.findings import Detail, Finding


class Context(Protocol):
    base: Catalog
    head: Catalog
    today: dt.date


def compare_versions(
    ctx: Context, old: ImageDefinition, img: ImageDefinition, recreated: bool = False
) -> Iterator[Finding]:
    """Versions of one definition present in BASE (`old`) and HEAD (`img`), matched by version number.

    `recreated`: the definition is renamed, so every version is published again and nothing is refused.
    """
    before = {v.version: v for v in old.versions}
    after = {v.version: v for v in img.versions}
    for v in img.versions:
        prev = before.get(v.version)
        if prev is None:
            yield version_added(ctx, img, v)
        elif prev != v and not recreated:
            yield from _changed(ctx, img, prev, v)
    for v in old.versions:
        if v.version not in after:
            yield version_removed(ctx, old, v, img)
    yield from _latest(ctx, old, img)


def version_added(ctx: Context, img: ImageDefinition, v: ImageVersion) -> Finding:
    staged = v.exclude_from_latest
    note = ", staged: excluded from latest until it is promoted" if staged else ""
    # Where it came from is reviewed with it: the version's own tags (source.*, build.*) are details too.
    tags = tuple(Detail(f"tags.{k}", None, value) for k, value in v.tags)
    if v.restore:
        return Finding(
            "version.restored",
            f"{img.name} {v.version}",
            f"{img.name} {v.version} is restored from the gallery's soft delete (restore: true), to "
            f"{_regions(v.target_regions)}{note}",
            ctx.head.source_file,
            v.pos.line,
            v.pos.column,
            v.path,
            details=(Detail("source", None, describe_source(v.source)),) + tags,
            hint=None
            if ctx.head.gallery.soft_delete
            else "the gallery has no soft delete (gallery.softDelete: false): Azure has nothing to restore",
        )
    return Finding(
        "version.staged" if staged else "version.added",
        f"{img.name} {v.version}",
        f"{img.name} {v.version} is published to {_regions(v.target_regions)}{note}",
        ctx.head.source_file,
        v.pos.line,
        v.pos.column,
        v.path,
        details=(Detail("source", None, describe_source(v.source)),) + tags,
    )


def version_removed(ctx: Context, old: ImageDefinition, v: ImageVersion, img: Optional[ImageDefinition]) -> Finding:
    """`img` is the definition in HEAD when it still exists: the finding points there, else at BASE."""
    where = (
        (ctx.head.source_file, img.pos.line, img.pos.column, img.path)
        if img is not None
        else (ctx.base.source_file, v.pos.line, v.pos.column, v.path)
    )
    # With soft delete, Azure keeps a deleted version restorable for a while: say so, with the command.
    kept = (
        f"; the gallery's soft delete keeps it restorable (`gallery version restore {old.name} {v.version}`)"
        if ctx.base.gallery.soft_delete and ctx.head.gallery.soft_delete
        else ""
    )
    if v.end_of_life is not None and v.end_of_life < ctx.today:
        return Finding(
            "version.removed-after-end-of-life",
            f"{old.name} {v.version}",
            f"{old.name} {v.version} is deleted after its end of life {v.end_of_life}{kept}",
            *where,
        )
    if v.is_retired(ctx.today):
        return Finding(
            "version.removed-retired",
            f"{old.name} {v.version}",
            f"{old.name} {v.version} is deleted (retired: excluded from latest){kept}",
            *where,
        )
    eol = f"its end of life {v.end_of_life} has not passed" if v.end_of_life else "it has no end of life"
    return Finding(
        "version.removed",
        f"{old.name} {v.version}",
        f"{old.name} {v.version} is deleted but was not retired first (it is not excluded from latest and {eol}){kept}",
        *where,
        hint="retire it first: set excludeFromLatest: true (or an endOfLife that has passed) in one change, "
        "delete it in a later one",
    )


def _changed(ctx: Context, img: ImageDefinition, prev: ImageVersion, v: ImageVersion) -> Iterator[Finding]:
    subject = f"{img.name} {v.version}"

    def add(kind: str, message: str, details, hint: Optional[str] = None) -> Finding:
        return Finding(
            kind,
            subject,
            f"{subject}: {message}",
            ctx.head.source_file,
            v.pos.line,
            v.pos.column,
            v.path,
            tuple(details),
            hint,
        )

    if prev.source != v.source:
        yield add(
            "version.source-changed",
            "the source cannot change after publishing (Azure: PropertyChangeNotAllowed)",
            [Detail("source", describe_source(prev.source), describe_source(v.source))],
            "publish a new version with the new source instead",
        )
    fixed = [
        Detail(k, getattr(prev, a), getattr(v, a))
        for k, a in (("storageAccountType", "storage_account_type"), ("mode", "replication_mode"))
        if getattr(prev, a) != getattr(v, a)
    ]
    if fixed:
        yield add(
            "version.replication-changed",
            f"{', '.join(d.property for d in fixed)} cannot change after publishing",
            fixed,
            "publish a new version with the new replication settings",
        )
    if prev.uefi_settings != v.uefi_settings:  # securityProfile is not updatable (gallery.json)
        yield add(
            "version.security-profile-changed",
            "securityProfile.uefiSettings cannot change after publishing (Azure: PropertyChangeNotAllowed)",
            [],
            "publish a new version with the new UEFI keys",
        )
    yield from _regions_changed(add, prev, v)
    old_tags, new_tags = dict(prev.tags), dict(v.tags)
    if old_tags != new_tags:
        keys = sorted(old_tags.keys() | new_tags.keys())
        yield add(
            "version.tags-changed",
            "its own tags change in place",
            [Detail(f"tags.{k}", old_tags.get(k), new_tags.get(k)) for k in keys if old_tags.get(k) != new_tags.get(k)],
        )
    updated = [
        Detail(k, _plain(getattr(prev, a)), _plain(getattr(v, a)))
        for k, a in (
            ("excludeFromLatest", "exclude_from_latest"),
            ("endOfLife", "end_of_life"),
            ("allowDeletionOfReplicatedLocations", "allow_deletion_of_replicated_locations"),
            ("blockDeletionBeforeEndOfLife", "block_deletion_before_end_of_life"),
        )
        if getattr(prev, a) != getattr(v, a)
    ]
    # The lifecycle steps by name: promoted (staged -> eligible), retired (out of latest, or given an end of life).
    promoted = prev.exclude_from_latest and not v.exclude_from_latest
    retired = (v.exclude_from_latest and not prev.exclude_from_latest) or (
        v.exclude_from_latest and prev.end_of_life is None and v.end_of_life is not None
    )
    step = [d for d in updated if d.property in ("excludeFromLatest", "endOfLife")] if promoted or retired else []
    if promoted:
        yield add("version.promoted", "promoted: eligible for latest", step)
    elif retired:
        eol = f", end of life {v.end_of_life}" if v.end_of_life else ""
        yield add("version.retired", f"retired: excluded from latest{eol}", step)
    rest = [d for d in updated if d not in step]
    if rest:
        yield add("version.updated", "changes in place", rest)


def _regions_changed(add, prev: ImageVersion, v: ImageVersion) -> Iterator[Finding]:
    before = {r.name: r for r in prev.target_regions}
    after = {r.name: r for r in v.target_regions}
    # gallery repair's two changes, by name: a failed region left out (its replica deleted), then back.
    started = [r for r in v.repairing if r.name in before]
    finished = [r for r in prev.repairing if r.name in after and r.name not in before]
    if started and v.allow_deletion_of_replicated_locations:
        yield add(
            "version.repair-started",
            f"{', '.join(r.name for r in started)} left out for repair: this "
            "deployment deletes the failed replica; the next repair change replicates it again",
            [Detail(f"regions[{r.name}]", _region(r), "repairing") for r in started],
        )
    if finished:
        yield add(
            "version.repair-finished",
            f"{', '.join(r.name for r in finished)} replicated again after its repair",
            [Detail(f"regions[{r.name}]", "repairing", _region(after[r.name])) for r in finished],
        )
    dropped = [Detail(f"regions[{n}]", _region(r), None) for n, r in before.items() if n not in after]
    if dropped and not v.allow_deletion_of_replicated_locations:
        yield add(
            "version.region-removal-refused",
            f"{', '.join(d.property[8:-1] for d in dropped)} cannot be removed while "
            "allowDeletionOfReplicatedLocations is false (Azure refuses)",
            dropped,
            "set allowDeletionOfReplicatedLocations: true on the version",
        )
        dropped = []
    # A region that only follows the version's own storage type is already reported with it.
    follows = (prev.storage_account_type, v.storage_account_type)
    storage = [
        Detail(f"regions[{n}].storageAccountType", before[n].storage_account_type, r.storage_account_type)
        for n, r in after.items()
        if n in before
        and before[n].storage_account_type != r.storage_account_type
        and (before[n].storage_account_type, r.storage_account_type) != follows
    ]
    storage += [
        Detail(f"regions[{n}].additionalReplicaSets", _sets(before[n]), _sets(r))
        for n, r in after.items()
        if n in before and _set_types(before[n]) != _set_types(r)
    ]
    encrypted = [
        Detail(f"regions[{n}].encryption", _text(before[n].encryption), _text(r.encryption))
        for n, r in after.items()
        if n in before and before[n].encryption != r.encryption
    ]
    if encrypted:
        yield add(
            "version.region-encryption-changed",
            "the encryption of a region that has replicas cannot change",
            encrypted,
            "publish a new version with the new keys",
        )
    if storage:
        yield add(
            "version.region-storage-changed",
            "the storage type of a region that has replicas cannot change",
            storage,
            "publish a new version with the new storage type",
        )
    repaired = {r.name for r in started} | {r.name for r in finished}
    dropped = [d for d in dropped if d.property[8:-1] not in repaired]
    moved = dropped + [
        Detail(f"regions[{n}]", None, _region(r)) for n, r in after.items() if n not in before and n not in repaired
    ]
    moved += [
        Detail(f"regions[{n}].replicas", before[n].replicas, r.replicas)
        for n, r in after.items()
        if n in before and before[n].replicas != r.replicas
    ]
    moved += [
        Detail(f"regions[{n}].additionalReplicaSets", _sets(before[n]), _sets(r))
        for n, r in after.items()
        if n in before
        and _set_types(before[n]) == _set_types(r)
        and before[n].additional_replica_sets != r.additional_replica_sets
    ]
    moved += [
        Detail(f"regions[{n}].excludeFromLatest", before[n].exclude_from_latest, r.exclude_from_latest)
        for n, r in after.items()
        if n in before and before[n].exclude_from_latest != r.exclude_from_latest
    ]
    if moved:
        yield add("version.regions-changed", "replication changes in place", moved)


def _latest(ctx: Context, old: ImageDefinition, img: ImageDefinition) -> Iterator[Finding]:
    a, b = old.latest, img.latest
    va, vb = (a.version if a else None), (b.version if b else None)
    if va == vb:
        return
    lowered = vb is None or (va is not None and vb < va)
    text = lambda x: str(x) if x is not None else "none"  # noqa: E731
    message = f"latest of {img.name} moves from {text(va)} to {text(vb)}"
    if vb is None:
        message += ": every version is excluded from latest, so deployments that ask for latest fail"
    elif lowered:
        message += " (a lower version: VMs that ask for latest get an older image)"
    yield Finding(
        "latest.lowered" if lowered else "latest.changed",
        f"image {img.name}",
        message,
        ctx.head.source_file,
        (b or img).pos.line,
        (b or img).pos.column,
        (b or img).path,
        (Detail("latest", text(va), text(vb)),),
    )


def describe_source(source) -> str:
    if source.kind == "vhd":
        disks = "".join(f"; lun {d.lun}: {d.blob} ({d.caching})" for d in source.data_disks)
        return f"vhd {source.container}/{source.os_blob} ({source.os_disk_caching}){disks}"
    if source.kind == "disks":

        def disk(d) -> str:
            return d.id + (f" ({d.host_caching})" if d.host_caching else "")

        return "disks " + disk(source.os_disk) + "".join(f"; lun {d.lun}: {disk(d)}" for d in source.data_disks)
    return f"{source.kind} {source.id}"


def _regions(regions: tuple[TargetRegion, ...]) -> str:
    return ", ".join(f"{r.name} ×{r.replicas}" for r in regions)


def _region(r: TargetRegion) -> str:
    return f"{r.replicas} × {r.storage_account_type}"


def _set_types(r: TargetRegion) -> tuple[str, ...]:
    return tuple(a.storage_account_type for a in r.additional_replica_sets)


def _sets(r: TargetRegion) -> str:
    return ", ".join(f"{a.replicas} × {a.storage_account_type}" for a in r.additional_replica_sets) or "none"


def _text(value) -> Optional[str]:
    """A region's encryption, in the catalog's key names."""
    if value is None:
        return None
    parts = (
        [f"osDiskImage.diskEncryptionSetId={value.os_disk_encryption_set_id}"]
        if value.os_disk_encryption_set_id
        else []
    )
    if value.confidential_vm_encryption_type:
        parts.append(f"confidentialVMEncryptionType={value.confidential_vm_encryption_type}")
    if value.secure_vm_disk_encryption_set_id:
        parts.append(f"secureVMDiskEncryptionSetId={value.secure_vm_disk_encryption_set_id}")
    parts += [f"lun {d.lun}={d.disk_encryption_set_id}" for d in value.data_disks]
    return "; ".join(parts)


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value

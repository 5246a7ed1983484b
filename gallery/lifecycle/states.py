"""What Azure reports of a version, judged: its state, the words for it, and what needs attention.

Azure reports two things of a version, and both count. Its provisioning state (Succeeded, Creating, Updating,
Failed, Deleting, Migrating) says where the last write stands; its replication (aggregated: Completed, InProgress,
Failed, Unknown; and per region: Completed, Replicating with a progress, Failed, with Azure's details) says where
the copies stand. While a version replicates, Azure reports it Creating (Updating after a region was added) and
InProgress: that is replicating, not failed. Each version gets one state:

- ready: provisioned (Succeeded) and replicated (Completed) in every region Azure has;
- replicating: Creating or Updating, or a region still Replicating, and none failed;
- migrating: Azure is migrating it (Migrating): wait;
- deleting: Azure is deleting it (Deleting): neither good nor missing;
- failed: provisioning Failed, or replication Failed in a region;
- unknown: Azure reports a state this tool does not know;
- missing: the catalog has it, Azure does not;
- unreadable: Azure refused to let it be read.

A catalog version that is failed, deleting, unknown, missing or unreadable, or that differs from the catalog
(drift.py), needs attention: `gallery status` exits 2. What is outside the catalog is reported, with what to
do, and needs attention only where it changes what `latest` gives.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Optional

from gallery.lifecycle.policy import Health

READY, REPLICATING, MIGRATING, DELETING, FAILED, UNKNOWN, MISSING, UNREADABLE = (
    "ready",
    "replicating",
    "migrating",
    "deleting",
    "failed",
    "unknown",
    "missing",
    "unreadable",
)
STATES = (READY, REPLICATING, MIGRATING, DELETING, FAILED, UNKNOWN, MISSING, UNREADABLE)
# A catalog version in one of these stops a pipeline (exit 2); replicating and migrating only need time.
ATTENTION = (DELETING, FAILED, UNKNOWN, MISSING, UNREADABLE)

_BUSY = ("Creating", "Updating")


@dataclasses.dataclass(frozen=True)
class RegionState:
    """One region of Azure's replicationStatus.summary."""

    region: str  # programmatic name (Azure answers with display names: "West Europe")
    state: str  # Completed | Replicating | Failed | Unknown
    progress: Optional[int]
    details: str = ""

    def text(self) -> str:
        """`northeurope Replicating 42%`, `northeurope Failed (Azure: ...)`, `westeurope Completed`."""
        out = f"{self.region} {self.state}"
        if self.state not in ("Completed", "Failed") and self.progress is not None:
            out += f" {self.progress}%"
        return out + (f" (Azure: {self.details})" if self.details else "")


@dataclasses.dataclass(frozen=True)
class Drift:
    """Where Azure differs from the catalog, and what to do about it."""

    kind: str  # see DRIFT_KINDS
    region: Optional[str]  # the region it concerns, or None
    azure: Any  # what Azure has (None: nothing)
    catalog: Any  # what the catalog says (None: nothing)
    message: str
    fix: str

    def text(self) -> str:
        return f"{self.message}: {self.fix}"


DRIFT_KINDS = (
    "region-missing",
    "region-extra",
    "replicas",
    "storage-type",
    "region-exclude-from-latest",
    "exclude-from-latest",
    "end-of-life",
    "latest",
    "definition-missing",
    "outside-catalog",
)


@dataclasses.dataclass(frozen=True)
class VersionState:
    image: str
    version: str
    in_catalog: bool
    in_azure: bool
    provisioning: Optional[str] = None
    replication: Optional[str] = None  # aggregated: Completed | InProgress | Failed | Unknown
    regions: tuple[RegionState, ...] = ()
    end_of_life: Optional[str] = None
    exclude_from_latest: Optional[bool] = None
    latest_in: tuple[str, ...] = ()  # the regions where Azure gives this version for `latest`
    drift: tuple[Drift, ...] = ()
    error: Optional[str] = None  # Azure refused to tell (e.g. 403 on this definition)
    disk_gib: Optional[int] = None  # its disks together, as Azure reports them (sizeInGB): what a replica holds

    @property
    def latest(self) -> bool:
        return bool(self.latest_in)

    @property
    def state(self) -> str:
        if self.error:
            return UNREADABLE
        if not self.in_azure:
            return MISSING
        regions = {r.state for r in self.regions}
        if self.provisioning == "Deleting":
            return DELETING
        if self.provisioning == "Failed" or self.replication == "Failed" or "Failed" in regions:
            return FAILED
        if self.provisioning == "Migrating":
            return MIGRATING
        if self.provisioning in _BUSY or self.replication == "InProgress" or "Replicating" in regions:
            return REPLICATING
        if self.provisioning == "Succeeded" and self.replication in (None, "Completed") and regions <= {"Completed"}:
            return READY
        return UNKNOWN

    @property
    def message(self) -> str:
        """What Azure reports, in words: the region, its state, its progress and Azure's details."""
        state = self.state
        if state == UNREADABLE:
            return self.error or ""
        if state == MISSING:
            return "missing in Azure"
        if state == READY:
            return "ready"
        if state == DELETING:
            return "being deleted in Azure (provisioning Deleting): neither ready nor missing yet"
        if state == MIGRATING:
            return "being migrated by Azure (provisioning Migrating): run again once it has finished"
        if state == FAILED:
            failed = [r for r in self.regions if r.state == "Failed"]
            parts = [f"provisioning {self.provisioning}"] if self.provisioning == "Failed" else []
            if failed:
                parts.append("replication failed in " + ", ".join(_with_details(r) for r in failed))
            elif self.provisioning != "Failed":
                parts.append(f"replication {self.replication}")
            busy = [r for r in self.regions if r.state == "Replicating"]
            if busy:
                parts.append("still replicating in " + _progress(busy))
            return "; ".join(parts)
        if state == REPLICATING:
            busy = [r for r in self.regions if r.state != "Completed"]
            where = f" in {_progress(busy)}" if busy else ""
            return f"replicating{where} (provisioning {self.provisioning or 'unknown'})"
        return f"Azure reports provisioning {self.provisioning or 'none'}, replication {self.replication or 'none'}" + (
            " (" + ", ".join(r.text() for r in self.regions if r.state != "Completed") + ")"
            if any(r.state != "Completed" for r in self.regions)
            else ""
        )

    @property
    def attention(self) -> bool:
        """A catalog version that stops a pipeline: in a state of ATTENTION, or different from the catalog."""
        return self.in_catalog and (self.state in ATTENTION or bool(self.drift))

    @property
    def problem(self) -> Optional[str]:
        """Why this catalog version is not ready as the catalog says, or None."""
        if not self.in_catalog:
            return None
        reasons = [] if self.state == READY else [self.message]
        reasons += [d.message for d in self.drift]
        return "; ".join(reasons) or None

    def health(self) -> Health:
        """Good for `latest` (promote, lifecycle): ready, in every region the catalog gives it."""
        missing = [d.region for d in self.drift if d.kind == "region-missing" and d.region]
        if self.state != READY:
            return Health(False, self.message)
        if missing:
            return Health(
                False,
                "not replicated to "
                + ", ".join(missing)
                + " (Azure's targetRegions lack "
                + ("it" if len(missing) == 1 else "them")
                + ")",
            )
        return Health(True)


@dataclasses.dataclass(frozen=True)
class ImageState:
    """A definition: whether each side has it, `latest` per region on each side, and how they differ."""

    name: str
    in_catalog: bool
    in_azure: bool
    latest: tuple[tuple[str, Optional[str], Optional[str]], ...] = ()  # (region, Azure's, the catalog's)
    drift: tuple[Drift, ...] = ()

    @property
    def attention(self) -> bool:
        return self.in_catalog and bool(self.drift)


@dataclasses.dataclass(frozen=True)
class GalleryStatus:
    subscription: str
    resource_group: str
    gallery: str
    versions: tuple[VersionState, ...]
    images: tuple[ImageState, ...] = ()

    @property
    def attention(self) -> bool:
        """Something failed, is missing, is being deleted, or differs from the catalog: exit 2."""
        return any(v.attention for v in self.versions) or any(i.attention for i in self.images)

    @property
    def healthy(self) -> bool:
        """Every catalog version ready, nothing that needs attention."""
        return not self.attention and all(v.state == READY for v in self.versions if v.in_catalog)

    def counts(self) -> dict[str, int]:
        mine = [v for v in self.versions if v.in_catalog]
        return {state: sum(v.state == state for v in mine) for state in STATES}

    def health(self) -> dict[tuple[str, str], Health]:
        return {(v.image, v.version): v.health() for v in self.versions if v.in_catalog}


def from_body(image: str, version: str, body: dict, *, in_catalog: bool) -> VersionState:
    """A version as ARM's JSON has it (with `replicationStatus` when read with $expand=ReplicationStatus)."""
    p = body.get("properties") or {}
    status = p.get("replicationStatus")
    regions = tuple(
        RegionState(
            "".join((s.get("region") or "").split()).lower(),
            s.get("state") or "Unknown",
            s.get("progress"),
            s.get("details") or "",
        )
        for s in (status or {}).get("summary") or ()
    )
    profile = p.get("publishingProfile") or {}
    return VersionState(
        image,
        version,
        in_catalog,
        True,
        provisioning=p.get("provisioningState"),
        replication=(status or {}).get("aggregatedState") if status else None,
        regions=regions,
        end_of_life=(profile.get("endOfLifeDate") or "")[:10] or None,
        exclude_from_latest=bool(profile.get("excludeFromLatest")),
        disk_gib=_disk_gib(p.get("storageProfile") or {}),
    )


def _disk_gib(storage: dict) -> Optional[int]:
    """The OS and data disks' sizeInGB together; None when Azure does not say (yet)."""
    disks = ([storage["osDiskImage"]] if storage.get("osDiskImage") else []) + list(storage.get("dataDiskImages") or ())
    sizes = [d.get("sizeInGB") for d in disks]
    return sum(sizes) if sizes and None not in sizes else None


def _with_details(r: RegionState) -> str:
    return r.region + (f" (Azure: {r.details})" if r.details else "")


def _progress(regions: list[RegionState]) -> str:
    """`northeurope, 42%` or `northeurope, 42%; eastus, 10% (Azure: ...)`."""
    return "; ".join(
        r.region
        + (f", {r.progress}%" if r.progress is not None else "")
        + (f" ({r.state})" if r.state not in ("Replicating",) else "")
        + (f" (Azure: {r.details})" if r.details else "")
        for r in regions
    )

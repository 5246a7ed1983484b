"""Replication settings: the common ones lifted into the catalog's `replication`, each version writing only
how it differs.

A version's effective targets are rebuilt by the loader (gallery/catalog/build.py) from, in order: its
`regions` entries, its `replicas` and `storageAccountType`, then `replication`. So a version writes
`regions` only when its region list or a region's own settings differ from what those defaults give.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from typing import Any, Hashable, Iterable, Optional, TypeVar

from gallery.catalog import regions as region_names

T = TypeVar("T", bound=Hashable)

DEFAULT_REPLICAS = 1
DEFAULT_STORAGE = "Standard_LRS"
DEFAULT_MODE = "Full"


@dataclasses.dataclass(frozen=True)
class Target:
    name: str  # normalized: westeurope
    replicas: int
    storage: str
    # What the region has beyond replicas and storage, as the catalog writes it on a region entry
    # (excludeFromLatest when true, encryption, additionalReplicaSets), JSON-encoded to stay hashable.
    extras: str = ""


@dataclasses.dataclass(frozen=True)
class VersionReplication:
    """What Azure has for one version, in the catalog's terms (the home region first)."""

    targets: tuple[Target, ...]
    storage: str  # publishingProfile.storageAccountType
    mode: str
    replica_count: Optional[int]  # publishingProfile.replicaCount as Azure has it


@dataclasses.dataclass(frozen=True)
class Defaults:
    regions: tuple[str, ...]
    replicas: int
    storage: str
    mode: str

    def document(self) -> dict:
        return {
            "regions": list(self.regions),
            "replicas": self.replicas,
            "storageAccountType": self.storage,
            "mode": self.mode,
        }


def read_replication(profile: dict, home: str) -> VersionReplication:
    """`publishingProfile` -> targets with normalized names, the home region first (as the loader orders them)."""
    storage = profile.get("storageAccountType") or DEFAULT_STORAGE
    targets = [
        Target(
            region_names.normalize(t["name"]),
            int(t.get("regionalReplicaCount") or profile.get("replicaCount") or DEFAULT_REPLICAS),
            t.get("storageAccountType") or storage,
            _extras(t),
        )
        for t in profile.get("targetRegions") or ()
    ]
    targets.sort(key=lambda t: t.name != home)
    return VersionReplication(
        tuple(targets), storage, profile.get("replicationMode") or DEFAULT_MODE, profile.get("replicaCount")
    )


def lift(versions: Iterable[VersionReplication], home: str) -> Defaults:
    """The settings most versions share (the catalog's defaults when there are no versions)."""
    versions = list(versions)
    return Defaults(
        regions=_most_common([tuple(t.name for t in v.targets) for v in versions if v.targets], (home,)),
        replicas=_most_common([_usual_replicas(v) for v in versions if v.targets], DEFAULT_REPLICAS),
        storage=_most_common([v.storage for v in versions], DEFAULT_STORAGE),
        mode=_most_common([v.mode for v in versions], DEFAULT_MODE),
    )


def version_keys(v: VersionReplication, defaults: Defaults) -> dict[str, Any]:
    """The keys a version writes (`replicas`, `storageAccountType`, `mode`, `regions`), only where it differs."""
    out: dict[str, Any] = {}
    replicas = _usual_replicas(v) if v.targets else defaults.replicas
    if replicas != defaults.replicas:
        out["replicas"] = replicas
    if v.storage != defaults.storage:
        out["storageAccountType"] = v.storage
    if v.mode != defaults.mode:
        out["mode"] = v.mode
    same_names = tuple(t.name for t in v.targets) == defaults.regions
    plain = all(t.replicas == replicas and t.storage == v.storage and not t.extras for t in v.targets)
    if not (same_names and plain):
        out["regions"] = [
            t.name
            if (t.replicas == replicas and t.storage == v.storage and not t.extras)
            else {
                "name": t.name,
                **({"replicas": t.replicas} if t.replicas != replicas else {}),
                **({"storageAccountType": t.storage} if t.storage != v.storage else {}),
                **(json.loads(t.extras) if t.extras else {}),
            }
            for t in v.targets
        ]
    return out


def _extras(target: dict) -> str:
    extras = {k: target[k] for k in ("excludeFromLatest", "encryption", "additionalReplicaSets") if target.get(k)}
    return json.dumps(extras) if extras else ""


def _usual_replicas(v: VersionReplication) -> int:
    """The replica count most of the version's regions have (the home region's on a tie)."""
    counts = Counter(t.replicas for t in v.targets)
    best = max(counts.values())
    home = v.targets[0].replicas
    return home if counts[home] == best else max(c for c, n in counts.items() if n == best)


def _most_common(values: list[T], default: T) -> T:
    """The most common value; on a tie the one seen first (so the result does not depend on hashing)."""
    if not values:
        return default
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)

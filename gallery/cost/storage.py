"""The storage a version takes: disk GiB × replicas, per region and storage type, priced from the table."""

from __future__ import annotations

import dataclasses
from typing import Optional

from gallery.catalog.model import ImageVersion
from gallery.cost.prices import Prices

SIZE_TAG = "source.sizeGiB"  # what `upload --add-version` records (gallery.lifecycle.provenance)


@dataclasses.dataclass(frozen=True)
class Replicas:
    region: str
    count: int
    storage_type: str


@dataclasses.dataclass(frozen=True)
class VersionStorage:
    """What one version stores: its replicas everywhere, and (when its size is known) GiB and a monthly price."""

    image: str
    version: str
    replicas: tuple[Replicas, ...]
    size_gib: Optional[int]  # the version's disks together; None: not known
    shallow: bool = False  # Shallow replication keeps no replica of its own: nothing to count

    @property
    def replica_count(self) -> int:
        return sum(r.count for r in self.replicas)

    @property
    def gib(self) -> Optional[int]:
        return None if self.size_gib is None else self.size_gib * self.replica_count

    def monthly(self, prices: Prices) -> Optional[float]:
        if self.size_gib is None:
            return None
        total = 0.0
        for r in self.replicas:
            price = prices.price(r.storage_type, r.region)
            if price is None:
                return None
            total += self.size_gib * r.count * price
        return total

    def describe(self) -> str:
        """`30 GiB × 3 replicas (westeurope 1 × Standard_LRS, northeurope 2 × Standard_ZRS) = 90 GiB`."""
        if self.shallow:
            return "Shallow replication: no replica of its own"
        where = ", ".join(f"{r.region} {r.count} × {r.storage_type}" for r in self.replicas)
        count = f"{self.replica_count} replica{'s' if self.replica_count != 1 else ''} ({where})"
        if self.size_gib is None:
            return f"{count}, size unknown"
        return f"{self.size_gib} GiB × {count} = {self.gib} GiB"


def replicas(version: ImageVersion) -> tuple[Replicas, ...]:
    """Every replica set of the version: each target region's replicas, and its additional replica sets."""
    if version.replication_mode == "Shallow":
        return ()
    out = []
    for t in version.target_regions:
        out.append(Replicas(t.name, t.replicas, t.storage_account_type))
        out += [Replicas(t.name, a.replicas, a.storage_account_type) for a in t.additional_replica_sets]
    return tuple(out)


def catalog_size(version: ImageVersion) -> Optional[int]:
    """The size the catalog knows of: the `source.sizeGiB` tag `upload --add-version` wrote, when there is one."""
    text = version.tag(SIZE_TAG)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def version_storage(image: str, version: ImageVersion, size_gib: Optional[int] = None) -> VersionStorage:
    """What `version` stores; `size_gib` from Azure when known, else the catalog's tag."""
    return VersionStorage(
        image,
        version.name,
        replicas(version),
        size_gib if size_gib is not None else catalog_size(version),
        version.replication_mode == "Shallow",
    )

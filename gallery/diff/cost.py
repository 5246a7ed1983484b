"""What a catalog change adds to or frees from the gallery's storage, version by version, priced from the table.

A version's size is what `upload --add-version` recorded in its `source.sizeGiB` tag (the review diff reads no
Azure): a version without it is listed with its replicas, and left out of the money. Only versions whose stored
replicas change are listed: published, deleted, regions or replica counts changed.
"""

from __future__ import annotations

import dataclasses
from typing import Optional

from gallery.catalog.model import Catalog
from gallery.cost.prices import Prices
from gallery.cost.storage import VersionStorage, catalog_size, version_storage


@dataclasses.dataclass(frozen=True)
class StorageChange:
    image: str
    version: str
    before: Optional[VersionStorage]  # None: published by this change
    after: Optional[VersionStorage]  # None: deleted by this change

    def monthly(self, prices: Prices) -> Optional[float]:
        """After less before, per month; None when a side's size or price is not known."""
        a = self.after.monthly(prices) if self.after else 0.0
        b = self.before.monthly(prices) if self.before else 0.0
        return None if a is None or b is None else a - b

    def gib(self) -> Optional[int]:
        a = self.after.gib if self.after else 0
        b = self.before.gib if self.before else 0
        return None if a is None or b is None else a - b

    def text(self, prices: Prices) -> str:
        """`ubuntu 1.2.0: adds 30 GiB × 2 replicas (...) = 60 GiB, $3.00/month`."""
        money = self.monthly(prices)
        cost = "" if money is None else f", {prices.money(abs(money))}/month"
        if self.before is None:
            assert self.after is not None
            return f"{self.image} {self.version}: adds {self.after.describe()}{cost}"
        if self.after is None:
            return f"{self.image} {self.version}: frees {self.before.describe()}{cost}"
        gib = self.gib()
        verb = "adds" if (money or 0) > 0 or (gib or 0) > 0 else "frees"
        change = "" if gib is None else f": {verb} {abs(gib)} GiB{cost}"
        return f"{self.image} {self.version}: {self.before.describe()} → {self.after.describe()}{change}"


@dataclasses.dataclass(frozen=True)
class StorageReport:
    prices: Prices
    changes: tuple[StorageChange, ...]

    @property
    def adds(self) -> float:
        return sum(m for c in self.changes if (m := c.monthly(self.prices)) is not None and m > 0)

    @property
    def frees(self) -> float:
        return -sum(m for c in self.changes if (m := c.monthly(self.prices)) is not None and m < 0)

    @property
    def unknown(self) -> int:
        return sum(c.monthly(self.prices) is None for c in self.changes)

    def total(self) -> str:
        """`adds $4.50/month, frees $3.00/month; 1 version of unknown size not priced (...)`."""
        parts = []
        if self.unknown < len(self.changes):
            parts.append(f"adds {self.prices.money(self.adds)}/month, frees {self.prices.money(self.frees)}/month")
        if self.unknown:
            parts.append(
                f"{self.unknown} version{'s' if self.unknown != 1 else ''} of unknown size not priced "
                "(`gallery upload --add-version` records the size, as the tag source.sizeGiB)"
            )
        return "; ".join(parts)

    def as_dict(self) -> dict:
        def side(s: Optional[VersionStorage]) -> Optional[dict]:
            if s is None:
                return None
            return {
                "sizeGiB": s.size_gib,
                "replicas": [dataclasses.asdict(r) for r in s.replicas],
                "gib": s.gib,
                "monthly": s.monthly(self.prices),
                "shallow": s.shallow,
            }

        return {
            "prices": {
                "asOf": self.prices.as_of,
                "currency": self.prices.currency,
                "unit": self.prices.unit,
                "checked": self.prices.checked,
                "table": "gallery/cost/prices.json",
            },
            "versions": [
                {
                    "image": c.image,
                    "version": c.version,
                    "before": side(c.before),
                    "after": side(c.after),
                    "monthly": c.monthly(self.prices),
                }
                for c in self.changes
            ],
            "addsMonthly": self.adds,
            "freesMonthly": self.frees,
            "unknown": self.unknown,
        }


def storage_changes(base: Catalog, head: Catalog, prices: Prices) -> StorageReport:
    """Every version whose stored replicas (or known size) differ between BASE and HEAD, in HEAD's order."""
    changes = []
    old_images = {i.name: i for i in base.images}
    new_images = {i.name: i for i in head.images}
    for name in list(new_images) + [n for n in old_images if n not in new_images]:
        old, new = old_images.get(name), new_images.get(name)
        before = {v.name: v for v in old.versions} if old else {}
        after = {v.name: v for v in new.versions} if new else {}
        for version in list(after) + [v for v in before if v not in after]:
            a, b = after.get(version), before.get(version)
            if a is not None and b is not None and (a is b or a == b):
                continue
            # The size is the disks': known on either side, it holds for both (a tag added is no storage change).
            size = next((s for s in (catalog_size(v) for v in (a, b) if v is not None) if s is not None), None)
            sa = version_storage(name, a, size) if a is not None else None
            sb = version_storage(name, b, size) if b is not None else None
            if sa is not None and sb is not None and (sa.replicas, sa.shallow) == (sb.replicas, sb.shallow):
                continue
            changes.append(StorageChange(name, version, sb, sa))
    return StorageReport(prices, tuple(changes))

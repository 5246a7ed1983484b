"""The price table: prices.json beside this module, read once."""

from __future__ import annotations

import dataclasses
import functools
import json
import pathlib
from typing import Mapping, Optional

TABLE = pathlib.Path(__file__).with_name("prices.json")


@dataclasses.dataclass(frozen=True)
class Prices:
    as_of: str  # the day the figures were read
    currency: str
    unit: str
    source: str
    note: str
    storage_types: Mapping[str, float]  # storage type -> price per GiB-month
    regions: Mapping[str, Mapping[str, float]] = dataclasses.field(default_factory=dict)  # region -> overrides
    checked: bool = False  # the figures were compared with Azure's price page on as_of

    def price(self, storage_type: str, region: str) -> Optional[float]:
        """Per GiB-month in `region` (its own figure when the table has one), or None when the table lacks it."""
        own = self.regions.get(region, {})
        return own.get(storage_type, self.storage_types.get(storage_type))

    def stated(self) -> str:
        """How every output names the figures: a dated table in the repository, an estimate, not a bill."""
        checked = "" if self.checked else ", figures not yet checked against Azure's price page"
        return (
            f"estimated from the price table gallery/cost/prices.json of {self.as_of} ({self.currency} per "
            f"{self.unit}{checked}); not a bill"
        )

    def money(self, amount: float) -> str:
        symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(self.currency)
        return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {self.currency}"


@functools.lru_cache(maxsize=1)
def load_prices(path: str = str(TABLE)) -> Prices:
    data = json.loads(pathlib.Path(path).read_text("utf-8"))
    return Prices(
        data["asOf"],
        data["currency"],
        data["unit"],
        data["source"],
        data["note"],
        dict(data["storageTypes"]),
        {r: dict(p) for r, p in data.get("regions", {}).items()},
        bool(data.get("checked", False)),
    )

"""Azure's public-cloud regions (ARM 'List Locations', physical regions only, with their number of availability
zones), and name normalising."""
from __future__ import annotations

import difflib
import json
from functools import lru_cache
from importlib import resources
from typing import Optional


@lru_cache(maxsize=1)
def _regions() -> dict[str, dict]:
    data = json.loads(resources.files("gallery.catalog").joinpath("data/azure-regions.json").read_text("utf-8"))
    return {r["name"]: r for r in data["regions"]}


def normalize(region: str) -> str:
    """'West Europe' and 'westeurope' are the same region to Azure: compare lower-case without spaces."""
    return "".join(region.split()).lower()


def is_region(name: str) -> bool:
    return name in _regions()


def availability_zones(name: str) -> int:
    """How many availability zones the region has (0: none, so no zone-redundant storage there)."""
    return _regions()[name]["availabilityZones"]


def suggest(name: str) -> Optional[str]:
    """The closest region name, for a 'did you mean'."""
    key = normalize(name)
    names = list(_regions())
    match = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    return match[0] if match else None

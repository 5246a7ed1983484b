"""Azure's regions, per cloud, and name normalising.

A catalog deploys to one Azure cloud: the stack's `azure-native:environment` (or `--cloud`, or ARM_ENVIRONMENT):
`public` (data/azure-regions.json, from ARM's 'List Locations', physical regions only, with their
number of availability zones), `usgovernment` or `china`
(data/azure-regions-sovereign.json). A region is known only in its own cloud: `usgovvirginia` is no region of
the public cloud, `westeurope` none of Azure Government.
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache
from importlib import resources
from typing import Optional

PUBLIC = "public"
CLOUDS = (PUBLIC, "usgovernment", "china")
# The names azure-native:environment, the Azure CLI (`az cloud list`) and Terraform give the same clouds.
_ALIASES = {
    "azurecloud": PUBLIC,
    "azureusgovernment": "usgovernment",
    "azurechinacloud": "china",
    "usgov": "usgovernment",
    "usgovernmentcloud": "usgovernment",
    "azurechina": "china",
}


def cloud_key(name: Optional[str]) -> Optional[str]:
    """The cloud `name` means (public, usgovernment, china), or None for a name no cloud has."""
    key = (name or PUBLIC).strip().lower()
    key = _ALIASES.get(key, key)
    return key if key in CLOUDS else None


def _read(file: str) -> dict:
    return json.loads(resources.files("gallery.catalog").joinpath(f"data/{file}").read_text("utf-8"))


@lru_cache(maxsize=len(CLOUDS))
def _regions(cloud: str = PUBLIC) -> dict[str, dict]:
    data = _read("azure-regions.json") if cloud == PUBLIC else _read("azure-regions-sovereign.json")["clouds"][cloud]
    return {r["name"]: r for r in data["regions"]}


def regions(cloud: str = PUBLIC) -> list[str]:
    """The programmatic names of the cloud's regions."""
    return list(_regions(cloud))


def normalize(region: str) -> str:
    """'West Europe' and 'westeurope' are the same region to Azure: compare lower-case without spaces."""
    return "".join(region.split()).lower()


def is_region(name: str, cloud: str = PUBLIC) -> bool:
    return name in _regions(cloud)


def clouds_of(name: str) -> list[str]:
    """The clouds that have a region of this name (none, or one)."""
    return [cloud for cloud in CLOUDS if name in _regions(cloud)]


def availability_zones(name: str, cloud: str = PUBLIC) -> Optional[int]:
    """How many availability zones the region has (0: none, so no zone-redundant storage there); None where the
    cloud's data does not say (the sovereign clouds' list carries no zone counts)."""
    return _regions(cloud)[name].get("availabilityZones")


def suggest(name: str, cloud: str = PUBLIC) -> Optional[str]:
    """The closest region name of the cloud, for a 'did you mean'."""
    key = normalize(name)
    match = difflib.get_close_matches(key, list(_regions(cloud)), n=1, cutoff=0.6)
    return match[0] if match else None

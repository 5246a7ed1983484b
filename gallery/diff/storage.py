"""What Azure does with a change of the storage account's SKU (Microsoft Learn, "Change how a storage account is
replicated"): geo-redundancy and read access change in place with the SKU; zone redundancy (LRS <-> ZRS) only
through a conversion Azure runs on request, not a SKU update; the performance tier (Standard <-> Premium) never:
that takes a new account and a copy of the data."""

from __future__ import annotations

from typing import Optional


def _parts(sku: str) -> tuple[str, bool]:
    """(tier, zone-redundant) of a SKU name such as Standard_RAGZRS."""
    tier, _, redundancy = sku.partition("_")
    return tier, "ZRS" in redundancy


def sku_refusal(before: str, after: str) -> Optional[str]:
    """Why Azure refuses to change the account's SKU from `before` to `after` in place; None when it converts it."""
    (old_tier, old_zones), (new_tier, new_zones) = _parts(before), _parts(after)
    if old_tier != new_tier:
        return (
            f"Azure cannot convert a {old_tier} account to {new_tier}: that takes a new storage account and a "
            "copy of every VHD"
        )
    if old_zones != new_zones:
        return (
            "zone redundancy changes only through a conversion Azure runs on request (`az storage account "
            "migration start`), not a SKU update; start it, and change the catalog once it is done"
        )
    return None

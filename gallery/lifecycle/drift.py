"""Where Azure differs from the catalog, read from Azure's bodies and the catalog's desired state, each with what to do.

Azure lets a version's target regions, replica counts, excludeFromLatest (version-wide and per region) and end
of life change in place, and so another writer may change them: the portal, `az sig`, another pipeline. Azure
replaces `targetRegions` as a whole list and keeps no ETag on versions, so a writer that sends its own list drops
the regions it does not know, silently. Pulumi compares the catalog with its own state, not with Azure, so only a
refresh (`pulumi up --refresh`, what the deploy workflow runs) sees such a change and puts the catalog back.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from gallery.catalog.regions import normalize
from gallery.lifecycle.states import Drift

REFRESH = "`pulumi up --refresh` puts the catalog's back (a plain `pulumi up` compares with its state, not Azure)"


def version_drift(declared: Mapping[str, Any], body: dict) -> tuple[Drift, ...]:
    """How Azure's version (`body`, ARM's JSON) differs from the catalog's (`declared`, the desired inputs)."""
    want = declared["publishingProfile"]
    have = (body.get("properties") or {}).get("publishingProfile") or {}
    out: list[Drift] = []
    wanted = {t["name"]: t for t in want["targetRegions"]}
    has = {normalize(t.get("name") or ""): t for t in have.get("targetRegions") or ()}
    default_storage = have.get("storageAccountType") or "Standard_LRS"
    for region in wanted:
        if region not in has:
            out.append(
                Drift(
                    "region-missing",
                    region,
                    None,
                    region,
                    f"{region}: in the catalog, not in Azure's target regions (another writer's list "
                    "replaced the catalog's: Azure keeps no ETag on versions)",
                    REFRESH.replace("the catalog's back", "the catalog's regions back"),
                )
            )
    allowed = bool((declared.get("safetyProfile") or {}).get("allowDeletionOfReplicatedLocations"))
    for region in has:
        if region not in wanted:
            out.append(
                Drift(
                    "region-extra",
                    region,
                    region,
                    None,
                    f"{region}: in Azure's target regions, not in the catalog (added outside it)",
                    "add it to the catalog's regions to keep it; otherwise `pulumi up --refresh` removes "
                    "it"
                    + (
                        ""
                        if allowed
                        else ", which Azure refuses while the version's allowDeletionOfReplicatedLocations is false"
                    ),
                )
            )
    for region, t in wanted.items():
        if region not in has:
            continue
        a = has[region]
        replicas = a.get("regionalReplicaCount") or have.get("replicaCount")
        if replicas is not None and replicas != t["regionalReplicaCount"]:
            out.append(
                Drift(
                    "replicas",
                    region,
                    replicas,
                    t["regionalReplicaCount"],
                    f"{region}: {_n(replicas)} in Azure, {_n(t['regionalReplicaCount'])} in the catalog",
                    REFRESH.replace("the catalog's back", "the catalog's count back"),
                )
            )
        storage = a.get("storageAccountType") or default_storage
        if storage != t["storageAccountType"]:
            out.append(
                Drift(
                    "storage-type",
                    region,
                    storage,
                    t["storageAccountType"],
                    f"{region}: storage {storage} in Azure, {t['storageAccountType']} in the catalog",
                    "Azure does not change a region's storage type once it has replicas: write "
                    f"{storage} for {region} in the catalog, or publish a new version",
                )
            )
        here, there = bool(a.get("excludeFromLatest")), bool(t.get("excludeFromLatest"))
        if here != there:
            out.append(
                Drift(
                    "region-exclude-from-latest",
                    region,
                    here,
                    there,
                    f"{region}: excludeFromLatest {_b(here)} in Azure, {_b(there)} in the catalog",
                    REFRESH.replace("the catalog's back", "the catalog's value back"),
                )
            )
    here, there = bool(have.get("excludeFromLatest")), bool(want.get("excludeFromLatest"))
    if here != there:
        fix = REFRESH.replace("the catalog's back", "the catalog's value back")
        if there and not here:
            fix = (
                "it was promoted outside the catalog: `gallery promote` writes that into the catalog; otherwise " + fix
            )
        out.append(
            Drift(
                "exclude-from-latest",
                None,
                here,
                there,
                f"excludeFromLatest {_b(here)} in Azure, {_b(there)} in the catalog",
                fix,
            )
        )
    here_eol, there_eol = _day(have.get("endOfLifeDate")), _day(want.get("endOfLifeDate"))
    if here_eol != there_eol:
        out.append(
            Drift(
                "end-of-life",
                None,
                here_eol,
                there_eol,
                f"end of life {here_eol or 'none'} in Azure, {there_eol or 'none'} in the catalog",
                REFRESH.replace("the catalog's back", "the catalog's end of life back"),
            )
        )
    return tuple(out)


def latest_drift(
    image: str,
    azure: dict[str, Optional[str]],
    catalog: dict[str, Optional[str]],
    catalog_versions: set[str],
    states: dict[str, str],
) -> tuple[Drift, ...]:
    """Regions where `latest` gives another version in Azure than in the catalog, with why and what to do."""
    out = []
    for region in sorted(set(azure) | set(catalog), key=lambda r: (r not in catalog, r)):
        a, c = azure.get(region), catalog.get(region)
        if a == c:
            continue
        if a is not None and a not in catalog_versions:
            fix = (
                f"{image} {a} is outside the catalog: adopt it (`gallery discover` writes its entry) or delete it "
                "in Azure"
            )
        elif c is not None and states.get(c) not in (None, "ready"):
            fix = f"Azure does not have {c} ready there ({states[c]}): see its line"
        else:
            fix = "a version's excludeFromLatest or regions differ (see its line): " + REFRESH
        out.append(
            Drift(
                "latest", region, a, c, f"latest in {region}: Azure gives {a or 'none'}, the catalog {c or 'none'}", fix
            )
        )
    return tuple(out)


def _day(value: Any) -> Optional[str]:
    return str(value)[:10] if value else None


def _b(value: bool) -> str:
    return "true" if value else "false"


def _n(count: int) -> str:
    return f"{count} replica" + ("" if count == 1 else "s")

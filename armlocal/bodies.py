"""Azure's shapes: the bodies ARM returns for what the endpoint serves, its error body and its pages.

Shaped after Microsoft's REST examples (GalleryImage_Get, GalleryImageVersion_Get with ReplicationStatus,
GalleryImageVersion_Get_WithVhdAsSource / _WithSnapshotsAsSource); tests and benches build galleries from them.
"""

from __future__ import annotations

import copy
import time
import uuid
from typing import Any, Optional
from urllib.parse import urlencode

# Azure writes regions by display name in a version's targetRegions and replication summary.
DISPLAY = {
    "westeurope": "West Europe",
    "northeurope": "North Europe",
    "eastus": "East US",
    "eastus2": "East US 2",
    "westus": "West US",
    "westus2": "West US 2",
    "uksouth": "UK South",
    "swedencentral": "Sweden Central",
}


def version_properties(
    regions: dict[str, int] | None = None,
    *,
    states: dict[str, str] | None = None,
    progress: dict[str, int] | None = None,
    provisioning: str = "Succeeded",
    exclude_from_latest: bool = False,
    end_of_life: Optional[str] = None,
    storage_account_type: str = "Standard_LRS",
    mode: str = "Full",
    os_disk: Optional[dict] = None,
    data_disks: Optional[list] = None,
    published: str = "2026-11-02T10:00:00.0000000+00:00",
    details: dict[str, str] | None = None,
) -> dict:
    """A version's properties as Azure reports them (GalleryImageVersion_Get, 2024-03-03): `regions` is
    {region: replicas}; `states` {region: Completed | Replicating | Failed}, Completed when not given."""
    regions = regions or {"westeurope": 1}
    states = states or {}
    progress = progress or {}
    details = details or {}
    summary = [
        {
            "region": DISPLAY.get(r, r),
            "state": states.get(r, "Completed"),
            "details": details.get(r, "" if states.get(r, "Completed") != "Failed" else "Replication job failed."),
            "progress": progress.get(r, 100 if states.get(r, "Completed") == "Completed" else 0),
        }
        for r in regions
    ]
    aggregate = aggregated(summary)
    profile: dict[str, Any] = {
        "targetRegions": [
            {
                "name": DISPLAY.get(r, r),
                "regionalReplicaCount": n,
                "storageAccountType": storage_account_type,
                "excludeFromLatest": False,
            }
            for r, n in regions.items()
        ],
        "replicaCount": 1,
        "excludeFromLatest": exclude_from_latest,
        "publishedDate": published,
        "storageAccountType": storage_account_type,
        "replicationMode": mode,
    }
    if end_of_life:
        profile["endOfLifeDate"] = end_of_life
    storage = {"osDiskImage": os_disk or {"hostCaching": "ReadWrite", "sizeInGB": 30, "source": {}}}
    if data_disks:
        storage["dataDiskImages"] = data_disks
    return {
        "publishingProfile": profile,
        "storageProfile": storage,
        "safetyProfile": {"allowDeletionOfReplicatedLocations": True, "reportedForPolicyViolation": False},
        "provisioningState": provisioning,
        "replicationStatus": {"aggregatedState": aggregate, "summary": summary},
    }


def aggregated(summary: list[dict]) -> str:
    """Azure's aggregatedState: InProgress while a region replicates, then Failed if one failed, else Completed."""
    states = {s.get("state") for s in summary}
    if "Replicating" in states:
        return "InProgress"
    if "Failed" in states:
        return "Failed"
    if states <= {"Completed"}:
        return "Completed"
    return "Unknown"


def features(
    security: str = "Standard", accelerated: Optional[bool] = None, controllers: Optional[str] = None
) -> list[dict]:
    """The features a definition holds: only those sent (no SecurityType for Standard: at 2024-03-03 its absence
    is Standard; no accelerated networking or disk controllers unless the catalog writes them)."""
    out = [{"name": "SecurityType", "value": security}] if security != "Standard" else []
    if accelerated is not None:
        out.append({"name": "IsAcceleratedNetworkSupported", "value": str(accelerated)})
    if controllers is not None:
        out.append({"name": "DiskControllerTypes", "value": controllers})
    return out


def image_properties(
    os_type: str, publisher: str, offer: str, sku: str, *, state: str = "Generalized", generation: str = "V2", **extra
) -> dict:
    """GalleryImage properties as Azure reports them (GalleryImage_Get)."""
    return {
        "osType": os_type,
        "osState": state,
        "hyperVGeneration": generation,
        "architecture": "x64",
        "identifier": {"publisher": publisher, "offer": offer, "sku": sku},
        **extra,
    }


def vhd(account_id: str, account: str, container: str, blob: str, caching: str, lun: Optional[int] = None) -> dict:
    """A version's disk image made from a VHD blob, as GalleryImageVersion_Get_WithVhdAsSource writes it."""
    disk = {
        "hostCaching": caching,
        "source": {
            "storageAccountId": account_id,
            "uri": f"https://{account}.blob.core.windows.net/{container}/{blob}",
        },
    }
    if lun is not None:
        disk["lun"] = lun
    return disk


def public_name(info: dict) -> str:
    """Azure names a community gallery `{publicNamePrefix}-{a GUID}`; the same prefix gives the same name here."""
    return f"{info['publicNamePrefix']}-{uuid.uuid5(uuid.NAMESPACE_URL, info['publicNamePrefix'])}"


def without_status(version: dict) -> dict:
    """A version as lists and plain GETs return it: without `replicationStatus`."""
    return expanded(version, "")


# What a version's `$expand` adds to its GET: each part only when asked for (lists carry neither).
EXPANDED = {"replicationstatus": "replicationStatus", "validationprofile": "validationsProfile"}


def expanded(version: dict, expand: str) -> dict:
    """A version as a GET with `$expand=expand` returns it (ReplicationStatus, ValidationProfile, or none)."""
    out = copy.deepcopy(version)
    for asked, prop in EXPANDED.items():
        if expand.lower() != asked:
            out.get("properties", {}).pop(prop, None)
    return out


def validations_profile(
    results: dict[str, str],
    *,
    etag: str = "340b47fb-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
    executed: str = "2026-11-24T09:30:00.0000000+00:00",
    version: str = "1.0.0",
) -> dict:
    """A version's validationsProfile as GalleryImageVersion_Get with $expand=ValidationProfile returns it
    (2024-03-03): `results` is {validation type: Succeeded | Failed | Unknown}."""
    return {
        "validationEtag": etag,
        "executedValidations": [
            {"type": kind, "status": status, "version": version, "executionTime": executed}
            for kind, status in results.items()
        ],
        "platformAttributes": [{"name": "osState", "value": "Generalized"}],
    }


def policy_violation(
    category: str = "ImageFlaggedUnsafe", details: str = "This is the policy violation details."
) -> dict:
    """One of safetyProfile.policyViolations (categories: Other, ImageFlaggedUnsafe, CopyrightValidation, IpTheft)."""
    return {"category": category, "details": details}


def gallery_id(sub: str, rg: str, name: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/galleries/{name}"


def key(sub: str, rg: str, name: str) -> tuple:
    """ARM's names are case-insensitive: what the endpoint keys a gallery by."""
    return (sub.lower(), rg.lower(), name.lower())


def error(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def page(items: list, query: dict, path: str, base: str, size: int, api_version: str, keep: tuple = ()) -> dict:
    """One page of a list, from `$skiptoken` on; `nextLink` as ARM writes it: absolute, with the api-version and
    the `keep` parameters of the request (a list's `$filter` must hold on every page)."""
    start = int(query.get("$skiptoken", "0"))
    out = {"value": items[start : start + size]}
    if start + size < len(items):
        kept = {k: query[k] for k in keep if k in query}
        out["nextLink"] = f"{base}{path}?" + urlencode({"api-version": api_version, **kept, "$skiptoken": start + size})
    return out


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.0000000+00:00", time.gmtime())

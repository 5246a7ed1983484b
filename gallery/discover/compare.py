"""Azure's bodies against the plan's inputs, on every field the catalog controls.

Both sides are projected onto the same shape (the provider's camelCase inputs: `properties` flattened, names
as the `...Name` inputs), with the spellings that mean the same thing to Azure made equal: region names
(`West Europe` = `westeurope`), date-times (`+00:00` = `Z`), feature lists (order), the subscription in the
storage account id (the offline plan runs in a fake one). What remains different is what `pulumi preview`
would show after the import. Azure's read-only and computed fields (provisioning state, sizes, published
dates, replication status) are not compared: the catalog does not control them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any, Callable, Iterable, Optional

from gallery.catalog.regions import normalize as region
from gallery.desired import arm
from gallery.discover.read import AzureGallery
from gallery.discover.translate import prefix_of


@dataclasses.dataclass(frozen=True)
class Difference:
    resource: str  # the logical name
    field: str
    azure: Any
    plan: Any

    def text(self) -> str:
        return f"{self.resource}: {self.field}: Azure has {self.azure!r}, the catalog gives {self.plan!r}"


def differences(records: Iterable[dict], found: AzureGallery) -> list[Difference]:
    """Every controlled field where the plan's records differ from what Azure has (missing resources
    included, as `exists`). Role assignments are not compared: discovery does not read them."""
    out: list[Difference] = []
    for record in records:
        kind = _KINDS.get(record["type"])
        if kind is None:
            continue
        project, find = kind
        body = find(found, record["inputs"])
        if body is None:
            out.append(Difference(record["name"], "exists", False, True))
            continue
        want, have = project(record["inputs"], True), project(body, False)
        for key in sorted(set(want) | set(have)):
            if want.get(key) != have.get(key):
                out.append(Difference(record["name"], key, have.get(key), want.get(key)))
    return out


# -- projections: (value, from_plan) -> {field: comparable value} ---------------------------------------


def _props(value: dict, from_plan: bool) -> dict:
    """The resource's properties: the plan's inputs are flat, ARM nests them under `properties`."""
    return value if from_plan else (value.get("properties") or {})


def _common(value: dict, from_plan: bool, name_key: str) -> dict:
    return {
        "name": value.get(name_key) if from_plan else value.get("name"),
        "location": region(value.get("location") or "") or None,
        "tags": dict(value.get("tags") or {}),
    }


def _group(value: dict, from_plan: bool) -> dict:
    return _common(value, from_plan, "resourceGroupName")


def _account(value: dict, from_plan: bool) -> dict:
    return {**_common(value, from_plan, "accountName"), "sku": (value.get("sku") or {}).get("name")}


def _container(value: dict, from_plan: bool) -> dict:
    return {"name": value.get("containerName") if from_plan else value.get("name")}


def _gallery(value: dict, from_plan: bool) -> dict:
    p = _props(value, from_plan)
    profile = p.get("sharingProfile") or {}
    info = profile.get("communityGalleryInfo")
    return {
        **_common(value, from_plan, "galleryName"),
        "description": p.get("description"),
        "sharingProfile.permissions": (profile.get("permissions") or "Private").lower(),
        "sharingProfile.communityGalleryInfo": _community(info) if info else None,
        "softDeletePolicy.isSoftDeleteEnabled": bool((p.get("softDeletePolicy") or {}).get("isSoftDeleteEnabled")),
    }


def _community(info: dict) -> dict:
    # Azure's GET may leave the prefix out; its public names (`{prefix}-{GUID}`) still carry it.
    prefix = info.get("publicNamePrefix") or prefix_of(info.get("publicNames") or [])
    return {"publicNamePrefix": prefix, **{k: info.get(k) for k in ("publisherUri", "publisherContact", "eula")}}


def _definition(value: dict, from_plan: bool) -> dict:
    p = _props(value, from_plan)
    out = {
        **_common(value, from_plan, "galleryImageName"),
        "features": {f.get("name"): str(f.get("value")) for f in p.get("features") or ()},
        "endOfLifeDate": _instant(p.get("endOfLifeDate")),
        "disallowed": sorted((p.get("disallowed") or {}).get("diskTypes") or ()) or None,
        "recommended": {
            k: {m: r.get(m) for m in ("min", "max") if r.get(m) is not None}
            for k, r in (p.get("recommended") or {}).items()
            if r
        }
        or None,
    }
    for key in (
        "osType",
        "osState",
        "hyperVGeneration",
        "architecture",
        "identifier",
        "description",
        "eula",
        "privacyStatementUri",
        "releaseNoteUri",
        "purchasePlan",
    ):
        out[key] = p.get(key) or None
    return out


def _version(value: dict, from_plan: bool) -> dict:
    p = _props(value, from_plan)
    pub = p.get("publishingProfile") or {}
    return {
        **_common(value, from_plan, "galleryImageVersionName"),
        "storageProfile": _storage_profile(p.get("storageProfile") or {}),
        "publishingProfile.targetRegions": sorted(
            (region(t["name"]), t.get("regionalReplicaCount"), t.get("storageAccountType"))
            for t in pub.get("targetRegions") or ()
        ),
        "publishingProfile.replicaCount": pub.get("replicaCount"),
        "publishingProfile.storageAccountType": pub.get("storageAccountType"),
        # Azure's default, which older versions do not report
        "publishingProfile.replicationMode": pub.get("replicationMode") or "Full",
        "publishingProfile.excludeFromLatest": bool(pub.get("excludeFromLatest")),
        "publishingProfile.endOfLifeDate": _instant(pub.get("endOfLifeDate")),
        "safetyProfile.allowDeletionOfReplicatedLocations": bool(
            (p.get("safetyProfile") or {}).get("allowDeletionOfReplicatedLocations")
        ),
        "safetyProfile.blockDeletionBeforeEndOfLife": bool(
            (p.get("safetyProfile") or {}).get("blockDeletionBeforeEndOfLife")
        ),
    }


def _storage_profile(profile: dict) -> dict:
    """The source, in the one form each kind has (sizes and the caching of resource sources are Azure's)."""
    source = profile.get("source") or {}
    if source.get("id") or source.get("virtualMachineId") or source.get("communityGalleryImageId"):
        return {k: source[k] for k in ("id", "virtualMachineId", "communityGalleryImageId") if source.get(k)}
    os_disk = profile.get("osDiskImage") or {}
    if (os_disk.get("source") or {}).get("id"):
        return {
            "osDiskImage.source.id": os_disk["source"]["id"],
            "dataDiskImages": [
                (d.get("lun"), (d.get("source") or {}).get("id")) for d in profile.get("dataDiskImages") or ()
            ],
        }
    return {
        "osDiskImage": _vhd(os_disk),
        "dataDiskImages": sorted((d.get("lun"),) + _vhd(d) for d in profile.get("dataDiskImages") or ()),
    }


def _vhd(disk: dict) -> tuple:
    source = disk.get("source") or {}
    account = re.sub(
        r"^/subscriptions/[^/]+/", "/subscriptions/{sub}/", source.get("storageAccountId") or "", flags=re.IGNORECASE
    )
    return (disk.get("hostCaching"), source.get("uri"), account)


def _sharing(value: dict, from_plan: bool) -> dict:
    if from_plan:
        return {k: sorted(i.lower() for i in value.get(k) or ()) for k in ("subscriptions", "tenants")}
    groups = {
        g.get("type"): g.get("ids") or ()
        for g in ((value.get("properties") or {}).get("sharingProfile") or {}).get("groups") or ()
    }
    return {
        "subscriptions": sorted(i.lower() for i in groups.get("Subscriptions", ())),
        "tenants": sorted(i.lower() for i in groups.get("AADTenants", ())),
    }


def _community_resource(value: dict, from_plan: bool) -> dict:
    info = (
        value
        if from_plan
        else (((value.get("properties") or {}).get("sharingProfile") or {}).get("communityGalleryInfo") or {})
    )
    return _community(info)


def _instant(text: Optional[str]) -> Optional[str]:
    """An ARM date-time as UTC `YYYY-MM-DDTHH:MM:SSZ` (ARM writes +00:00 and 7 fraction digits)."""
    if not text:
        return None
    m = re.match(r"^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$", text)
    if not m:
        return text
    when = dt.datetime.fromisoformat(
        f"{m.group(1)}T{m.group(2) or '00:00:00'}{'+00:00' if m.group(3) in (None, 'Z') else m.group(3)}"
    )
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- finding each record's Azure body --------------------------------------------------------------------


def _named(items: Iterable[dict], name: Optional[str]) -> Optional[dict]:
    return next((i for i in items if (i.get("name") or "").lower() == (name or "").lower()), None)


def _find_version(found: AzureGallery, inputs: dict) -> Optional[dict]:
    versions = next((v for k, v in found.versions.items() if k.lower() == inputs["galleryImageName"].lower()), [])
    return _named(versions, inputs["galleryImageVersionName"])


_KINDS: dict[str, tuple[Callable[[dict, bool], dict], Callable[[AzureGallery, dict], Optional[dict]]]] = {
    arm.RESOURCE_GROUP: (_group, lambda f, i: f.group),
    arm.STORAGE_ACCOUNT: (_account, lambda f, i: f.account),
    arm.CONTAINER: (_container, lambda f, i: _named(f.containers or (), i["containerName"])),
    arm.GALLERY: (_gallery, lambda f, i: f.gallery),
    arm.DEFINITION: (_definition, lambda f, i: _named(f.images, i["galleryImageName"])),
    arm.VERSION: (_version, _find_version),
    arm.SHARING: (_sharing, lambda f, i: f.gallery),
    arm.COMMUNITY: (_community_resource, lambda f, i: f.gallery),
}

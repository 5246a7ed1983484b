"""A version's `storageProfile` as Azure reports it, read back into the catalog's source kinds.

The program writes a VHD source as `osDiskImage`/`dataDiskImages` with `source.uri` + `storageAccountId`,
a snapshot as `osDiskImage.source.id`, a virtual machine as `source.virtualMachineId`, and a managed image
or another gallery version as `source.id` (gallery/components/versions.py). Anything else (a managed disk,
data disks from snapshots, a community image) has no catalog form.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from typing import Optional, Union
from urllib.parse import unquote, urlsplit

_BLOB_URI = re.compile(r"^(?P<account>[a-z0-9]+)\.blob\.(?P<suffix>.+)$")
_ACCOUNT_ID = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/Microsoft\.Storage/"
    r"storageAccounts/(?P<account>[^/]+)$",
    re.IGNORECASE,
)
# The resource type in a source id, and the catalog key that names it.
_KINDS = {
    "images": "managedImage",
    "galleries": "galleryImageVersion",
    "virtualmachines": "virtualMachine",
    "snapshots": "snapshot",
}
_PROVIDER_TYPE = re.compile(r"/providers/Microsoft\.Compute/(?P<type>[^/]+)/", re.IGNORECASE)
PUBLIC_BLOB_SUFFIX = "core.windows.net"


@dataclasses.dataclass(frozen=True)
class Blob:
    account: str
    suffix: str  # core.windows.net in Azure's public cloud
    container: str
    name: str


@dataclasses.dataclass(frozen=True)
class Disk:
    lun: Optional[int]  # None: the OS disk
    caching: Optional[str]
    blob: Blob
    account_id: Optional[str]


@dataclasses.dataclass(frozen=True)
class VhdDisks:
    os: Disk
    data: tuple[Disk, ...]

    @property
    def disks(self) -> tuple[Disk, ...]:
        return (self.os,) + self.data


@dataclasses.dataclass(frozen=True)
class ResourceRef:
    kind: str  # a catalog source key: managedImage, galleryImageVersion, virtualMachine, snapshot
    id: str
    field: str  # where Azure wrote it: source.id, source.virtualMachineId, osDiskImage.source.id


@dataclasses.dataclass(frozen=True)
class DiskImages:
    """Snapshots or managed disks for the OS disk and the data disks: the catalog's `disks` source."""

    os: dict  # {"id", "hostCaching"?}
    data: tuple[dict, ...]  # {"lun", "id", "hostCaching"?}


@dataclasses.dataclass(frozen=True)
class NoForm:
    why: str  # what the catalog cannot say, phrased to follow "its source"


SourceRead = Union[VhdDisks, ResourceRef, DiskImages, NoForm]


def parse_blob_uri(uri: str) -> Optional[Blob]:
    """https://{account}.blob.{suffix}/{container}/{blob}, or None."""
    parts = urlsplit(uri or "")
    m = _BLOB_URI.match(parts.hostname or "")
    path = unquote(parts.path).lstrip("/")
    if parts.scheme != "https" or not m or "/" not in path:
        return None
    container, name = path.split("/", 1)
    return Blob(m["account"], m["suffix"], container, name) if name else None


def account_of(account_id: Optional[str]) -> Optional[tuple[str, str, str]]:
    """(subscription, resource group, account) of a storage account id."""
    m = _ACCOUNT_ID.match(account_id or "")
    return (m["sub"], m["rg"], m["account"]) if m else None


def read_source(version: dict) -> SourceRead:
    profile = version.get("properties", {}).get("storageProfile") or {}
    source = profile.get("source") or {}
    os_disk = profile.get("osDiskImage") or {}
    data = profile.get("dataDiskImages") or []
    if source.get("communityGalleryImageId"):
        community = _community_id(source["communityGalleryImageId"])
        if community is None:
            return NoForm(
                f"the community gallery image {source['communityGalleryImageId']}, whose id is not "
                "/communityGalleries/<public name>/images/<image>[/versions/<version>]"
            )
        return ResourceRef("communityGalleryImageId", community, "source.communityGalleryImageId")
    if source.get("virtualMachineId"):
        return ResourceRef("virtualMachine", source["virtualMachineId"], "source.virtualMachineId")
    if source.get("id"):
        kind = _kind(source["id"])
        if kind in ("managedImage", "galleryImageVersion", "virtualMachine"):
            return ResourceRef(kind, source["id"], "source.id")
        return NoForm(
            f"the resource {source['id']}, which is not a managed image, gallery image version or virtual machine"
        )
    os_source = os_disk.get("source") or {}
    if os_source.get("uri"):
        disks = [_disk(None, os_disk)] + [_disk(d.get("lun"), d) for d in data]
        blobs = [d for d in disks if d is not None]
        if len(blobs) != len(disks):
            return NoForm("disks that are not all VHD blobs")
        return VhdDisks(blobs[0], tuple(blobs[1:]))
    if os_source.get("id"):
        # An OS disk from a snapshot, alone, is the catalog's `snapshot` source (the one it had first), unless
        # Azure has its host caching: only the `disks` form holds that, and the program would otherwise send none.
        if not data and _kind(os_source["id"]) == "snapshot" and not os_disk.get("hostCaching"):
            return ResourceRef("snapshot", os_source["id"], "osDiskImage.source.id")
        images = [_disk_image(None, os_disk)] + [_disk_image(d.get("lun"), d) for d in data]
        read = [i for i in images if i is not None]
        if len(read) != len(images):
            return NoForm("disks that are neither all VHD blobs nor all snapshots or managed disks")
        return DiskImages(read[0], tuple(read[1:]))
    return NoForm("nothing Azure reports (no storageProfile source)")


def _kind(resource_id: str) -> Optional[str]:
    m = _PROVIDER_TYPE.search(resource_id + "/")
    return _KINDS.get(m["type"].lower()) if m else None


_COMMUNITY_ID = re.compile(r"^/communityGalleries/([^/]+)/images/([^/]+)(?:/versions/([^/]+))?$", re.IGNORECASE)


def _community_id(value: str) -> Optional[str]:
    """The id as the catalog writes it (ARM's ids are case-insensitive; the schema spells the segments)."""
    m = _COMMUNITY_ID.match(value)
    if not m:
        return None
    return f"/communityGalleries/{m[1]}/images/{m[2]}" + (f"/versions/{m[3]}" if m[3] else "")


def _disk_image(lun: Optional[int], image: dict) -> Optional[dict]:
    """A snapshot or managed disk as the catalog's `disks` writes it, or None for anything else."""
    source = image.get("source") or {}
    m = _PROVIDER_TYPE.search((source.get("id") or "") + "/")
    if not m or m["type"].lower() not in ("snapshots", "disks"):
        return None
    out = {"lun": lun} if lun is not None else {}
    out["id"] = source["id"]
    if image.get("hostCaching"):
        out["hostCaching"] = image["hostCaching"]
    return out


def _disk(lun: Optional[int], image: dict) -> Optional[Disk]:
    source = image.get("source") or {}
    blob = parse_blob_uri(source.get("uri", ""))
    if blob is None:
        return None
    return Disk(lun, image.get("hostCaching"), blob, source.get("storageAccountId"))


def vhd_account(versions: dict[str, list[dict]], subscription: str, resource_group: str) -> Optional[str]:
    """The storage account most VHD sources use, when it lives in the gallery's resource group."""
    counts: Counter[str] = Counter()
    for items in versions.values():
        for version in items:
            read = read_source(version)
            if isinstance(read, VhdDisks):
                for disk in read.disks:
                    owner = account_of(disk.account_id)
                    if (
                        owner
                        and owner[0].lower() == subscription.lower()
                        and owner[1].lower() == resource_group.lower()
                    ):
                        counts[owner[2]] += 1
    return counts.most_common(1)[0][0] if counts else None

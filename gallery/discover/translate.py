"""Azure's bodies -> a catalog document in the style of the example images.yaml, with notes.

Every value the catalog controls is written so that the loader rebuilds exactly what Azure has (the
round trip the tests check against the plan); whatever the catalog cannot say becomes a Note, written as
a comment where it applies. A version whose source has no catalog form is left out (it stays in Azure,
outside the stack), never written wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Optional

from gallery.catalog import naming
from gallery.catalog import regions as region_names
from gallery.catalog.model import SemVer
from gallery.catalog.schema import schema
from gallery.desired.definitions import FEATURE_NAMES
from gallery.discover.access import read_access
from gallery.discover.notes import Note
from gallery.discover.read import AzureGallery
from gallery.discover.replication import (
    DEFAULT_STORAGE,
    Defaults,
    VersionReplication,
    lift,
    read_replication,
    version_keys,
)
from gallery.discover.sources import (
    PUBLIC_BLOB_SUFFIX,
    DiskImages,
    NoForm,
    ResourceRef,
    VhdDisks,
    account_of,
    read_source,
)
from gallery.discover.stack import templated, templated_account
from gallery.lifecycle.states import FAILED, READY, from_body

DEFAULT_PATTERN = "{family}-vhds"
# What the program always sets on the storage account (gallery/components/storage.py), as ARM reports it.
ACCOUNT_SETTINGS = (
    ("kind", "kind", "StorageV2"),
    ("supportsHttpsTrafficOnly", "HTTPS-only traffic", True),
    ("minimumTlsVersion", "the minimum TLS version", "TLS1_2"),
    ("allowBlobPublicAccess", "anonymous blob access", False),
)
# Properties the catalog writes (or Azure computes); any other property is named in a left-out note.
_GALLERY_KNOWN = {
    "description",
    "identifier",
    "provisioningState",
    "sharingProfile",
    "softDeletePolicy",
    "sharingStatus",
}
_IMAGE_KNOWN = {
    "osType",
    "osState",
    "hyperVGeneration",
    "architecture",
    "features",
    "identifier",
    "description",
    "eula",
    "privacyStatementUri",
    "releaseNoteUri",
    "recommended",
    "disallowed",
    "purchasePlan",
    "endOfLifeDate",
    "provisioningState",
    "allowUpdateImage",
}
_VERSION_KNOWN = {
    "publishingProfile",
    "storageProfile",
    "safetyProfile",
    "provisioningState",
    "replicationStatus",
    "securityProfile",
}
_PROFILE_KNOWN = {
    "targetRegions",
    "replicaCount",
    "excludeFromLatest",
    "publishedDate",
    "endOfLifeDate",
    "storageAccountType",
    "replicationMode",
}
# Azure's feature names, looked up without regard to case, and each one's catalog key.
_FEATURES = {name.lower(): name for name in FEATURE_NAMES.values()}
_CATALOG_FEATURE = {name: key for key, name in FEATURE_NAMES.items()}


@dataclass
class Draft:
    """The catalog document (plain data, in writing order) and what discovery has to say about it."""

    document: dict
    notes: list[Note] = field(default_factory=list)
    assignment_ids: dict = field(default_factory=dict)  # (principal id, role GUID) -> Azure's assignment id


@dataclass
class _Version:
    body: dict
    name: str
    semver: SemVer
    source: Any  # VhdDisks | ResourceRef | DiskImages
    replication: VersionReplication


def draft_catalog(found: AzureGallery, stack: str) -> Draft:
    return _Translator(found, stack).draft()


class _Translator:
    def __init__(self, found: AzureGallery, stack: str):
        self.az = found
        self.stack = stack
        self.notes: list[Note] = []
        props = found.gallery.get("properties") or {}
        self.gallery_props = props
        self.home = region_names.normalize(found.gallery.get("location") or "")
        self.account = (found.account or {}).get("name") or found.account_name
        self.containers = {c["name"] for c in found.containers} if found.containers is not None else None
        self.access = read_access(
            found.assignments, found.account_assignments, found.gallery.get("id", ""), (found.account or {}).get("id")
        )

    def note(self, path: tuple, kind: str, text: str) -> None:
        self.notes.append(Note(path, kind, text))

    # -- the document --------------------------------------------------------------------------------

    def draft(self) -> Draft:
        images = [(i, body) for i, body in enumerate(self.az.images)]
        versions = {body["name"]: self.versions(i, body) for i, body in images}
        # strict=False: a name Azure listed twice is one key of `versions`, and zip stops at the shorter, as before.
        container_of = {
            name: self.image_container(i, name, vs)
            for (i, body), (name, vs) in zip(images, versions.items(), strict=False)
        }
        pattern, families = self.families(container_of)
        defaults = lift([v.replication for vs in versions.values() for v in vs], self.home)
        doc: dict[str, Any] = {"resourceGroup": templated(self.resource_group(), self.stack), "location": self.home}
        tags = self.tags()
        if tags:
            doc["tags"] = tags
        doc["storage"] = self.storage(pattern, families)
        doc["gallery"] = self.gallery()
        doc["replication"] = defaults.document()
        doc["images"] = [
            self.image(i, body, families[body["name"]], versions[body["name"]], defaults) for i, body in images
        ]
        self.names_carry_stack(doc)
        self.refusals()
        return Draft(doc, self.notes, self.access.ids)

    def resource_group(self) -> str:
        m = re.search(r"/resourceGroups/([^/]+)/", self.az.gallery.get("id", ""), re.IGNORECASE)
        return m.group(1) if m else self.az.resource_group

    def names_carry_stack(self, doc: dict) -> None:
        if "{stack}" not in doc["resourceGroup"] + doc["gallery"]["name"] + doc["storage"]["account"]:
            self.note(
                (),
                "changes",
                f"no name carries the stack name '{self.stack}': every stack of this catalog "
                "would deploy to these same resources (run discover with the --stack the names carry, or "
                "give each stack its own catalog)",
            )

    def refusals(self) -> None:
        for refusal in self.az.refusals:
            if refusal.image is None:
                self.note((), "refused", f"{refusal.what} could not be read: {refusal.error}")

    # -- tags ------------------------------------------------------------------------------------------

    def tagged(self) -> list[dict]:
        bodies = [self.az.gallery] + self.az.images + [v for vs in self.az.versions.values() for v in vs]
        bodies += [b for b in (self.az.group, self.az.account) if b is not None]
        return [b.get("tags") or {} for b in bodies]

    def tags(self) -> dict[str, str]:
        all_tags = self.tagged()
        common = dict(all_tags[0])
        for tags in all_tags[1:]:
            common = {k: v for k, v in common.items() if tags.get(k) == v}
        partial = Counter(k for tags in all_tags for k, v in tags.items() if common.get(k) != v)
        if partial:
            listed = ", ".join(f"{k} (on {n} of {len(all_tags)})" for k, n in sorted(partial.items()))
            self.note(
                (),
                "changes",
                f"tags that not every resource carries with the same value cannot be "
                f"written (the catalog's tags go on every resource), and the first pulumi up would remove "
                f"them: {listed}",
            )
        return {k: templated(str(v), self.stack) for k, v in sorted(common.items())}

    # -- storage ---------------------------------------------------------------------------------------

    def storage(self, pattern: str, families: dict[str, str]) -> dict:
        out: dict[str, Any] = {}
        account = self.az.account
        if self.account:
            out["account"] = templated_account(self.account, self.stack)
        else:
            out["account"] = _placeholder_account(self.az.name)
            self.note(
                ("storage",),
                "changes",
                "no storage account was named (--storage-account) and no VHD source "
                f"uses one: pulumi up would create {out['account']}; name the account VHDs are uploaded to",
            )
        if account is not None:
            sku = (account.get("sku") or {}).get("name", DEFAULT_STORAGE)
            skus = schema()["properties"]["storage"]["properties"]["sku"]["enum"]
            if sku in skus:
                if sku != DEFAULT_STORAGE:
                    out["sku"] = sku
            else:
                self.note(
                    ("storage",),
                    "changes",
                    f"the account's SKU {sku} is not one the catalog takes: "
                    f"pulumi up would change it to {DEFAULT_STORAGE}",
                )
            self.account_settings(account)
        elif (
            self.account
            and self.az.containers is None
            and not any(r.what == f"the storage account {self.account}" for r in self.az.refusals)
        ):
            self.note(
                ("storage",),
                "broken",
                f"the storage account {self.account} that the VHD sources use does "
                "not exist in the resource group: their blobs are gone",
            )
        if pattern != DEFAULT_PATTERN:
            out["containerPattern"] = pattern
        if self.containers is not None:
            for family in sorted(set(families.values())):
                container = naming.container_name(pattern, family)
                if container not in self.containers:
                    self.note(
                        ("storage",),
                        "changes",
                        f"the container {container} (family {family}) does not exist: pulumi up would create it",
                    )
        return out

    def account_settings(self, account: dict) -> None:
        props = account.get("properties") or {}
        for key, what, wanted in ACCOUNT_SETTINGS:
            has = account.get(key) if key == "kind" else props.get(key)
            if has != wanted:
                self.note(
                    ("storage",),
                    "changes",
                    f"the program sets {what} to {_show(wanted)} (Azure has "
                    f"{_show(has)}): the first pulumi up changes it",
                )
        location = region_names.normalize(account.get("location") or "")
        if location and location != self.home:
            self.note(
                ("storage",),
                "changes",
                f"the account is in {location}, the catalog puts it in the gallery's "
                f"region {self.home}: pulumi would replace it (it is protected, so the update stops)",
            )

    def image_container(self, index: int, image: str, versions: list[_Version]) -> Optional[str]:
        """The one container the image's VHD versions use (others are left out, with a note)."""
        used = Counter(d.blob.container for v in versions if isinstance(v.source, VhdDisks) for d in v.source.disks)
        if not used:
            return None
        container = used.most_common(1)[0][0]
        for v in list(versions):
            if isinstance(v.source, VhdDisks) and any(d.blob.container != container for d in v.source.disks):
                versions.remove(v)
                self.note(
                    ("images", index),
                    "left-out",
                    f"version {v.name}: its VHDs are not all in the container "
                    f"{container} that the image's other VHDs use (the catalog has one container per family)",
                )
        return container

    def families(self, container_of: dict[str, Optional[str]]) -> tuple[str, dict[str, str]]:
        """The container pattern, and each image's family (an image without VHDs: its OS type's)."""
        used = sorted({c for c in container_of.values() if c})
        pattern = _pattern(used)
        family_of = {c: _family(pattern, c) for c in used}
        families: dict[str, str] = {}
        for body in self.az.images:
            name = body["name"]
            container = container_of[name]
            if container:
                family = family_of[container]
                # `pattern` gives every used container a family: at worst "{family}", which Azure's container
                # names (lowercase letters, digits, single hyphens) always match.
                assert family is not None
                families[name] = family
        for body in self.az.images:  # images without VHDs join a family that has a container already
            name = body["name"]
            if name in families:
                continue
            # Its own OS's family, as the catalog defaults it: a Windows definition is `windows` even when no
            # container for that family exists yet (the storage note says pulumi up creates it).
            families[name] = (body.get("properties") or {}).get("osType", "Linux").lower()
        return pattern, families

    # -- gallery -----------------------------------------------------------------------------------------

    def gallery(self) -> dict:
        props = self.gallery_props
        out: dict[str, Any] = {"name": templated(self.az.name, self.stack)}
        if props.get("description"):
            out["description"] = templated(props["description"], self.stack)
        profile = props.get("sharingProfile") or {}
        permissions = (profile.get("permissions") or "Private").lower()
        if permissions == "groups":
            out["sharing"] = "groups"
            ids = {g.get("type"): sorted(i.lower() for i in g.get("ids") or ()) for g in profile.get("groups") or ()}
            shared = {
                k: ids[t] for k, t in (("subscriptions", "Subscriptions"), ("tenants", "AADTenants")) if ids.get(t)
            }
            if shared:
                out["sharedWith"] = shared
        elif permissions == "community":
            out["sharing"] = "community"
            out["community"] = self.community(profile.get("communityGalleryInfo") or {})
        elif permissions != "private":
            self.note(
                ("gallery",),
                "left-out",
                f"sharing permissions {profile.get('permissions')} have no catalog "
                "form: the gallery is written as private, and the first pulumi up would change it",
            )
        if (props.get("softDeletePolicy") or {}).get("isSoftDeleteEnabled"):
            out["softDelete"] = True
        access = self.access
        if access.entries:
            out["access"] = access.entries
        for kind, text in access.notes:
            self.note(("gallery",), kind, text)
        identity = self.az.gallery.get("identity") or {}
        if identity.get("type") and identity["type"] != "None":
            out["identity"] = {
                "type": identity["type"],
                **(
                    {"userAssignedIdentities": list(identity["userAssignedIdentities"])}
                    if identity.get("userAssignedIdentities")
                    else {}
                ),
            }
        extra = sorted(set(props) - _GALLERY_KNOWN)
        if extra:
            self.note(("gallery",), "left-out", f"the gallery's {', '.join(extra)} (the catalog has no key for it)")
        location = region_names.normalize(self.az.gallery.get("location") or "")
        group = region_names.normalize((self.az.group or {}).get("location") or location)
        if group != location:
            self.note(
                (),
                "changes",
                f"the resource group is in {group}, the gallery in {location}: the catalog has "
                "one location, so pulumi would replace the group (it is protected, so the update stops)",
            )
        return out

    def community(self, info: dict) -> dict:
        prefix = info.get("publicNamePrefix") or prefix_of(info.get("publicNames") or [])
        if not prefix:
            prefix = _placeholder_prefix(self.az.name)
            self.note(
                ("gallery", "community"),
                "changes",
                f"Azure reports no public name prefix: {prefix} is a guess; write the gallery's real prefix",
            )
        if not info.get("communityGalleryEnabled"):
            self.note(
                ("gallery", "community"),
                "changes",
                "the gallery is not published to the community yet: the first pulumi up publishes it (EnableCommunity)",
            )
        return {
            "publicNamePrefix": prefix,
            "publisherUri": info.get("publisherUri", ""),
            "publisherContact": info.get("publisherContact", ""),
            "eula": info.get("eula", ""),
        }

    # -- definitions ---------------------------------------------------------------------------------------

    def image(self, index: int, body: dict, family: str, versions: list[_Version], defaults: Defaults) -> dict:
        p = body.get("properties") or {}
        here = ("images", index)
        out: dict[str, Any] = {"name": body["name"]}
        os_type = p.get("osType", "Linux")
        if family != os_type.lower():
            out["family"] = family
        out["osType"] = os_type
        out["osState"] = p.get("osState", "Generalized")
        if p.get("hyperVGeneration"):
            out["hyperVGeneration"] = p["hyperVGeneration"]
        else:
            out["hyperVGeneration"] = "V1"
            self.note(
                here,
                "changes",
                "Azure reports no hyperVGeneration; V1 (its default when the definition was "
                "made) is written, and the program always sends it",
            )
        if p.get("architecture") and p["architecture"] != "x64":
            out["architecture"] = p["architecture"]
        out.update(self.features(here, p.get("features") or []))
        ident = p.get("identifier") or {}
        out["identifier"] = {k: ident.get(k, "") for k in ("publisher", "offer", "sku")}
        for key in ("description", "eula", "privacyStatementUri", "releaseNoteUri"):
            if p.get(key):
                out[key] = p[key]
        recommended = _recommended(p.get("recommended") or {})
        if recommended:
            out["recommended"] = recommended
        disallowed = (p.get("disallowed") or {}).get("diskTypes") or []
        if disallowed:
            out["disallowedDiskTypes"] = list(disallowed)
        plan = p.get("purchasePlan")
        if plan:
            out["purchasePlan"] = {k: plan.get(k, "") for k in ("name", "publisher", "product")}
        if p.get("endOfLifeDate"):
            out["endOfLife"] = self.date(here, "end of life", p["endOfLifeDate"])
        if p.get("allowUpdateImage"):
            out["allowUpdateImage"] = True
        extra = sorted(set(p) - _IMAGE_KNOWN)
        if extra:
            self.note(here, "left-out", f"{', '.join(extra)} (the catalog has no key for it)")
        location = region_names.normalize(body.get("location") or self.home)
        if location != self.home:
            self.note(here, "changes", f"the definition is in {location}, not the gallery's {self.home}")
        blocked = [
            bool(((v.body.get("properties") or {}).get("safetyProfile") or {}).get("blockDeletionBeforeEndOfLife"))
            for v in versions
        ]
        if blocked and all(blocked):  # the image's lifecycle policy sends it on every version
            out["lifecycle"] = {"blockDeletionBeforeEndOfLife": True}
        elif any(blocked):
            self.note(
                here,
                "changes",
                "blockDeletionBeforeEndOfLife is set on "
                + ", ".join(v.name for v, b in zip(versions, blocked, strict=True) if b)  # one flag per version
                + " only, not on the image's other versions; the catalog sets it per image "
                "(lifecycle.blockDeletionBeforeEndOfLife), so the first "
                "pulumi up clears it there",
            )
        written = [self.version(here, j, v, family, defaults) for j, v in enumerate(versions)]
        if written:
            out["versions"] = written
        for refusal in self.az.refusals:
            if refusal.image == body["name"]:
                self.note(
                    here,
                    "refused",
                    f"its versions could not be read ({refusal.error}): none is listed, and "
                    "pulumi leaves them alone until they are added here and imported",
                )
        return out

    def features(self, here: tuple, features: list[dict]) -> dict:
        have, starts = {}, {}
        for f in features:
            key = _FEATURES.get(str(f.get("name", "")).lower())
            if key:
                have[key] = str(f.get("value", ""))
                if f.get("startsAtVersion"):
                    starts[_CATALOG_FEATURE[key]] = f["startsAtVersion"]
            else:
                # Features are fixed at creation: the program leaves them as Azure has them (ignoreChanges), so
                # one without a catalog key stays; it is only missing from a definition created anew.
                self.note(
                    here,
                    "left-out",
                    f"the feature {f.get('name')}={f.get('value')} has no catalog key; "
                    "Azure keeps it on this definition, but a definition created from this catalog lacks it",
                )
        # Written as Azure has them, no more: the program sends only what the catalog writes, and Azure tells an
        # absent feature from one with its default value.
        out: dict[str, Any] = {}
        security = have.get("SecurityType", "Standard")
        if security != "Standard" or "SecurityType" in starts:
            out["securityType"] = security
        if "IsAcceleratedNetworkSupported" in have:
            out["acceleratedNetworking"] = have["IsAcceleratedNetworkSupported"].lower() == "true"
        if "IsHibernateSupported" in have:
            out["hibernation"] = have["IsHibernateSupported"].lower() == "true"
        controllers = [c.strip() for c in have.get("DiskControllerTypes", "").split(",") if c.strip()]
        if controllers:
            out["diskControllerTypes"] = controllers
        if starts:
            out["startsAtVersion"] = starts
        return out

    # -- versions ------------------------------------------------------------------------------------------

    def versions(self, index: int, body: dict) -> list[_Version]:
        """The versions the catalog can hold, in version order; the others are noted and left out."""
        out: list[_Version] = []
        here = ("images", index)
        for v in self.az.versions.get(body["name"], []):
            name = v["name"]
            try:
                semver = SemVer.parse(name)
            except ValueError:
                self.note(here, "left-out", f"version {name}: not Major.Minor.Patch without leading zeros")
                continue
            source = read_source(v)
            why = self.no_form(source)
            if why:
                self.note(
                    here, "left-out", f"version {name}: its source is {why}; it stays in Azure, outside the stack"
                )
                continue
            profile = (v.get("properties") or {}).get("publishingProfile") or {}
            out.append(_Version(v, name, semver, source, read_replication(profile, self.home)))
        out.sort(key=lambda x: x.semver)
        seen: dict[tuple, str] = {}
        for ver in list(out):  # a VHD published twice: the catalog allows one version per blob
            if isinstance(ver.source, VhdDisks):
                keys = [(d.blob.container, d.blob.name) for d in ver.source.disks]
                first = next((seen[k] for k in keys if k in seen), None)
                if first:
                    out.remove(ver)
                    self.note(
                        here,
                        "left-out",
                        f"version {ver.name}: its VHDs are already the source of version "
                        f"{first} (the catalog publishes each blob once)",
                    )
                    continue
                seen.update({k: ver.name for k in keys})
        return out

    def no_form(self, source: Any) -> Optional[str]:
        if isinstance(source, NoForm):
            return source.why
        if isinstance(source, VhdDisks):
            for disk in source.disks:
                owner = account_of(disk.account_id)
                if (
                    disk.blob.account != self.account
                    or owner is None
                    or owner[2] != self.account
                    or owner[1].lower() != self.resource_group().lower()
                ):
                    return (
                        f"the blob {disk.blob.container}/{disk.blob.name} in the storage account "
                        f"{disk.blob.account}, not the catalog's account {self.account} in "
                        f"{self.resource_group()}"
                    )
        return None

    def version(self, image_path: tuple, j: int, v: _Version, family: str, defaults: Defaults) -> dict:
        here = image_path + ("versions", j)
        p = v.body.get("properties") or {}
        profile = p.get("publishingProfile") or {}
        out: dict[str, Any] = {"version": v.name, "source": self.source(here, v)}
        rep = v.replication
        if not rep.targets or rep.targets[0].name != self.home:
            rep = VersionReplication(
                ((_home_target(rep, self.home),) + rep.targets), rep.storage, rep.mode, rep.replica_count
            )
            self.note(
                here,
                "changes",
                f"Azure lists no target in the home region {self.home}; the catalog always "
                "replicates there, so the first pulumi up adds it",
            )
        keys = version_keys(rep, defaults)
        if "replicas" in keys:
            out["replicas"] = keys.pop("replicas")
        out.update(keys)
        if rep.replica_count is not None and rep.replica_count != rep.targets[0].replicas:
            self.note(
                here,
                "changes",
                f"its replicaCount is {rep.replica_count}; the program sends the home "
                f"region's count, {rep.targets[0].replicas}",
            )
        if profile.get("excludeFromLatest"):
            out["excludeFromLatest"] = True
        if profile.get("endOfLifeDate"):
            out["endOfLife"] = self.date(here, "end of life", profile["endOfLifeDate"])
        safety = p.get("safetyProfile") or {}
        if not safety.get("allowDeletionOfReplicatedLocations", False):
            out["allowDeletionOfReplicatedLocations"] = False
        uefi = (p.get("securityProfile") or {}).get("uefiSettings")
        if uefi:
            out["securityProfile"] = {"uefiSettings": uefi}
        left = sorted(set(p) - _VERSION_KNOWN) + [
            f"publishingProfile.{k}" for k in sorted(set(profile) - _PROFILE_KNOWN)
        ]
        left += _unknown_nested(p)
        if left:
            self.note(here, "left-out", f"{', '.join(left)} (the catalog has no key for it)")
        self.broken(here, v, family)
        return out

    def source(self, here: tuple, v: _Version) -> dict:
        source = v.source
        if isinstance(source, ResourceRef):
            if source.kind == "virtualMachine" and source.field != "source.virtualMachineId":
                self.note(
                    here,
                    "changes",
                    "Azure has the virtual machine as source.id; the program sends it as source.virtualMachineId",
                )
            written = (
                ((v.body.get("properties") or {}).get("storageProfile") or {})
                .get("source", {})
                .get("communityGalleryImageId")
            )
            if source.kind == "communityGalleryImageId" and written != source.id:
                self.note(
                    here,
                    "changes",
                    f"Azure has the community image as {written}; the catalog spells it "
                    f"{source.id}, and the first preview shows the source changing (ARM reads both alike)",
                )
            return {source.kind: source.id}
        if isinstance(source, DiskImages):
            return {
                "disks": {"osDiskImage": source.os, **({"dataDiskImages": list(source.data)} if source.data else {})}
            }
        disks: VhdDisks = source
        for disk in disks.disks:
            if disk.blob.suffix != PUBLIC_BLOB_SUFFIX:
                self.note(
                    here,
                    "changes",
                    f"the blob endpoint is {disk.blob.suffix}; the program writes blob URIs for {PUBLIC_BLOB_SUFFIX}",
                )
                break
        vhd: dict[str, Any] = {}
        convention = _convention(self.image_of(v), disks)
        end = self.date_quiet((v.body.get("properties") or {}).get("publishingProfile", {}).get("endOfLifeDate"))
        if convention and (end is None or end >= convention[0]):
            vhd["captured"] = convention[0]
            if convention[1]:
                vhd["sequence"] = convention[1]
        else:
            vhd["osDiskBlob"] = disks.os.blob.name
        vhd["osDiskCaching"] = disks.os.caching or "None"
        if disks.data:
            vhd["dataDisks"] = [
                {"lun": d.lun, "caching": d.caching or "None", **({} if "captured" in vhd else {"blob": d.blob.name})}
                for d in disks.data
            ]
        return {"vhd": vhd}

    def image_of(self, v: _Version) -> str:
        m = re.search(r"/images/([^/]+)/versions/", v.body.get("id", ""), re.IGNORECASE)
        return m.group(1) if m else ""

    def broken(self, here: tuple, v: _Version, family: str) -> None:
        state = from_body(self.image_of(v), v.name, v.body, in_catalog=True)
        if state.provisioning is None:
            pass  # Azure gave no state: nothing to say
        elif state.state == FAILED:
            self.note(
                here,
                "broken",
                f"{state.message}: a failed version cannot be published again under the same "
                "number; delete it in Azure and remove it here, or publish a new version",
            )
        elif state.state != READY:
            self.note(here, "broken", f"{state.message}: run discover again once Azure has finished")
        if isinstance(v.source, VhdDisks) and self.containers is not None:
            gone = sorted({d.blob.container for d in v.source.disks} - self.containers)
            if gone:
                self.note(
                    here,
                    "broken",
                    f"its VHD container {', '.join(gone)} no longer exists in {self.account}: the source is gone",
                )

    # -- values ----------------------------------------------------------------------------------------------

    def date(self, here: tuple, what: str, text: str) -> Optional[dt.date]:
        day, exact = _arm_date(text)
        if day is None:
            self.note(here, "left-out", f"the {what} {text!r} is not a date the catalog can write")
        elif not exact:
            self.note(
                here,
                "changes",
                f"the {what} is {text}; the catalog writes the day, which the program sends as midnight UTC",
            )
        return day

    @staticmethod
    def date_quiet(text: Optional[str]) -> Optional[dt.date]:
        return _arm_date(text)[0] if text else None


# Inside a version: what each part may hold that the catalog writes (or Azure computes: sizeInGB, the safety
# profile's reports); anything else is named in a left-out note.
_NESTED = {
    "storageProfile": {"source", "osDiskImage", "dataDiskImages"},
    "storageProfile.source": {"id", "uri", "storageAccountId", "virtualMachineId", "communityGalleryImageId"},
    "storageProfile.osDiskImage": {"hostCaching", "source", "sizeInGB"},
    "storageProfile.osDiskImage.source": {"id", "uri", "storageAccountId"},
    "storageProfile.dataDiskImages[]": {"lun", "hostCaching", "source", "sizeInGB"},
    "storageProfile.dataDiskImages[].source": {"id", "uri", "storageAccountId"},
    "safetyProfile": {
        "allowDeletionOfReplicatedLocations",
        "blockDeletionBeforeEndOfLife",
        "reportedForPolicyViolation",
        "policyViolations",
    },
    "publishingProfile.targetRegions[]": {
        "name",
        "regionalReplicaCount",
        "storageAccountType",
        "encryption",
        "excludeFromLatest",
        "additionalReplicaSets",
    },
}


def _unknown_nested(props: dict) -> list[str]:
    """The fields inside a version's parts that the catalog has no key for (and Azure does not compute)."""
    out: list[str] = []
    for where, known in _NESTED.items():
        values: list = [props]
        for part in where.split("."):
            many = part.endswith("[]")
            values = [v.get(part.rstrip("[]")) for v in values if isinstance(v, dict)]
            if many:
                values = [item for v in values for item in (v or ())]
        for value in values:
            if isinstance(value, dict):
                out += [f"{where}.{k}" for k in sorted(set(value) - known) if f"{where}.{k}" not in out]
    violations = (props.get("safetyProfile") or {}).get("policyViolations")
    if violations:
        out.append(
            "safetyProfile.policyViolations (Azure reports the version for a policy violation: "
            + "; ".join(f"{v.get('category')}: {v.get('details')}" for v in violations)
            + ")"
        )
    return out


_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?)?$")


def _arm_date(text: str) -> tuple[Optional[dt.date], bool]:
    """ARM's date-time -> (its day, whether it is exactly midnight UTC)."""
    m = _DATE.match(text or "")
    if not m:
        return None, False
    try:
        day = dt.date.fromisoformat(m.group(1))
    except ValueError:
        return None, False
    midnight = m.group(2) is None or (
        m.group(2, 3, 4) == ("00", "00", "00")
        and not (m.group(5) or "0").strip("0")
        and m.group(6) in (None, "Z", "+00:00", "-00:00")
    )
    return day, midnight


def _convention(image: str, disks: VhdDisks) -> Optional[tuple[dt.date, int]]:
    """(captured, sequence) when every blob is named by the convention for `image`."""
    parsed = naming.parse_blob_name(disks.os.blob.name)
    if not parsed or parsed[0] != image or parsed[1] is not None:
        return None
    _, _, captured, sequence = parsed
    for disk in disks.data:
        if naming.parse_blob_name(disk.blob.name) != (image, disk.lun, captured, sequence):
            return None
    return captured, sequence


def _pattern(containers: list[str]) -> str:
    """The containerPattern that gives every container from a family."""
    if not containers:
        return DEFAULT_PATTERN
    if all(_family(DEFAULT_PATTERN, c) for c in containers):
        return DEFAULT_PATTERN
    if len(containers) > 1:
        prefix = _common(containers)
        suffix = _common([c[::-1] for c in containers])[::-1]
        middles = [c[len(prefix) : len(c) - len(suffix)] for c in containers]
        candidate = prefix + "{family}" + suffix
        if all(middles) and all(_family(candidate, c) for c in containers):
            return candidate
    return "{family}"  # each family is named after its container


def _family(pattern: str, container: str) -> Optional[str]:
    """The family that `pattern` turns into `container`, or None."""
    head, _, tail = pattern.partition("{family}")
    if not (container.startswith(head) and container.endswith(tail)) or len(container) <= len(head) + len(tail):
        return None
    family = container[len(head) : len(container) - len(tail)]
    return family if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", family) else None


def _common(values: list[str]) -> str:
    first, last = min(values), max(values)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def _recommended(rec: dict) -> dict:
    out = {}
    for azure, ours in (("vCPUs", "vCPUs"), ("memory", "memoryGB")):
        r = {k: rec[azure][k] for k in ("min", "max") if (rec.get(azure) or {}).get(k) is not None}
        if r:
            out[ours] = r
    return out


def _home_target(rep: VersionReplication, home: str):
    from gallery.discover.replication import Target

    replicas = rep.replica_count or (rep.targets[0].replicas if rep.targets else 1)
    return Target(home, replicas, rep.storage)


def prefix_of(public_names: list[str]) -> Optional[str]:
    """Azure names a community gallery `{prefix}-{GUID}`."""
    for name in public_names:
        m = re.match(r"^([A-Za-z0-9]{5,16})-[0-9a-fA-F-]{36}$", name)
        if m:
            return m.group(1)
    return None


def _placeholder_prefix(gallery: str) -> str:
    return (re.sub(r"[^A-Za-z0-9]", "", gallery) + "images")[:16]


def _placeholder_account(gallery: str) -> str:
    return ("st" + re.sub(r"[^a-z0-9]", "", gallery.lower()))[:24].ljust(3, "0")


def _show(value: Any) -> str:
    return "nothing" if value is None else str(value).lower() if isinstance(value, bool) else str(value)

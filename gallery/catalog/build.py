"""Build the catalog model from schema-valid data: `{stack}` substitution, defaults, derived facts.

The input has passed the JSON Schema, so shapes and enums are right; what can still be wrong here
(an impossible date, an unknown placeholder, a VHD source that mixes the naming convention with
explicit blob names) is reported as a located Problem and the build carries on, so that the rules
can still report everything else in the same run.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Optional

from gallery.catalog import naming, regions
from gallery.catalog.model import (
    CANARY_PLACEHOLDERS,
    RESOURCE_SOURCE_KINDS,
    AccessGrant,
    Canary,
    Catalog,
    Community,
    DataDisk,
    DataDiskEncryption,
    DiskImage,
    DiskSource,
    Gallery,
    GalleryIdentity,
    Identifier,
    ImageDefinition,
    ImageVersion,
    Lifecycle,
    Pos,
    PurchasePlan,
    Range,
    Recommended,
    RegionEncryption,
    ReplicaSet,
    Replication,
    ResourceSource,
    SemVer,
    Shard,
    SharedWith,
    Storage,
    TargetRegion,
    UefiKey,
    UefiSettings,
    VhdSource,
)
from gallery.catalog.roles import resolve_role
from gallery.catalog.schema import defaults
from gallery.catalog.yamlload import Document
from gallery.errors import Problem

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _opt(node: dict, key: str, default_path: str) -> Any:
    """node[key], or the schema's default for it."""
    return node[key] if key in node else defaults()[default_path]


def _lifecycle(policy: dict, canary: Optional[Canary]) -> Lifecycle:
    return Lifecycle(
        stage_new_versions=_opt(policy, "stageNewVersions", "lifecycle.stageNewVersions"),
        keep_eligible_for_latest=policy.get("keepEligibleForLatest"),
        end_of_life_after_days=policy.get("endOfLifeAfterDays"),
        remove_after_days=policy.get("removeAfterDays"),
        block_deletion_before_end_of_life=_opt(
            policy, "blockDeletionBeforeEndOfLife", "lifecycle.blockDeletionBeforeEndOfLife"
        ),
        canary=canary,
    )


class Builder:
    def __init__(self, doc: Document, stack: str, skip: frozenset[str] = frozenset()):
        self.doc = doc
        self.stack = stack
        self.skip = skip  # paths of definitions and versions the schema rejected (see gallery.catalog.partial)
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str, rule: str, hint: Optional[str] = None) -> None:
        self.problems.append(self.doc.problem(path, message, rule, hint=hint))

    # -- helpers -----------------------------------------------------------------------------------

    def sub(self, value: str, path: str, allowed: tuple[str, ...] = ("stack",)) -> str:
        """Replace {stack}; any other placeholder (outside `allowed`) is a mistake worth an error."""
        for name in _PLACEHOLDER.findall(value):
            if name not in allowed:
                known = ", ".join("{" + a + "}" for a in allowed)
                self.fail(
                    path,
                    f"unknown placeholder {{{name}}} in {value!r}",
                    "catalog.placeholder",
                    hint=f"only {known} {'is' if len(allowed) == 1 else 'are'} replaced here",
                )
        return value.replace("{stack}", self.stack)

    def date(self, value: Optional[str], path: str) -> Optional[dt.date]:
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(path, f"{value!r} is not a calendar date", "catalog.date", hint="write a real date as YYYY-MM-DD")
            return None

    def pos(self, path: str) -> Pos:
        return Pos(*self.doc.locate(path))

    # -- the catalog -------------------------------------------------------------------------------

    def catalog(self) -> Catalog:
        d = self.doc.data
        location = regions.normalize(d["location"])
        st = d["storage"]
        storage = Storage(
            account=self.sub(st["account"], "storage.account"),
            sku=_opt(st, "sku", "storage.sku"),
            container_pattern=self.sub(
                _opt(st, "containerPattern", "storage.containerPattern"),
                "storage.containerPattern",
                ("stack", "family"),
            ),
        )
        rep = d.get("replication", {})
        replication = Replication(
            regions=tuple(regions.normalize(r) for r in rep.get("regions", [location])),
            replicas=_opt(rep, "replicas", "replication.replicas"),
            storage_account_type=_opt(rep, "storageAccountType", "replication.storageAccountType"),
            mode=_opt(rep, "mode", "replication.mode"),
            region_paths=tuple(f"replication.regions[{k}]" for k in range(len(rep["regions"])))
            if "regions" in rep
            else ("location",),
        )
        tags = {k: self.sub(str(v), f"tags.{k}") for k, v in (d.get("tags") or {}).items()}
        default_policy = d.get("lifecycle", {})
        # Built once where it is written, so a mistake in it is said once, not at every image that takes it.
        default_canary = (
            self.canary(default_policy["canary"], "lifecycle.canary") if "canary" in default_policy else None
        )
        images = tuple(
            self.image(img, f"images[{i}]", storage, replication, location, default_policy, default_canary)
            for i, img in enumerate(d["images"])
            if f"images[{i}]" not in self.skip
        )
        return Catalog(
            stack=self.stack,
            resource_group=self.sub(d["resourceGroup"], "resourceGroup"),
            location=location,
            tags=tags,
            storage=storage,
            gallery=self.gallery(d["gallery"]),
            replication=replication,
            images=images,
            shards=tuple(self.shard(s, f"shards[{k}]") for k, s in enumerate(d.get("shards", []))),
            source_file=self.doc.file,
        )

    def shard(self, s: dict, path: str) -> Shard:
        return Shard(
            name=s["name"],
            families=tuple(s.get("families", ())),
            definitions=tuple(s.get("definitions", ())),
            match=s.get("match"),
            path=path,
        )

    def gallery(self, g: dict) -> Gallery:
        sw = g.get("sharedWith", {})
        com = g.get("community")
        access = []
        for i, a in enumerate(g.get("access", [])):
            path = f"gallery.access[{i}]"
            guid = resolve_role(a["role"])
            if guid is None:
                self.fail(
                    f"{path}.role",
                    f"'{a['role']}' is not a built-in role this tool knows, nor a role definition GUID",
                    "access.role",
                    hint=_role_hint(a["role"]),
                )
            access.append(
                AccessGrant(
                    principal_id=a["principalId"].lower(),
                    role=a["role"],
                    role_definition_guid=guid or "",
                    principal_type=a.get("principalType"),
                    path=path,
                )
            )
        return Gallery(
            name=self.sub(g["name"], "gallery.name"),
            description=self.sub(g["description"], "gallery.description") if "description" in g else None,
            sharing=_opt(g, "sharing", "gallery.sharing"),
            shared_with=SharedWith(
                tuple(s.lower() for s in sw.get("subscriptions", [])), tuple(t.lower() for t in sw.get("tenants", []))
            ),
            community=Community(com["publicNamePrefix"], com["publisherUri"], com["publisherContact"], com["eula"])
            if com
            else None,
            soft_delete=_opt(g, "softDelete", "gallery.softDelete"),
            access=tuple(access),
            identity=_identity(g.get("identity")),
        )

    def canary(self, c: Any, path: str) -> Canary:
        """`lifecycle.canary`: a list (the command) or {command, regions, timeoutMinutes}."""
        spec = {"command": c} if isinstance(c, list) else c
        return Canary(
            command=tuple(
                self.sub(arg, f"{path}.command[{k}]" if spec is c else f"{path}[{k}]", CANARY_PLACEHOLDERS)
                for k, arg in enumerate(spec["command"])
            ),
            regions=tuple(regions.normalize(r) for r in spec.get("regions", ())),
            timeout_minutes=_opt(spec, "timeoutMinutes", "lifecycle.canary.timeoutMinutes"),
            path=path,
        )

    def image(
        self,
        img: dict,
        path: str,
        storage: Storage,
        rep: Replication,
        home: str,
        default_policy: dict,
        default_canary: Optional[Canary] = None,
    ) -> ImageDefinition:
        family = img.get("family", img["osType"].lower())
        own = img.get("lifecycle", {})
        canary = self.canary(own["canary"], f"{path}.lifecycle.canary") if "canary" in own else default_canary
        lifecycle = _lifecycle({**default_policy, **own}, canary)
        container = naming.container_name(storage.container_pattern, family)
        rec = img.get("recommended")
        plan = img.get("purchasePlan")
        ident = img["identifier"]
        versions = tuple(
            self.version(v, f"{path}.versions[{j}]", img["name"], container, rep, home, lifecycle)
            for j, v in enumerate(img.get("versions", []))
            if f"{path}.versions[{j}]" not in self.skip
        )
        # Azure writes the disk controller feature as "SCSI, NVMe": keep that order so it never diffs.
        controllers = tuple(c for c in ("SCSI", "NVMe") if c in img.get("diskControllerTypes", ()))
        return ImageDefinition(
            name=img["name"],
            family=family,
            container=container,
            os_type=img["osType"],
            os_state=img["osState"],
            hyper_v_generation=img["hyperVGeneration"],
            architecture=_opt(img, "architecture", "image.architecture"),
            security_type=_opt(img, "securityType", "image.securityType"),
            # Not written is not false: an absent feature is not sent, and Azure applies its own default.
            accelerated_networking=img.get("acceleratedNetworking"),
            disk_controller_types=controllers,
            identifier=Identifier(ident["publisher"], ident["offer"], ident["sku"]),
            description=img.get("description"),
            eula=img.get("eula"),
            privacy_statement_uri=img.get("privacyStatementUri"),
            release_note_uri=img.get("releaseNoteUri"),
            recommended=Recommended(_range(rec.get("vCPUs")), _range(rec.get("memoryGB"))) if rec else None,
            disallowed_disk_types=tuple(img.get("disallowedDiskTypes", [])),
            purchase_plan=PurchasePlan(plan["name"], plan["publisher"], plan["product"]) if plan else None,
            end_of_life=self.date(img.get("endOfLife"), f"{path}.endOfLife"),
            versions=versions,
            path=path,
            pos=self.pos(path),
            lifecycle=lifecycle,
            family_path=f"{path}.family" if "family" in img else f"{path}.osType",
            hibernation=img.get("hibernation"),
            allow_update_image=_opt(img, "allowUpdateImage", "image.allowUpdateImage"),
            feature_starts=tuple(sorted(img.get("startsAtVersion", {}).items())),
        )

    def version(
        self, v: dict, path: str, image: str, container: str, rep: Replication, home: str, lifecycle: Lifecycle
    ) -> ImageVersion:
        replicas = v.get("replicas", rep.replicas)
        sat = v.get("storageAccountType", rep.storage_account_type)
        # Where the storage type is written, so a problem with it is reported there (and once, for a default).
        sat_path = (
            f"{path}.storageAccountType"
            if "storageAccountType" in v
            else "replication.storageAccountType"
            if "storageAccountType" in self.doc.data.get("replication", {})
            else ""
        )
        targets: list[TargetRegion] = []
        repairing: list[TargetRegion] = []
        if "regions" in v:
            for k, r in enumerate(v["regions"]):
                rpath = f"{path}.regions[{k}]"
                if isinstance(r, str):
                    targets.append(
                        TargetRegion(regions.normalize(r), replicas, sat, rpath, storage_account_type_path=sat_path)
                    )
                else:
                    own = "storageAccountType" in r
                    region = TargetRegion(
                        regions.normalize(r["name"]),
                        r.get("replicas", replicas),
                        r.get("storageAccountType", sat),
                        rpath,
                        storage_account_type_path=f"{rpath}.storageAccountType" if own else sat_path,
                        exclude_from_latest=r.get("excludeFromLatest"),
                        encryption=_encryption(r.get("encryption"), f"{rpath}.encryption"),
                        additional_replica_sets=tuple(
                            ReplicaSet(a["storageAccountType"], a["regionalReplicaCount"])
                            for a in r.get("additionalReplicaSets", ())
                        ),
                    )
                    # `repairing: true` (gallery repair): declared, but left out of what Azure is sent.
                    (repairing if r.get("repairing") else targets).append(region)
        else:
            for name, written in zip(rep.regions, rep.region_paths, strict=True):  # built together, one per region
                targets.append(TargetRegion(name, replicas, sat, written, storage_account_type_path=sat_path))
        # The home region first: it is the version's own location and Azure lists it first.
        targets.sort(key=lambda t: t.name != home)
        return ImageVersion(
            version=SemVer.parse(v["version"]),
            source=self.source(v["source"], f"{path}.source", image, container),
            target_regions=tuple(targets),
            storage_account_type=sat,
            replication_mode=v.get("mode", rep.mode),
            exclude_from_latest=_opt(v, "excludeFromLatest", "version.excludeFromLatest"),
            end_of_life=self.date(v.get("endOfLife"), f"{path}.endOfLife"),
            allow_deletion_of_replicated_locations=_opt(
                v, "allowDeletionOfReplicatedLocations", "version.allowDeletionOfReplicatedLocations"
            ),
            block_deletion_before_end_of_life=lifecycle.block_deletion_before_end_of_life,
            path=path,
            pos=self.pos(path),
            mode_path=f"{path}.mode"
            if "mode" in v
            else "replication.mode"
            if "mode" in self.doc.data.get("replication", {})
            else "",
            uefi_settings=_uefi(v.get("securityProfile", {}).get("uefiSettings")),
            tags=tuple(
                sorted((str(k), self.sub(str(value), f"{path}.tags.{k}")) for k, value in (v.get("tags") or {}).items())
            ),
            restore=v.get("restore", False),
            repairing=tuple(repairing),
        )

    def source(self, s: dict, path: str, image: str, container: str):
        for kind in RESOURCE_SOURCE_KINDS:
            if kind in s:
                return ResourceSource(kind, s[kind])
        if "disks" in s:
            disks = s["disks"]
            os_disk = disks["osDiskImage"]
            return DiskSource(
                DiskImage(os_disk["id"], os_disk.get("hostCaching"), path=f"{path}.disks.osDiskImage"),
                tuple(
                    DiskImage(d["id"], d.get("hostCaching"), d["lun"], f"{path}.disks.dataDiskImages[{k}]")
                    for k, d in enumerate(disks.get("dataDiskImages", []))
                ),
            )
        vhd: dict[str, Any] = s["vhd"]
        path = f"{path}.vhd"
        captured = self.date(vhd.get("captured"), f"{path}.captured")
        seq = _opt(vhd, "sequence", "vhdSource.sequence")
        explicit = vhd.get("osDiskBlob")
        if "captured" in vhd and explicit is not None:
            self.fail(
                f"{path}.osDiskBlob",
                "give either captured (blob names by the convention) or osDiskBlob (explicit names), not both",
                "vhd.naming",
            )
        elif "captured" not in vhd and explicit is None:
            self.fail(
                path,
                "a VHD source needs captured (the capture date that names the blobs) or "
                "osDiskBlob (an explicit blob name)",
                "vhd.naming",
            )
        if "sequence" in vhd and explicit is not None:
            self.fail(f"{path}.sequence", "sequence only applies to blob names made from captured", "vhd.naming")
        disks = []
        for k, dd in enumerate(vhd.get("dataDisks", [])):
            dpath = f"{path}.dataDisks[{k}]"
            if explicit is not None and "blob" not in dd:
                self.fail(
                    dpath,
                    "with osDiskBlob, each data disk needs its blob name too",
                    "vhd.naming",
                    hint="add blob: <name>.vhd, or use captured for both",
                )
            if explicit is None and "blob" in dd:
                self.fail(
                    f"{dpath}.blob", "an explicit data disk blob needs osDiskBlob instead of captured", "vhd.naming"
                )
            if captured is not None and explicit is None:
                blob = naming.data_disk_blob_name(image, dd["lun"], captured, seq)
            else:
                blob = dd.get("blob", "")
            disks.append(DataDisk(dd["lun"], _opt(dd, "caching", "dataDisk.caching"), blob, dpath))
        if explicit is not None:
            os_blob = explicit
        elif captured is not None:
            os_blob = naming.os_blob_name(image, captured, seq)
        else:
            os_blob = ""
        return VhdSource(
            container=container,
            os_blob=os_blob,
            os_disk_caching=_opt(vhd, "osDiskCaching", "vhdSource.osDiskCaching"),
            data_disks=tuple(disks),
            captured=captured if explicit is None else None,
            sequence=seq,
        )


def _encryption(e: Optional[dict], path: str) -> Optional[RegionEncryption]:
    if e is None:
        return None
    os_disk = e.get("osDiskImage", {})
    cvm = os_disk.get("securityProfile", {})
    return RegionEncryption(
        os_disk.get("diskEncryptionSetId"),
        cvm.get("confidentialVMEncryptionType"),
        cvm.get("secureVMDiskEncryptionSetId"),
        tuple(
            DataDiskEncryption(d["lun"], d["diskEncryptionSetId"], f"{path}.dataDiskImages[{k}]")
            for k, d in enumerate(e.get("dataDiskImages", ()))
        ),
    )


def _uefi(u: Optional[dict]) -> Optional[UefiSettings]:
    if u is None:
        return None
    sig = u.get("additionalSignatures", {})

    def keys(name: str) -> tuple[UefiKey, ...]:
        return tuple(UefiKey(k["type"], tuple(k["value"])) for k in sig.get(name, ()))

    pk = sig.get("pk")
    return UefiSettings(
        tuple(u.get("signatureTemplateNames", ())),
        UefiKey(pk["type"], tuple(pk["value"])) if pk else None,
        keys("kek"),
        keys("db"),
        keys("dbx"),
    )


def _identity(i: Optional[dict]) -> Optional[GalleryIdentity]:
    if i is None:
        return None
    return GalleryIdentity(i["type"], tuple(i.get("userAssignedIdentities", ())))


def _range(r: Optional[dict]) -> Optional[Range]:
    return Range(r.get("min"), r.get("max")) if r else None


def _role_hint(role: str) -> str:
    import difflib

    from gallery.catalog.roles import BUILTIN_ROLES

    close = difflib.get_close_matches(role, list(BUILTIN_ROLES), n=1, cutoff=0.5)
    if close:
        return f"did you mean '{close[0]}'?"
    return "use one of: " + ", ".join(BUILTIN_ROLES) + "; or the GUID of a custom role definition"

"""The adapter: raw azure-native inputs back into the catalog's model, so gallery.catalog.rules judge them unchanged.

Each resource becomes what a catalog would have had to say to produce it (gallery.desired's mapping read
backwards). Paths are the catalog's (`images[0].versions[0].regions[1]`) because some rules judge only what is
written there; gallery.raw.judge maps each finding back to its resource. What the inputs leave out is what Azure
takes at API version 2024-03-03 (gallery.desired.arm.COMPUTE_API_VERSION): hyperVGeneration V1, security type
Standard, architecture x64, Full replication, Standard_LRS, one replica per region.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional
from urllib.parse import unquote, urlsplit

from gallery.catalog import naming, regions
from gallery.catalog.model import (
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
    Pos,
    PurchasePlan,
    Range,
    Recommended,
    RegionEncryption,
    ReplicaSet,
    Replication,
    ResourceSource,
    SemVer,
    SharedWith,
    Source,
    Storage,
    TargetRegion,
    UefiKey,
    UefiSettings,
    VhdSource,
)
from gallery.desired.definitions import FEATURE_NAMES
from gallery.desired.foundation import SHARING_PERMISSIONS
from gallery.raw.resources import Reader

NOWHERE = Pos(0, 0)
SHARING = {permission: sharing for sharing, permission in SHARING_PERMISSIONS.items()}  # Private -> private
FEATURE_KEYS = {feature: key for key, feature in FEATURE_NAMES.items()}  # SecurityType -> securityType


def gallery(r: Reader) -> Gallery:
    info = r.at("sharingProfile", "communityGalleryInfo")
    permissions = r("sharingProfile", "permissions", default="Private")
    identity = r.at("identity")
    ids = identity("userAssignedIdentities", default=()) if identity else ()
    return Gallery(
        name=r("galleryName", default=""),
        description=r("description"),
        sharing=SHARING.get(permissions, str(permissions).lower()),
        shared_with=SharedWith(),
        community=Community(
            *(info(k, default="") for k in ("publicNamePrefix", "publisherUri", "publisherContact", "eula"))
        )
        if info
        else None,
        soft_delete=bool(r("softDeletePolicy", "isSoftDeleteEnabled", default=False)),
        access=(),
        # azure-native takes the user-assigned identities as a list of ids; ARM answers a map keyed by id
        identity=GalleryIdentity(identity("type"), tuple(ids)) if identity and identity("type") else None,
    )


def definition(r: Reader, path: str, versions: tuple[ImageVersion, ...] = ()) -> ImageDefinition:
    features = {f("name"): f for _, f in r.each("features")}

    def feature(key: str) -> Optional[str]:
        f = features.get(FEATURE_NAMES[key])
        return f("value") if f else None

    rec, plan = r.at("recommended"), r.at("purchasePlan")
    os_type = r("osType", default="")
    return ImageDefinition(
        name=r("galleryImageName", default=""),
        family=str(os_type).lower(),
        container="",
        os_type=os_type,
        os_state=r("osState", default=""),
        hyper_v_generation=r("hyperVGeneration", default="V1"),
        architecture=r("architecture", default="x64"),
        security_type=feature("securityType") or "Standard",
        accelerated_networking=_bool(feature("acceleratedNetworking")),
        disk_controller_types=tuple(c.strip() for c in (feature("diskControllerTypes") or "").split(",") if c.strip()),
        identifier=Identifier(*(r("identifier", part, default="") for part in ("publisher", "offer", "sku"))),
        description=r("description"),
        eula=r("eula"),
        privacy_statement_uri=r("privacyStatementUri"),
        release_note_uri=r("releaseNoteUri"),
        recommended=Recommended(_range(rec.at("vCPUs")), _range(rec.at("memory"))) if rec else None,
        disallowed_disk_types=tuple(r("disallowed", "diskTypes", default=())),
        purchase_plan=PurchasePlan(plan("name"), plan("publisher"), plan("product")) if plan else None,
        end_of_life=_date(r("endOfLifeDate")),
        versions=versions,
        path=path,
        pos=NOWHERE,
        hibernation=_bool(feature("hibernation")),
        allow_update_image=bool(r("allowUpdateImage", default=False)),
        feature_starts=tuple(
            sorted(
                (FEATURE_KEYS[name], f("startsAtVersion"))
                for name, f in features.items()
                if name in FEATURE_KEYS and f("startsAtVersion")
            )
        ),
    )


def unseen_definition(name: str, path: str, versions: tuple[ImageVersion, ...]) -> ImageDefinition:
    """The definition of versions whose own definition is not in the stack (declared by another stack): nothing
    is known of it, so the rules that compare a version with its definition are given one that passes them."""
    return ImageDefinition(
        name=name,
        family="",
        container="",
        os_type="",
        os_state="Generalized",
        hyper_v_generation="V2",
        architecture="x64",
        security_type="TrustedLaunchAndConfidentialVmSupported",
        accelerated_networking=None,
        disk_controller_types=(),
        identifier=Identifier(f"unseen:{path}", "", ""),
        description=None,
        eula=None,
        privacy_statement_uri=None,
        release_note_uri=None,
        recommended=None,
        disallowed_disk_types=(),
        purchase_plan=None,
        end_of_life=None,
        versions=versions,
        path=path,
        pos=NOWHERE,
    )


def version(r: Reader, path: str, image: Optional[str]) -> Optional[ImageVersion]:
    """The version, or None when its name is no Major.Minor.Patch (gallery.raw.scope says so)."""
    try:
        number = SemVer.parse(r("galleryImageVersionName", default=""))
    except ValueError:
        return None
    home = regions.normalize(r("location", default=""))
    replicas, storage = (
        _int(r("publishingProfile", "replicaCount", default=1)),
        r("publishingProfile", "storageAccountType", default="Standard_LRS"),
    )
    targets = [
        TargetRegion(
            regions.normalize(t("name", default="")),
            _int(t("regionalReplicaCount", default=replicas)),
            t("storageAccountType", default=storage),
            f"{path}.regions[{k}]",
            exclude_from_latest=t("excludeFromLatest"),
            encryption=_encryption(t.at("encryption"), f"{path}.regions[{k}].encryption"),
            additional_replica_sets=tuple(
                ReplicaSet(a("storageAccountType", default=""), _int(a("regionalReplicaCount", default=1)))
                for _, a in t.each("additionalReplicaSets")
            ),
        )
        for k, t in r.each("publishingProfile", "targetRegions")
    ] or [TargetRegion(home, replicas, storage, "location")]
    targets.sort(key=lambda t: t.name != home)  # the home region first, as the catalog's model has it
    safety = r.at("safetyProfile")
    uefi = r("securityProfile", "uefiSettings")
    return ImageVersion(
        version=number,
        source=source(r, path, image),
        target_regions=tuple(targets),
        storage_account_type=storage,
        replication_mode=r("publishingProfile", "replicationMode", default="Full"),
        exclude_from_latest=bool(r("publishingProfile", "excludeFromLatest", default=False)),
        end_of_life=_date(r("publishingProfile", "endOfLifeDate")),
        # Not given: not allowed (the catalog always sends it; Azure needs it true to drop a replicated region).
        allow_deletion_of_replicated_locations=bool(safety("allowDeletionOfReplicatedLocations", default=False))
        if safety
        else False,
        block_deletion_before_end_of_life=bool(safety("blockDeletionBeforeEndOfLife", default=False))
        if safety
        else False,
        path=path,
        pos=NOWHERE,
        mode_path=f"{path}.mode",
        uefi_settings=_uefi(uefi) if uefi else None,
        # The resource's tags are the catalog's and the version's together (the stack's own tags are {} here).
        tags=tuple(sorted((str(k), str(value)) for k, value in (r("tags") or {}).items())),
        restore=bool(r("restore", default=False)),
    )


def source(r: Reader, path: str, image: Optional[str]) -> Source:
    by_id = r.at("storageProfile", "source")
    if by_id is not None:
        for key, kind in (
            ("virtualMachineId", "virtualMachine"),
            ("communityGalleryImageId", "communityGalleryImageId"),
        ):
            if by_id(key):
                return ResourceSource(kind, by_id(key))
        if by_id("id"):
            return ResourceSource(_kind(by_id("id")), by_id("id"))
    os_disk = r.at("storageProfile", "osDiskImage")
    if os_disk is None:
        return ResourceSource("none", "")
    data = list(r.each("storageProfile", "dataDiskImages"))
    if os_disk("source", "uri"):
        _, container, blob = blob_parts(os_disk("source", "uri"))
        parsed = naming.parse_blob_name(blob)
        captured = parsed if parsed and (image is None or parsed[0] == image) else None
        return VhdSource(
            container=container,
            os_blob=blob,
            os_disk_caching=os_disk("hostCaching", default="None"),
            data_disks=tuple(
                DataDisk(
                    _int(d("lun", default=0)),
                    d("hostCaching", default="None"),
                    blob_parts(d("source", "uri", default=""))[2],
                    f"{path}.source.vhd.dataDisks[{k}]",
                )
                for k, d in data
            ),
            captured=captured[2] if captured else None,
            sequence=captured[3] if captured else 0,
        )
    return DiskSource(
        DiskImage(os_disk("source", "id", default=""), os_disk("hostCaching"), path=f"{path}.source"),
        tuple(
            DiskImage(
                d("source", "id", default=""),
                d("hostCaching"),
                _int(d("lun", default=0)),
                f"{path}.source.disks.dataDiskImages[{k}]",
            )
            for k, d in data
        ),
    )


def blob_parts(uri: str) -> tuple[str, str, str]:
    """(account, container, blob) of a blob URI: https://<account>.blob.<suffix>/<container>/<blob>."""
    parts = urlsplit(uri)
    container, _, blob = parts.path.lstrip("/").partition("/")
    return (parts.hostname or "").split(".")[0], container, unquote(blob)


def catalog(
    location: str,
    *,
    gallery_: Optional[Gallery] = None,
    images: tuple[ImageDefinition, ...] = (),
    resource_group: str = "",
    source: str = "",
) -> Catalog:
    """A catalog holding just these resources; the parts no gallery resource has (storage) stay empty."""
    home = regions.normalize(location or "")
    return Catalog(
        stack="",
        resource_group=resource_group,
        location=home,
        tags={},
        storage=Storage("", "", ""),
        gallery=gallery_ or Gallery("", None, "private", SharedWith(), None, False, ()),
        replication=Replication((home,), 1, "Standard_LRS", "Full", ("location",)),
        images=images,
        source_file=source,
    )


def _kind(resource_id: str) -> str:
    lower = resource_id.lower()
    for marker, kind in (
        ("/providers/microsoft.compute/images/", "managedImage"),
        ("/galleries/", "galleryImageVersion"),
        ("/virtualmachines/", "virtualMachine"),
        ("/snapshots/", "snapshot"),
    ):
        if marker in lower:
            return kind
    return "resource"


def _encryption(e: Optional[Reader], path: str) -> Optional[RegionEncryption]:
    if e is None:
        return None
    return RegionEncryption(
        e("osDiskImage", "diskEncryptionSetId"),
        e("osDiskImage", "securityProfile", "confidentialVMEncryptionType"),
        e("osDiskImage", "securityProfile", "secureVMDiskEncryptionSetId"),
        tuple(
            DataDiskEncryption(
                _int(d("lun", default=0)), d("diskEncryptionSetId", default=""), f"{path}.dataDiskImages[{k}]"
            )
            for k, d in e.each("dataDiskImages")
        ),
    )


def _uefi(u: Any) -> UefiSettings:
    sig = u.get("additionalSignatures") or {}

    def key(k: Any) -> UefiKey:
        return UefiKey(k.get("type", ""), tuple(k.get("value") or ()))

    return UefiSettings(
        tuple(u.get("signatureTemplateNames") or ()),
        key(sig["pk"]) if sig.get("pk") else None,
        *(tuple(key(k) for k in sig.get(name) or ()) for name in ("kek", "db", "dbx")),
    )


def _range(r: Optional[Reader]) -> Optional[Range]:
    return Range(r("min"), r("max")) if r else None


def _bool(text: Optional[str]) -> Optional[bool]:
    return None if text is None else str(text).lower() == "true"


def _int(value: Any) -> Any:
    """The engine sends every number as a double: 2.0 is the replica count 2."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _date(text: Optional[str]) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None

"""The catalog model: frozen dataclasses built once from a validated images.yaml.

Everything downstream (the Pulumi component, the offline plan, the diff, the uploader) takes these
objects, never raw dicts. Derived facts (containers, blob names, effective target regions, `latest`)
are computed here, once, by the loader.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Iterable, Mapping, Optional, Union

_VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
INT32_MAX = 2**31 - 1


@dataclass(frozen=True, order=True)
class SemVer:
    """A gallery image version: Major.Minor.Patch, compared as integers (1.0.10 > 1.0.9)."""

    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> "SemVer":
        """Parse `text`; raises ValueError unless it is exactly Major.Minor.Patch without leading zeros."""
        m = _VERSION.match(text) if isinstance(text, str) else None
        if not m:
            raise ValueError(f"{text!r} is not Major.Minor.Patch")
        return cls(int(m.group(1)), int(m.group(2)), int(m.group(3)))

    @property
    def fits_int32(self) -> bool:
        return all(0 <= p <= INT32_MAX for p in (self.major, self.minor, self.patch))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


@dataclass(frozen=True)
class Pos:
    """Where a node starts in the catalog file (1-based line and column)."""

    line: int
    column: int


@dataclass(frozen=True)
class DataDiskEncryption:
    lun: int
    disk_encryption_set_id: str
    path: str = field(default="", compare=False)


@dataclass(frozen=True)
class RegionEncryption:
    """A target region's `encryption`: disk encryption sets, and a confidential VM's OS disk encryption."""

    os_disk_encryption_set_id: Optional[str] = None
    confidential_vm_encryption_type: Optional[str] = None
    secure_vm_disk_encryption_set_id: Optional[str] = None
    data_disks: tuple[DataDiskEncryption, ...] = ()

    @property
    def uses_disk_encryption_sets(self) -> bool:
        return bool(self.os_disk_encryption_set_id or self.secure_vm_disk_encryption_set_id or self.data_disks)


@dataclass(frozen=True)
class ReplicaSet:
    """An additional (direct drive) replica set of a target region."""

    storage_account_type: str
    replicas: int


@dataclass(frozen=True)
class TargetRegion:
    """One effective replication target of a version (defaults already applied)."""

    name: str
    replicas: int
    storage_account_type: str
    path: str = field(default="", compare=False)  # where it is written (or defaulted from)
    exclude_from_latest: Optional[bool] = None  # this region only; None: not sent
    encryption: Optional[RegionEncryption] = None
    additional_replica_sets: tuple[ReplicaSet, ...] = ()
    # where storage_account_type is written: the region, its version, replication ("" for the schema's default)
    storage_account_type_path: str = field(default="", compare=False)


@dataclass(frozen=True)
class DataDisk:
    lun: int
    caching: str
    blob: str  # blob name inside the definition's container
    path: str = field(default="", compare=False)


@dataclass(frozen=True)
class VhdSource:
    """VHD page blobs in the family's container, named by the seeds' convention (or explicitly)."""

    container: str
    os_blob: str
    os_disk_caching: str
    data_disks: tuple[DataDisk, ...] = ()
    captured: Optional[dt.date] = None
    sequence: int = 0

    kind = "vhd"

    @property
    def blobs(self) -> tuple[str, ...]:
        return (self.os_blob,) + tuple(d.blob for d in self.data_disks)


# Source kinds given as an Azure resource id, mapped to the catalog key that names them.
RESOURCE_SOURCE_KINDS = ("managedImage", "galleryImageVersion", "virtualMachine", "snapshot", "communityGalleryImageId")


@dataclass(frozen=True)
class ResourceSource:
    """A source given by Azure resource id: a managed image, a VM, a snapshot, another gallery version, or a
    community gallery image (by its public id)."""

    kind: str  # one of RESOURCE_SOURCE_KINDS
    id: str


@dataclass(frozen=True)
class DiskImage:
    """A snapshot or managed disk that becomes the OS disk (lun None) or a data disk of a version."""

    id: str
    host_caching: Optional[str] = None  # None: not sent, Azure's default applies
    lun: Optional[int] = None
    path: str = field(default="", compare=False)


@dataclass(frozen=True)
class DiskSource:
    """Snapshots or managed disks for the OS disk and the data disks (storageProfile.osDiskImage/dataDiskImages)."""

    os_disk: DiskImage
    data_disks: tuple[DiskImage, ...] = ()

    kind = "disks"


Source = Union[VhdSource, ResourceSource, DiskSource]


@dataclass(frozen=True)
class UefiKey:
    type: str  # sha256 | x509
    value: tuple[str, ...]


@dataclass(frozen=True)
class UefiSettings:
    """securityProfile.uefiSettings: signature templates and additional UEFI keys for Secure Boot."""

    signature_template_names: tuple[str, ...] = ()
    pk: Optional[UefiKey] = None
    kek: tuple[UefiKey, ...] = ()
    db: tuple[UefiKey, ...] = ()
    dbx: tuple[UefiKey, ...] = ()


# What a canary command may name; gallery promote replaces each with the version's value.
CANARY_PLACEHOLDERS = ("versionId", "region", "image", "version", "galleryId", "resourceGroup", "stack")


@dataclass(frozen=True)
class Canary:
    """`lifecycle.canary`: a command `gallery promote` runs per region, which must exit 0 within the timeout."""

    command: tuple[str, ...]  # {stack} already replaced; the other CANARY_PLACEHOLDERS at run time
    regions: tuple[str, ...] = ()  # (): every target region of the version
    timeout_minutes: int = 30
    path: str = field(default="", compare=False)  # where it is written: lifecycle.canary or images[i].lifecycle.canary


@dataclass(frozen=True)
class Lifecycle:
    """An image's effective lifecycle policy (its own keys over the top-level ones, then the defaults)."""

    stage_new_versions: bool = False
    keep_eligible_for_latest: Optional[int] = None
    end_of_life_after_days: Optional[int] = None
    remove_after_days: Optional[int] = None
    block_deletion_before_end_of_life: bool = False
    canary: Optional[Canary] = None


@dataclass(frozen=True)
class ImageVersion:
    version: SemVer
    source: Source
    target_regions: tuple[TargetRegion, ...]  # effective; the home region is always among them
    storage_account_type: str  # default storage type of the version (regions may override)
    replication_mode: str  # Full | Shallow
    exclude_from_latest: bool
    end_of_life: Optional[dt.date]
    allow_deletion_of_replicated_locations: bool
    # safetyProfile.blockDeletionBeforeEndOfLife, from the image's lifecycle policy
    block_deletion_before_end_of_life: bool
    # Where it is written: for messages and annotations only, so moving it is not a change.
    path: str = field(compare=False)  # e.g. images[0].versions[1]
    pos: Pos = field(compare=False)
    # Where replication_mode was written: here (<path>.mode), replication.mode, or "" (the default).
    mode_path: str = field(default="", compare=False)
    uefi_settings: Optional[UefiSettings] = None  # securityProfile.uefiSettings
    # The version's own tags, sorted by key (merged over the catalog's tags in the desired state).
    tags: tuple[tuple[str, str], ...] = ()
    restore: bool = False  # restored from soft delete (Azure's restore: true)
    # Regions written with `repairing: true`: left out of target_regions while their failed replica is deleted.
    repairing: tuple[TargetRegion, ...] = ()

    @property
    def name(self) -> str:
        return str(self.version)

    def tag(self, key: str) -> Optional[str]:
        return dict(self.tags).get(key)

    @property
    def replica_count(self) -> int:
        """The version-wide replica count Azure wants: the home (first) region's count."""
        return self.target_regions[0].replicas

    def is_retired(self, today: dt.date) -> bool:
        """Retired = excluded from latest, or past its end of life: safe to delete."""
        return self.exclude_from_latest or (self.end_of_life is not None and self.end_of_life < today)


def latest_per_region(versions: Iterable[tuple[SemVer, bool, Mapping[str, bool]]]) -> dict[str, Optional[str]]:
    """`latest` in each region, from (version, excluded from latest, {target region: excluded there}): the highest
    version (as integers) that replicates to the region and is excluded neither as a whole nor there. The one rule
    for the catalog (stack outputs, lifecycle) and for what Azure holds (status)."""
    best: dict[str, Optional[SemVer]] = {}
    for version, excluded, regions in versions:
        for region, excluded_here in regions.items():
            current = best.setdefault(region, None)
            if not (excluded or excluded_here) and (current is None or version > current):
                best[region] = version
    return {region: str(v) if v is not None else None for region, v in best.items()}


@dataclass(frozen=True)
class Identifier:
    publisher: str
    offer: str
    sku: str


@dataclass(frozen=True)
class Range:
    min: Optional[int] = None
    max: Optional[int] = None


@dataclass(frozen=True)
class Recommended:
    vcpus: Optional[Range] = None
    memory_gb: Optional[Range] = None


@dataclass(frozen=True)
class PurchasePlan:
    name: str
    publisher: str
    product: str


@dataclass(frozen=True)
class ImageDefinition:
    name: str
    family: str
    container: str  # derived: storage.containerPattern with {family}
    os_type: str  # Linux | Windows
    os_state: str  # Generalized | Specialized
    hyper_v_generation: str  # V1 | V2
    architecture: str  # x64 | Arm64
    security_type: str
    accelerated_networking: Optional[bool]  # None: not written, not sent (Azure's default: false)
    disk_controller_types: tuple[str, ...]  # (): not written, not sent (Azure's default: SCSI)
    identifier: Identifier
    description: Optional[str]
    eula: Optional[str]
    privacy_statement_uri: Optional[str]
    release_note_uri: Optional[str]
    recommended: Optional[Recommended]
    disallowed_disk_types: tuple[str, ...]
    purchase_plan: Optional[PurchasePlan]
    end_of_life: Optional[dt.date]
    versions: tuple[ImageVersion, ...]
    path: str = field(compare=False)
    pos: Pos = field(compare=False)
    # The policy is what `gallery lifecycle` does, not a property of any Azure resource: not a change.
    lifecycle: Lifecycle = field(default=Lifecycle(), compare=False)
    # Where the family was written: <path>.family, or <path>.osType when it defaults to the OS type.
    family_path: str = field(default="", compare=False)
    hibernation: Optional[bool] = None  # the IsHibernateSupported feature; None: not sent
    allow_update_image: bool = False  # Azure's allowUpdateImage: features may change on the existing definition
    # (catalog feature key, first version with its value): Azure's feature startsAtVersion, sorted by key
    feature_starts: tuple[tuple[str, str], ...] = ()

    def starts_at(self, feature: str) -> Optional[str]:
        """The startsAtVersion of a feature (catalog key: securityType, hibernation, ...), if any."""
        return dict(self.feature_starts).get(feature)

    @property
    def latest(self) -> Optional[ImageVersion]:
        """The highest version (as integers) not excluded from latest, whatever its regions say: what `latest`
        gives in every region where no region-level excludeFromLatest says otherwise (see `latest_by_region`)."""
        eligible = [v for v in self.versions if not v.exclude_from_latest]
        return max(eligible, key=lambda v: v.version) if eligible else None

    def latest_by_region(self) -> dict[str, Optional[str]]:
        """{region: the version VMs in it get for `latest`}, honouring each region's own excludeFromLatest; every
        region a version targets, in the order the versions first name them."""
        return latest_per_region(
            (v.version, v.exclude_from_latest, {t.name: bool(t.exclude_from_latest) for t in v.target_regions})
            for v in self.versions
        )

    def version(self, name: str) -> Optional[ImageVersion]:
        return next((v for v in self.versions if v.name == name), None)


@dataclass(frozen=True)
class Storage:
    account: str
    sku: str
    container_pattern: str


@dataclass(frozen=True)
class SharedWith:
    subscriptions: tuple[str, ...] = ()
    tenants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Community:
    public_name_prefix: str
    publisher_uri: str
    publisher_contact: str
    eula: str


@dataclass(frozen=True)
class AccessGrant:
    principal_id: str
    role: str  # as written in the catalog
    role_definition_guid: str  # resolved from a built-in role name, or the GUID as written
    principal_type: Optional[str]
    path: str = field(default="", compare=False)


@dataclass(frozen=True)
class GalleryIdentity:
    """The gallery's managed identity, as Azure's `identity` (type + user-assigned identity ids)."""

    type: str  # SystemAssigned | UserAssigned | "SystemAssigned, UserAssigned"
    user_assigned_identities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gallery:
    name: str
    description: Optional[str]
    sharing: str  # private | groups | community
    shared_with: SharedWith
    community: Optional[Community]
    soft_delete: bool
    access: tuple[AccessGrant, ...]
    identity: Optional[GalleryIdentity] = None


@dataclass(frozen=True)
class Replication:
    regions: tuple[str, ...]
    replicas: int
    storage_account_type: str
    mode: str
    # Where each region was written: replication.regions[k], or location when they default to [location].
    region_paths: tuple[str, ...] = field(default=(), compare=False)


# The stack that holds the foundation (resource group, storage, gallery, sharing, RBAC) and every definition no shard
# names: the only stack of a catalog without shards.
MAIN = "main"


@dataclass(frozen=True)
class Shard:
    """A stack of its own for some definitions (with their versions): by family, by name, or by a name pattern."""

    name: str
    families: tuple[str, ...] = ()
    definitions: tuple[str, ...] = ()
    match: Optional[str] = None  # a name pattern, shell-style, case-sensitive (fnmatchcase)
    path: str = field(default="", compare=False)  # e.g. shards[0]

    def holds(self, image: ImageDefinition) -> bool:
        return (
            image.family in self.families
            or image.name in self.definitions
            or (self.match is not None and fnmatch.fnmatchcase(image.name, self.match))
        )


@dataclass(frozen=True)
class Catalog:
    """A validated images.yaml, with `{stack}` substituted and every default applied."""

    stack: str
    resource_group: str
    location: str
    tags: Mapping[str, str]
    storage: Storage
    gallery: Gallery
    replication: Replication
    images: tuple[ImageDefinition, ...]
    shards: tuple[Shard, ...] = ()  # none: one stack holds everything
    source_file: str = field(default="images.yaml", compare=False)
    warnings: tuple = field(default=(), compare=False)  # tuple[Problem, ...] that did not block
    # The Azure cloud the stack deploys to (gallery.catalog.regions.CLOUDS), whose regions the catalog names.
    cloud: str = field(default="public", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", MappingProxyType(dict(self.tags)))

    def __reduce__(self):
        # A mapping proxy does not pickle: the tags cross a process boundary as a dict, wrapped again on arrival.
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return type(self), tuple(dict(v) if k == "tags" else v for k, v in values.items())

    @property
    def containers(self) -> dict[str, str]:
        """Family -> blob container name, one container per OS family in use."""
        return {img.family: img.container for img in self.images}

    def image(self, name: str) -> Optional[ImageDefinition]:
        return next((i for i in self.images if i.name == name), None)

    def owner(self, image: ImageDefinition) -> str:
        """The stack part that declares the definition and its versions: its shard, or MAIN.

        The rules refuse a catalog where two shards hold one definition; before they have run, the first wins.
        """
        return next((s.name for s in self.shards if s.holds(image)), MAIN)

    @property
    def owners(self) -> tuple[str, ...]:
        """Every stack part, the main one first (it holds what the others read), then the shards as written."""
        return (MAIN, *(s.name for s in self.shards))

"""The catalog's semantic rules: what Azure enforces (and mocks do not), checked before deployment.

Each rule is a small function over the built model that yields `Finding`s; `check(catalog, doc)`
runs them all and locates each finding in the file. Facts and limits are Azure's own (the Compute
gallery REST API at 2024-03-03 and Microsoft's documentation), as each rule's comment says; the README's
"Validating" section lists them.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Optional, TypeVar

from gallery.catalog import naming, regions
from gallery.catalog.model import (
    MAIN,
    Catalog,
    DataDisk,
    DiskImage,
    DiskSource,
    ImageDefinition,
    ImageVersion,
    ResourceSource,
    VhdSource,
)
from gallery.catalog.roles import STORAGE_DATA_ROLES
from gallery.catalog.yamlload import Document
from gallery.errors import Problem


@dataclass(frozen=True)
class Finding:
    path: str
    message: str
    rule: str
    hint: Optional[str] = None
    severity: str = "error"


Rule = Callable[[Catalog], Iterable[Finding]]
T = TypeVar("T")
RULES: list[Rule] = []

TRUSTED_OR_CONFIDENTIAL = {
    "TrustedLaunch",
    "TrustedLaunchSupported",
    "ConfidentialVM",
    "ConfidentialVmSupported",
    "TrustedLaunchAndConfidentialVmSupported",
}
PRIVATE_ONLY_SECURITY = {"TrustedLaunch": "TrustedLaunchSupported", "ConfidentialVM": "ConfidentialVmSupported"}
MAX_STORAGE_TAGS = 15
MAX_RESOURCE_TAGS = 50  # any other Azure resource, an image version among them
MAX_DEFINITIONS = 1_000  # per subscription and region (Azure's gallery limits)
MAX_VERSIONS = 10_000  # per subscription and region


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


def _versions(cat: Catalog) -> Iterator[tuple[str, ImageVersion]]:
    for img in cat.images:
        for v in img.versions:
            yield img.name, v


# -- names -------------------------------------------------------------------------------------------


def _name(path: str, what: str, value: str, problem: Optional[str], rule_id: str) -> Iterator[Finding]:
    if problem:
        yield Finding(path, f"{what} '{value}' {problem}", rule_id)


@rule
def resource_group_name(cat: Catalog) -> Iterator[Finding]:
    yield from _name(
        "resourceGroup",
        "resource group name",
        cat.resource_group,
        naming.check_resource_group_name(cat.resource_group),
        "name.resource-group",
    )


@rule
def storage_account_name(cat: Catalog) -> Iterator[Finding]:
    yield from _name(
        "storage.account",
        "storage account name",
        cat.storage.account,
        naming.check_storage_account_name(cat.storage.account),
        "name.storage-account",
    )


@rule
def container_names(cat: Catalog) -> Iterator[Finding]:
    failing: dict[str, tuple[str, ImageDefinition]] = {}  # once per container, not per image of its family
    for img in cat.images:
        problem = naming.check_container_name(img.container)
        if problem:
            failing.setdefault(img.container, (problem, img))
    if not failing:
        return
    # Families are always valid container text: when the pattern fails even with a plain family, the
    # fix is in the pattern, and it is said once there rather than at every family it is derived for.
    if naming.check_container_name(naming.container_name(cat.storage.container_pattern, "abc")):
        container, (problem, img) = next(iter(failing.items()))
        yield Finding(
            "storage.containerPattern",
            f"the VHD container '{container}' (this pattern with family '{img.family}') {problem}",
            "name.container",
        )
        return
    for container, (problem, img) in failing.items():
        yield Finding(
            img.family_path,
            f"the VHD container '{container}' (storage.containerPattern with family '{img.family}') {problem}",
            "name.container",
        )


@rule
def unique_containers(cat: Catalog) -> Iterator[Finding]:
    families: dict[str, list[str]] = {}
    for img in cat.images:
        if img.family not in families.get(img.container, []):
            families.setdefault(img.container, []).append(img.family)
    for container, shared in families.items():
        if len(shared) > 1:  # the program would declare one container per family, twice under one name
            yield Finding(
                "storage.containerPattern",
                f"the families {', '.join(shared)} all get the VHD container '{container}'",
                "name.container-duplicate",
                hint="put {family} in the pattern, e.g. {family}-vhds: one container per family",
            )


@rule
def gallery_name(cat: Catalog) -> Iterator[Finding]:
    yield from _name(
        "gallery.name", "gallery name", cat.gallery.name, naming.check_gallery_name(cat.gallery.name), "name.gallery"
    )


@rule
def definition_names(cat: Catalog) -> Iterator[Finding]:
    for img in cat.images:
        yield from _name(
            f"{img.path}.name",
            "image definition name",
            img.name,
            naming.check_definition_name(img.name),
            "name.definition",
        )


@rule
def identifier_parts(cat: Catalog) -> Iterator[Finding]:
    for img in cat.images:
        for part in ("publisher", "offer", "sku"):
            value = getattr(img.identifier, part)
            yield from _name(
                f"{img.path}.identifier.{part}",
                f"identifier {part}",
                value,
                naming.check_identifier_part(part, value),
                "name.identifier",
            )


# -- uniqueness --------------------------------------------------------------------------------------


def _repeats(items: Iterable[T], key: Callable[[T], object]) -> Iterator[tuple[T, T]]:
    """(item, the earlier item with the same key) for every item whose key was seen before."""
    first: dict[object, T] = {}
    for item in items:
        k = key(item)
        if k in first:
            yield item, first[k]
        else:
            first[k] = item


@rule
def unique_definition_names(cat: Catalog) -> Iterator[Finding]:
    # Azure resource names are case-insensitive
    for img, first in _repeats(cat.images, lambda i: i.name.lower()):
        yield Finding(
            f"{img.path}.name",
            f"image definition '{img.name}' is defined twice (first at {first.path})",
            "definition.duplicate",
            hint="give each definition its own name (names are case-insensitive)",
        )


@rule
def unique_identifiers(cat: Catalog) -> Iterator[Finding]:
    def triple(img):
        return tuple(getattr(img.identifier, part).lower() for part in ("publisher", "offer", "sku"))

    for img, first in _repeats(cat.images, triple):
        ident = img.identifier
        yield Finding(
            f"{img.path}.identifier",
            f"the identifier {ident.publisher}/{ident.offer}/{ident.sku} is already used by {first.name}",
            "definition.duplicate-identifier",
            hint="publisher/offer/sku must be unique within a gallery",
        )


@rule
def unique_versions(cat: Catalog) -> Iterator[Finding]:
    for img in cat.images:
        for v, first in _repeats(img.versions, lambda v: v.version):
            yield Finding(
                f"{v.path}.version",
                f"version {v.version} of '{img.name}' is listed twice (first at {first.path})",
                "version.duplicate",
            )


@rule
def version_int32(cat: Catalog) -> Iterator[Finding]:
    for _, v in _versions(cat):
        if not v.version.fits_int32:
            yield Finding(
                f"{v.path}.version",
                f"version {v.version} has a part larger than 2147483647",
                "version.overflow",
                hint="each of Major, Minor and Patch must fit in 32 bits",
            )


@rule
def unique_vhd_blobs(cat: Catalog) -> Iterator[Finding]:
    seen: dict[tuple[str, str], str] = {}
    for img in cat.images:
        for v in img.versions:
            if not isinstance(v.source, VhdSource):
                continue
            for blob in v.source.blobs:
                if not blob:
                    continue
                key = (v.source.container, blob)
                if key in seen and seen[key] != f"{img.name} {v.version}":
                    yield Finding(
                        f"{v.path}.source.vhd",
                        f"the VHD blob {v.source.container}/{blob} is already the source of {seen[key]}",
                        "vhd.shared-blob",
                        hint="each capture is published once; a new capture on the same day takes the next sequence",
                    )
                seen.setdefault(key, f"{img.name} {v.version}")


@rule
def unique_luns(cat: Catalog) -> Iterator[Finding]:
    # gallery.json GalleryDataDiskImage.lun: "must be unique for each data disk attached to the Virtual
    # Machine", whatever each disk comes from (VHD blobs, or snapshots and managed disks mixed).
    for _, v in _versions(cat):
        if isinstance(v.source, (VhdSource, DiskSource)):
            disks: tuple[DataDisk | DiskImage, ...] = v.source.data_disks
            for d, _first in _repeats(disks, lambda d: d.lun):
                yield Finding(
                    f"{d.path}.lun",
                    f"data disk LUN {d.lun} is used twice in version {v.version}",
                    f"{v.source.kind}.duplicate-lun",
                    hint="each data disk needs its own LUN",
                )


# -- regions and replication ---------------------------------------------------------------------------


def _region(path: str, name: str, cloud: str = regions.PUBLIC) -> Iterator[Finding]:
    if regions.is_region(name, cloud):
        return
    elsewhere = [c for c in regions.clouds_of(name) if c != cloud]
    what = "an Azure region" if cloud == regions.PUBLIC else f"a region of Azure's {cloud} cloud"
    if elsewhere:
        yield Finding(
            path,
            f"'{name}' is not {what}: it is a region of the {elsewhere[0]} cloud",
            "region.cloud",
            hint=f"the stack deploys to the {cloud} cloud (azure-native:environment, --cloud or "
            f"ARM_ENVIRONMENT); set it to {elsewhere[0]} if that is where this catalog goes",
        )
        return
    close = regions.suggest(name, cloud)
    yield Finding(
        path,
        f"'{name}' is not {what}",
        "region.unknown",
        hint=f"did you mean '{close}'?" if close else "see `az account list-locations -o table`",
    )


@rule
def known_regions(cat: Catalog) -> Iterator[Finding]:
    yield from _region("location", cat.location, cat.cloud)
    for path, name in zip(cat.replication.region_paths, cat.replication.regions, strict=True):  # one path per region
        if path != "location":  # the default regions are [location]: judged once, above
            yield from _region(path, name, cat.cloud)
    for _, v in _versions(cat):
        for t in v.target_regions + v.repairing:
            if t.path.startswith("images"):
                yield from _region(t.path, t.name, cat.cloud)


@rule
def canary_regions(cat: Catalog) -> Iterator[Finding]:
    """The regions a `lifecycle.canary` runs in are regions (said once where the canary is written)."""
    canaries = {img.lifecycle.canary.path: img.lifecycle.canary for img in cat.images if img.lifecycle.canary}
    for path, canary in canaries.items():
        for k, name in enumerate(canary.regions):
            yield from _region(f"{path}.regions[{k}]", name, cat.cloud)


@rule
def unique_regions(cat: Catalog) -> Iterator[Finding]:
    seen: set[str] = set()
    for k, name in enumerate(cat.replication.regions):
        if name in seen:
            yield Finding(f"replication.regions[{k}]", f"region '{name}' is listed twice", "region.duplicate")
        seen.add(name)
    for _, v in _versions(cat):
        seen = set()
        for t in v.target_regions + v.repairing:
            if t.name in seen and t.path.startswith("images"):
                yield Finding(
                    t.path,
                    f"region '{t.name}' is listed twice for version {v.version}",
                    "region.duplicate",
                    hint="Azure rejects duplicate target regions ('West Europe' and 'westeurope' are the same region)",
                )
            seen.add(t.name)


ZONE_REDUNDANT_ACCOUNTS = {"Standard_ZRS", "Premium_ZRS", "Standard_GZRS", "Standard_RAGZRS"}


@rule
def zone_redundant_storage_needs_zones(cat: Catalog) -> Iterator[Finding]:
    # Zone-redundant storage keeps its copies in three availability zones of the region: Azure refuses
    # Standard_ZRS replicas (and a ZRS storage account) in a region that has none.
    # Judged where the cloud's data gives a zone count (the sovereign clouds' list has none: not judged there).
    def without_zones(region: str) -> bool:
        return regions.is_region(region, cat.cloud) and regions.availability_zones(region, cat.cloud) == 0

    if without_zones(cat.location) and cat.storage.sku in ZONE_REDUNDANT_ACCOUNTS:
        yield Finding(
            "storage.sku",
            f"{cat.location} has no availability zones, so Azure refuses a {cat.storage.sku} storage account there",
            "storage.zrs-without-zones",
            hint=f"use {cat.storage.sku.replace('GZRS', 'GRS').replace('ZRS', 'LRS')}",
        )
    found: dict[str, tuple[list[str], str]] = {}  # path -> (the regions, how to fix it there)
    for _, v in _versions(cat):
        for t in v.target_regions:
            if t.storage_account_type != "Standard_ZRS" or not without_zones(t.name):
                continue
            # Said once, where the fix goes: the region entry that sets the type itself, else the region as the
            # version lists it, else the version's storageAccountType, else the default region.
            typed = t.storage_account_type_path
            if typed.startswith(f"{t.path}."):
                path, fix = typed, "use Standard_LRS"
            elif t.path.startswith("images"):
                path, fix = t.path, f"write it {{name: {t.name}, storageAccountType: Standard_LRS}}"
            elif typed.startswith("images"):
                path, fix = (
                    typed,
                    "use Standard_LRS, or list the version's regions with storageAccountType: Standard_LRS for {them}",
                )
            else:
                path, fix = (
                    t.path,
                    "use replication.storageAccountType: Standard_LRS, or list the versions' "
                    "regions with storageAccountType: Standard_LRS for {them}",
                )
            names = found.setdefault(path, ([], fix))[0]
            if t.name not in names:
                names.append(t.name)
    for path, (names, fix) in found.items():
        many = len(names) > 1
        yield Finding(
            path,
            f"{' and '.join(names)} {'have' if many else 'has'} no availability zones, so Azure "
            "refuses Standard_ZRS replicas there",
            "region.zrs-without-zones",
            hint=fix.replace("{them}", "those regions" if many else "that region")
            + f", or choose {'regions' if many else 'a region'} with availability zones",
        )


@rule
def home_region_replicated(cat: Catalog) -> Iterator[Finding]:
    if not regions.is_region(cat.location, cat.cloud):
        return  # the fix is the location's own error (known_regions), not "add it" at every version
    hint = f"add {cat.location}: Azure adds it anyway, and every later preview shows a diff"
    if cat.location not in cat.replication.regions:
        yield Finding(
            "replication.regions",
            f"the default regions do not include the home region '{cat.location}'",
            "region.home-missing",
            hint=hint,
        )
    for _, v in _versions(cat):
        explicit = any(t.path.startswith("images") for t in v.target_regions + v.repairing)
        if any(t.name == cat.location for t in v.repairing):
            continue  # said by repairing_not_home, with what to do instead
        if explicit and cat.location not in {t.name for t in v.target_regions}:
            yield Finding(
                f"{v.path}.regions",
                f"version {v.version} does not replicate to the home region '{cat.location}'",
                "region.home-missing",
                hint=hint,
            )


@rule
def repairing_not_home(cat: Catalog) -> Iterator[Finding]:
    for _, v in _versions(cat):
        for t in v.repairing:
            if t.name == cat.location:
                yield Finding(
                    f"{t.path}.repairing",
                    f"the home region '{t.name}' cannot be left out of version "
                    f"{v.version}: Azure keeps every version in its home region",
                    "region.repair-home",
                    hint="a version whose replication failed in the home region cannot be repaired in "
                    "place: publish a new version",
                )


@rule
def shallow_replication(cat: Catalog) -> Iterator[Finding]:
    inheriting: list[str] = []  # versions that take mode: Shallow from replication.mode and replicate further
    for image, v in _versions(cat):
        if v.replication_mode != "Shallow":
            continue
        if len({t.name for t in v.target_regions}) > 1:
            what, hint = "keeps the image in the home region only", "replicate to one region, or use mode: Full"
        elif any(t.replicas != 1 for t in v.target_regions):
            what, hint = "allows exactly one replica", "set replicas: 1, or use mode: Full"
        else:
            continue
        if v.mode_path == f"{v.path}.mode":
            yield Finding(
                v.path, f"version {v.version} uses Shallow replication, which {what}", "replication.shallow", hint=hint
            )
        else:
            inheriting.append(f"{image} {v.version}")
    if inheriting:  # one error where Shallow was written, not one per version that inherits it
        shown = ", ".join(inheriting[:3]) + (f" and {len(inheriting) - 3} more" if len(inheriting) > 3 else "")
        yield Finding(
            "replication.mode",
            "Shallow replication keeps a version in the home region with one replica, "
            f"but {len(inheriting)} version{'s' if len(inheriting) > 1 else ''} taking this default "
            f"replicate{'s' if len(inheriting) == 1 else ''} further ({shown})",
            "replication.shallow",
            hint="use mode: Full here (a version can still set mode: Shallow), or replicate those "
            "versions to the home region only, with one replica",
        )


@rule
def encryption_not_with_shallow(cat: Catalog) -> Iterator[Finding]:
    # Shallow replication keeps no replica of its own (the version reads its source in place), so there is
    # nothing to encrypt with a customer key: Azure refuses disk encryption sets with Shallow replication
    # (the rule as issue 15 states it; Shallow replication = the home region, one replica).
    for _, v in _versions(cat):
        if v.replication_mode != "Shallow":
            continue
        for t in v.target_regions:
            if t.encryption is not None and t.encryption.uses_disk_encryption_sets:
                yield Finding(
                    f"{t.path}.encryption",
                    f"version {v.version} uses Shallow replication, which takes no disk encryption sets",
                    "replication.shallow-encryption",
                    hint="use mode: Full, or remove the region's encryption",
                )


@rule
def additional_replica_sets(cat: Catalog) -> Iterator[Finding]:
    # additionalReplicaSets are "direct drive replicas" (gallery.json AdditionalReplicaSet), the replicas
    # Premium SSD v2 disks are created from: the one Microsoft example
    # (GalleryImageVersion_Create_WithAdditionalReplicaSets.json) sends PremiumV2_LRS, and a set of the
    # region's own storage type would be regular replicas. Shallow replication keeps exactly one replica.
    for _, v in _versions(cat):
        for t in v.target_regions:
            for k, a in enumerate(t.additional_replica_sets):
                path = f"{t.path}.additionalReplicaSets[{k}]"
                if a.storage_account_type != "PremiumV2_LRS":
                    yield Finding(
                        f"{path}.storageAccountType",
                        f"additional replica sets are direct drive replicas "
                        f"of PremiumV2_LRS, not {a.storage_account_type}",
                        "replication.additional-replicas",
                        hint="use storageAccountType: PremiumV2_LRS, or raise the region's replicas instead",
                    )
                elif t.storage_account_type == "PremiumV2_LRS":
                    yield Finding(
                        f"{path}.storageAccountType",
                        "the region's replicas are already PremiumV2_LRS",
                        "replication.additional-replicas",
                        hint="raise the region's replicas instead",
                    )
            if t.additional_replica_sets and v.replication_mode == "Shallow":
                yield Finding(
                    f"{t.path}.additionalReplicaSets",
                    f"version {v.version} uses Shallow replication, which keeps exactly one replica",
                    "replication.additional-replicas",
                    hint="use mode: Full, or remove additionalReplicaSets",
                )


@rule
def unique_encryption_luns(cat: Catalog) -> Iterator[Finding]:
    # gallery.json EncryptionImages.dataDiskImages is keyed by lun (x-ms-identifiers), and each lun names a
    # data disk of the version: where the catalog knows the disks (vhd, disks), an unknown LUN is a mistake.
    for _, v in _versions(cat):
        luns = {d.lun for d in v.source.data_disks} if isinstance(v.source, (VhdSource, DiskSource)) else None
        for t in v.target_regions:
            if t.encryption is None:
                continue
            for d, _first in _repeats(t.encryption.data_disks, lambda d: d.lun):
                yield Finding(
                    f"{d.path}.lun",
                    f"data disk LUN {d.lun} is encrypted twice in region {t.name}",
                    "encryption.duplicate-lun",
                )
            for d in t.encryption.data_disks:
                if luns is not None and d.lun not in luns:
                    yield Finding(
                        f"{d.path}.lun",
                        f"version {v.version} has no data disk with LUN {d.lun}",
                        "encryption.unknown-lun",
                        hint="encrypt the LUNs of the version's data disks",
                    )


# -- security, generation, architecture -------------------------------------------------------------


@rule
def generation_requirements(cat: Catalog) -> Iterator[Finding]:
    for img in cat.images:
        if img.hyper_v_generation != "V1":
            continue
        if img.security_type in TRUSTED_OR_CONFIDENTIAL:
            yield Finding(
                f"{img.path}.securityType",
                f"securityType {img.security_type} needs hyperVGeneration V2",
                "security.needs-gen2",
                hint="use hyperVGeneration: V2, or securityType: Standard",
            )
        if img.architecture == "Arm64":
            yield Finding(
                f"{img.path}.architecture", "Arm64 images need hyperVGeneration V2", "architecture.needs-gen2"
            )
        if "NVMe" in img.disk_controller_types:
            yield Finding(
                f"{img.path}.diskControllerTypes",
                "the NVMe disk controller needs hyperVGeneration V2",
                "disk-controller.needs-gen2",
            )


@rule
def feature_start_needs_allow_update(cat: Catalog) -> Iterator[Finding]:
    # gallery.json (2024-03-03) allowUpdateImage: "Must be set to true if the gallery image features are
    # being updated"; GalleryImage_UpdateFeatures.json sends a feature's startsAtVersion with it.
    for img in cat.images:
        if img.feature_starts and not img.allow_update_image:
            keys = ", ".join(k for k, _ in img.feature_starts)
            yield Finding(
                f"{img.path}.startsAtVersion",
                f"startsAtVersion ({keys}) changes features of an existing "
                "definition, which Azure allows only with allowUpdateImage: true",
                "definition.feature-update",
                hint="set allowUpdateImage: true on this image",
            )


@rule
def feature_start_needs_value(cat: Catalog) -> Iterator[Finding]:
    # A feature's startsAtVersion travels in the feature itself ({name, value, startsAtVersion}); hibernation
    # is the one feature not sent unless given, so a start for it needs its value.
    for img in cat.images:
        if img.starts_at("hibernation") and img.hibernation is None:
            yield Finding(
                f"{img.path}.startsAtVersion.hibernation",
                "startsAtVersion.hibernation is given, but hibernation is not",
                "definition.feature-update",
                hint="set hibernation: true or false",
            )


@rule
def shared_gallery_security(cat: Catalog) -> Iterator[Finding]:
    if cat.gallery.sharing == "private":
        return
    for img in cat.images:
        better = PRIVATE_ONLY_SECURITY.get(img.security_type)
        if better:
            yield Finding(
                f"{img.path}.securityType",
                f"securityType {img.security_type} is only allowed in private "
                f"galleries; this gallery is shared ({cat.gallery.sharing})",
                "security.shared-gallery",
                hint=f"use {better}",
            )


@rule
def uefi_keys_need_secure_boot(cat: Catalog) -> Iterator[Finding]:
    # Custom UEFI keys (securityProfile.uefiSettings) go into the Secure Boot databases of the VM, and only
    # Trusted Launch and Confidential VMs have Secure Boot (learn.microsoft.com/azure/virtual-machines/
    # trusted-launch: "Secure Boot"; GalleryImageVersion_Create_WithVHD_UefiSettings.json).
    for img in cat.images:
        if img.security_type in TRUSTED_OR_CONFIDENTIAL:
            continue
        for v in img.versions:
            if v.uefi_settings is not None:
                yield Finding(
                    f"{v.path}.securityProfile.uefiSettings",
                    f"UEFI keys need a Trusted Launch or "
                    f"Confidential VM image, but '{img.name}' has securityType {img.security_type}",
                    "security.uefi-keys",
                    hint="set the definition's securityType (e.g. TrustedLaunchSupported), or remove securityProfile",
                )


CONFIDENTIAL = {"ConfidentialVM", "ConfidentialVmSupported", "TrustedLaunchAndConfidentialVmSupported"}


@rule
def confidential_encryption_needs_confidential_image(cat: Catalog) -> Iterator[Finding]:
    # OSDiskImageSecurityProfile (confidentialVMEncryptionType, secureVMDiskEncryptionSetId) describes the OS
    # disk of a confidential VM: only images whose SecurityType admits confidential VMs take it
    # (learn.microsoft.com/azure/confidential-computing/confidential-vm-overview, "Confidential OS disk encryption").
    for img in cat.images:
        if img.security_type in CONFIDENTIAL:
            continue
        for v in img.versions:
            for t in v.target_regions:
                e = t.encryption
                if e is not None and (e.confidential_vm_encryption_type or e.secure_vm_disk_encryption_set_id):
                    yield Finding(
                        f"{t.path}.encryption.osDiskImage.securityProfile",
                        "confidential VM encryption "
                        f"needs a ConfidentialVM image, but '{img.name}' has securityType "
                        f"{img.security_type}",
                        "security.confidential-encryption",
                        hint="set securityType: ConfidentialVM or ConfidentialVmSupported, or remove it",
                    )


@rule
def confidential_customer_key(cat: Catalog) -> Iterator[Finding]:
    # A confidential OS disk encrypted with a customer key (EncryptedWithCmk) takes that key from a disk
    # encryption set of type ConfidentialVmEncryptedWithCustomerKey, given as secureVMDiskEncryptionSetId; the
    # other encryption types use platform keys and take none (confidential VM docs, "customer-managed keys").
    for _, v in _versions(cat):
        for t in v.target_regions:
            e = t.encryption
            if e is None:
                continue
            path = f"{t.path}.encryption.osDiskImage.securityProfile"
            if e.confidential_vm_encryption_type == "EncryptedWithCmk" and not e.secure_vm_disk_encryption_set_id:
                yield Finding(
                    path,
                    "EncryptedWithCmk needs secureVMDiskEncryptionSetId (the customer key's disk encryption set)",
                    "security.confidential-key",
                )
            elif e.secure_vm_disk_encryption_set_id and e.confidential_vm_encryption_type != "EncryptedWithCmk":
                yield Finding(
                    path,
                    "secureVMDiskEncryptionSetId is only used with confidentialVMEncryptionType EncryptedWithCmk",
                    "security.confidential-key",
                    hint="set confidentialVMEncryptionType: EncryptedWithCmk, or remove the set",
                )


@rule
def arm64_source(cat: Catalog) -> Iterator[Finding]:
    for img in cat.images:
        if img.architecture != "Arm64":
            continue
        for v in img.versions:
            if isinstance(v.source, ResourceSource) and v.source.kind == "managedImage":
                yield Finding(
                    f"{v.path}.source.managedImage",
                    "an Arm64 version cannot come from a managed image",
                    "architecture.arm64-managed-image",
                    hint="publish from a VHD, snapshot or VM instead",
                )


@rule
def specialized_managed_image(cat: Catalog) -> Iterator[Finding]:
    # Azure's API: "For managed images, use Generalized": a managed image is always generalized, so a
    # Specialized definition refuses it when the version is created, long after the review.
    for img in cat.images:
        if img.os_state != "Specialized":
            continue
        for v in img.versions:
            if isinstance(v.source, ResourceSource) and v.source.kind == "managedImage":
                yield Finding(
                    f"{v.path}.source.managedImage",
                    "a managed image is always generalized, so it "
                    "cannot be the source of a version of a Specialized definition",
                    "source.specialized-managed-image",
                    hint="publish the specialized machine from a snapshot or managed disk (or its VM), "
                    "or make the definition osState: Generalized",
                )


# -- sharing and access --------------------------------------------------------------------------------


@rule
def sharing_consistency(cat: Catalog) -> Iterator[Finding]:
    g = cat.gallery
    has_shared_with = bool(g.shared_with.subscriptions or g.shared_with.tenants)
    if has_shared_with and g.sharing != "groups":
        yield Finding(
            "gallery.sharedWith",
            f"sharedWith needs sharing: groups (sharing is {g.sharing})",
            "sharing.shared-with",
            hint="set sharing: groups, or remove sharedWith",
        )
    if g.sharing == "groups" and not has_shared_with:
        yield Finding(
            "gallery.sharing",
            "sharing: groups, but sharedWith lists no subscription or tenant",
            "sharing.groups-empty",
            severity="warning",
            hint="add subscriptions or tenants to gallery.sharedWith",
        )
    if g.community is not None and g.sharing != "community":
        yield Finding(
            "gallery.community",
            f"community settings need sharing: community (sharing is {g.sharing})",
            "sharing.community",
            hint="set sharing: community, or remove community",
        )
    if g.sharing == "community" and g.community is None:
        yield Finding(
            "gallery.sharing",
            "sharing: community needs the community block (publicNamePrefix, publisherUri, publisherContact, eula)",
            "sharing.community",
        )


@rule
def gallery_identity(cat: Catalog) -> Iterator[Finding]:
    # ARM managed identities (common-types ManagedServiceIdentity, which the gallery's `identity` follows):
    # userAssignedIdentities are given exactly when the type includes UserAssigned; Azure answers
    # BadRequest for ids without that type, and for a UserAssigned type without ids.
    ident = cat.gallery.identity
    if ident is None:
        return
    user = "UserAssigned" in ident.type
    if user and not ident.user_assigned_identities:
        yield Finding(
            "gallery.identity",
            f"identity type '{ident.type}' needs userAssignedIdentities",
            "identity.user-assigned",
            hint="list the user-assigned identity ids, or use type: SystemAssigned",
        )
    if ident.user_assigned_identities and not user:
        yield Finding(
            "gallery.identity.userAssignedIdentities",
            f"userAssignedIdentities need a type with UserAssigned (type is {ident.type})",
            "identity.user-assigned",
            hint="use type: UserAssigned, or 'SystemAssigned, UserAssigned'",
        )


@rule
def unique_access(cat: Catalog) -> Iterator[Finding]:
    known = [a for a in cat.gallery.access if a.role_definition_guid]  # unknown roles are reported already
    for a, first in _repeats(known, lambda a: (a.principal_id, a.role_definition_guid)):
        yield Finding(
            a.path, f"principal {a.principal_id} gets role '{a.role}' twice (also at {first.path})", "access.duplicate"
        )


@rule
def access_data_roles(cat: Catalog) -> Iterator[Finding]:
    for a in cat.gallery.access:
        name = STORAGE_DATA_ROLES.get(a.role_definition_guid)
        if name:
            yield Finding(
                f"{a.path}.role",
                f"{name} is a data role of storage accounts: assigned on the gallery, it grants nothing",
                "access.data-role",
                severity="warning",
                hint="to let the principal create VMs from the images, grant Reader on the gallery; "
                "access to the uploaded VHDs is granted on the storage account, outside the catalog",
            )


@rule
def access_principal_type(cat: Catalog) -> Iterator[Finding]:
    for a in cat.gallery.access:
        if a.principal_type is None:
            # pulumi-azure-native sends principalType 'User' when it is not given, and Azure refuses
            # the assignment (UnmatchedPrincipalType) when the object is a group or service principal.
            yield Finding(
                a.path,
                "principalType is not given, so the assignment is sent as for a User; Azure "
                "refuses it if the principal is a group or service principal",
                "access.principal-type",
                severity="warning",
                hint="set principalType: User, Group or ServicePrincipal",
            )


@rule
def subscription_limits(cat: Catalog) -> Iterator[Finding]:
    # Azure's limits per subscription and region; every definition and version lives in the home region.
    versions = sum(len(img.versions) for img in cat.images)
    for count, limit, what in (
        (len(cat.images), MAX_DEFINITIONS, "image definitions"),
        (versions, MAX_VERSIONS, "image versions"),
    ):
        if count > limit:
            yield Finding(
                "images",
                f"{count:,} {what}, but Azure allows at most {limit:,} per subscription and region",
                "limits.subscription",
                hint="retire and delete old versions, or split the catalog over regions or subscriptions",
            )


@rule
def storage_tag_limit(cat: Catalog) -> Iterator[Finding]:
    if len(cat.tags) > MAX_STORAGE_TAGS:
        yield Finding(
            "tags", f"{len(cat.tags)} tags, but storage accounts take at most {MAX_STORAGE_TAGS}", "tags.limit"
        )


@rule
def version_tag_limit(cat: Catalog) -> Iterator[Finding]:
    for _, v in _versions(cat):
        merged = {**cat.tags, **dict(v.tags)}
        if v.tags and len(merged) > MAX_RESOURCE_TAGS:
            yield Finding(
                f"{v.path}.tags",
                f"version {v.version} has {len(merged)} tags with the catalog's, but "
                f"Azure takes at most {MAX_RESOURCE_TAGS} on a resource",
                "tags.limit",
                hint="remove some of the version's tags (or of the catalog's tags, which every resource carries)",
            )


# -- dates and ranges ----------------------------------------------------------------------------------


@rule
def end_of_life_after_capture(cat: Catalog) -> Iterator[Finding]:
    for _, v in _versions(cat):
        captured = v.source.captured if isinstance(v.source, VhdSource) else None
        if v.end_of_life and captured and v.end_of_life < captured:
            yield Finding(
                f"{v.path}.endOfLife",
                f"end of life {v.end_of_life} is before the capture date {captured}",
                "version.end-of-life",
            )


@rule
def version_end_of_life_past(cat: Catalog) -> Iterator[Finding]:
    today = dt.date.today()
    for _, v in _versions(cat):
        if v.end_of_life and v.end_of_life < today and not v.exclude_from_latest:
            yield Finding(
                f"{v.path}.endOfLife",
                f"version {v.version} is past its end of life ({v.end_of_life}) but still eligible for latest",
                "version.past-end-of-life",
                severity="warning",
                hint="set excludeFromLatest: true, or retire the version",
            )


@rule
def latest_exists(cat: Catalog) -> Iterator[Finding]:
    for img in cat.images:
        if img.versions and img.latest is None:
            yield Finding(
                f"{img.path}.versions",
                f"every version of '{img.name}' is excluded from latest, so VMs asking for the latest version get none",
                "definition.no-latest",
                severity="warning",
            )


@rule
def recommended_ranges(cat: Catalog) -> Iterator[Finding]:
    for img in cat.images:
        rec = img.recommended
        if rec is None:
            continue
        for key, r in (("vCPUs", rec.vcpus), ("memoryGB", rec.memory_gb)):
            if r and r.min is not None and r.max is not None and r.min > r.max:
                yield Finding(
                    f"{img.path}.recommended.{key}",
                    f"min {r.min} is larger than max {r.max}",
                    "definition.recommended-range",
                )


# -- shards: one owner stack per definition -----------------------------------------------------------


@rule
def shard_names(cat: Catalog) -> Iterator[Finding]:
    for shard in cat.shards:
        if shard.name == MAIN:
            yield Finding(
                f"{shard.path}.name",
                f"'{MAIN}' is the main stack's name, not a shard's",
                "shard.name",
                hint="choose another name: the main stack (the foundation) is there without being listed",
            )
    for shard, first in _repeats(cat.shards, lambda s: s.name):
        yield Finding(
            f"{shard.path}.name",
            f"shard '{shard.name}' is listed twice (first at {first.path})",
            "shard.duplicate",
            hint="give each shard its own name, or merge the two",
        )


@rule
def shard_criteria(cat: Catalog) -> Iterator[Finding]:
    families = sorted({img.family for img in cat.images})
    names = [img.name for img in cat.images]
    for shard in cat.shards:
        if not (shard.families or shard.definitions or shard.match):
            yield Finding(
                shard.path,
                f"shard '{shard.name}' names no definitions",
                "shard.empty-criteria",
                hint="give families, definitions or match (a name pattern)",
            )
            continue
        # Warnings, not errors: removing a shard's last definition comes before removing the shard, so that its
        # stack deploys the deletion.
        for k, family in enumerate(shard.families):
            if family not in families:
                yield Finding(
                    f"{shard.path}.families[{k}]",
                    f"no definition has the family '{family}'",
                    "shard.unknown-family",
                    severity="warning",
                    hint=_close(family, families, "the families in use"),
                )
        for k, name in enumerate(shard.definitions):
            if name not in names:
                yield Finding(
                    f"{shard.path}.definitions[{k}]",
                    f"there is no definition '{name}'",
                    "shard.unknown-definition",
                    severity="warning",
                    hint=_close(name, names, "definitions"),
                )
        if not any(shard.holds(img) for img in cat.images):
            yield Finding(
                shard.path,
                f"shard '{shard.name}' holds no definition: its stack declares nothing, so "
                "its next deployment deletes whatever it still holds",
                "shard.holds-nothing",
                severity="warning",
            )


@rule
def one_owner_per_definition(cat: Catalog) -> Iterator[Finding]:
    # Every Azure object has exactly one owner stack: two stacks declaring one definition would fight over it.
    shared: dict[tuple[int, int], list[str]] = {}
    for img in cat.images:
        holders = [k for k, shard in enumerate(cat.shards) if shard.holds(img)]
        for later in holders[1:]:
            shared.setdefault((holders[0], later), []).append(img.name)
    for (first, later), images in shared.items():
        a, b = cat.shards[first], cat.shards[later]
        shown = ", ".join(images[:3]) + (f" and {len(images) - 3} more" if len(images) > 3 else "")
        yield Finding(
            b.path,
            f"shards '{a.name}' and '{b.name}' would both hold {shown}: a definition belongs to one stack",
            "shard.overlap",
            hint="narrow one of them, or list the definitions in one shard",
        )


def _close(word: str, known: list[str], what: str) -> str:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"{what}: {', '.join(known[:10])}{', ...' if len(known) > 10 else ''}" if known else "the catalog has none"


def check(cat: Catalog, doc: Document, rules: Iterable[Rule] = RULES) -> list[Problem]:
    """Run every rule; each finding becomes a Problem located in `doc`."""
    problems = []
    for fn in rules:
        for f in fn(cat):
            problems.append(doc.problem(f.path, f.message, f.rule, hint=f.hint, severity=f.severity))
    return problems

"""Image versions: the source, the replication targets and the options that keep them safe."""

from __future__ import annotations

from typing import Optional

from gallery.catalog.model import DiskSource, ImageVersion, ResourceSource, Source, TargetRegion, VhdSource
from gallery.catalog.naming import vhd_uri
from gallery.desired.definitions import arm_datetime

# Replication sizes the timeouts. Azure does not return from a create/update until every target region holds
# its replicas: ~15 minutes for one region is common, hours for many, and azure-native gives up after 120
# minutes unless told otherwise (the version then exists in Azure but not in the state). So: a generous floor,
# plus time per region and per replica.
TIMEOUT_FLOOR_MINUTES = 6 * 60
MINUTES_PER_REGION = 60
MINUTES_PER_REPLICA = 20
DELETE_MINUTES_PER_REGION = 30


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest}m" if rest else f"{hours}h"


def version_timeouts(version: ImageVersion) -> tuple[tuple[str, str], ...]:
    """create/update: max(6h, 1h per region + 20 min per replica); delete: max(1h, 30 min per region)."""
    regions = len(version.target_regions)
    replicas = sum(r.replicas for r in version.target_regions)
    replicate = _duration(max(TIMEOUT_FLOOR_MINUTES, MINUTES_PER_REGION * regions + MINUTES_PER_REPLICA * replicas))
    return (
        ("create", replicate),
        ("update", replicate),
        ("delete", _duration(max(60, DELETE_MINUTES_PER_REGION * regions))),
    )


def storage_profile(source: Source, *, account: str, account_id: str) -> tuple[dict, list[tuple]]:
    """The storageProfile, and the paths in it that hold the storage account's id (outputs in the program)."""
    if isinstance(source, VhdSource):
        # A VHD blob is `uri` + `storageAccountId`, never `source.id` (that means a managed resource).
        def disk(blob: str) -> dict:
            return {"uri": vhd_uri(account, source.container, blob), "storageAccountId": account_id}

        wired: list[tuple] = [("storageProfile", "osDiskImage", "source", "storageAccountId")]
        wired += [
            ("storageProfile", "dataDiskImages", i, "source", "storageAccountId") for i in range(len(source.data_disks))
        ]
        return {
            "osDiskImage": {"hostCaching": source.os_disk_caching, "source": disk(source.os_blob)},
            "dataDiskImages": [
                {"lun": d.lun, "hostCaching": d.caching, "source": disk(d.blob)} for d in source.data_disks
            ]
            or None,
        }, wired
    if isinstance(source, DiskSource):  # GalleryImageVersion_Create_WithSnapshotsAsSource
        return {
            "osDiskImage": {"source": {"id": source.os_disk.id}, "hostCaching": source.os_disk.host_caching},
            "dataDiskImages": [
                {"source": {"id": d.id}, "lun": d.lun, "hostCaching": d.host_caching} for d in source.data_disks
            ]
            or None,
        }, []
    assert isinstance(source, ResourceSource)
    if source.kind == "snapshot":  # a snapshot is a disk: it is the OS disk's source
        return {"osDiskImage": {"source": {"id": source.id}}}, []
    if source.kind == "virtualMachine":
        return {"source": {"virtualMachineId": source.id}}, []
    if source.kind == "communityGalleryImageId":  # GalleryImageVersion_Create_WithCommunityImageVersionAsSource
        return {"source": {"communityGalleryImageId": source.id}}, []
    return {"source": {"id": source.id}}, []  # managedImage, galleryImageVersion


def region_encryption(region: TargetRegion) -> Optional[dict]:
    """A target region's encryption, as GalleryImageVersion_Create sends it."""
    e = region.encryption
    if e is None:
        return None
    os_disk = None
    if e.os_disk_encryption_set_id or e.confidential_vm_encryption_type or e.secure_vm_disk_encryption_set_id:
        cvm = None
        if e.confidential_vm_encryption_type or e.secure_vm_disk_encryption_set_id:
            cvm = {
                "confidentialVMEncryptionType": e.confidential_vm_encryption_type,
                "secureVMDiskEncryptionSetId": e.secure_vm_disk_encryption_set_id,
            }
        os_disk = {"diskEncryptionSetId": e.os_disk_encryption_set_id, "securityProfile": cvm}
    return {
        "osDiskImage": os_disk,
        "dataDiskImages": [{"lun": d.lun, "diskEncryptionSetId": d.disk_encryption_set_id} for d in e.data_disks]
        or None,
    }


def security_profile(version: ImageVersion) -> Optional[dict]:
    """securityProfile.uefiSettings, as GalleryImageVersion_Create_WithVHD_UefiSettings sends it."""
    u = version.uefi_settings
    if u is None:
        return None

    def key(k) -> dict:
        return {"type": k.type, "value": list(k.value)}

    signatures = None
    if u.pk or u.kek or u.db or u.dbx:
        signatures = {
            "pk": key(u.pk) if u.pk else None,
            "kek": [key(k) for k in u.kek] or None,
            "db": [key(k) for k in u.db] or None,
            "dbx": [key(k) for k in u.dbx] or None,
        }
    return {
        "uefiSettings": {
            "signatureTemplateNames": list(u.signature_template_names) or None,
            "additionalSignatures": signatures,
        }
    }


def target_region(r: TargetRegion) -> dict:
    return {
        "name": r.name,
        "regionalReplicaCount": r.replicas,
        "storageAccountType": r.storage_account_type,
        "excludeFromLatest": r.exclude_from_latest,
        "encryption": region_encryption(r),
        # GalleryImageVersion_Create_WithAdditionalReplicaSets
        "additionalReplicaSets": [
            {"storageAccountType": a.storage_account_type, "regionalReplicaCount": a.replicas}
            for a in r.additional_replica_sets
        ]
        or None,
    }


def version_inputs(
    version: ImageVersion, storage: dict, *, image: str, gallery: str, group: str, location: str, tags: dict
) -> dict:
    return {
        "galleryImageVersionName": version.name,
        "galleryImageName": image,
        "galleryName": gallery,
        "resourceGroupName": group,
        "location": location,  # the home region, which is also the first target region
        "storageProfile": storage,
        "publishingProfile": {
            "targetRegions": [target_region(r) for r in version.target_regions],
            "replicaCount": version.replica_count,
            "storageAccountType": version.storage_account_type,
            "replicationMode": version.replication_mode,
            "excludeFromLatest": version.exclude_from_latest,
            "endOfLifeDate": arm_datetime(version.end_of_life),
        },
        "safetyProfile": {
            "allowDeletionOfReplicatedLocations": version.allow_deletion_of_replicated_locations,
            # Sent only when the policy asks: existing versions must not see a new property.
            "blockDeletionBeforeEndOfLife": True if version.block_deletion_before_end_of_life else None,
        },
        "securityProfile": security_profile(version),
        # The catalog's tags, with the version's own (provenance, promotion records) over them.
        "tags": {**tags, **dict(version.tags)},
        # A soft-deleted version comes back through a PUT that says so (GalleryImageVersion_Update_RestoreSoftDeleted).
        "restore": True if version.restore else None,
    }

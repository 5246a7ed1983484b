"""Image versions: the source, the replication targets and the options that keep them safe."""
from __future__ import annotations

from typing import Optional

import pulumi
from pulumi_azure_native import compute, resources, storage

from gallery.components.definitions import arm_datetime
from gallery.catalog.model import Catalog, DiskSource, ImageDefinition, ImageVersion, ResourceSource, VhdSource
from gallery.catalog.naming import vhd_uri

# Replication sizes the timeouts. Azure does not return from a create/update until every target
# region holds its replicas: ~15 minutes for one region is common, hours for many, and
# azure-native gives up after 120 minutes unless told otherwise (the version then exists in Azure
# but not in the state). So: a generous floor, plus time per region and per replica.
TIMEOUT_FLOOR_MINUTES = 6 * 60
MINUTES_PER_REGION = 60
MINUTES_PER_REPLICA = 20
DELETE_MINUTES_PER_REGION = 30


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest}m" if rest else f"{hours}h"


def version_timeouts(version: ImageVersion) -> pulumi.CustomTimeouts:
    """create/update: max(6h, 1h per region + 20 min per replica); delete: max(1h, 30 min per region)."""
    regions = len(version.target_regions)
    replicas = sum(r.replicas for r in version.target_regions)
    replicate = max(TIMEOUT_FLOOR_MINUTES, MINUTES_PER_REGION * regions + MINUTES_PER_REPLICA * replicas)
    delete = max(60, DELETE_MINUTES_PER_REGION * regions)
    return pulumi.CustomTimeouts(create=_duration(replicate), update=_duration(replicate),
                                 delete=_duration(delete))


def storage_profile(catalog: Catalog, source, account: Optional[storage.StorageAccount]
                    ) -> compute.GalleryImageVersionStorageProfileArgs:
    if isinstance(source, VhdSource):
        # A VHD blob is `uri` + `storageAccountId`, never `source.id` (that means a managed resource).
        def disk(blob: str) -> compute.GalleryDiskImageSourceArgs:
            return compute.GalleryDiskImageSourceArgs(
                uri=vhd_uri(catalog.storage.account, source.container, blob), storage_account_id=account.id)
        return compute.GalleryImageVersionStorageProfileArgs(
            os_disk_image=compute.GalleryOSDiskImageArgs(
                host_caching=compute.HostCaching(source.os_disk_caching), source=disk(source.os_blob)),
            data_disk_images=[
                compute.GalleryDataDiskImageArgs(lun=d.lun, host_caching=compute.HostCaching(d.caching),
                                                 source=disk(d.blob))
                for d in source.data_disks] or None,
        )
    if isinstance(source, DiskSource):  # GalleryImageVersion_Create_WithSnapshotsAsSource
        def caching(value: Optional[str]) -> Optional[compute.HostCaching]:
            return compute.HostCaching(value) if value else None
        return compute.GalleryImageVersionStorageProfileArgs(
            os_disk_image=compute.GalleryOSDiskImageArgs(
                source=compute.GalleryDiskImageSourceArgs(id=source.os_disk.id),
                host_caching=caching(source.os_disk.host_caching)),
            data_disk_images=[
                compute.GalleryDataDiskImageArgs(source=compute.GalleryDiskImageSourceArgs(id=d.id), lun=d.lun,
                                                 host_caching=caching(d.host_caching))
                for d in source.data_disks] or None)
    assert isinstance(source, ResourceSource)
    if source.kind == "snapshot":  # a snapshot is a disk: it is the OS disk's source
        return compute.GalleryImageVersionStorageProfileArgs(
            os_disk_image=compute.GalleryOSDiskImageArgs(source=compute.GalleryDiskImageSourceArgs(id=source.id)))
    if source.kind == "virtualMachine":
        return compute.GalleryImageVersionStorageProfileArgs(
            source=compute.GalleryArtifactVersionFullSourceArgs(virtual_machine_id=source.id))
    if source.kind == "communityGalleryImageId":  # GalleryImageVersion_Create_WithCommunityImageVersionAsSource
        return compute.GalleryImageVersionStorageProfileArgs(
            source=compute.GalleryArtifactVersionFullSourceArgs(community_gallery_image_id=source.id))
    # managedImage, galleryImageVersion
    return compute.GalleryImageVersionStorageProfileArgs(
        source=compute.GalleryArtifactVersionFullSourceArgs(id=source.id))


def region_encryption(region) -> Optional[compute.EncryptionImagesArgs]:
    """A target region's encryption, as GalleryImageVersion_Create sends it."""
    e = region.encryption
    if e is None:
        return None
    os_disk = None
    if e.os_disk_encryption_set_id or e.confidential_vm_encryption_type or e.secure_vm_disk_encryption_set_id:
        cvm = None
        if e.confidential_vm_encryption_type or e.secure_vm_disk_encryption_set_id:
            cvm = compute.OSDiskImageSecurityProfileArgs(
                confidential_vm_encryption_type=(compute.ConfidentialVMEncryptionType(e.confidential_vm_encryption_type)
                                                 if e.confidential_vm_encryption_type else None),
                secure_vm_disk_encryption_set_id=e.secure_vm_disk_encryption_set_id)
        os_disk = compute.OSDiskImageEncryptionArgs(disk_encryption_set_id=e.os_disk_encryption_set_id,
                                                    security_profile=cvm)
    return compute.EncryptionImagesArgs(
        os_disk_image=os_disk,
        data_disk_images=[compute.DataDiskImageEncryptionArgs(lun=d.lun, disk_encryption_set_id=d.disk_encryption_set_id)
                          for d in e.data_disks] or None)


def security_profile(version: ImageVersion) -> Optional[compute.ImageVersionSecurityProfileArgs]:
    """securityProfile.uefiSettings, as GalleryImageVersion_Create_WithVHD_UefiSettings sends it."""
    u = version.uefi_settings
    if u is None:
        return None

    def key(k) -> compute.UefiKeyArgs:
        return compute.UefiKeyArgs(type=compute.UefiKeyType(k.type), value=list(k.value))
    signatures = None
    if u.pk or u.kek or u.db or u.dbx:
        signatures = compute.UefiKeySignaturesArgs(
            pk=key(u.pk) if u.pk else None, kek=[key(k) for k in u.kek] or None,
            db=[key(k) for k in u.db] or None, dbx=[key(k) for k in u.dbx] or None)
    return compute.ImageVersionSecurityProfileArgs(uefi_settings=compute.GalleryImageVersionUefiSettingsArgs(
        signature_template_names=[compute.UefiSignatureTemplateName(n) for n in u.signature_template_names] or None,
        additional_signatures=signatures))


def version_logical_name(component: str, image: ImageDefinition, version: ImageVersion) -> str:
    return f"{component}-{image.name}-{version.name}"


def declare_version(name: str, catalog: Catalog, image: ImageDefinition, version: ImageVersion,
                    group: resources.ResourceGroup, gallery: compute.Gallery,
                    definition: pulumi.Input[str], account: storage.StorageAccount,
                    containers: dict[str, storage.BlobContainer],
                    parent: pulumi.Resource) -> compute.GalleryImageVersion:
    is_vhd = isinstance(version.source, VhdSource)
    return compute.GalleryImageVersion(
        version_logical_name(name, image, version),
        compute.GalleryImageVersionArgs(
            gallery_image_version_name=version.name,
            gallery_image_name=definition,  # the definition's name: its resource's output, so it comes first
            gallery_name=gallery.name,
            resource_group_name=group.name,
            location=catalog.location,  # the home region, which is also the first target region
            storage_profile=storage_profile(catalog, version.source, account if is_vhd else None),
            publishing_profile=compute.GalleryImageVersionPublishingProfileArgs(
                target_regions=[
                    compute.TargetRegionArgs(name=r.name, regional_replica_count=r.replicas,
                                             storage_account_type=compute.StorageAccountType(r.storage_account_type),
                                             exclude_from_latest=r.exclude_from_latest,
                                             encryption=region_encryption(r),
                                             # GalleryImageVersion_Create_WithAdditionalReplicaSets
                                             additional_replica_sets=[
                                                 compute.AdditionalReplicaSetArgs(
                                                     storage_account_type=compute.StorageAccountType(a.storage_account_type),
                                                     regional_replica_count=a.replicas)
                                                 for a in r.additional_replica_sets] or None)
                    for r in version.target_regions],
                replica_count=version.replica_count,
                storage_account_type=compute.StorageAccountType(version.storage_account_type),
                replication_mode=compute.ReplicationMode(version.replication_mode),
                exclude_from_latest=version.exclude_from_latest,
                end_of_life_date=arm_datetime(version.end_of_life),
            ),
            safety_profile=compute.GalleryImageVersionSafetyProfileArgs(
                allow_deletion_of_replicated_locations=version.allow_deletion_of_replicated_locations,
                # Sent only when the policy asks: existing versions must not see a new property.
                block_deletion_before_end_of_life=True if version.block_deletion_before_end_of_life else None),
            security_profile=security_profile(version),
            tags=dict(catalog.tags),
        ),
        opts=pulumi.ResourceOptions(
            parent=parent,
            # The blobs live in the family's container: it must exist before Azure reads them.
            depends_on=[containers[image.family]] if is_vhd else None,
            custom_timeouts=version_timeouts(version),
            # No replace_on_changes: the source, storage type and replication mode are fixed, but
            # replacing a published version (same number, consumers pinned to it) is never the
            # answer. Publish a new version; the PR diff blocks the change.
        ),
    )

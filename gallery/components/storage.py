"""The storage account VHDs are uploaded to, and one blob container per OS family."""
from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import resources, storage

from gallery.catalog.model import Catalog


def account_logical_name(component: str) -> str:
    return f"{component}-storage"


def container_logical_name(component: str, family: str) -> str:
    return f"{component}-container-{family}"


@dataclass
class VhdStorage:
    account: storage.StorageAccount
    containers: dict[str, storage.BlobContainer]  # OS family -> its container


def declare_storage(name: str, catalog: Catalog, group: resources.ResourceGroup,
                    parent: pulumi.Resource) -> VhdStorage:
    account = storage.StorageAccount(
        account_logical_name(name),
        storage.StorageAccountArgs(
            account_name=catalog.storage.account,
            resource_group_name=group.name,
            location=catalog.location,
            # StorageV2: VHDs must be page blobs, which general-purpose v2 accounts hold.
            kind=storage.Kind.STORAGE_V2,
            sku=storage.SkuArgs(name=catalog.storage.sku),
            enable_https_traffic_only=True,
            minimum_tls_version=storage.MinimumTlsVersion.TLS1_2,
            # The VHDs are the images' source of truth: never readable anonymously.
            allow_blob_public_access=False,
            tags=dict(catalog.tags),
        ),
        # Deleting the account deletes every uploaded VHD: `pulumi destroy` must not do that quietly.
        opts=pulumi.ResourceOptions(parent=parent, protect=True),
    )
    containers = {}
    for family, container in sorted(catalog.containers.items()):
        containers[family] = storage.BlobContainer(
            container_logical_name(name, family),
            storage.BlobContainerArgs(
                account_name=account.name,
                resource_group_name=group.name,
                container_name=container,
                public_access=storage.PublicAccess.NONE,
            ),
            # A family dropped from the catalog must not take its uploaded VHDs with it: the
            # container leaves the stack but stays in Azure (delete it by hand once it is empty).
            opts=pulumi.ResourceOptions(parent=parent, retain_on_delete=True),
        )
    return VhdStorage(account, containers)

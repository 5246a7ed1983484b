"""`--check-blobs` for `validate` and `plan`: every VHD the catalog references is really there.

It reaches the storage account (a connection string from AZURE_STORAGE_CONNECTION_STRING, or the
catalog's account with DefaultAzureCredential), so it is opt-in: validation stays offline otherwise.
"""

from __future__ import annotations

import argparse

from gallery.catalog.model import Catalog, VhdSource
from gallery.errors import CatalogError, Problem


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check-blobs",
        action="store_true",
        help="also confirm that every VHD blob the catalog references exists, is a complete page "
        "blob and a fixed VHD of the right size (needs access to the storage account: "
        "AZURE_STORAGE_CONNECTION_STRING or your Azure login)",
    )


def check_or_raise(catalog: Catalog) -> None:
    """Raise CatalogError listing every missing or broken blob, or the reason the account can't be read."""
    if not any(isinstance(v.source, VhdSource) for i in catalog.images for v in i.versions):
        return
    from gallery.vhd import blobstore  # the Azure SDKs load only when blobs are checked

    service, how = blobstore.service_client(catalog.storage.account)
    try:
        problems = blobstore.check_catalog_blobs(catalog, service)
    except Exception as exc:  # noqa: BLE001 - only what `explain` recognises is the user's to fix
        reason = blobstore.explain(exc, connection_string=how.endswith(blobstore.CONNECTION_STRING))
        if reason is None:
            raise
        raise CatalogError(
            [
                Problem(
                    catalog.source_file,
                    0,
                    0,
                    "storage.account",
                    f"cannot check the VHD blobs ({how}): {reason}",
                    "blob.access",
                )
            ]
        ) from None
    if problems:
        raise CatalogError(problems)

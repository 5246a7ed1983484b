"""The Pulumi program: read the stack's config, load the catalog, declare it, export what consumers need.

`pulumi up` runs this file; so does `python -m gallery plan`, under Pulumi's mock engine.
"""
from pathlib import Path

import pulumi

from gallery.components import ImageGallery, ImageGalleryArgs
from gallery.errors import CatalogError
from gallery.catalog.loader import load_catalog

config = pulumi.Config()
# Relative paths are relative to the project, wherever `pulumi` was started from.
catalog_path = Path(__file__).resolve().parent / config.get("catalog", "images.yaml")

try:
    catalog = load_catalog(catalog_path, pulumi.get_stack())
except CatalogError as exc:
    # Nothing is declared from an invalid catalog; the problems read like `python -m gallery validate`.
    raise pulumi.RunError(f"the catalog {catalog_path.name} is invalid:\n{exc}") from None
for warning in catalog.warnings:
    pulumi.log.warn(warning.text())

gallery = ImageGallery("gallery", ImageGalleryArgs(catalog=catalog))

pulumi.export("resourceGroupName", gallery.resource_group_name)
pulumi.export("galleryName", gallery.gallery_name)
pulumi.export("galleryId", gallery.gallery_id)
pulumi.export("storageAccountName", gallery.storage_account_name)
pulumi.export("storageAccountId", gallery.storage_account_id)
pulumi.export("containers", gallery.containers)
pulumi.export("definitionIds", gallery.definition_ids)
pulumi.export("versionIds", gallery.version_ids)
pulumi.export("latestVersions", gallery.latest_versions)
pulumi.export("latestVersionIds", gallery.latest_version_ids)

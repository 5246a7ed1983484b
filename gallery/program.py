"""The Pulumi program: a validated catalog declared as the `ImageGallery` component, its outputs exported.

`pulumi up` runs the root `__main__.py`, which reads the stack's config and calls `load` and `declare`;
the offline plan calls `declare` under the mock engine with the catalog it already loaded.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import pulumi

from gallery.azure.target import ArmTarget, resolve_target
from gallery.catalog.loader import load_catalog
from gallery.catalog.model import Catalog
from gallery.components import ImageGallery, ImageGalleryArgs
from gallery.desired.names import COMPONENT_NAME
from gallery.desired.selection import Selection
from gallery.errors import CatalogError

CATALOG_KEY = "catalog"  # the project's config key: the catalog's path, relative to the project
DEFAULT_CATALOG = "images.yaml"


def load(project_dir: Path, config: pulumi.Config, stack: str) -> Catalog:
    """The stack's catalog, validated; its warnings go to Pulumi's log. An invalid one stops the program."""
    path = project_dir / config.get(CATALOG_KEY, DEFAULT_CATALOG)
    try:
        catalog = load_catalog(path, stack)
    except CatalogError as exc:
        # Nothing is declared from an invalid catalog; the problems read like `gallery validate`.
        raise pulumi.RunError(f"the catalog {path.name} is invalid:\n{exc}") from None
    for warning in catalog.warnings:
        pulumi.log.warn(warning.text())
    return catalog


def arm_target() -> ArmTarget:
    """Where the sharing resources call ARM: the cloud the provider deploys to (`azure-native:environment`)."""
    return resolve_target(cloud=pulumi.Config("azure-native").get("environment"))


def declare(catalog: Catalog, only: Optional[Selection] = None) -> ImageGallery:
    """Declare the catalog (or the `only` part of it) and export the component's outputs."""
    gallery = ImageGallery(COMPONENT_NAME, ImageGalleryArgs(catalog=catalog, only=only, arm=arm_target()))
    for key, value in gallery.outputs.exports().items():
        pulumi.export(key, value)
    return gallery

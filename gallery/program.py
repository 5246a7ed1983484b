"""The Pulumi program: the part of a validated catalog a stack declares, as the `ImageGallery` component, its
outputs exported.

`pulumi up` runs the root `__main__.py`, which reads the stack's config and calls `part`, `load` and `declare_part`;
the offline plan calls the same under the mock engine with the catalog it already loaded. A catalog without
`shards:` is one stack, declared whole, exactly as before shards existed; with shards, the config
`image-gallery:shard` says which part the stack declares (gallery.desired.shards).
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
from gallery.desired.shards import FOUNDATION_KEY, SHARD_KEY, StackPart, check_part, from_config
from gallery.errors import CatalogError

CATALOG_KEY = "catalog"  # the project's config key: the catalog's path, relative to the project
DEFAULT_CATALOG = "images.yaml"


def part(config: pulumi.Config, stack: str) -> tuple[str, StackPart]:
    """The catalog's `{stack}` and the part of it this stack declares, from its config. An inconsistent config
    (a shard without its main stack, or the reverse) stops the program."""
    try:
        return from_config(stack, config.get(SHARD_KEY), config.get(FOUNDATION_KEY))
    except CatalogError as exc:
        raise pulumi.RunError(f"the stack's config is inconsistent:\n{exc}") from None


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


def declare_part(catalog: Catalog, stack_part: StackPart, stack: str) -> ImageGallery:
    """Declare what the stack `stack` owns: the whole catalog when it has no shards, else its part of it."""
    try:
        check_part(catalog, stack, stack_part)
    except CatalogError as exc:
        raise pulumi.RunError(f"the stack's config does not fit the catalog:\n{exc}") from None
    if not catalog.shards:
        return declare(catalog)
    return declare(catalog, Selection.of_stack(catalog, stack_part.owner), foundation=stack_part.foundation)


def declare(catalog: Catalog, only: Optional[Selection] = None, *, foundation: Optional[str] = None) -> ImageGallery:
    """Declare the catalog (or the `only` part of it, reading the foundation from the main stack `foundation`)
    and export the component's outputs."""
    gallery = ImageGallery(
        COMPONENT_NAME, ImageGalleryArgs(catalog=catalog, only=only, arm=arm_target(), foundation=foundation)
    )
    for key, value in gallery.outputs.exports().items():
        pulumi.export(key, value)
    return gallery

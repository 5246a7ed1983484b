"""The component provider: `gallery:index:ImageGallery` constructed for programs in any language.

`pulumi package add` runs provider/__main__.py, which serves `GalleryProvider` (pulumi.provider's gRPC server). A
TypeScript, Go, C# or YAML program's `new ImageGallery(...)` reaches `construct` with the catalog as YAML text (or
a path) and a stack name; the catalog is loaded and validated as `gallery validate` does, and the very component
the Python program declares (gallery.components.ImageGallery) declares it, with the program's stack outputs as the
component's outputs.
"""

from __future__ import annotations

import json
import os
from typing import Any, Mapping, Optional

import pulumi
from pulumi.errors import InputPropertyError
from pulumi.provider import ConstructResult, Provider

import gallery
from gallery import program
from gallery.catalog.loader import load_catalog, load_catalog_text
from gallery.catalog.model import Catalog
from gallery.components import TYPE, ImageGallery, ImageGalleryArgs
from gallery.errors import CatalogError
from gallery.provider.schema import package_schema

KNOWN = (
    "must be known when the component is constructed (plain text, not another resource's output): the catalog "
    "decides which resources exist"
)


class GalleryProvider(Provider):
    def __init__(self) -> None:
        super().__init__(gallery.__version__, json.dumps(package_schema()))

    def construct(
        self, name: str, resource_type: str, inputs: Mapping[str, Any], options: Optional[pulumi.ResourceOptions] = None
    ) -> ConstructResult:
        if resource_type != TYPE:
            raise ValueError(f"unknown resource type {resource_type}: this package has only {TYPE}")
        catalog = catalog_input(inputs)
        for warning in catalog.warnings:
            pulumi.log.warn(warning.text())
        component = ImageGallery(name, ImageGalleryArgs(catalog=catalog, arm=program.arm_target()), options)
        return ConstructResult(urn=component.urn, state=component.outputs.exports())


def catalog_input(inputs: Mapping[str, Any]) -> Catalog:
    """The validated catalog the inputs give; an InputPropertyError names the input that is wrong and why."""
    for key in ("catalog", "catalogPath", "stack"):
        if isinstance(inputs.get(key), pulumi.Output):
            raise InputPropertyError(key, KNOWN)
    text, path = inputs.get("catalog"), inputs.get("catalogPath")
    stack = inputs.get("stack") or pulumi.get_stack()
    if (text is None) == (path is None):
        raise InputPropertyError(
            "catalog", "give the catalog as YAML text (catalog) or as a file (catalogPath), one of the two"
        )
    if path is not None and not os.path.isabs(path):
        raise InputPropertyError(
            "catalogPath",
            f"'{path}' is not an absolute path: the component runs in a process "
            "of its own, not in the program's directory; pass the file's text as "
            "catalog instead",
        )
    try:
        return load_catalog(path, stack) if path is not None else load_catalog_text(str(text), "catalog", stack)
    except CatalogError as exc:
        raise InputPropertyError(
            "catalogPath" if path is not None else "catalog", f"the catalog is invalid:\n{exc}"
        ) from None

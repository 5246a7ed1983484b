"""The package schema of `gallery`: `gallery:index:ImageGallery` as TypeScript, Go, C#, Python and YAML see it.

The outputs are GalleryOutputs' fields (the stack outputs the program exports), their types read from its
annotations; the inputs are the catalog as YAML text (or a file) and the stack whose name `{stack}` takes. The
schema is checked in at provider/schema.json: `python -m gallery.provider.schema` writes it again, and a test fails
while the file and this module disagree, so a change to the component's interface is seen in review.
"""

from __future__ import annotations

import json
import sys
import types
from dataclasses import fields
from pathlib import Path
from typing import Any

import gallery
from gallery.catalog.naming import camel
from gallery.components import TYPE, GalleryOutputs

PACKAGE = TYPE.split(":")[0]
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "provider" / "schema.json"

INPUTS = {
    "catalog": {
        "type": "string",
        "description": "The catalog (images.yaml) as YAML text, e.g. read from the file "
        "by the program. Give this or catalogPath.",
    },
    "catalogPath": {
        "type": "string",
        "description": "The absolute path of the catalog file, read by the component's "
        "own process. Give this or catalog.",
    },
    "stack": {
        "type": "string",
        "description": "The stack name the catalog's {stack} takes (default: the name of "
        "the stack this program runs in).",
    },
}
OUTPUTS = {
    "resource_group_name": "The resource group the gallery lives in.",
    "gallery_name": "The gallery's name.",
    "gallery_id": "The gallery's ARM id.",
    "storage_account_name": "The storage account holding the VHD blobs.",
    "storage_account_id": "The storage account's ARM id.",
    "containers": "The blob container of each OS family: {family: container}.",
    "definition_ids": "The ARM id of each image definition: {image: id}.",
    "version_ids": "The ARM id of each image version: {image: {version: id}}.",
    "latest_versions": "What `latest` resolves to for each image (the highest version not excluded): {image: version}.",
    "latest_version_ids": "The ARM id of each image's latest version: {image: id}.",
    "latest_versions_by_region": "What `latest` resolves to in each target region, where a region's own "
    "excludeFromLatest may differ: {image: {region: version}}.",
    "community_sharing_enabled": "Whether Azure has published the gallery to the community.",
    "community_public_names": "The community gallery's public names ([] unless shared with the community).",
}


class _Value:
    """pulumi.Output[T] and pulumi.Input[T] in an annotation: a T to the schema."""

    def __class_getitem__(cls, item: Any) -> Any:
        return item


class _Map:
    def __class_getitem__(cls, item: tuple) -> dict:
        return {"type": "object", "additionalProperties": _type(item[1])}


_NAMES = {
    "pulumi": types.SimpleNamespace(Output=_Value, Input=_Value),
    "Mapping": _Map,
    "str": str,
    "bool": bool,
    "list": list,
    "Optional": _Value,
}  # Optional: an id a program that declares the gallery always has


def _type(hint: Any) -> dict:
    """A schema type from a GalleryOutputs annotation: Output/Input of str, bool or list, and mappings of them."""
    if isinstance(hint, str):
        hint = eval(hint, {"__builtins__": {}}, _NAMES)  # our own dataclass's annotations, nothing else
    if isinstance(hint, dict):
        return hint
    if hint is list:
        return {"type": "array", "items": {"type": "string"}}
    return {"type": {str: "string", bool: "boolean"}[hint]}


def package_schema() -> dict:
    outputs = {camel(f.name): {**_type(f.type), "description": OUTPUTS[f.name]} for f in fields(GalleryOutputs)}
    return {
        "name": PACKAGE,
        "displayName": "Image gallery",
        "version": gallery.__version__,
        "description": "An Azure Compute Gallery declared from a catalog (images.yaml), validated by the catalog's "
        "rules: resource group, storage, gallery, image definitions and versions, sharing and RBAC.",
        "resources": {
            TYPE: {
                "isComponent": True,
                "description": "The catalog's gallery, definitions and versions, with the outputs a VM stack needs.",
                "inputProperties": INPUTS,
                "requiredInputs": [],
                "properties": outputs,
                "required": sorted(outputs),
            }
        },
        "language": {
            "nodejs": {"packageName": "@image-gallery/gallery"},
            "python": {"packageName": "image_gallery_sdk"},
            "csharp": {"rootNamespace": "ImageGallery"},
        },
    }


def text() -> str:
    return json.dumps(package_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    SCHEMA_FILE.write_text(text(), "utf-8")
    sys.stdout.write(f"wrote {SCHEMA_FILE}\n")

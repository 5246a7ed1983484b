"""A resource as the engine receives it: type, logical name, URN and camelCase inputs, some perhaps not known yet.

During a preview an input that comes from another resource's output may not be known (a new resource group's
name, a new storage account's id). Such a value is `UNKNOWN` here; reading one raises `Unjudged`, and the policy
that needed it says it cannot judge the resource in this preview (`pulumi up` judges it with the real value).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Optional

from gallery.desired import arm


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()
_MISSING = object()


class Unjudged(Exception):
    """A value the judgement needs is not known yet."""

    def __init__(self, path: str):
        super().__init__(f"{path} is not known before the resource it comes from exists")
        self.path = path


@dataclass(frozen=True)
class RawResource:
    type: str  # e.g. azure-native:compute:GalleryImageVersion
    name: str  # the logical name
    urn: str
    inputs: Mapping[str, Any]  # azure-native camelCase; UNKNOWN where the engine does not know the value yet
    # input -> URNs of the resources its value comes from (the engine's property dependencies): how a version
    # whose galleryImageName is not known yet still finds its definition
    links: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def read(self, *path: Any, default: Any = None) -> Any:
        return Reader(self.inputs, "")(*path, default=default)

    def reader(self) -> "Reader":
        return Reader(self.inputs, "")


# The Azure names each type's inputs hold, from the gallery down.
NAMES = {
    arm.GALLERY: ("resourceGroupName", "galleryName"),
    arm.DEFINITION: ("resourceGroupName", "galleryName", "galleryImageName"),
    arm.VERSION: ("resourceGroupName", "galleryName", "galleryImageName", "galleryImageVersionName"),
}
_ID = re.compile(
    r"/resourceGroups/([^/]+)/providers/Microsoft\.Compute/galleries/([^/]+)(?:/images/([^/]+)"
    r"(?:/versions/([^/]+))?)?$",
    re.IGNORECASE,
)


def named(rtype: str, props: Mapping[str, Any]) -> Mapping[str, Any]:
    """`props` with the Azure names its type's inputs hold. A stack policy may be shown a resource's outputs,
    which have them only in the ARM `id` (and its own in `name`)."""
    wanted = NAMES.get(rtype, ())
    if all(k in props for k in wanted):
        return props
    found = _ID.search(props["id"]) if isinstance(props.get("id"), str) else None
    values = (
        [found.group(k + 1) for k in range(len(wanted))] if found else [None] * (len(wanted) - 1) + [props.get("name")]
    )
    return {**{k: v for k, v in zip(wanted, values, strict=True) if v is not None}, **props}


def from_record(record: Mapping[str, Any]) -> RawResource:
    """A record of the offline plan (or of the desired state): what `pulumi up` sends the engine."""
    return RawResource(record["type"], record["name"], record["urn"], record.get("inputs") or {})


class Reader:
    """Reads nested inputs by path; `UNKNOWN` on the way raises Unjudged, a missing key gives the default."""

    def __init__(self, node: Any, where: str):
        self.node, self.where = node, where

    def __call__(self, *path: Any, default: Any = None) -> Any:
        node, where = self.node, self.where
        for key in path:
            if node is UNKNOWN:
                raise Unjudged(where)
            where = f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}" if where else str(key)
            if isinstance(node, Mapping):
                node = node.get(key, _MISSING)
            elif isinstance(node, (list, tuple)) and isinstance(key, int) and 0 <= key < len(node):
                node = node[key]
            else:
                node = _MISSING
            if node is _MISSING or node is None:
                return default
        if node is UNKNOWN:
            raise Unjudged(where)
        return node

    def at(self, *path: Any) -> Optional["Reader"]:
        """A reader of the mapping at `path`, or None when there is none."""
        node = self(*path)
        if not isinstance(node, Mapping):
            return None
        where = self.where
        for key in path:
            where = f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}" if where else str(key)
        return Reader(node, where)

    def each(self, *path: Any) -> Iterator[tuple[int, "Reader"]]:
        """(index, reader) of each mapping in the list at `path`."""
        items = self(*path, default=[])
        if not isinstance(items, (list, tuple)):
            return
        for k in range(len(items)):
            item = self.at(*path, k)
            if item is not None:
                yield k, item

    def has(self, *path: Any) -> bool:
        """Whether the key at `path` is given, known or not."""
        *parents, last = path
        node = self(*parents) if parents else self.node
        return isinstance(node, Mapping) and node.get(last) is not None

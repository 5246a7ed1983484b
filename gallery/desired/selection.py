"""A part of a catalog: which definitions and versions, and whether the foundation, a state holds.

The foundation is what every image lives in (resource group, storage account and containers, gallery,
sharing, role assignments). The review diff builds only what a change touches (`changed`); each stack of a
sharded catalog is a selection too (`of_stack`): a shard's definitions with all their versions, without the
foundation, or the main stack's, with it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Iterable, Optional

from gallery.catalog.model import MAIN, Catalog, ImageDefinition


@dataclass(frozen=True)
class Selection:
    """These definitions, these versions (of any image), and the foundation or not.

    A version whose definition is not selected names it without depending on it.
    """

    definitions: frozenset[str]  # image names
    versions: frozenset[tuple[str, str]]  # (image name, version)
    foundation: bool = True
    owner: str = MAIN  # the stack part whose component this is (the component is in every stack)

    @classmethod
    def images(cls, catalog: Catalog, names: Iterable[str], *, foundation: bool = False) -> "Selection":
        """Whole definitions: each with every version it has in `catalog`."""
        wanted = set(names)
        return cls(
            frozenset(wanted),
            frozenset((i.name, v.name) for i in catalog.images if i.name in wanted for v in i.versions),
            foundation,
        )

    @classmethod
    def of_stack(cls, catalog: Catalog, owner: str) -> "Selection":
        """What the stack `owner` declares: its definitions with their versions, and the foundation for MAIN."""
        images = [i.name for i in catalog.images if catalog.owner(i) == owner]
        return replace(cls.images(catalog, images, foundation=owner == MAIN), owner=owner)

    def __or__(self, other: "Selection") -> "Selection":
        return replace(
            self,
            definitions=self.definitions | other.definitions,
            versions=self.versions | other.versions,
            foundation=self.foundation or other.foundation,
        )

    def has_definition(self, name: str) -> bool:
        return name in self.definitions

    def has_version(self, image: str, version: str) -> bool:
        return (image, version) in self.versions


# Catalog fields that are not part of any one image, and take no part in what gets declared. Shards say which
# stack declares a resource, not what it is: a definition that changes stacks is a move (gallery.diff.report).
_NOT_DECLARED = {"images", "shards", "source_file", "warnings", "stack"}


def changed(base: Catalog, head: Catalog) -> Optional[Selection]:
    """The definitions and versions whose resources may differ; None when everything may.

    A definition or version whose model is equal on both sides becomes equal resources on both sides (a
    changed version's unchanged definition too: the version only names it). A definition's own settings
    flow into its versions, so a changed definition selects all of them; anything outside the images
    (resource group, location, tags, storage, gallery, replication defaults) flows into every resource.
    """
    if base.stack != head.stack or any(
        getattr(base, f.name) != getattr(head, f.name) for f in fields(Catalog) if f.name not in _NOT_DECLARED
    ):
        return None
    before = {image.name: image for image in base.images}
    after = {image.name: image for image in head.images}
    definitions: set[str] = set()
    versions: set[tuple[str, str]] = set()
    for name in before.keys() | after.keys():
        old, new = before.get(name), after.get(name)
        if old is None or new is None or _definition(old) != _definition(new):
            definitions.add(name)
            versions |= {(name, v.name) for image in (old, new) if image for v in image.versions}
            continue
        old_versions = {v.name: v for v in old.versions}
        new_versions = {v.name: v for v in new.versions}
        versions |= {
            (name, v) for v in old_versions.keys() | new_versions.keys() if old_versions.get(v) != new_versions.get(v)
        }
    return Selection(frozenset(definitions), frozenset(versions))


def _definition(image: ImageDefinition) -> ImageDefinition:
    """The definition's own settings (which also flow into its versions), versions aside."""
    return replace(image, versions=())

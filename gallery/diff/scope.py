"""What a change touches: the part of both catalogs the resource-level diff has to plan.

Planning costs about 20 ms per resource under the mock engine, so a pull request that changes a
handful of versions in a 10,000-version catalog must not plan all of them. A definition or version
whose model is equal on both sides declares equal records on both sides, so it is left out of both
plans (a changed version's unchanged definition too: the version only names it), and the comparison
of what remains equals the comparison of the whole plans. A definition's own settings flow into its
versions' records, so a changed definition plans all its versions; anything outside the images
(resource group, location, tags, storage, gallery, replication defaults) flows into every record, so a
change there plans everything.
"""
from __future__ import annotations

from dataclasses import fields, replace
from typing import Optional

from gallery.catalog.model import Catalog, ImageDefinition
from gallery.components import Selection

# Catalog fields that are not part of any one image, and take no part in what gets declared.
_NOT_DECLARED = {"images", "source_file", "warnings", "stack"}


def changed(base: Catalog, head: Catalog) -> Optional[Selection]:
    """The definitions and versions whose resources may differ; None when everything must be planned."""
    if any(getattr(base, f.name) != getattr(head, f.name) for f in fields(Catalog) if f.name not in _NOT_DECLARED):
        return None
    if base.stack != head.stack:
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
        versions |= {(name, v) for v in old_versions.keys() | new_versions.keys()
                     if old_versions.get(v) != new_versions.get(v)}
    return Selection(frozenset(definitions), frozenset(versions))


def _definition(image: ImageDefinition) -> ImageDefinition:
    """The definition's own settings (which also flow into its versions' records), versions aside."""
    return replace(image, versions=())

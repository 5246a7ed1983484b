"""Judging raw resources: one alone with the rules scoped to its type, or a stack's resources with the others.

A resource alone becomes a catalog holding only it (a version under a definition nothing is known of). A stack's
Gallery, GalleryImage and GalleryImageVersion resources become one catalog per gallery: definitions join their
gallery and versions their definition by Azure name, or, where a name is not known yet in a preview, through the
engine's property dependencies. Each finding is given back to the resource its path lies in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from gallery.catalog.model import Catalog, ImageDefinition, ImageVersion
from gallery.desired import arm
from gallery.raw import model
from gallery.raw.resources import RawResource, Reader, Unjudged
from gallery.raw.scope import Check, Scope

FIRST, FIRST_VERSION = "images[0]", "images[0].versions[0]"
UNSEEN = ""  # the owner of an unseen definition's own findings: none in this stack, so they are not reported


@dataclass(frozen=True)
class StackCatalog:
    """One gallery of a stack as a catalog, and the URN of the resource at each catalog path."""

    key: tuple  # (resource group, gallery) in lower case, or (URN,) when not known yet
    catalog: Catalog
    owners: dict[str, str]  # catalog path -> URN ("" is the gallery)

    @property
    def gallery_urn(self) -> Optional[str]:
        return self.owners.get("")

    def owner(self, path: str) -> Optional[str]:
        """The URN of the deepest resource whose catalog path `path` lies in."""
        best = None
        for prefix, urn in self.owners.items():
            if prefix == "" or path == prefix or path.startswith((prefix + ".", prefix + "[")):
                if best is None or len(prefix) > len(best[0]):
                    best = (prefix, urn)
        return best[1] if best else None


@dataclass(frozen=True)
class Violation:
    urn: Optional[str]  # the resource; None: the stack as a whole
    rule: str
    message: str
    hint: Optional[str] = None
    severity: str = "error"

    def text(self) -> str:
        """As gallery validate words it (message; hint), with the rule's id."""
        return self.message + (f"; {self.hint}" if self.hint else "") + f" [{self.rule}]"


def alone(res: RawResource) -> Catalog:
    """A catalog of this one resource. Raises Unjudged when a value it needs is not known yet."""
    r = res.reader()
    if res.type == arm.GALLERY:
        return model.catalog(r("location", default=""), gallery_=model.gallery(r))
    if res.type == arm.DEFINITION:
        return model.catalog(r("location", default=""), images=(model.definition(r, FIRST),))
    version = model.version(r, FIRST_VERSION, _known(r, "galleryImageName"))
    versions = (version,) if version else ()
    return model.catalog(r("location", default=""), images=(model.unseen_definition("", FIRST, versions),))


def judge_alone(scope: Scope, res: RawResource) -> list[Violation]:
    return _violations(scope, alone(res), lambda path: res.urn)


def judge_values(check: Check, res: RawResource) -> list[Violation]:
    return [Violation(res.urn, rule, message, hint) for rule, message, hint in check(res.reader())]


def judge_stack(scope: Scope, resources: Iterable[RawResource]) -> list[Violation]:
    out = []
    for part in stack_catalogs(resources):
        out += _violations(scope, part.catalog, part.owner)
    return out


def _violations(scope: Scope, catalog: Catalog, owner) -> list[Violation]:
    out = []
    for f in scope.rule(catalog):
        urn = owner(f.path)
        if urn != UNSEEN and (scope.ids is None or f.rule in scope.ids):
            out.append(Violation(urn, f.rule, f.message, f.hint, f.severity))
    return out


def stack_catalogs(resources: Iterable[RawResource], source: str = "") -> list[StackCatalog]:
    """One catalog per gallery (`source` names the side in a comparison)."""
    resources = [r for r in resources if r.type in (arm.GALLERY, arm.DEFINITION, arm.VERSION)]
    by_urn = {r.urn: r for r in resources}

    def key(res: RawResource, *names: str) -> tuple:
        """The gallery (or definition) `res` names, by Azure names, else by the URN the last name comes from."""
        r = res.reader()
        known = [_known(r, n) for n in names]
        if all(known):
            return tuple(str(k).lower() for k in known)
        for link in res.links.get(names[-1], ()):
            if link in by_urn and link != res.urn:
                source = by_urn[link]
                own = ("resourceGroupName", "galleryName", "galleryImageName")[: len(names)]
                return key(source, *own) if source.type != res.type else (link,)
        return (res.urn,)

    galleries = {key(r, "resourceGroupName", "galleryName"): r for r in resources if r.type == arm.GALLERY}
    definitions: dict[tuple, list[RawResource]] = {}
    for r in resources:
        if r.type == arm.DEFINITION:
            definitions.setdefault(key(r, "resourceGroupName", "galleryName"), []).append(r)
    versions: dict[tuple, list[RawResource]] = {}
    for r in resources:
        if r.type == arm.VERSION:
            versions.setdefault(key(r, "resourceGroupName", "galleryName", "galleryImageName"), []).append(r)
    out = []
    for gkey in dict.fromkeys([*galleries, *definitions, *(k[:2] for k in versions)]):
        out.append(_gallery_catalog(galleries.get(gkey), definitions.get(gkey, []), versions, gkey, key, source))
    return out


def _gallery_catalog(
    gallery: Optional[RawResource], definitions: list[RawResource], versions: dict, gkey: tuple, key, source: str
) -> StackCatalog:
    owners = {"": gallery.urn} if gallery else {}
    images: list[ImageDefinition] = []
    seen: set[tuple] = set()
    for d in definitions:
        dkey = key(d, "resourceGroupName", "galleryName", "galleryImageName")
        seen.add(dkey)
        path = f"images[{len(images)}]"
        owners[path] = d.urn
        images.append(model.definition(d.reader(), path, _versions(versions.get(dkey, []), path, owners)))
    for vkey, members in versions.items():
        if vkey[:2] == gkey and vkey not in seen:  # versions of a definition outside the stack
            path = f"images[{len(images)}]"
            owners[path] = UNSEEN
            images.append(model.unseen_definition(vkey[-1], path, _versions(members, path, owners)))
    location = next(
        (
            str(_known(r.reader(), "location"))
            for r in [*([gallery] if gallery else []), *definitions]
            if _known(r.reader(), "location")
        ),
        "",
    )
    group = (_known(gallery.reader(), "resourceGroupName") or "") if gallery else ""
    return StackCatalog(
        gkey,
        model.catalog(
            location,
            gallery_=model.gallery(gallery.reader()) if gallery else None,
            images=tuple(images),
            resource_group=group,
            source=source,
        ),
        owners,
    )


def _versions(members: list[RawResource], path: str, owners: dict[str, str]) -> tuple[ImageVersion, ...]:
    out: list[ImageVersion] = []
    for res in members:
        vpath = f"{path}.versions[{len(out)}]"
        try:
            v = model.version(res.reader(), vpath, _known(res.reader(), "galleryImageName"))
        except Unjudged:
            continue  # judged once its values are known
        if v is not None:
            owners[vpath] = res.urn
            out.append(v)
    return tuple(out)


def _known(r: Reader, name: str) -> Optional[str]:
    try:
        value = r(name)
    except Unjudged:
        return None
    return value if isinstance(value, str) and value else None

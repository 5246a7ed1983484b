"""The catalog-level diff: what a change to images.yaml means for the gallery, in the catalog's terms.

Compares two loaded catalogs (models, not text, so reformatting and comments are no change) and
returns findings. Definitions are matched by name; the leftovers on both sides are paired as renames
when they share the publisher/offer/sku triple or the same versions and sources, because the Pulumi
logical names follow the image name and a rename therefore deletes and re-creates everything in it.
Everything is matched through dicts, so two 10,000-version catalogs compare in linear time.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterator, Optional

from gallery.catalog.model import Catalog, ImageDefinition
from gallery.catalog.naming import camel
from gallery.diff.findings import Detail, Finding
from gallery.diff.shards import shard_findings
from gallery.diff.storage import sku_refusal
from gallery.diff.versions import compare_versions, version_added, version_removed

Locate = Callable[[str], tuple[int, int]]  # document path in HEAD -> (line, column)

# Definition properties Azure fixes at creation (PropertyChangeNotAllowed; the README's "Reviewing changes").
# The security type, accelerated networking and disk controllers are `features`, which change only
# with allowUpdateImage + startsAtVersion; we do not send those, so they are fixed too.
FIXED_DEFINITION = (
    ("osType", "os_type"),
    ("osState", "os_state"),
    ("hyperVGeneration", "hyper_v_generation"),
    ("architecture", "architecture"),
    ("identifier", "identifier"),
    ("eula", "eula"),
    ("privacyStatementUri", "privacy_statement_uri"),
    ("purchasePlan", "purchase_plan"),
    ("securityType", "security_type"),
    ("acceleratedNetworking", "accelerated_networking"),
    ("diskControllerTypes", "disk_controller_types"),
    ("disallowedDiskTypes", "disallowed_disk_types"),
    ("hibernation", "hibernation"),
)
MUTABLE_DEFINITION = (
    ("description", "description"),
    ("recommended", "recommended"),
    ("endOfLife", "end_of_life"),
    ("releaseNoteUri", "release_note_uri"),
    ("allowUpdateImage", "allow_update_image"),
    ("startsAtVersion", "feature_starts"),
)
# The `features`: fixed, except with allowUpdateImage: true and the feature's startsAtVersion
# (gallery.json allowUpdateImage; GalleryImage_UpdateFeatures.json), where Azure changes it in place.
FEATURES = ("securityType", "acceleratedNetworking", "diskControllerTypes", "hibernation")


def diff_catalogs(
    base: Catalog, head: Catalog, *, today: Optional[dt.date] = None, locate: Optional[Locate] = None
) -> list[Finding]:
    """Every catalog-level finding of BASE -> HEAD, unsorted. `today` judges retirement."""
    ctx = _Context(base, head, today or dt.date.today(), locate)
    return [*ctx.top_level(), *ctx.definitions(), *shard_findings(base, head, locate)]


class _Context:
    """What every comparison needs: both catalogs, the day that judges retirement, where HEAD's keys are."""

    def __init__(self, base: Catalog, head: Catalog, today: dt.date, locate: Optional[Locate]):
        self.base, self.head, self.today, self._locate = base, head, today, locate

    def at(self, kind: str, subject: str, message: str, path: str, **kw) -> Finding:
        """A finding about a top-level key, located in HEAD through the document (only when needed)."""
        line, col = self._locate(path) if self._locate else (0, 0)
        return Finding(kind, subject, message, self.head.source_file, line, col, path, **kw)

    def top_level(self) -> Iterator[Finding]:
        b, h = self.base, self.head
        if b.resource_group != h.resource_group:
            yield self.at(
                "resource-group.changed",
                "resource group",
                f"resource group {b.resource_group} → {h.resource_group}: everything is deleted and created "
                "again in the new group, every published version included",
                "resourceGroup",
                details=(Detail("resourceGroup", b.resource_group, h.resource_group),),
            )
        if b.location != h.location:
            yield self.at(
                "location.changed",
                "location",
                f"home region {b.location} → {h.location}: the storage account, the gallery and every "
                "definition and version are deleted and created again",
                "location",
                details=(Detail("location", b.location, h.location),),
            )
        if dict(b.tags) != dict(h.tags):
            yield self.at(
                "tags.changed",
                "tags",
                "tags change on every resource (in place)",
                "tags",
                details=_dict_details("tags", dict(b.tags), dict(h.tags)),
            )
        if b.storage.account != h.storage.account:
            yield self.at(
                "storage.renamed",
                "storage account",
                f"storage account {b.storage.account} → {h.storage.account}: a new account is created and "
                "the old one, with every uploaded VHD, is deleted",
                "storage.account",
                hint="keep the account name; upload to a new account by hand if you must move",
                details=(Detail("account", b.storage.account, h.storage.account),),
            )
        if b.storage.sku != h.storage.sku:
            refusal = sku_refusal(b.storage.sku, h.storage.sku)
            yield self.at(
                "storage.sku-refused" if refusal else "storage.sku-changed",
                "storage account",
                f"storage SKU {b.storage.sku} → {h.storage.sku}: "
                + (refusal or "Azure converts the account in place (geo-redundancy and read access)"),
                "storage.sku",
                details=(Detail("sku", b.storage.sku, h.storage.sku),),
            )
        yield from self.containers()
        yield from self.gallery()

    def containers(self) -> Iterator[Finding]:
        before, after = self.base.containers, self.head.containers
        for family in sorted(before.keys() | after.keys()):
            old, new = before.get(family), after.get(family)
            if old == new:
                continue
            if old and new:
                yield self.at(
                    "container.renamed",
                    f"container {old}",
                    f"the {family} VHD container {old} → {new}: {new} is created, and {old} leaves the stack "
                    "but stays in Azure with the VHDs in it (retainOnDelete)",
                    "storage.containerPattern",
                    details=(Detail("container", old, new),),
                    hint="keep containerPattern and the family names as they are",
                )
            elif old:
                yield self.at(
                    "container.removed",
                    f"container {old}",
                    f"no image of family {family} is left: the container {old} leaves the stack but stays in "
                    "Azure with the VHDs in it (retainOnDelete)",
                    "images",
                    details=(Detail("container", old, None),),
                    hint=f"delete {old} by hand once nothing needs its VHDs",
                )
            else:
                yield self.at(
                    "container.added",
                    f"container {new}",
                    f"new VHD container {new} for family {family}",
                    "storage.containerPattern",
                    details=(Detail("container", None, new),),
                )

    def gallery(self) -> Iterator[Finding]:
        b, h = self.base.gallery, self.head.gallery
        if b.name != h.name:
            yield self.at(
                "gallery.renamed",
                "gallery",
                f"gallery {b.name} → {h.name}: a new gallery is created and the old one is deleted with every "
                "definition and version in it",
                "gallery.name",
                details=(Detail("name", b.name, h.name),),
                hint="keep the gallery name; a gallery cannot be renamed in Azure",
            )
        details = [Detail("sharing", b.sharing, h.sharing)] if b.sharing != h.sharing else []
        for key in ("subscriptions", "tenants"):
            details += _set_details(f"sharedWith.{key}", getattr(b.shared_with, key), getattr(h.shared_with, key))
        if b.community != h.community:
            details.append(Detail("community", _text(b.community), _text(h.community)))
        if b.sharing != h.sharing and b.name == h.name:
            kind, message, hint = _SHARING_TRANSITIONS[(b.sharing, h.sharing)]
            yield self.at(
                kind,
                "gallery",
                f"sharing {b.sharing} → {h.sharing}: {message}",
                "gallery.sharing",
                details=tuple(details),
                hint=hint,
            )
        elif details:
            yield self.at(
                "gallery.sharing-changed",
                "gallery",
                "who can use the images changes",
                "gallery.sharing",
                details=tuple(details),
            )
        if b.access != h.access:
            grants = lambda g: [f"{a.principal_id} {a.role}" for a in g.access]  # noqa: E731
            yield self.at(
                "gallery.access-changed",
                "gallery",
                "role assignments on the gallery change",
                "gallery.access",
                details=tuple(_set_details("access", grants(b), grants(h))),
            )
        details = [
            Detail(k, getattr(b, a), getattr(h, a))
            for k, a in (("description", "description"), ("softDelete", "soft_delete"))
            if getattr(b, a) != getattr(h, a)
        ]
        if b.identity != h.identity:  # Azure updates a gallery's managed identity in place
            details.append(Detail("identity", _text(b.identity), _text(h.identity)))
        if details:
            yield self.at(
                "gallery.updated", "gallery", "gallery properties change in place", "gallery", details=tuple(details)
            )

    def definitions(self) -> Iterator[Finding]:
        base = {i.name: i for i in self.base.images}
        head = {i.name: i for i in self.head.images}
        gone = [i for i in self.base.images if i.name not in head]
        new = [i for i in self.head.images if i.name not in base]
        renames = _pair_renames(gone, new)
        for old, img in renames.items():
            yield from self.renamed(base[old], img)
        renamed_to = {i.name for i in renames.values()}
        for img in self.head.images:
            if img.name in base:
                yield from self.definition(base[img.name], img)
            elif img.name not in renamed_to:
                yield from self.added(img)
        for img in gone:
            if img.name not in renames:
                yield from self.removed(img)

    def added(self, img: ImageDefinition) -> Iterator[Finding]:
        latest = img.latest
        yield Finding(
            "definition.added",
            f"image {img.name}",
            f"new image definition {img.name} with {_count(len(img.versions), 'version')}"
            + (f"; latest is {latest.version}" if latest else "; no version is eligible for latest"),
            self.head.source_file,
            img.pos.line,
            img.pos.column,
            img.path,
        )
        for v in img.versions:
            yield version_added(self, img, v)

    def removed(self, img: ImageDefinition) -> Iterator[Finding]:
        yield Finding(
            "definition.removed",
            f"image {img.name}",
            f"image definition {img.name} is deleted with its {_count(len(img.versions), 'version')}",
            self.base.source_file,
            img.pos.line,
            img.pos.column,
            img.path,
            hint="VMs and scale sets that reference it can no longer scale out or re-image",
        )
        for v in img.versions:
            yield version_removed(self, img, v, None)

    def renamed(self, old: ImageDefinition, img: ImageDefinition) -> Iterator[Finding]:
        # Everything is created again under the new name, so fixed properties may differ: list them.
        fixed = tuple(
            Detail(k, _text(getattr(old, a)), _text(getattr(img, a)))
            for k, a in FIXED_DEFINITION
            if getattr(old, a) != getattr(img, a)
        )
        vhd = any(v.source.kind == "vhd" for v in img.versions)
        yield Finding(
            "definition.renamed",
            f"image {old.name}",
            f"image definition {old.name} → {img.name}: it is deleted and created again under the new name, "
            f"with its {_count(len(old.versions), 'version')} re-published",
            self.head.source_file,
            img.pos.line,
            img.pos.column,
            img.path,
            details=(Detail("name", old.name, img.name),) + fixed,
            hint="keep the name; to move to a new name, add the new definition and retire the old one first"
            + ("; VHD blob names follow the image name, so the new name needs new uploads" if vhd else ""),
        )
        yield from self.definition(old, img, recreated=True)

    def definition(self, old: ImageDefinition, img: ImageDefinition, recreated: bool = False) -> Iterator[Finding]:
        """`recreated`: a rename deletes and creates everything again, so nothing fixed is refused."""
        if old == img:
            return
        where = (self.head.source_file, img.pos.line, img.pos.column, img.path)
        fixed = (
            []
            if recreated
            else [
                Detail(k, _text(getattr(old, a)), _text(getattr(img, a)))
                for k, a in FIXED_DEFINITION
                if getattr(old, a) != getattr(img, a)
            ]
        )
        features_updated = [d for d in fixed if d.property in FEATURES and _feature_updatable(img, d.property)]
        fixed = [d for d in fixed if d not in features_updated]
        if fixed:
            names = ", ".join(d.property for d in fixed)
            yield Finding(
                "definition.replaced",
                f"image {img.name}",
                f"{names} of image {img.name} cannot change after creation (Azure: PropertyChangeNotAllowed); "
                f"this needs a new definition, and its {_count(len(old.versions), 'version')} with it",
                *where,
                details=tuple(fixed),
                hint="add a new image definition (new name and identifier) and publish versions there",
            )
        mutable = features_updated + [
            Detail(k, _text(getattr(old, a)), _text(getattr(img, a)))
            for k, a in MUTABLE_DEFINITION
            if getattr(old, a) != getattr(img, a)
        ]
        if mutable:
            yield Finding(
                "definition.updated",
                f"image {img.name}",
                f"image {img.name} changes in place",
                *where,
                details=tuple(mutable),
            )
        if old.versions != img.versions:
            yield from compare_versions(self, old, img, recreated)


def _feature_updatable(img: ImageDefinition, feature: str) -> bool:
    return img.allow_update_image and img.starts_at(feature) is not None


def _pair_renames(gone: list[ImageDefinition], new: list[ImageDefinition]) -> dict[str, ImageDefinition]:
    """old name -> new definition, for definitions that moved to a new name (linear time)."""
    by_identifier = {i.identifier: i for i in new}
    by_versions = {_fingerprint(i): i for i in new if i.versions}
    pairs: dict[str, ImageDefinition] = {}
    taken: set[str] = set()
    for old in gone:
        match = by_identifier.get(old.identifier) or (by_versions.get(_fingerprint(old)) if old.versions else None)
        if match is not None and match.name not in taken:
            pairs[old.name] = match
            taken.add(match.name)
    return pairs


def _fingerprint(img: ImageDefinition) -> frozenset:
    # VHD sources name their blobs after the image, so a renamed VHD image keeps only its capture dates.
    def key(v):
        s = v.source
        return (v.version, ("vhd", s.captured, s.sequence) if s.kind == "vhd" and s.captured else s)

    return frozenset(key(v) for v in img.versions)


def _set_details(prop: str, old, new) -> list[Detail]:
    old, new = list(old), list(new)
    return [Detail(prop, x, None) for x in old if x not in new] + [Detail(prop, None, x) for x in new if x not in old]


def _dict_details(prop: str, old: dict, new: dict) -> tuple[Detail, ...]:
    return tuple(
        Detail(f"{prop}.{k}", old.get(k), new.get(k))
        for k in sorted(old.keys() | new.keys())
        if old.get(k) != new.get(k)
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _text(value) -> object:
    """A readable rendering of a model value for before → after."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, tuple) and value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
        return ", ".join(f"{k}={v}" for k, v in value)  # pairs: startsAtVersion per feature
    if isinstance(value, tuple):
        return ", ".join(str(_text(v)) for v in value) or "[]"
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        # Shown with the catalog's camelCase key names (public_name_prefix -> publicNamePrefix).
        parts = [
            f"{camel(k)}={_text(getattr(value, k))}"
            for k in value.__dataclass_fields__
            if getattr(value, k) is not None and k != "path"
        ]
        return "{" + ", ".join(parts) + "}"
    return str(value)


# Changes of `sharing` on an existing gallery, as Azure allows them (kind, message, hint). Azure cannot
# switch an existing gallery to groups; leaving a shared state takes a reset first, which the sharing guard
# (gallery.components.sharing) makes before the gallery's update: those changes go through, and the
# review says who loses access.
_TO_GROUPS = (
    "Azure cannot switch an existing gallery to groups sharing",
    "create a new gallery with sharing: groups and publish the images there",
)
_ROLE = "the deploying identity needs Owner or Compute Gallery Sharing Admin on the gallery"
_SHARING_TRANSITIONS = {
    ("private", "groups"): ("gallery.sharing-groups-on-existing", *_TO_GROUPS),
    ("community", "groups"): ("gallery.sharing-groups-on-existing", *_TO_GROUPS),
    ("private", "community"): (
        "gallery.sharing-made-public",
        "the gallery is published to every Azure user (EnableCommunity) once it is deployed",
        "every image in it becomes usable by anyone in Azure; " + _ROLE,
    ),
    ("community", "private"): (
        "gallery.sharing-community-to-private",
        "the deployment resets the sharing (Azure's Reset) before the gallery becomes private",
        "everyone using its public name loses access to its images; " + _ROLE,
    ),
    ("groups", "private"): (
        "gallery.sharing-groups-to-private",
        "the deployment resets the sharing (Azure's Reset) before the gallery becomes private",
        "the subscriptions and tenants it was shared with lose access; " + _ROLE,
    ),
    ("groups", "community"): (
        "gallery.sharing-groups-to-community",
        "the deployment resets the groups sharing (Azure's Reset), then publishes the gallery to every Azure user",
        "every image in it becomes usable by anyone in Azure; " + _ROLE,
    ),
}

"""The resource-level diff: the offline plans of BASE and HEAD compared resource by resource.

`pulumi preview` would show a change to a gallery resource's fixed property as an *update* (the
provider has no replacement rules for them) that Azure then refuses with PropertyChangeNotAllowed.
Here every changed property is classified from Azure's own rules (azure-rules.md, "What can change
after creation"): an Azure name or placement -> replace; in the record's replaceOnChanges -> replace;
fixed by Azure -> refused (an impossible update); anything else -> update in place.
Resources are matched by type + logical name, which are stable catalog keys.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Optional

from gallery.desired import arm
from gallery.diff.findings import ACTION_RANK
from gallery.diff.storage import sku_refusal

# Inputs that name or place the Azure resource: a different value is a different resource.
IDENTITY = (
    "galleryName",
    "galleryImageName",
    "galleryImageVersionName",
    "accountName",
    "containerName",
    "resourceGroupName",
    "roleAssignmentName",
    "location",
    "scope",
)

# For the gallery resources Azure lists what may change; everything else is fixed.
MUTABLE = {
    # A gallery's managed identity is a resource-level ARM property that a PUT updates in place.
    arm.GALLERY: ("description", "softDeletePolicy", "sharingProfile", "identity", "tags"),
    arm.DEFINITION: ("description", "recommended", "endOfLifeDate", "releaseNoteUri", "allowUpdateImage", "tags"),
    arm.VERSION: (
        "publishingProfile.targetRegions",
        "publishingProfile.replicaCount",
        "publishingProfile.excludeFromLatest",
        "publishingProfile.endOfLifeDate",
        "safetyProfile",
        "tags",
        "restore",
    ),
}
# Role assignments cannot be edited in Azure; the provider replaces them.
REPLACED_BY_PROVIDER = {arm.ROLE_ASSIGNMENT: ("principalId", "roleDefinitionId", "principalType")}
OPTIONS = (
    "parent",
    "protect",
    "retainOnDelete",
    "deleteBeforeReplace",
    "replaceOnChanges",
    "ignoreChanges",
    "customTimeouts",
    "dependsOn",
)
REFUSED = "fixed after creation: Azure answers PropertyChangeNotAllowed (the provider would try an update)"


@dataclass(frozen=True)
class PropertyChange:
    path: str  # e.g. publishingProfile.targetRegions[northeurope].regionalReplicaCount
    before: object
    after: object
    effect: str  # update | replace | refused
    reason: str = ""


@dataclass(frozen=True)
class ResourceChange:
    type: str
    name: str
    action: str  # create | update | replace | refused | delete | move
    properties: tuple[PropertyChange, ...] = ()
    note: str = ""
    stack: str = ""  # a sharded catalog: the stack that holds it (HEAD's; BASE's for a delete)
    moved_from: str = ""  # ... and the stack it leaves, when its owner changes

    @property
    def label(self) -> str:
        return "refused" if self.action == "refused" else self.action

    def as_dict(self) -> dict:
        doc = asdict(self)
        for key in ("stack", "moved_from"):  # one stack: the document as it was before shards
            if not doc[key]:
                del doc[key]
        return doc


def compare_plans(base: list[dict], head: list[dict]) -> list[ResourceChange]:
    """What applying HEAD's plan to BASE's deployed resources does, destructive first."""
    before = {(r["type"], r["name"]): r for r in base if r.get("custom", True)}
    after = {(r["type"], r["name"]): r for r in head if r.get("custom", True)}
    changes = []
    for key, rec in after.items():
        old = before.get(key)
        if old is None:
            changes.append(ResourceChange(rec["type"], rec["name"], "create"))
        elif old != rec:
            change = _compare(old, rec)
            if change is not None:
                changes.append(change)
    for key, old in before.items():
        if key not in after:
            changes.append(ResourceChange(old["type"], old["name"], "delete", note=_delete_note(old)))
    return sorted(changes, key=lambda c: (ACTION_RANK[c.action], c.type, c.name))


def _inputs(rec: dict) -> dict[str, object]:
    # `__provider` and the like are the engine's own plumbing (a dynamic provider's pickled code).
    inputs = _without_standard_security(rec["type"], rec.get("inputs") or {})
    return {k: v for k, v in flatten(inputs).items() if not k.startswith("__")}


# Definitions planned before the program stopped sending `SecurityType: Standard` carry that feature; at
# API version 2024-03-03 a definition without it is Standard, so both read the same here and an existing
# stack's definitions are not reported as a refused change of a fixed property.
STANDARD_SECURITY_FEATURE = {"name": "SecurityType", "value": "Standard"}


def _without_standard_security(rtype: str, inputs: dict) -> dict:
    features = inputs.get("features")
    if rtype != arm.DEFINITION or not isinstance(features, list):
        return inputs
    kept = [f for f in features if f != STANDARD_SECURITY_FEATURE]
    rest = {k: v for k, v in inputs.items() if k != "features"}
    return {**rest, "features": kept} if kept else rest  # no features at all = none sent


def _delete_note(rec: dict) -> str:
    if rec.get("protect"):
        return "protected: Pulumi refuses to delete it until it is unprotected"
    if rec.get("retainOnDelete"):
        return "retainOnDelete: it leaves the stack but stays in Azure"
    return ""


def _compare(old: dict, new: dict) -> Optional[ResourceChange]:
    props = []
    a, b = _inputs(old), _inputs(new)
    replace_on = tuple(new.get("replaceOnChanges") or ())
    for path in sorted(a.keys() | b.keys()):
        if a.get(path) != b.get(path):
            effect, reason = classify(new["type"], path, a.get(path), b.get(path), path in a and path in b, replace_on)
            if effect == "refused" and _feature_update(new["type"], path, b):
                effect, reason = "update", FEATURE_UPDATE
            elif effect == "update" and _replicated_region_fixed(new["type"], path, a):
                effect, reason = "refused", REGION_FIXED
            props.append(PropertyChange(path, a.get(path), b.get(path), effect, reason))
    for opt in OPTIONS:
        if old.get(opt) != new.get(opt):
            effect, reason = (
                ("replace", "a new parent changes the URN: add an alias to keep the resource")
                if opt == "parent"
                else ("update", "a Pulumi option: nothing changes in Azure")
            )
            props.append(PropertyChange(f"options.{opt}", old.get(opt), new.get(opt), effect, reason))
    if not props:
        return None
    effects = {p.effect for p in props}
    action = "replace" if "replace" in effects else "refused" if "refused" in effects else "update"
    note = (
        "protected: Pulumi refuses to replace it until it is unprotected"
        if action == "replace" and old.get("protect")
        else ""
    )
    return ResourceChange(new["type"], new["name"], action, tuple(props), note)


FEATURE_UPDATE = "allowUpdateImage with the feature's startsAtVersion: Azure changes it from that version on"


def _feature_update(rtype: str, path: str, head: dict[str, object]) -> bool:
    """A feature of a definition changes in place with allowUpdateImage: true and its startsAtVersion
    (gallery.json allowUpdateImage; GalleryImage_UpdateFeatures.json); without them it is fixed."""
    if rtype != arm.DEFINITION or not path.startswith("features[") or head.get("allowUpdateImage") is not True:
        return False
    feature = path[len("features[") :].split("]")[0]
    return bool(head.get(f"features[{feature}].startsAtVersion"))


REGION_FIXED = "fixed once the region has replicas (its encryption keys and replica storage types)"


def _replicated_region_fixed(rtype: str, path: str, base: dict[str, object]) -> bool:
    """The encryption and the replica-set storage types of a target region that BASE already replicates to
    cannot change (not updatable); replica counts can."""
    prefix = "publishingProfile.targetRegions["
    if rtype != arm.VERSION or not path.startswith(prefix):
        return False
    region, _, rest = path[len(prefix) :].partition("]")
    fixed = rest.startswith(".encryption") or (
        rest.startswith(".additionalReplicaSets[") and rest.endswith("].storageAccountType")
    )
    return fixed and any(k.startswith(f"{prefix}{region}]") for k in base)


def classify(rtype: str, path: str, before, after, both: bool, replace_on: tuple[str, ...]) -> tuple[str, str]:
    """(effect, reason) of one changed input property."""
    top = path.split(".")[0].split("[")[0]
    if top in IDENTITY:
        return "replace", f"{top} names or places the Azure resource: a new one is created, the old one deleted"
    if any(r == "*" or _under(path, r) for r in replace_on):
        return "replace", "in replaceOnChanges"
    if any(_under(path, p) for p in REPLACED_BY_PROVIDER.get(rtype, ())):
        return "replace", "cannot change in place: the provider replaces the resource"
    if rtype == arm.STORAGE_ACCOUNT and path == "sku.name" and both:
        refusal = sku_refusal(str(before), str(after))
        if refusal:
            return "refused", refusal
    if rtype == arm.GALLERY and path == "sharingProfile.permissions" and after == "Groups" and both:
        return "refused", "Azure cannot switch an existing gallery to groups sharing"
    mutable = MUTABLE.get(rtype)
    if mutable is None:
        return "update", ""
    if (
        rtype.endswith("GalleryImageVersion")
        and path.startswith("publishingProfile.targetRegions[")
        and path.endswith("].storageAccountType")
        and both
    ):
        return "refused", "the storage type of a region that has replicas is fixed"
    if any(_under(path, p) for p in mutable):
        return "update", ""
    return "refused", REFUSED


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "[")


def flatten(value, prefix: str = "") -> dict[str, object]:
    """Nested inputs -> {dotted path: leaf}. Lists of objects with a unique `name` or `lun` are keyed by
    it (targetRegions[northeurope]), so adding a region does not shift every region after it."""
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out if out or not prefix else {prefix: {}}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for key in ("name", "lun"):
            ids = [v.get(key) for v in value]
            if None not in ids and len(set(map(str, ids))) == len(ids):
                out = {}
                for v in value:
                    rest = {k: x for k, x in v.items() if k != key}
                    out.update(flatten(rest, f"{prefix}[{v[key]}]") if rest else {f"{prefix}[{v[key]}]": True})
                return out
        out = {}
        for i, v in enumerate(value):
            out.update(flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: value}

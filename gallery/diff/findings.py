"""Findings: what a catalog change does, how serious it is, and which ones block a merge.

Every finding carries a stable kind id (`version.removed`, `definition.replaced`, ...). The table
below is the one place that says how serious each kind is and what it does to Azure, so the docs,
`--allow` and the renderers can never disagree. A release manager who means a destructive change
allows it by kind, by family (`version`), or by what it does (`delete`, `replace`, `refused`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterable, Optional, Sequence

from gallery.errors import CatalogError, Problem

if TYPE_CHECKING:
    from gallery.diff.cost import StorageReport

BLOCK, WARN, INFO = "blocking", "warning", "info"
SEVERITY_RANK = {BLOCK: 0, WARN: 1, INFO: 2}

# What a change does to Azure. `refused`: Azure answers PropertyChangeNotAllowed (or the like), so
# the deployment would fail half-way unless the resource is replaced by hand. `move`: nothing changes in Azure,
# but another stack declares the resource, and its state must move there first (`pulumi state move`).
ACTIONS = ("delete", "replace", "move", "refused", "update", "create")
ACTION_RANK = {a: i for i, a in enumerate(ACTIONS)}


@dataclass(frozen=True)
class Kind:
    severity: str
    action: str
    summary: str


KINDS: dict[str, Kind] = {
    # Everything the gallery lives in: changing one replaces the gallery and all it holds.
    "resource-group.changed": Kind(BLOCK, "replace", "the resource group changes: nothing in a gallery can move"),
    "location.changed": Kind(BLOCK, "replace", "the home region changes: nothing in a gallery can move"),
    "tags.changed": Kind(INFO, "update", "tags change on every resource"),
    "storage.renamed": Kind(BLOCK, "replace", "the storage account holding the VHDs is replaced"),
    "storage.sku-changed": Kind(WARN, "update", "the storage account's SKU changes (Azure converts it in place)"),
    "storage.sku-refused": Kind(BLOCK, "refused", "a storage SKU change Azure does not make in place"),
    # Containers are retained on delete: one the catalog no longer names leaves the stack, not Azure.
    "container.renamed": Kind(WARN, "replace", "a new blob container; the old one leaves the stack, kept in Azure"),
    "container.removed": Kind(WARN, "delete", "a blob container leaves the stack, kept in Azure with its VHDs"),
    "container.added": Kind(INFO, "create", "a new blob container"),
    "gallery.renamed": Kind(BLOCK, "replace", "the gallery, with every definition and version, is replaced"),
    "gallery.sharing-groups-on-existing": Kind(
        BLOCK, "refused", "Azure cannot switch an existing gallery to groups sharing"
    ),
    "gallery.sharing-made-public": Kind(WARN, "update", "the gallery is published to the community"),
    "gallery.sharing-community-to-private": Kind(WARN, "update", "a community gallery becomes private (reset first)"),
    "gallery.sharing-groups-to-private": Kind(WARN, "update", "a groups gallery becomes private (reset first)"),
    "gallery.sharing-groups-to-community": Kind(WARN, "update", "a groups gallery becomes public (reset first)"),
    "gallery.sharing-changed": Kind(WARN, "update", "who the gallery is shared with changes"),
    "gallery.access-changed": Kind(WARN, "update", "RBAC on the gallery changes"),
    "gallery.updated": Kind(INFO, "update", "gallery properties change in place"),
    # Image definitions.
    "definition.added": Kind(INFO, "create", "a new image definition"),
    "definition.removed": Kind(WARN, "delete", "an image definition is deleted"),
    "definition.renamed": Kind(BLOCK, "replace", "an image definition is renamed: deleted and created again"),
    "definition.replaced": Kind(
        BLOCK, "replace", "a property Azure fixes at creation changes: a new definition is needed"
    ),
    "definition.updated": Kind(INFO, "update", "definition properties change in place"),
    # Image versions.
    "version.added": Kind(INFO, "create", "a new image version is published"),
    "version.staged": Kind(INFO, "create", "a new version is published, staged out of latest until promoted"),
    "version.promoted": Kind(INFO, "update", "a staged version becomes eligible for latest"),
    "version.retired": Kind(INFO, "update", "a version is excluded from latest (and given an end of life)"),
    "version.removed-after-end-of-life": Kind(INFO, "delete", "a version is deleted after its end of life"),
    "version.removed": Kind(BLOCK, "delete", "a published version is deleted without being retired first"),
    "version.removed-retired": Kind(WARN, "delete", "a retired version is deleted"),
    "version.source-changed": Kind(BLOCK, "refused", "a version's source changes: Azure fixes it at creation"),
    "version.replication-changed": Kind(
        BLOCK, "refused", "a version's storage type or replication mode changes: fixed at creation"
    ),
    "version.region-storage-changed": Kind(
        BLOCK, "refused", "the storage type of a region that already has replicas changes"
    ),
    "version.region-removal-refused": Kind(
        BLOCK, "refused", "a region is removed without allowDeletionOfReplicatedLocations"
    ),
    "version.region-encryption-changed": Kind(
        BLOCK, "refused", "the encryption of a region that already has replicas changes"
    ),
    "version.security-profile-changed": Kind(BLOCK, "refused", "a version's UEFI keys change: fixed at creation"),
    "version.regions-changed": Kind(INFO, "update", "target regions or replica counts change"),
    "version.restored": Kind(INFO, "create", "a soft-deleted version is restored"),
    "version.repair-started": Kind(
        INFO, "update", "a region whose replication failed is left out: Azure deletes its replica"
    ),
    "version.repair-finished": Kind(INFO, "update", "a repaired region is replicated again"),
    "version.tags-changed": Kind(INFO, "update", "a version's own tags change in place (provenance, promotion)"),
    "version.updated": Kind(INFO, "update", "version properties change in place"),
    "latest.changed": Kind(INFO, "update", "what `latest` resolves to changes"),
    "latest.lowered": Kind(WARN, "update", "`latest` moves to a lower version, or to none"),
    # Shards: which stack declares what. A definition that changes stacks is a move of its state, never a delete
    # and a create; until the state has moved, the old stack's deployment would delete it in Azure.
    "definition.moved": Kind(
        BLOCK,
        "move",
        "a definition and its versions move to another stack: move their state first (`pulumi state move`)",
    ),
    "shard.added": Kind(INFO, "create", "a new shard: a stack of its own"),
    "shard.removed": Kind(WARN, "delete", "a shard leaves the catalog: its stack is no longer deployed"),
}


@dataclass(frozen=True)
class Detail:
    """One property before -> after (None when absent on that side)."""

    property: str
    before: object = None
    after: object = None


@dataclass(frozen=True)
class Finding:
    kind: str
    subject: str  # what changes, e.g. "ubuntu-22.04-gen2 1.1.0" or "gallery"
    message: str
    file: str = ""  # where to point a reader (HEAD, or BASE for things gone from HEAD)
    line: int = 0
    column: int = 0
    path: str = ""  # the document path on that side, e.g. images[0].versions[1]
    details: tuple[Detail, ...] = ()
    hint: Optional[str] = None
    allowed: bool = False  # by --allow
    # version.removed*, definition.removed: the VMs and scale sets Azure Resource Graph found using it (None: not asked)
    in_use: Optional[int] = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")  # a typo in our code

    @property
    def severity(self) -> str:
        return KINDS[self.kind].severity

    @property
    def action(self) -> str:
        return KINDS[self.kind].action

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCK and not self.allowed

    def where(self) -> str:
        if not self.file:
            return ""
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Destructive and blocking first, then in file order (stable for equal keys)."""
    return sorted(findings, key=lambda f: (SEVERITY_RANK[f.severity], ACTION_RANK[f.action], f.line, f.subject))


ALLOW_ACTIONS = ("delete", "replace", "move", "refused")


def parse_allow(values: Optional[Sequence[str]]) -> frozenset[str]:
    """`--allow replace,delete --allow version.removed` -> the set of tokens; unknown tokens are user errors."""
    tokens = {t.strip() for v in (values or ()) for t in v.split(",") if t.strip()}
    families = {k.split(".")[0] for k in KINDS}
    bad = sorted(t for t in tokens if t not in KINDS and t not in families and t not in ALLOW_ACTIONS)
    if bad:
        blocking = ", ".join(k for k, v in KINDS.items() if v.severity == BLOCK)
        raise CatalogError(
            [
                Problem(
                    "--allow",
                    0,
                    0,
                    "",
                    f"unknown kind {t!r}",
                    "diff.allow-unknown",
                    hint=f"allow a kind ({blocking}), a family such as 'version', or one of {', '.join(ALLOW_ACTIONS)}",
                )
                for t in bad
            ]
        )
    return frozenset(tokens)


def apply_allow(findings: Iterable[Finding], allow: frozenset[str]) -> list[Finding]:
    """Mark the findings a release manager allowed; they are still reported, they just do not block."""

    def allowed(f: Finding) -> bool:
        return f.kind in allow or f.kind.split(".")[0] in allow or f.action in allow

    return [replace(f, allowed=True) if f.severity == BLOCK and allowed(f) else f for f in findings]


@dataclass
class Report:
    """Everything one diff found, ready to render."""

    base: str
    head: str
    stack: str
    findings: list[Finding] = field(default_factory=list)
    resources: Optional[list] = None  # list[ResourceChange], or None when the plan was not compared
    resources_note: str = ""  # why the resource level is missing, when it is
    storage: Optional[StorageReport] = None  # what the change adds to or frees from storage
    in_use_note: str = ""  # where the in-use counts come from, when they were asked for
    # A sharded catalog (either side): every stack of HEAD and BASE, whether the change reaches it (only those are
    # compared), and the state moves the change needs. None: one stack, as before shards.
    stacks: Optional[list] = None  # list[gallery.diff.shards.StackReach]
    moves: list = field(default_factory=list)  # list[gallery.diff.shards.Move]

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def changed(self) -> bool:
        return bool(self.findings) or bool(self.resources)

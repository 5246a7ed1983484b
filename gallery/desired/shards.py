"""The stacks of a sharded catalog: which part each stack declares, its name and config, and what a shard stack
reads from the main one.

A catalog without `shards:` is one stack, the main one, and declares everything. With shards, the main stack
(`<stack>`) keeps the foundation and the definitions no shard names; a shard's stack (`<stack>-<shard>`) declares
its definitions and versions, and reads the foundation's names and ids through a StackReference to the main stack,
named by the config `image-gallery:foundation`. Its `{stack}` is the main stack's name, so both name the same
Azure resources. Nothing here imports Pulumi: the program, the offline plan and the CLI share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from gallery.catalog.model import MAIN, Catalog
from gallery.catalog.stackconfig import PROJECT
from gallery.desired import arm, names
from gallery.desired.state import DesiredState, Wire
from gallery.errors import CatalogError, Problem

SHARD_KEY = "shard"  # the project's config keys: image-gallery:shard ...
FOUNDATION_KEY = "foundation"  # ... and image-gallery:foundation (a StackReference name of the main stack)


@dataclass(frozen=True)
class StackPart:
    """The part of the catalog one stack declares: MAIN's (the foundation and the unsharded definitions) or a
    shard's, which reads the main stack `foundation` through a StackReference."""

    owner: str = MAIN
    foundation: Optional[str] = None  # as a StackReference names it: `dev`, or `org/image-gallery/dev`

    @classmethod
    def of(cls, environment: str, owner: str, org: Optional[str] = None) -> "StackPart":
        """The part `owner` of the catalog deployed as `environment` (the main stack's name, `{stack}`)."""
        return cls() if owner == MAIN else cls(owner, qualified(environment, org))

    @property
    def is_main(self) -> bool:
        return self.owner == MAIN

    def stack(self, environment: str) -> str:
        """This part's stack name: the main stack is the environment itself (`dev`), a shard's `dev-<shard>`."""
        return names.stack(environment, self.owner)

    def config(self) -> dict[str, str]:
        """The stack's config that says which part it is (full keys, as Pulumi.<stack>.yaml holds them)."""
        if self.is_main:
            return {}
        return {f"{PROJECT}:{SHARD_KEY}": self.owner, f"{PROJECT}:{FOUNDATION_KEY}": self.foundation or ""}


def qualified(environment: str, org: Optional[str] = None) -> str:
    """The main stack's name as a StackReference takes it: `dev`, or `org/image-gallery/dev` with an organization."""
    return f"{org}/{PROJECT}/{environment}" if org else environment


def parts(catalog: Catalog, environment: str, org: Optional[str] = None) -> list[StackPart]:
    """Every stack of the catalog, the main one first (the shards read it, so it deploys first)."""
    return [StackPart.of(environment, owner, org) for owner in catalog.owners]


def from_config(stack: str, shard: Optional[str], foundation: Optional[str]) -> tuple[str, StackPart]:
    """The catalog's `{stack}` and the part a stack declares, from its name and its config. Raises CatalogError."""
    if not shard:
        if foundation:
            raise _config_error(
                stack,
                f"{PROJECT}:{FOUNDATION_KEY} is set, but not {PROJECT}:{SHARD_KEY}: only a "
                "shard's stack reads the main stack",
                f"set {PROJECT}:{SHARD_KEY} to the shard this stack declares, or remove {PROJECT}:{FOUNDATION_KEY}",
            )
        return stack, StackPart()
    if not foundation:
        raise _config_error(
            stack,
            f"the stack of shard '{shard}' needs {PROJECT}:{FOUNDATION_KEY}, the main stack "
            "it reads the resource group, storage account and gallery from",
            f"pulumi config set {PROJECT}:{FOUNDATION_KEY} <main stack>, e.g. dev or org/{PROJECT}/dev",
        )
    return foundation.rsplit("/", 1)[-1], StackPart(shard, foundation)


def check_part(catalog: Catalog, stack: str, part: StackPart) -> None:
    """Refuse a part the catalog does not have, and a shard's stack that would declare the main part for lack of
    its config (it would try to create the foundation a second time). Raises CatalogError."""
    shards = [s.name for s in catalog.shards]
    if not part.is_main and part.owner not in shards:
        raise _config_error(
            stack,
            f"{PROJECT}:{SHARD_KEY} is '{part.owner}', but the catalog has no such shard",
            f"its shards: {', '.join(shards)}" if shards else "the catalog has no shards:",
        )
    if part.is_main:
        named = next((s for s in shards if stack.endswith(f"-{s}")), None)
        if named is not None:
            raise _config_error(
                stack,
                f"the stack {stack} is named like shard '{named}''s stack, but its config "
                f"has no {PROJECT}:{SHARD_KEY}: it would declare the main stack's part",
                f"pulumi config set {PROJECT}:{SHARD_KEY} {named} and {PROJECT}:{FOUNDATION_KEY} "
                f"{stack[: -len(named) - 1]}",
            )


def _config_error(stack: str, message: str, hint: str) -> CatalogError:
    return CatalogError([Problem(f"Pulumi.{stack}.yaml", 0, 0, "", message, "config.shard", hint=hint)])


# The main stack's outputs a shard's stack reads (and passes on): the component's own exports of the foundation
# (gallery.components.GalleryOutputs).
FOUNDATION_OUTPUTS = (
    "resourceGroupName",
    "galleryName",
    "galleryId",
    "storageAccountName",
    "storageAccountId",
    "containers",
)


# What a shard stack reads from the main one: (a foundation resource's logical name, its output) -> the main
# stack's output (and the key inside it).
def foundation_export(wire: Wire, component: str = names.COMPONENT_NAME) -> Optional[tuple[str, Optional[str]]]:
    """The main stack's output that holds what `wire` takes from a foundation resource; None for anything else."""
    fixed = {
        (names.group(component), "name"): "resourceGroupName",
        (names.gallery(component), "name"): "galleryName",
        (names.gallery(component), "id"): "galleryId",
        (names.storage_account(component), "name"): "storageAccountName",
        (names.storage_account(component), "id"): "storageAccountId",
    }
    if (wire.source, wire.output) in fixed:
        return fixed[wire.source, wire.output], None
    prefix = names.container("", component)
    if wire.source.startswith(prefix) and wire.output == "name":
        return "containers", wire.source[len(prefix) :]
    return None


def foundation_outputs(state: DesiredState) -> dict:
    """The outputs of the main stack that `foundation_export` names, as the desired state knows them (the offline
    plan answers a shard's StackReference with them)."""
    (group,) = state.of_type(arm.RESOURCE_GROUP)
    (gallery,) = state.of_type(arm.GALLERY)
    (account,) = state.of_type(arm.STORAGE_ACCOUNT)
    (component,) = state.of_type(arm.COMPONENT)
    prefix = names.container("", component.name)
    return {
        "resourceGroupName": group.inputs["resourceGroupName"],
        "galleryName": gallery.inputs["galleryName"],
        "galleryId": gallery.arm_id,
        "storageAccountName": account.inputs["accountName"],
        "storageAccountId": account.arm_id,
        "containers": {c.name[len(prefix) :]: c.inputs["containerName"] for c in state.of_type(arm.CONTAINER)},
    }

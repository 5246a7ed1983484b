"""Which of the catalog's rules judge raw resources, and where: one resource alone, or the stack's resources together.

Every rule of gallery.catalog.rules is named here exactly once: in `RESOURCE` (judged from one Gallery, GalleryImage
or GalleryImageVersion alone), in `STACK` (it compares resources: a version with its definition, definitions with
each other) or in `ELSEWHERE` with the reason it is not about these three types. A test fails when a new rule is
in none of them. The schema's own checks of single values (version syntax, replica counts, storage types) and the
VHD source's storage account, which a catalog cannot get wrong but a program can, are `VALUE_CHECKS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, Optional

from gallery.catalog import rules
from gallery.catalog.schema import check_value
from gallery.desired import arm
from gallery.raw.model import blob_parts
from gallery.raw.resources import Reader, Unjudged


@dataclass(frozen=True)
class Scope:
    rule: rules.Rule
    types: tuple[str, ...] = ()  # the resource types it judges alone; () = the stack
    ids: Optional[frozenset[str]] = None  # only these of its findings (None: all)
    advisory: bool = False  # it only warns: its policy is advisory by default

    @property
    def name(self) -> str:
        """The policy's name: the rule function's in kebab case (generation_requirements: generation-requirements)."""
        return self.rule.__name__.replace("_", "-")


G, D, V = arm.GALLERY, arm.DEFINITION, arm.VERSION
RESOURCE = [
    Scope(rules.gallery_name, (G,)),
    Scope(rules.sharing_consistency, (G,), frozenset({"sharing.community"})),
    Scope(rules.gallery_identity, (G,)),
    Scope(rules.known_regions, (G, D, V)),
    Scope(rules.definition_names, (D,)),
    Scope(rules.identifier_parts, (D,)),
    Scope(rules.generation_requirements, (D,)),
    Scope(rules.feature_start_needs_allow_update, (D,)),
    Scope(rules.recommended_ranges, (D,)),
    Scope(rules.version_int32, (V,)),
    Scope(rules.unique_luns, (V,)),
    Scope(rules.unique_regions, (V,)),
    Scope(rules.home_region_replicated, (V,)),
    Scope(rules.shallow_replication, (V,)),
    Scope(rules.encryption_not_with_shallow, (V,)),
    Scope(rules.additional_replica_sets, (V,)),
    Scope(rules.unique_encryption_luns, (V,)),
    Scope(rules.confidential_customer_key, (V,)),
    Scope(rules.end_of_life_after_capture, (V,)),
    Scope(rules.zone_redundant_storage_needs_zones, (V,), frozenset({"region.zrs-without-zones"})),
    Scope(rules.version_end_of_life_past, (V,), advisory=True),
    Scope(rules.version_tag_limit, (V,)),
]
STACK = [
    Scope(rules.unique_definition_names),
    Scope(rules.unique_identifiers),
    Scope(rules.unique_versions),
    Scope(rules.unique_vhd_blobs),
    Scope(rules.shared_gallery_security),
    Scope(rules.uefi_keys_need_secure_boot),
    Scope(rules.confidential_encryption_needs_confidential_image),
    Scope(rules.arm64_source),
    Scope(rules.specialized_managed_image),
    Scope(rules.subscription_limits),
    Scope(rules.latest_exists, advisory=True),
]
ELSEWHERE = {
    rules.resource_group_name: "the resource group is a resource of its own",
    rules.storage_account_name: "storage accounts are not gallery resources",
    rules.container_names: "blob containers are not gallery resources",
    rules.unique_containers: "one container per family is the catalog's convention",
    rules.unique_access: "role assignments are not gallery resources",
    rules.access_principal_type: "role assignments are not gallery resources",
    rules.access_data_roles: "role assignments are not gallery resources",
    rules.shard_names: "shards split a catalog across stacks: a program of its own has no catalog to split",
    rules.shard_criteria: "shards split a catalog across stacks: a program of its own has no catalog to split",
    rules.one_owner_per_definition: "each resource of a program belongs to its own stack already",
    rules.storage_tag_limit: "the limit is the storage account's",
    rules.canary_regions: "the canary is what `gallery promote` runs, not a property of any resource",
    rules.repairing_not_home: "a region left out for repair is not sent: the pack sees the version without its "
    "home region (region.home-missing)",
    rules.feature_start_needs_value: "a raw feature carries its own startsAtVersion: no start without its feature",
}

# A value check: (rule, message, hint) for one raw resource, in the catalog's words.
Check = Callable[[Reader], Iterator[tuple[str, str, Optional[str]]]]
_REGION = "$defs/targetRegion/properties/"


def version_values(r: Reader) -> Iterator[tuple[str, str, Optional[str]]]:
    """The version's name, replica counts and storage types, judged by the catalog's schema."""

    def judge(where: str, pointer: str, value) -> Iterator[tuple[str, str, Optional[str]]]:
        if value is not None:
            for rule, message, hint in check_value(pointer, value):
                yield rule, f"{where}: {message}", hint

    yield from judge("galleryImageVersionName", "$defs/version/properties/version", r("galleryImageVersionName"))
    yield from judge("publishingProfile.replicaCount", _REGION + "replicas", r("publishingProfile", "replicaCount"))
    yield from judge(
        "publishingProfile.storageAccountType",
        _REGION + "storageAccountType",
        r("publishingProfile", "storageAccountType"),
    )
    yield from judge(
        "publishingProfile.replicationMode", "$defs/version/properties/mode", r("publishingProfile", "replicationMode")
    )
    for k, t in r.each("publishingProfile", "targetRegions"):
        where = f"publishingProfile.targetRegions[{k}]"
        yield from judge(f"{where}.regionalReplicaCount", _REGION + "replicas", t("regionalReplicaCount"))
        yield from judge(f"{where}.storageAccountType", _REGION + "storageAccountType", t("storageAccountType"))


def vhd_storage_account(r: Reader) -> Iterator[tuple[str, str, Optional[str]]]:
    """A VHD blob is `source.uri` + `source.storageAccountId` (the account that holds it), never `source.id`."""
    disks = [("storageProfile.osDiskImage", r.at("storageProfile", "osDiskImage"))]
    disks += [(f"storageProfile.dataDiskImages[{k}]", d) for k, d in r.each("storageProfile", "dataDiskImages")]
    for where, disk in disks:
        if disk is None or not disk.has("source", "uri"):
            continue
        if disk.has("source", "id"):
            yield (
                "vhd.storage-account",
                f"{where}.source has both uri and id",
                "a VHD blob is uri + storageAccountId; id names a managed resource",
            )
        if not disk.has("source", "storageAccountId"):
            yield (
                "vhd.storage-account",
                f"{where}.source.uri has no storageAccountId",
                "add the id of the storage account that holds the blob: Azure reads the VHD through it",
            )
            continue
        try:
            account = str(disk("source", "storageAccountId")).rstrip("/").rsplit("/", 1)[-1]
            in_uri = blob_parts(disk("source", "uri"))[0]
        except Unjudged:  # a new account's id, in a preview: judged at `pulumi up`
            continue
        if account.lower() != in_uri.lower():
            yield (
                "vhd.storage-account",
                f"{where}.source.uri is a blob of the account '{in_uri}', but storageAccountId names '{account}'",
                "give the id of the account that holds the blob",
            )


VALUE_CHECKS: dict[str, dict[str, Check]] = {
    V: {"version-values": version_values, "vhd-storage-account": vhd_storage_account},
}

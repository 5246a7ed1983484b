"""Judging raw resources by hand-made examples: exact messages, unknown values, versions finding their definition."""

from __future__ import annotations

import copy

import pytest

from gallery.catalog.loader import load_catalog
from gallery.desired import arm
from gallery.desired.build import desired_state
from gallery.raw import judge, scope
from gallery.raw.resources import UNKNOWN, RawResource, Unjudged, from_record
from tests.fixtures.paths import CATALOGS

ACCOUNT = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stmindev"


@pytest.fixture
def minimal() -> dict[str, RawResource]:
    """The minimal catalog's gallery (`gallery`), definition (`definition`) and version (`version`)."""
    records = desired_state(load_catalog(CATALOGS / "valid" / "minimal.yaml", "dev")).records()
    kinds = {arm.GALLERY: "gallery", arm.DEFINITION: "definition", arm.VERSION: "version"}
    return {kinds[r["type"]]: from_record(copy.deepcopy(r)) for r in records if r["type"] in kinds}


def _scope(name: str) -> scope.Scope:
    return next(s for s in scope.RESOURCE + scope.STACK if s.name == name)


def _texts(violations) -> list[str]:
    return [v.text() for v in violations]


def test_the_schemas_values_replicas_storage_types_and_version_names(minimal):
    v = minimal["version"]
    v.inputs["galleryImageVersionName"] = "1.01.0"
    v.inputs["publishingProfile"]["targetRegions"] += [
        {"name": "northeurope", "regionalReplicaCount": 101, "storageAccountType": "standard_zrs"}
    ]
    v.inputs["publishingProfile"]["replicaCount"] = 0
    assert _texts(judge.judge_values(scope.version_values, v)) == [
        "galleryImageVersionName: must be Major.Minor.Patch (three whole numbers without leading zeros, e.g. 1.0.0); "
        "Azure accepts no other version syntax [schema.pattern]",
        "publishingProfile.replicaCount: must be at least 1 (it is 0) [schema.minimum]",
        "publishingProfile.targetRegions[1].regionalReplicaCount: must be at most 100 (it is 101) [schema.maximum]",
        "publishingProfile.targetRegions[1].storageAccountType: 'standard_zrs' is not an allowed value; did you mean "
        "'Standard_ZRS'? allowed: Standard_LRS, Standard_ZRS, Premium_LRS, PremiumV2_LRS [schema.enum]",
    ]


def test_a_vhd_source_names_the_account_that_holds_it(minimal):
    v = minimal["version"]
    source = v.inputs["storageProfile"]["osDiskImage"]["source"]
    assert judge.judge_values(scope.vhd_storage_account, v) == []
    source["storageAccountId"] = ACCOUNT.replace("stmindev", "other")
    source["id"] = ACCOUNT
    assert _texts(judge.judge_values(scope.vhd_storage_account, v)) == [
        "storageProfile.osDiskImage.source has both uri and id; a VHD blob is uri + storageAccountId; id names a "
        "managed resource [vhd.storage-account]",
        "storageProfile.osDiskImage.source.uri is a blob of the account 'stmindev', but storageAccountId names "
        "'other'; give the id of the account that holds the blob [vhd.storage-account]",
    ]
    del source["storageAccountId"]
    assert _texts(judge.judge_values(scope.vhd_storage_account, v))[1:] == [
        "storageProfile.osDiskImage.source.uri has no storageAccountId; add the id of the storage account that "
        "holds the blob: Azure reads the VHD through it [vhd.storage-account]"
    ]
    source["storageAccountId"] = UNKNOWN  # a new account's id, in a preview: there, and judged at `pulumi up`
    source.pop("id")
    assert judge.judge_values(scope.vhd_storage_account, v) == []


def test_a_rule_judges_one_resource_with_the_catalogs_words(minimal):
    d = minimal["definition"]
    d.inputs["hyperVGeneration"] = "V1"
    d.inputs.setdefault("features", []).append({"name": "SecurityType", "value": "TrustedLaunch"})  # none sent before
    assert _texts(judge.judge_alone(_scope("generation-requirements"), d)) == [
        "securityType TrustedLaunch needs hyperVGeneration V2; use hyperVGeneration: V2, or securityType: Standard "
        "[security.needs-gen2]"
    ]
    v = minimal["version"]
    v.inputs["publishingProfile"]["targetRegions"][0]["name"] = "northeurope"
    [missing] = judge.judge_alone(_scope("home-region-replicated"), v)
    assert (missing.urn, missing.text()) == (
        v.urn,
        "version 1.0.0 does not replicate to the home region 'westeurope'; "
        "add westeurope: Azure adds it anyway, and every later preview shows a "
        "diff [region.home-missing]",
    )


def test_an_unknown_value_a_rule_needs_leaves_the_resource_unjudged(minimal):
    v = minimal["version"]
    v.inputs["location"] = UNKNOWN
    with pytest.raises(Unjudged, match="^location is not known"):
        judge.judge_alone(_scope("home-region-replicated"), v)
    v.inputs["location"], v.inputs["galleryImageName"] = "westeurope", UNKNOWN
    assert judge.judge_alone(_scope("home-region-replicated"), v) == []  # the definition's name is not needed


def test_a_version_finds_its_definition_by_name_or_through_the_engines_dependencies(minimal):
    d, v = minimal["definition"], minimal["version"]
    d.inputs["architecture"] = "Arm64"
    v.inputs["storageProfile"] = {"source": {"id": "/s/rg/providers/Microsoft.Compute/images/packer-1"}}
    arm64 = _scope("arm64-source")
    expected = [
        (
            v.urn,
            "an Arm64 version cannot come from a managed image; publish from a VHD, snapshot or VM "
            "instead [architecture.arm64-managed-image]",
        )
    ]
    assert [(x.urn, x.text()) for x in judge.judge_stack(arm64, minimal.values())] == expected
    linked = RawResource(
        v.type, v.name, v.urn, {**v.inputs, "galleryImageName": UNKNOWN}, links={"galleryImageName": (d.urn,)}
    )
    assert [(x.urn, x.text()) for x in judge.judge_stack(arm64, [minimal["gallery"], d, linked])] == expected
    # Without its definition, nothing is known against it: no finding, and none about the definition itself.
    assert judge.judge_stack(arm64, [minimal["gallery"], v]) == []
    assert judge.judge_stack(_scope("latest-exists"), [v]) == []


def test_duplicates_across_the_stack_are_found_case_insensitively(minimal):
    d = minimal["definition"]
    twin = RawResource(
        d.type, "gallery-App", d.urn.replace("gallery-app", "gallery-App"), {**d.inputs, "galleryImageName": "App"}
    )
    found = judge.judge_stack(_scope("unique-definition-names"), [minimal["gallery"], d, twin])
    assert [(x.urn, x.rule) for x in found] == [(twin.urn, "definition.duplicate")]

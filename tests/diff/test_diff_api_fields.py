"""The diff of the keys added for the rest of Azure's gallery API (issue 15): updatable in place, or fixed.

BASE is tests/catalogs/program/api-fields.yaml (every new key, armcheck-clean); each HEAD is BASE with one
text edit. Both levels are pinned: the catalog findings (`severity kind: message`) and the resource-level
changes of the offline plans (`action name: property [effect]`).
"""

from __future__ import annotations

import datetime as dt

import pytest

from gallery.catalog.loader import load_catalog_text
from gallery.diff.catalog import diff_catalogs
from gallery.diff.findings import sort_findings
from gallery.diff.resources import compare_plans
from gallery.plan.run import plan_catalog
from tests.fixtures.paths import CATALOGS

BASE_FILE = CATALOGS / "program" / "api-fields.yaml"
BASE_TEXT = BASE_FILE.read_text()
TODAY = dt.date(2026, 6, 1)


def edited(old: str, new: str) -> str:
    assert BASE_TEXT.count(old) == 1, f"the edit must hit exactly one place: {old!r}"
    return BASE_TEXT.replace(old, new)


def catalog_findings(head_text: str) -> list[str]:
    base, head = load_catalog_text(BASE_TEXT, "base.yaml"), load_catalog_text(head_text, "head.yaml")
    found = sort_findings(diff_catalogs(base, head, today=TODAY))
    return [f"{f.severity} {f.kind}: {f.message}" for f in found]


def details(head_text: str, kind: str) -> list[str]:
    base, head = load_catalog_text(BASE_TEXT, "base.yaml"), load_catalog_text(head_text, "head.yaml")
    return [
        f"{d.property}: {d.before} → {d.after}"
        for f in diff_catalogs(base, head, today=TODAY)
        if f.kind == kind
        for d in f.details
    ]


@pytest.fixture(scope="module")
def base_plan():
    return plan_catalog(load_catalog_text(BASE_TEXT, "base.yaml")).resources


def resource_changes(base_plan, head_text: str) -> list[str]:
    head = plan_catalog(load_catalog_text(head_text, "head.yaml")).resources
    return [f"{c.action} {c.name}: {p.path} [{p.effect}]" for c in compare_plans(base_plan, head) for p in c.properties]


IDENTITY_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-id/providers/"
    "Microsoft.ManagedIdentity/userAssignedIdentities/id-images"
)


def test_gallery_identity_changes_in_place(base_plan):
    head = edited("    type: SystemAssigned, UserAssigned\n", "    type: UserAssigned\n")
    assert catalog_findings(head) == ["info gallery.updated: gallery properties change in place"]
    assert details(head, "gallery.updated") == [
        f"identity: {{type=SystemAssigned, UserAssigned, userAssignedIdentities={IDENTITY_ID}}} → "
        f"{{type=UserAssigned, userAssignedIdentities={IDENTITY_ID}}}"
    ]
    assert resource_changes(base_plan, head) == ["update gallery-gallery: identity.type [update]"]


def test_a_feature_with_allow_update_and_its_start_changes_in_place(base_plan):
    head = edited("    securityType: TrustedLaunch\n", "    securityType: TrustedLaunchSupported\n")
    assert catalog_findings(head) == ["info definition.updated: image windows-tl changes in place"]
    assert details(head, "definition.updated") == ["securityType: TrustedLaunch → TrustedLaunchSupported"]
    assert resource_changes(base_plan, head) == ["update gallery-windows-tl: features[SecurityType].value [update]"]


def test_a_feature_without_its_start_is_fixed(base_plan):
    head = edited("    hibernation: true\n", "    hibernation: false\n")
    assert catalog_findings(head) == [
        "blocking definition.replaced: hibernation of image windows-tl cannot change after creation (Azure: "
        "PropertyChangeNotAllowed); this needs a new definition, and its 1 version with it"
    ]
    assert resource_changes(base_plan, head) == [
        "refused gallery-windows-tl: features[IsHibernateSupported].value [refused]"
    ]


def test_a_new_start_and_allow_update_are_updates(base_plan):
    head = edited(
        "    startsAtVersion: {securityType: 2.0.0}\n",
        "    startsAtVersion: {securityType: 2.0.0, hibernation: 3.0.0}\n",
    )
    assert catalog_findings(head) == ["info definition.updated: image windows-tl changes in place"]
    assert details(head, "definition.updated") == [
        "startsAtVersion: securityType=2.0.0 → hibernation=3.0.0, securityType=2.0.0"
    ]
    assert resource_changes(base_plan, head) == [
        "update gallery-windows-tl: features[IsHibernateSupported].startsAtVersion [update]"
    ]


def test_a_community_source_is_fixed(base_plan):
    head = edited("/images/ubuntu\n", "/images/ubuntu/versions/1.2.0\n")
    assert catalog_findings(head) == [
        "blocking version.source-changed: from-community 1.0.0: the source cannot change after publishing "
        "(Azure: PropertyChangeNotAllowed)"
    ]
    assert resource_changes(base_plan, head) == [
        "refused gallery-from-community-1.0.0: storageProfile.source.communityGalleryImageId [refused]"
    ]


def test_disk_sources_are_fixed(base_plan):
    head = edited("                hostCaching: None\n", "                hostCaching: ReadOnly\n")
    assert catalog_findings(head) == [
        "blocking version.source-changed: from-disks 1.0.0: the source cannot change after publishing "
        "(Azure: PropertyChangeNotAllowed)"
    ]
    rg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-build/providers/Microsoft.Compute"
    assert details(head, "version.source-changed") == [
        f"source: disks {rg}/snapshots/os-1 (ReadOnly); lun 1: {rg}/disks/data-1 (None) → "
        f"disks {rg}/snapshots/os-1 (ReadOnly); lun 1: {rg}/disks/data-1 (ReadOnly)"
    ]
    assert resource_changes(base_plan, head) == [
        "refused gallery-from-disks-1.0.0: storageProfile.dataDiskImages[1].hostCaching [refused]"
    ]


def test_uefi_keys_are_fixed(base_plan):
    head = edited('              dbx: [{type: x509, value: ["<x509 value>"]}]\n', "")
    assert catalog_findings(head) == [
        "blocking version.security-profile-changed: linux-tl 1.0.0: securityProfile.uefiSettings cannot change "
        "after publishing (Azure: PropertyChangeNotAllowed)"
    ]
    assert resource_changes(base_plan, head) == [
        "refused gallery-linux-tl-1.0.0: securityProfile.uefiSettings.additionalSignatures.dbx[0].type [refused]",
        "refused gallery-linux-tl-1.0.0: securityProfile.uefiSettings.additionalSignatures.dbx[0].value [refused]",
    ]


def test_a_region_exclude_from_latest_changes_in_place(base_plan):
    head = edited(
        "storageAccountType: Standard_ZRS, excludeFromLatest: true}",
        "storageAccountType: Standard_ZRS, excludeFromLatest: false}",
    )
    assert catalog_findings(head) == ["info version.regions-changed: linux-tl 1.0.0: replication changes in place"]
    assert details(head, "version.regions-changed") == ["regions[northeurope].excludeFromLatest: True → False"]
    assert resource_changes(base_plan, head) == [
        "update gallery-linux-tl-1.0.0: publishingProfile.targetRegions[northeurope].excludeFromLatest [update]"
    ]


def test_the_encryption_of_a_replicated_region_is_fixed(base_plan):
    head = edited("{confidentialVMEncryptionType: EncryptedWithPmk}", "{confidentialVMEncryptionType: NonPersistedTPM}")
    assert catalog_findings(head) == [
        "blocking version.region-encryption-changed: confidential 1.0.0: the encryption of a region that has "
        "replicas cannot change"
    ]
    assert details(head, "version.region-encryption-changed") == [
        "regions[northeurope].encryption: confidentialVMEncryptionType=EncryptedWithPmk → "
        "confidentialVMEncryptionType=NonPersistedTPM"
    ]
    assert resource_changes(base_plan, head) == [
        "refused gallery-confidential-1.0.0: publishingProfile.targetRegions[northeurope].encryption.osDiskImage."
        "securityProfile.confidentialVMEncryptionType [refused]"
    ]


def test_a_new_region_may_bring_its_encryption(base_plan):
    pmk = "                securityProfile: {confidentialVMEncryptionType: EncryptedWithPmk}\n"
    head = edited(
        pmk,
        pmk + "          - name: swedencentral\n            encryption:\n              osDiskImage:\n"
        "                securityProfile: {confidentialVMEncryptionType: EncryptedWithPmk}\n",
    )
    assert catalog_findings(head) == ["info version.regions-changed: confidential 1.0.0: replication changes in place"]
    assert resource_changes(base_plan, head) == [
        "update gallery-confidential-1.0.0: publishingProfile.targetRegions[swedencentral].encryption.osDiskImage."
        "securityProfile.confidentialVMEncryptionType [update]",
        "update gallery-confidential-1.0.0: publishingProfile.targetRegions[swedencentral].regionalReplicaCount [update]",
        "update gallery-confidential-1.0.0: publishingProfile.targetRegions[swedencentral].storageAccountType [update]",
        "update gallery-confidential-1.0.0: options.customTimeouts [update]",
    ]


def test_additional_replica_counts_change_in_place_and_their_storage_is_fixed(base_plan):
    more = edited("regionalReplicaCount: 1}]", "regionalReplicaCount: 3}]")
    assert catalog_findings(more) == ["info version.regions-changed: confidential 1.0.0: replication changes in place"]
    assert details(more, "version.regions-changed") == [
        "regions[westeurope].additionalReplicaSets: 1 × PremiumV2_LRS → 3 × PremiumV2_LRS"
    ]
    assert resource_changes(base_plan, more) == [
        "update gallery-confidential-1.0.0: publishingProfile.targetRegions[westeurope].additionalReplicaSets[0]."
        "regionalReplicaCount [update]"
    ]
    gone = edited(
        "            additionalReplicaSets: [{storageAccountType: PremiumV2_LRS, regionalReplicaCount: 1}]\n", ""
    )
    assert catalog_findings(gone) == [
        "blocking version.region-storage-changed: confidential 1.0.0: the storage type of a region that has "
        "replicas cannot change"
    ]
    assert resource_changes(base_plan, gone) == [
        "refused gallery-confidential-1.0.0: publishingProfile.targetRegions[westeurope].additionalReplicaSets[0]."
        "regionalReplicaCount [update]",
        "refused gallery-confidential-1.0.0: publishingProfile.targetRegions[westeurope].additionalReplicaSets[0]."
        "storageAccountType [refused]",
    ]

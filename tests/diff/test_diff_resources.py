"""The resource-level diff: offline plans compared property by property, classified by Azure's rules.

First on small hand-written records (each rule in isolation), then on the real offline plans of the
BASE/HEAD pairs under tests/catalogs/diff/.
"""

from __future__ import annotations

import pathlib

import pytest

from gallery.diff.resources import compare_plans, flatten
from gallery.plan import run as plan

DIFF = pathlib.Path(__file__).resolve().parents[1] / "catalogs" / "diff"
VERSION = "azure-native:compute:GalleryImageVersion"
IMAGE = "azure-native:compute:GalleryImage"
GALLERY = "azure-native:compute:Gallery"


def record(rtype: str, name: str, inputs: dict, **options) -> dict:
    rec = {
        "type": rtype,
        "name": name,
        "parent": "gallery",
        "custom": True,
        "inputs": inputs,
        "dependsOn": [],
        "protect": False,
        "retainOnDelete": False,
        "replaceOnChanges": [],
        "customTimeouts": {},
    }
    rec.update(options)
    return rec


def version(**publishing) -> dict:
    profile = {
        "excludeFromLatest": False,
        "replicaCount": 1,
        "replicationMode": "Full",
        "storageAccountType": "Standard_LRS",
        "targetRegions": [{"name": "westeurope", "regionalReplicaCount": 1, "storageAccountType": "Standard_LRS"}],
    }
    profile.update(publishing)
    return {
        "galleryName": "gal",
        "galleryImageName": "ubuntu",
        "galleryImageVersionName": "1.0.0",
        "publishingProfile": profile,
        "storageProfile": {"source": {"id": "/images/a"}},
    }


def one(base: dict, head: dict) -> list[str]:
    (change,) = compare_plans([base], [head])
    return [change.action] + [
        f"{p.path}: {p.before} → {p.after} [{p.effect}] {p.reason}".rstrip() for p in change.properties
    ]


def test_identical_plans_have_no_changes():
    rec = record(VERSION, "v", version())
    assert compare_plans([rec], [dict(rec)]) == []


def test_regions_are_keyed_by_name_so_adding_one_shifts_nothing():
    regions = [
        {"name": "westeurope", "regionalReplicaCount": 1, "storageAccountType": "Standard_LRS"},
        {"name": "eastus", "regionalReplicaCount": 2, "storageAccountType": "Standard_LRS"},
    ]
    assert one(record(VERSION, "v", version()), record(VERSION, "v", version(targetRegions=regions))) == [
        "update",
        "publishingProfile.targetRegions[eastus].regionalReplicaCount: None → 2 [update]",
        "publishingProfile.targetRegions[eastus].storageAccountType: None → Standard_LRS [update]",
    ]


def test_a_version_source_is_an_impossible_update():
    head = version()
    head["storageProfile"] = {"source": {"id": "/images/b"}}
    assert one(record(VERSION, "v", version()), record(VERSION, "v", head)) == [
        "refused",
        "storageProfile.source.id: /images/a → /images/b [refused] fixed after creation: Azure answers "
        "PropertyChangeNotAllowed (the provider would try an update)",
    ]


def test_replace_on_changes_turns_a_fixed_property_into_a_replacement():
    head = version()
    head["storageProfile"] = {"source": {"id": "/images/b"}}
    assert one(record(VERSION, "v", version()), record(VERSION, "v", head, replaceOnChanges=["storageProfile"]))[
        :2
    ] == ["replace", "storageProfile.source.id: /images/a → /images/b [replace] in replaceOnChanges"]


def test_a_region_storage_type_is_fixed_once_it_has_replicas():
    regions = [{"name": "westeurope", "regionalReplicaCount": 1, "storageAccountType": "Standard_ZRS"}]
    assert one(record(VERSION, "v", version()), record(VERSION, "v", version(targetRegions=regions))) == [
        "refused",
        "publishingProfile.targetRegions[westeurope].storageAccountType: Standard_LRS → Standard_ZRS "
        "[refused] the storage type of a region that has replicas is fixed",
    ]


def test_a_physical_name_change_is_a_replacement():
    base = record(
        "azure-native:storage:StorageAccount",
        "storage",
        {"accountName": "sta", "sku": {"name": "Standard_LRS"}},
        protect=True,
    )
    head = record(
        "azure-native:storage:StorageAccount",
        "storage",
        {"accountName": "stb", "sku": {"name": "Standard_GRS"}},
        protect=True,
    )
    (change,) = compare_plans([base], [head])
    assert (change.action, change.note) == (
        "replace",
        "protected: Pulumi refuses to replace it until it is unprotected",
    )
    assert [(p.path, p.effect) for p in change.properties] == [("accountName", "replace"), ("sku.name", "update")]


def test_groups_sharing_on_an_existing_gallery_is_refused_and_description_is_not():
    base = record(GALLERY, "g", {"galleryName": "gal", "sharingProfile": {"permissions": "Private"}})
    head = record(GALLERY, "g", {"galleryName": "gal", "description": "d", "sharingProfile": {"permissions": "Groups"}})
    assert one(base, head) == [
        "refused",
        "description: None → d [update]",
        "sharingProfile.permissions: Private → Groups [refused] Azure cannot switch an "
        "existing gallery to groups sharing",
    ]


def test_definition_features_are_fixed_and_its_description_is_not():
    features = lambda v: [{"name": "SecurityType", "value": v}]  # noqa: E731
    base = record(IMAGE, "i", {"galleryImageName": "i", "features": features("TrustedLaunch"), "description": "a"})
    head = record(
        IMAGE, "i", {"galleryImageName": "i", "features": features("TrustedLaunchSupported"), "description": "b"}
    )
    assert [line.split(" [")[0] for line in one(base, head)] == [
        "refused",
        "description: a → b",
        "features[SecurityType].value: TrustedLaunch → TrustedLaunchSupported",
    ]


def test_security_type_standard_left_out_is_no_change():
    # Plans made before the program stopped sending `SecurityType: Standard` (and stacks deployed then)
    # have the entry; at API 2024-03-03 a definition without it is Standard: no change, nothing refused.
    others = [{"name": "IsAcceleratedNetworkSupported", "value": "False"}]
    base = record(
        IMAGE, "i", {"galleryImageName": "i", "features": [{"name": "SecurityType", "value": "Standard"}, *others]}
    )
    head = record(IMAGE, "i", {"galleryImageName": "i", "features": others})
    assert compare_plans([base], [head]) == []
    assert compare_plans([head], [base]) == []
    trusted = record(
        IMAGE, "i", {"galleryImageName": "i", "features": [{"name": "SecurityType", "value": "TrustedLaunch"}, *others]}
    )
    assert [line.split(" [")[0] for line in one(base, trusted)] == [
        "refused",
        "features[SecurityType].value: None → TrustedLaunch",
    ]


def test_options_and_parent_changes():
    base = record(VERSION, "v", version(), customTimeouts={"create": "1h"})
    assert one(base, record(VERSION, "v", version(), customTimeouts={"create": "2h"})) == [
        "update",
        "options.customTimeouts: {'create': '1h'} → {'create': '2h'} [update] a Pulumi option: "
        "nothing changes in Azure",
    ]
    assert one(base, record(VERSION, "v", version(), customTimeouts={"create": "1h"}, parent="other"))[0] == "replace"


def test_creates_and_deletes_come_with_what_pulumi_will_do():
    keep = record("azure-native:storage:BlobContainer", "c", {"containerName": "x"}, retainOnDelete=True)
    guarded = record(GALLERY, "g", {"galleryName": "gal"}, protect=True)
    new = record(VERSION, "v2", version())
    changes = compare_plans([keep, guarded], [new])
    assert [(c.action, c.name, c.note) for c in changes] == [
        ("delete", "g", "protected: Pulumi refuses to delete it until it is unprotected"),
        ("delete", "c", "retainOnDelete: it leaves the stack but stays in Azure"),
        ("create", "v2", ""),
    ]


def test_components_and_engine_plumbing_are_not_compared():
    comp = record("gallery:index:ImageGallery", "gallery", {}, custom=False)
    dyn = lambda code: record("pulumi-python:dynamic/gallery:GallerySharing", "s", {"__provider": code})  # noqa: E731
    assert compare_plans([comp, dyn("a")], [dyn("b")]) == []


def test_flatten_keys_objects_by_name_or_lun_and_keeps_scalar_lists_whole():
    assert flatten({"a": {"b": [1, 2]}, "d": [{"lun": 0, "x": 1}], "e": [{"name": "n"}], "f": {}}) == {
        "a.b": [1, 2],
        "d[0].x": 1,
        "e[n]": True,
        "f": {},
    }


# The real offline plans (the Pulumi program under mocks) of the pairs under tests/catalogs/diff/.


@pytest.fixture(scope="module")
def base_plan():
    return plan.run_plan(DIFF / "base.yaml")


@pytest.mark.parametrize(
    "head, expected",
    [
        ("reformatted.yaml", []),
        ("version-source-changed.yaml", [("refused", VERSION, "gallery-ubuntu-1.1.0")]),
        ("version-removed.yaml", [("delete", VERSION, "gallery-ubuntu-1.1.0")]),
        ("definition-replaced.yaml", [("refused", IMAGE, "gallery-windows")]),
        ("gallery-renamed.yaml", [("replace", GALLERY, "gallery-gallery")]),
        (
            "definition-renamed.yaml",
            [
                ("delete", IMAGE, "gallery-ubuntu"),
                ("delete", VERSION, "gallery-ubuntu-1.0.0"),
                ("delete", VERSION, "gallery-ubuntu-1.1.0"),
                ("create", IMAGE, "gallery-ubuntu-lts"),
                ("create", VERSION, "gallery-ubuntu-lts-1.0.0"),
                ("create", VERSION, "gallery-ubuntu-lts-1.1.0"),
            ],
        ),
    ],
)
def test_real_plans(base_plan, head, expected):
    changes = compare_plans(base_plan, plan.run_plan(DIFF / head))
    got = [(c.action, c.type, c.name) for c in changes]
    if head == "gallery-renamed.yaml":  # every child names the gallery too
        assert got[0] == expected[0] and all(a == "replace" for a, _, _ in got)
        # the sharing guard names the gallery too: it is replaced with it (its delete is a no-op)
        assert {t for _, t, _ in got} == {GALLERY, IMAGE, VERSION, "pulumi-python:dynamic/gallery:GallerySharingGuard"}
    else:
        assert got == expected


@pytest.mark.parametrize(
    "before, after, effect",
    [
        ("Standard_LRS", "Standard_GRS", "update"),  # geo-redundancy: converted in place
        ("Standard_ZRS", "Standard_RAGZRS", "update"),
        ("Standard_ZRS", "Premium_LRS", "refused"),  # the performance tier never changes
        ("Premium_LRS", "Standard_LRS", "refused"),
        ("Standard_LRS", "Standard_ZRS", "refused"),  # zone redundancy: a conversion on request, not a SKU update
    ],
)
def test_a_storage_sku_change_azure_refuses_is_refused(before, after, effect):
    base = record("azure-native:storage:StorageAccount", "storage", {"accountName": "sta", "sku": {"name": before}})
    head = record("azure-native:storage:StorageAccount", "storage", {"accountName": "sta", "sku": {"name": after}})
    [change] = compare_plans([base], [head])
    assert (change.action, [(p.path, p.effect) for p in change.properties]) == (effect, [("sku.name", effect)])

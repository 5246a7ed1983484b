"""The round trip: Azure's bodies -> discovered catalog -> the plan's inputs equal those bodies on every field
the catalog controls; and the import file names exactly the resources the plan declares."""

from __future__ import annotations

import dataclasses

import pytest

from armlocal import SUBSCRIPTION
from armlocal.example import add_platform_gallery
from gallery.azure.target import resolve_target
from gallery.catalog.loader import load_catalog
from gallery.catalog.model import DiskImage, DiskSource
from gallery.desired.build import desired_state
from gallery.discover.compare import differences
from gallery.discover.imports import provider_version
from gallery.discover.run import discover
from gallery.plan.engine import ARM_IDS
from gallery.plan.run import plan_catalog
from tests.fixtures.paths import ROOT

NOT_IMPORTED = {"pulumi-python:dynamic/gallery:GallerySharing", "pulumi-python:dynamic/gallery:GalleryCommunity"}
ASSIGNMENT = "azure-native:authorization:RoleAssignment"


def discovered(arm, stack="dev", **kwargs):
    names = add_platform_gallery(arm, stack)
    return discover(resolve_target(), SUBSCRIPTION, names["rg"], names["gallery"], stack=stack, **kwargs)


def test_the_example_gallery_comes_back_as_the_example_catalog(arm):
    found = discovered(arm)
    assert found.problems == []
    example = load_catalog(ROOT / "images.yaml", "dev")
    # Definitions come sorted by name, as Azure lists them; the known-good snapshot comes back with the host caching
    # Azure has for its OS disk (the `disks` form: the `snapshot` form cannot say it, and the program would send
    # none); everything else, the gallery's role assignments included, means exactly what the example means.
    erp = example.image("legacy-erp-app-known-good")
    [snapshot] = erp.versions
    kept = dataclasses.replace(snapshot, source=DiskSource(DiskImage(snapshot.source.id, "ReadOnly")))
    images = [dataclasses.replace(i, versions=(kept,)) if i is erp else i for i in example.images]
    expected = dataclasses.replace(example, images=tuple(sorted(images, key=lambda i: i.name)))
    assert found.catalog == expected
    assert [(n.path_text, n.comment()) for n in found.notes] == [
        (
            "gallery",
            "left-out: 1 role assignment inherited from above the gallery (its resource group or "
            "subscription): not the gallery's, left as they are",
        ),
        (
            "gallery",
            "left-out: role assignments on the storage account (the catalog's access is the gallery's): "
            "Storage Blob Data Contributor for 4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a; they stay in Azure, "
            "outside the stack",
        ),
    ]


def test_plan_inputs_equal_the_served_bodies(arm):
    found = discovered(arm)
    records = plan_catalog(found.catalog).resources
    assert differences(records, found.found) == []
    compared = {r["type"] for r in records} - {
        "azure-native:authorization:RoleAssignment",
        "gallery:index:ImageGallery",
    }
    assert compared == {
        "azure-native:resources:ResourceGroup",
        "azure-native:storage:StorageAccount",
        "azure-native:storage:BlobContainer",
        "azure-native:compute:Gallery",
        "azure-native:compute:GalleryImage",
        "azure-native:compute:GalleryImageVersion",
        "pulumi-python:dynamic/gallery:GallerySharing",
    }


def test_a_served_change_shows_as_a_difference(arm):
    """The comparison can fail: a version changed in Azure after discovery is found."""
    found = discovered(arm)
    records = plan_catalog(found.catalog).resources
    version = found.found.versions["ubuntu-22.04-gen2"][1]
    version["properties"]["publishingProfile"]["targetRegions"][1]["regionalReplicaCount"] = 3
    assert [d.text() for d in differences(records, found.found)] == [
        "gallery-ubuntu-22.04-gen2-1.1.0: publishingProfile.targetRegions: Azure has [('northeurope', 3, "
        "'Standard_ZRS'), ('westeurope', 1, 'Standard_LRS')], the catalog gives [('northeurope', 2, 'Standard_ZRS'), "
        "('westeurope', 1, 'Standard_LRS')]"
    ]


def _urn(stack: str, parent_type: str, type_: str, name: str) -> str:
    """The URN `pulumi import` gives an entry (resource.NewURN with the parent's type)."""
    return f"urn:pulumi:{stack}::image-gallery::{parent_type}${type_}::{name}"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_import_entries_are_the_plans_resources(arm, stack):
    found = discovered(arm, stack)
    records = {(r["type"], r["name"]): r for r in plan_catalog(found.catalog).resources}
    entries = found.imports["resources"]
    assert entries[0] == {"type": "gallery:index:ImageGallery", "name": "gallery", "component": True}
    # Role assignments at the ids Azure has for them: the example's are named as the program names them.
    in_azure = {r.name: r.arm_id for r in desired_state(found.catalog, subscription=SUBSCRIPTION).of_type(ASSIGNMENT)}
    for entry in entries[1:]:
        record = records[(entry["type"], entry["name"])]
        assert entry["parent"] == record["parent"] == "gallery"
        assert _urn(stack, "gallery:index:ImageGallery", entry["type"], entry["name"]) == record["urn"]
        assert entry["id"] == (
            in_azure[entry["name"]]
            if entry["type"] == ASSIGNMENT
            else ARM_IDS[entry["type"]].format(sub=SUBSCRIPTION, **record["inputs"])
        )
        assert entry["version"] == provider_version() == "3.29.0"
    imported = {(e["type"], e["name"]) for e in entries[1:]}
    assert imported == {k for k in records if k[0] not in NOT_IMPORTED | {"gallery:index:ImageGallery"}}
    assert ("azure-native:compute:GalleryImageVersion", "gallery-ubuntu-22.04-gen2-1.1.1") in imported


@pytest.mark.parametrize(
    "name", ["lifecycle.yaml", "many-regions.yaml", "order-a.yaml", "api-fields.yaml", "community.yaml", "sources.yaml"]
)
def test_any_deployed_catalog_is_discovered_as_itself(arm, name):
    """Whatever the program deploys (served from its own plan by serve_plan) is discovered as the same catalog,
    and the discovered catalog's plan differs from Azure on no field the catalog controls."""
    from armlocal import serve_plan
    from gallery.plan.engine import FAKE_SUBSCRIPTION
    from gallery.plan.run import plan
    from tests.fixtures.paths import CATALOGS

    source = CATALOGS / "program" / name
    original = load_catalog(source, "dev")
    # Served in the plan's own subscription: the ids the catalog writes (sources) stay as written.
    serve_plan(arm, plan(source, "dev").resources, sub=FAKE_SUBSCRIPTION)
    found = discover(resolve_target(), FAKE_SUBSCRIPTION, original.resource_group, original.gallery.name, stack="dev")
    assert found.problems == [] and found.catalog is not None
    # The lifecycle policy lives only in the catalog: Azure cannot give it back (blockDeletionBeforeEndOfLife
    # comes back as a policy of the images whose versions carry it).
    assert [i.name for i in found.catalog.images] == sorted(i.name for i in original.images)
    for image in found.catalog.images:
        mine = original.image(image.name)
        assert [v.name for v in image.versions] == sorted(
            (v.name for v in mine.versions), key=lambda n: tuple(map(int, n.split(".")))
        )
        assert {v.name: _kept(v) for v in image.versions} == {v.name: _kept(v) for v in mine.versions}
        assert (image.hibernation, image.allow_update_image, image.feature_starts) == (
            mine.hibernation,
            mine.allow_update_image,
            mine.feature_starts,
        )
    assert found.catalog.gallery.identity == original.gallery.identity
    assert differences(plan_catalog(found.catalog).resources, found.found) == []


def _kept(v):
    """What Azure keeps of a version the catalog controls; a region's excludeFromLatest unsaid is false."""
    regions = tuple(dataclasses.replace(t, exclude_from_latest=bool(t.exclude_from_latest)) for t in v.target_regions)
    return v.source, regions, v.exclude_from_latest, v.end_of_life, v.uefi_settings

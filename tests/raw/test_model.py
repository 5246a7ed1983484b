"""The adapter reads gallery.desired's mapping backwards: every test catalog's resources become its own model again."""

from __future__ import annotations

import dataclasses

import pytest

from gallery.catalog.loader import load_catalog
from gallery.catalog.model import DiskImage, DiskSource, ResourceSource, SharedWith
from gallery.desired import arm
from gallery.desired.build import desired_state
from gallery.raw import model
from gallery.raw.model import blob_parts
from gallery.raw.resources import UNKNOWN, RawResource, Reader, Unjudged, from_record
from tests.fixtures.paths import ROOT
from tests.fixtures.rawcatalogs import VALID

# Where a thing is written, and what only the catalog knows (family, container, lifecycle policy).
NOT_IN_AZURE = {"path", "pos", "family", "container", "lifecycle", "family_path", "versions", "mode_path"}


def _same(got, want, what: str) -> None:
    for f in dataclasses.fields(want):
        if f.name not in NOT_IN_AZURE:
            assert getattr(got, f.name) == getattr(want, f.name), f"{what}: {f.name}"


def _snapshot_as_disks(source):
    # A snapshot is the OS disk's source: the same inputs as a `disks` source of one disk without host caching.
    return (
        DiskSource(DiskImage(source.id)) if isinstance(source, ResourceSource) and source.kind == "snapshot" else source
    )


@pytest.mark.parametrize("path", VALID, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_resource_reads_back_as_its_model(path):
    catalog = load_catalog(path, "dev")
    for record in desired_state(catalog).records():
        raw = from_record(record)
        r = raw.reader()
        if raw.type == arm.GALLERY:
            assert model.gallery(r) == dataclasses.replace(catalog.gallery, shared_with=SharedWith(), access=())
        elif raw.type == arm.DEFINITION:
            _same(model.definition(r, "images[0]"), catalog.image(raw.read("galleryImageName")), raw.name)
        elif raw.type == arm.VERSION:
            want = catalog.image(raw.read("galleryImageName")).version(raw.read("galleryImageVersionName"))
            # A resource carries the catalog's tags with the version's own over them (its own alone in the model).
            want = dataclasses.replace(want, tags=tuple(sorted({**catalog.tags, **dict(want.tags)}.items())))
            got = model.version(r, "images[0].versions[0]", raw.read("galleryImageName"))
            _same(
                dataclasses.replace(got, source=_snapshot_as_disks(got.source)),
                dataclasses.replace(want, source=_snapshot_as_disks(want.source)),
                raw.name,
            )


def test_what_the_inputs_leave_out_is_azures_default_at_2024_03_03():
    d = model.definition(Reader({"galleryImageName": "app", "osType": "Linux", "osState": "Generalized"}, ""), "x")
    assert (d.hyper_v_generation, d.architecture, d.security_type) == ("V1", "x64", "Standard")
    v = model.version(
        Reader(
            {
                "galleryImageVersionName": "1.0.0",
                "location": "West Europe",
                "storageProfile": {"source": {"id": "/x/providers/Microsoft.Compute/images/i"}},
            },
            "",
        ),
        "images[0].versions[0]",
        "app",
    )
    assert [(t.name, t.replicas, t.storage_account_type) for t in v.target_regions] == [
        ("westeurope", 1, "Standard_LRS")
    ]
    assert (v.replication_mode, v.allow_deletion_of_replicated_locations) == ("Full", False)
    assert v.source == ResourceSource("managedImage", "/x/providers/Microsoft.Compute/images/i")


def test_numbers_come_from_the_engine_as_doubles():
    v = model.version(
        Reader(
            {
                "galleryImageVersionName": "1.0.0",
                "location": "westeurope",
                "publishingProfile": {"targetRegions": [{"name": "westeurope", "regionalReplicaCount": 3.0}]},
            },
            "",
        ),
        "p",
        None,
    )
    assert v.target_regions[0].replicas == 3 and isinstance(v.target_regions[0].replicas, int)


def test_a_version_name_that_is_no_version_is_no_model():
    assert model.version(Reader({"galleryImageVersionName": "1.0"}, ""), "p", None) is None


def test_a_blob_uri_names_its_account_container_and_blob():
    assert blob_parts("https://stimages.blob.core.windows.net/linux-vhds/a%20b/c.vhd") == (
        "stimages",
        "linux-vhds",
        "a b/c.vhd",
    )


def test_an_unknown_value_is_unjudged_where_it_is_read():
    raw = RawResource(arm.VERSION, "v", "urn:v", {"galleryImageVersionName": "1.0.0", "location": UNKNOWN})
    assert raw.read("galleryImageVersionName") == "1.0.0"
    with pytest.raises(Unjudged, match="^location is not known before the resource it comes from exists$"):
        model.version(raw.reader(), "p", None)
    nested = Reader({"publishingProfile": {"targetRegions": UNKNOWN}}, "")
    with pytest.raises(Unjudged) as info:
        nested("publishingProfile", "targetRegions", 0, "name")
    assert info.value.path == "publishingProfile.targetRegions"
    assert nested.has("publishingProfile", "targetRegions")

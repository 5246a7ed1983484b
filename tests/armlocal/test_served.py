"""A served plan is what `pulumi up` of it leaves in Azure, read back through the real azure-mgmt-compute client:
the gallery's groups members and a community gallery's publication included."""

from __future__ import annotations


import pytest

from armlocal import SUBSCRIPTION, catalog_records, serve_plan
from armlocal.bodies import public_name
from gallery.azure.client import call_options, compute_client
from gallery.azure.sharing import SharingState, read_sharing
from gallery.azure.target import resolve_target
from gallery.catalog.loader import load_catalog
from gallery.discover.run import discover
from tests.fixtures.paths import CATALOGS, ROOT

EXAMPLE = ROOT / "images.yaml"
# The example's sharedWith, as Azure keeps them (lower case, sorted).
MEMBERS = ("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "7a2b3c4d-5e6f-4a7b-9c8d-1e2f3a4b5c6d")
TENANTS = ("9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e",)


@pytest.fixture(scope="module")
def example_records() -> list[dict]:
    return catalog_records(EXAMPLE, "dev")


@pytest.fixture
def client(arm):
    return compute_client(resolve_target(), SUBSCRIPTION)


def test_a_groups_gallery_is_served_with_its_members(arm, client, example_records):
    serve_plan(arm, example_records)
    assert read_sharing(client, "rg-images-dev", "gal_platform_dev") == SharingState(
        "Groups", subscriptions=MEMBERS, tenants=TENANTS
    )
    assert arm.requests[-1].query == {"api-version": "2024-03-03", "$expand": "SharingProfile/Groups"}


def test_the_members_come_only_with_expand(arm, client, example_records):
    """As Gallery_Get: a plain GET leaves `sharingProfile.groups` out; $expand=SharingProfile/Groups adds them."""
    serve_plan(arm, example_records)
    plain = client.galleries.get("rg-images-dev", "gal_platform_dev", **call_options()).as_dict()
    expanded = client.galleries.get(
        "rg-images-dev", "gal_platform_dev", expand="SharingProfile/Groups", **call_options()
    ).as_dict()
    assert plain["properties"]["sharingProfile"] == {"permissions": "Groups"}
    assert expanded["properties"]["sharingProfile"] == {
        "permissions": "Groups",
        "groups": [{"type": "AADTenants", "ids": list(TENANTS)}, {"type": "Subscriptions", "ids": list(MEMBERS)}],
    }


def test_the_served_example_is_discovered_as_the_example(arm, example_records):
    """What serving drops, discovery cannot give back: with the members served, the example's plan is discovered
    as the example, sharing and role assignments included."""
    serve_plan(arm, example_records)
    found = discover(resolve_target(), SUBSCRIPTION, "rg-images-dev", "gal_platform_dev", stack="dev")
    example = load_catalog(EXAMPLE, "dev")
    assert found.problems == [] and found.catalog is not None
    assert (found.catalog.gallery.sharing, found.catalog.gallery.shared_with) == ("groups", example.gallery.shared_with)
    assert found.catalog.gallery == example.gallery


def test_a_community_gallery_is_served_published(arm, client):
    """As after GalleryCommunity's EnableCommunity: enabled, with the public name Azure gives."""
    serve_plan(arm, catalog_records(CATALOGS / "program" / "community.yaml", "dev"))
    info = arm.gallery("rg-comm-dev", "gal_comm_dev")["properties"]["sharingProfile"]["communityGalleryInfo"]
    assert read_sharing(client, "rg-comm-dev", "gal_comm_dev") == SharingState(
        "Community", community_enabled=True, public_names=(public_name(info),)
    )
    assert public_name(info).startswith("contoso-")


def test_a_community_gallery_without_its_publication_is_not_published(arm, client):
    """Publishing is the share action's, not the gallery's: a plan without GalleryCommunity serves it unpublished."""
    records = [
        r
        for r in catalog_records(CATALOGS / "program" / "community.yaml", "dev")
        if not r["type"].endswith(":GalleryCommunity")
    ]
    serve_plan(arm, records)
    assert read_sharing(client, "rg-comm-dev", "gal_comm_dev") == SharingState("Community")

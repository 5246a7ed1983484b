"""The sharing dynamic providers, through the real azure-mgmt-compute client, against the local ARM endpoint."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from pulumi.dynamic.dynamic import serialize_provider

from armlocal import API_VERSION, SUBSCRIPTION
from gallery.azure.errors import ArmError
from gallery.azure.target import resolve_target
from gallery.components.sharing import (
    GalleryCommunityProvider,
    GallerySharingGuardProvider,
    GallerySharingProvider,
    by_value,
)

A, B, C = (
    "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
    "7a2b3c4d-5e6f-4a7b-9c8d-1e2f3a4b5c6d",
    "8b3c4d5e-6f7a-4b8c-9d0e-2f3a4b5c6d7e",
)
T1, T2 = "9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e", "aa8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e"
RG, GALLERY = "rg-images-dev", "gal_platform_dev"
SHARE = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.Compute/galleries/{GALLERY}/share"
COMMUNITY = {
    "publicNamePrefix": "contoso",
    "publisherUri": "https://contoso.example",
    "publisherContact": "images@contoso.example",
    "eula": "https://contoso.example/eula",
}


def groups_props(subscriptions=(A, B), tenants=(T1,), gallery=GALLERY) -> dict:
    return {
        "subscriptionId": SUBSCRIPTION,
        "resourceGroupName": RG,
        "galleryName": gallery,
        "subscriptions": list(subscriptions),
        "tenants": list(tenants),
    }


def community_props(**change) -> dict:
    return {"subscriptionId": SUBSCRIPTION, "resourceGroupName": RG, "galleryName": GALLERY, **COMMUNITY, **change}


def posts(arm) -> list:
    assert all(r.path == SHARE and r.query == {"api-version": API_VERSION} for r in arm.calls("POST"))
    return [r.body for r in arm.calls("POST")]


@pytest.fixture
def groups(arm):
    arm.add_gallery(RG, GALLERY, sharing="Groups")
    return GallerySharingProvider(resolve_target())


@pytest.fixture
def community(arm):
    arm.add_gallery(RG, GALLERY, sharing="Community", community=COMMUNITY)
    return GalleryCommunityProvider(resolve_target())


# -- groups ----------------------------------------------------------------------------------------------


def test_create_adds_subscriptions_and_tenants_as_azures_example_does(arm, groups):
    result = groups.create(groups_props())
    assert posts(arm) == [
        {
            "operationType": "Add",
            "groups": [{"type": "Subscriptions", "ids": [A, B]}, {"type": "AADTenants", "ids": [T1]}],
        }
    ]
    assert result.id == SHARE
    assert (result.outs["subscriptions"], result.outs["tenants"]) == ([A, B], [T1])
    assert groups.read(SHARE, groups_props()).outs == groups_props()  # Azure has what was sent


def test_create_with_nothing_to_share_calls_nothing(arm, groups):
    groups.create(groups_props(subscriptions=(), tenants=()))
    assert arm.requests == []


def test_diff_ignores_order_and_case(groups):
    result = groups.diff("id", groups_props(), groups_props(subscriptions=(B.upper(), A)))
    assert (result.changes, result.replaces) == (False, [])


def test_diff_of_members_is_an_update_and_of_the_gallery_a_replacement(groups):
    assert groups.diff("id", groups_props(), groups_props(subscriptions=(A, C))).changes is True
    moved = groups.diff("id", groups_props(), groups_props(gallery="gal_other"))
    assert (moved.changes, moved.replaces, moved.delete_before_replace) == (True, ["galleryName"], True)


def test_update_removes_then_adds_only_the_difference(arm, groups):
    groups.create(groups_props(subscriptions=(A, B), tenants=(T1,)))
    result = groups.update(
        "id", groups_props(subscriptions=(A, B), tenants=(T1,)), groups_props(subscriptions=(A, C), tenants=(T2,))
    )
    assert posts(arm)[1:] == [
        {
            "operationType": "Remove",
            "groups": [{"type": "Subscriptions", "ids": [B]}, {"type": "AADTenants", "ids": [T1]}],
        },
        {
            "operationType": "Add",
            "groups": [{"type": "Subscriptions", "ids": [C]}, {"type": "AADTenants", "ids": [T2]}],
        },
    ]
    assert (result.outs["subscriptions"], result.outs["tenants"]) == ([A, C], [T2])
    assert groups.read(SHARE, groups_props()).outs == groups_props(subscriptions=(A, C), tenants=(T2,))


def test_refresh_sees_members_changed_outside_pulumi_and_up_puts_the_catalog_back(arm, groups):
    groups.create(groups_props(subscriptions=(A,), tenants=()))
    profile = arm.gallery(RG, GALLERY)["properties"]["sharingProfile"]
    profile["groups"] = [{"type": "Subscriptions", "ids": [A, C]}]  # someone ran `az sig share add`
    refreshed = groups.read(SHARE, groups_props(subscriptions=(A,), tenants=())).outs
    assert refreshed["subscriptions"] == [A, C]
    wanted = groups_props(subscriptions=(A,), tenants=())
    assert groups.diff(SHARE, refreshed, wanted).changes is True
    groups.update(SHARE, refreshed, wanted)
    assert posts(arm)[-1] == {"operationType": "Remove", "groups": [{"type": "Subscriptions", "ids": [C]}]}
    assert groups.read(SHARE, wanted).outs["subscriptions"] == [A]


def test_delete_removes_what_it_shared_and_a_gone_gallery_is_no_error(arm, groups):
    groups.create(groups_props())
    groups.delete(SHARE, groups_props())
    assert posts(arm)[-1]["operationType"] == "Remove"
    assert groups.read(SHARE, groups_props()).outs["subscriptions"] == []
    arm.galleries.clear()
    groups.delete(SHARE, groups_props())  # 404: nothing left to unshare


def test_a_refused_share_names_the_role(arm, groups):
    arm.fail("POST", r"/share$", 403, "AuthorizationFailed", "no share/action")
    with pytest.raises(
        ArmError,
        match=r"cannot share gallery gal_platform_dev: Azure refused the caller "
        r"\(AuthorizationFailed: no share/action\); the identity needs Owner or Compute Gallery "
        r"Sharing Admin on the gallery",
    ):
        groups.create(groups_props())


# -- community -------------------------------------------------------------------------------------------


def test_create_publishes_the_gallery_and_records_its_public_name(arm, community):
    result = community.create(community_props())
    assert posts(arm) == [{"operationType": "EnableCommunity"}]  # Gallery_EnableCommunityGallery
    name = arm.gallery(RG, GALLERY)["properties"]["sharingProfile"]["communityGalleryInfo"]["publicNames"][0]
    assert result.id == SHARE
    assert result.outs == {**community_props(), "communityGalleryEnabled": True, "publicNames": [name]}
    assert name.startswith("contoso-")


def test_refresh_sees_a_gallery_unpublished_outside_pulumi_and_up_publishes_it_again(arm, community):
    created = community.create(community_props()).outs
    arm.gallery(RG, GALLERY)["properties"]["sharingProfile"]["communityGalleryInfo"]["communityGalleryEnabled"] = False
    refreshed = community.read(SHARE, created).outs
    assert refreshed["communityGalleryEnabled"] is False
    assert community.diff(SHARE, refreshed, community_props()).changes is True
    assert community.diff(SHARE, created, community_props()).changes is False
    assert community.update(SHARE, refreshed, community_props()).outs["communityGalleryEnabled"] is True
    assert posts(arm) == [{"operationType": "EnableCommunity"}] * 2


def test_changed_community_info_is_published_again(arm, community):
    created = community.create(community_props()).outs
    diff = community.diff(SHARE, created, community_props(eula="https://contoso.example/eula-2"))
    assert (diff.changes, diff.replaces) == (True, [])
    community.update(SHARE, created, community_props(eula="https://contoso.example/eula-2"))
    assert posts(arm)[-1] == {"operationType": "EnableCommunity"}


def test_delete_resets_the_sharing_profile_first(arm, community):
    community.create(community_props())
    community.delete(SHARE, community_props())
    assert posts(arm)[-1] == {"operationType": "Reset"}  # Gallery_ResetSharingProfile
    assert arm.gallery(RG, GALLERY)["properties"]["sharingProfile"] == {"permissions": "Private"}
    arm.galleries.clear()
    community.delete(SHARE, community_props())  # the gallery is gone already: nothing to reset


def test_a_refused_publication_names_the_role(arm, community):
    arm.fail("POST", r"/share$", 403, "AuthorizationFailed", "no share/action")
    with pytest.raises(
        ArmError,
        match=r"^cannot enable community sharing of gallery gal_platform_dev: Azure "
        r"refused the caller .*the identity needs Owner or Compute Gallery Sharing Admin",
    ):
        community.create(community_props())


# -- the guard before the gallery's update ----------------------------------------------------------------


def guard_props(sharing="private", gallery=GALLERY) -> dict:
    return {"subscriptionId": SUBSCRIPTION, "resourceGroupName": RG, "galleryName": gallery, "sharing": sharing}


@pytest.mark.parametrize(
    "served, wanted",
    [
        ({"sharing": "Community", "community": COMMUNITY, "enabled": True}, "private"),
        ({"sharing": "Community", "community": COMMUNITY, "enabled": False}, "private"),
        ({"sharing": "Groups", "groups": [{"type": "Subscriptions", "ids": [A]}]}, "private"),
        ({"sharing": "Groups", "groups": [{"type": "Subscriptions", "ids": [A]}]}, "community"),
    ],
)
def test_the_guard_resets_what_azure_still_shares_before_the_gallery_changes(arm, served, wanted):
    arm.add_gallery(RG, GALLERY, **served)
    guard = GallerySharingGuardProvider(resolve_target())
    result = guard.create(guard_props(wanted))
    assert posts(arm) == [{"operationType": "Reset"}]  # Gallery_ResetSharingProfile
    assert arm.gallery(RG, GALLERY)["properties"]["sharingProfile"] == {"permissions": "Private"}
    assert result.outs == guard_props(wanted)


@pytest.mark.parametrize(
    "served, wanted",
    [
        ({"sharing": "Private"}, "private"),
        ({"sharing": "Community", "community": COMMUNITY, "enabled": True}, "community"),
    ],
)
def test_the_guard_leaves_a_gallery_that_already_is_as_wanted(arm, served, wanted):
    arm.add_gallery(RG, GALLERY, **served)
    GallerySharingGuardProvider(resolve_target()).create(guard_props(wanted))
    assert posts(arm) == [] and len(arm.calls("GET")) == 1


def test_the_guard_of_a_gallery_not_created_yet_does_nothing(arm):
    GallerySharingGuardProvider(resolve_target()).create(guard_props())
    assert posts(arm) == []


def test_a_change_of_wanted_sharing_is_an_update_that_settles_again(arm):
    guard = GallerySharingGuardProvider(resolve_target())
    diff = guard.diff("id", guard_props("community"), guard_props("private"))
    assert (diff.changes, diff.replaces) == (True, [])
    arm.add_gallery(RG, GALLERY, sharing="Community", community=COMMUNITY, enabled=True)
    guard.update("id", guard_props("community"), guard_props("private"))
    assert posts(arm) == [{"operationType": "Reset"}]
    assert guard.diff("id", guard_props(), guard_props(gallery="gal_other")).replaces == ["galleryName"]


def test_the_calls_go_to_the_target_the_provider_was_given(arm, monkeypatch):
    """The provider keeps its target: a later change of the environment does not move its calls."""
    arm.add_gallery(RG, GALLERY, sharing="Groups")
    provider = GallerySharingProvider(resolve_target())
    monkeypatch.setenv("GALLERY_ARM_ENDPOINT", "http://127.0.0.1:9")
    provider.create(groups_props())
    assert len(arm.calls("POST")) == 1


@pytest.mark.parametrize(
    "provider, props",
    [
        (GallerySharingProvider, groups_props()),
        (GalleryCommunityProvider, community_props()),
        (GallerySharingGuardProvider, guard_props()),
    ],
)
def test_the_providers_travel_by_value_without_this_project(tmp_path, provider, props):
    # The dynamic-provider process unpickles the provider from the state: unpickling it and diffing
    # must not import `gallery` (nor hold a client or credential), so a refactor cannot break old stacks.
    pickled = serialize_provider(by_value(provider(resolve_target("public", environ={}))))
    script = textwrap.dedent(f"""
        import base64, sys, dill
        p = dill.loads(base64.b64decode({pickled!r}))
        old = {props!r}
        d = p.diff("id", old, dict(old, galleryName="other"))
        print(type(p).__name__, d.changes, d.replaces, p._target["endpoint"], "gallery" in sys.modules)
    """)
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        check=True,
    )
    assert out.stdout.split() == [
        provider.__name__,
        "True",
        "['galleryName']",
        "https://management.azure.com",
        "False",
    ], out.stderr

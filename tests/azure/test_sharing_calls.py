"""The share calls and the sharing read, through the real azure-mgmt-compute client, against the local ARM endpoint."""

from __future__ import annotations

import pytest

from armlocal import API_VERSION, SUBSCRIPTION
from gallery.azure.client import compute_client
from gallery.azure.errors import ArmError
from gallery.azure.sharing import SharingState, read_sharing, update_sharing
from gallery.azure.target import resolve_target

GALLERY_PATH = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_platform"
)
COMMUNITY = {
    "publicNamePrefix": "contoso",
    "publisherUri": "https://contoso.example",
    "publisherContact": "images@contoso.example",
    "eula": "https://contoso.example/eula",
}


@pytest.fixture
def client(arm):
    return compute_client(resolve_target(), SUBSCRIPTION)


def test_enable_community_sends_azures_request_and_waits_for_the_operation(arm, client):
    arm.add_gallery("rg-images", "gal_platform", sharing="Community", community=COMMUNITY)
    update_sharing(client, "rg-images", "gal_platform", "EnableCommunity")
    post, poll, poll2, final = arm.requests
    # Gallery_EnableCommunityGallery: the URL, the api-version and the body exactly.
    assert (post.method, post.path, post.query, post.body) == (
        "POST",
        GALLERY_PATH + "/share",
        {"api-version": API_VERSION},
        {"operationType": "EnableCommunity"},
    )
    assert [poll.method, poll2.method, final.method] == ["GET", "GET", "GET"]
    assert "/capsOperations/" in poll.path and poll.path == poll2.path
    assert final.path == GALLERY_PATH + "/share"
    state = read_sharing(client, "rg-images", "gal_platform")
    assert state.community_enabled and state.permissions == "Community"
    assert state.public_names == (
        arm.gallery("rg-images", "gal_platform")["properties"]["sharingProfile"]["communityGalleryInfo"]["publicNames"][
            0
        ],
    )
    assert state.public_names[0].startswith("contoso-")


def test_add_and_remove_send_the_groups_as_azures_example_does(arm, client):
    arm.add_gallery("rg-images", "gal_platform", sharing="Groups")
    subs = ["34a4ab42-0d72-47d9-bd1a-aed207386dac", "380fd389-260b-41aa-bad9-0a83108c370b"]
    update_sharing(client, "rg-images", "gal_platform", "Add", subs, ["c24c76aa-8897-4027-9b03-8f7928b54ff6"])
    assert arm.calls("POST")[0].body == {
        "operationType": "Add",
        "groups": [
            {"type": "Subscriptions", "ids": subs},
            {"type": "AADTenants", "ids": ["c24c76aa-8897-4027-9b03-8f7928b54ff6"]},
        ],
    }
    update_sharing(client, "rg-images", "gal_platform", "Remove", subs[:1])
    assert read_sharing(client, "rg-images", "gal_platform") == SharingState(
        "Groups", (subs[1],), ("c24c76aa-8897-4027-9b03-8f7928b54ff6",)
    )
    get = arm.calls("GET", "gal_platform")[-1]
    assert get.query == {"api-version": API_VERSION, "$expand": "SharingProfile/Groups"}


def test_reset_makes_the_gallery_private(arm, client):
    arm.add_gallery("rg-images", "gal_platform", sharing="Community", community=COMMUNITY, enabled=True)
    update_sharing(client, "rg-images", "gal_platform", "Reset")
    assert arm.calls("POST")[0].body == {"operationType": "Reset"}
    assert read_sharing(client, "rg-images", "gal_platform") == SharingState("Private")


def test_add_with_nothing_to_add_sends_nothing(arm, client):
    arm.add_gallery("rg-images", "gal_platform", sharing="Groups")
    update_sharing(client, "rg-images", "gal_platform", "Add", [], [])
    assert arm.requests == []


def test_a_refusal_names_the_role_that_may_share(arm, client):
    arm.add_gallery("rg-images", "gal_platform", sharing="Community", community=COMMUNITY)
    arm.fail(
        "POST",
        r"/share$",
        403,
        "AuthorizationFailed",
        "The client 'x' with object id 'y' does not have "
        "authorization to perform action 'Microsoft.Compute/galleries/share/action'.",
    )
    with pytest.raises(ArmError) as caught:
        update_sharing(client, "rg-images", "gal_platform", "EnableCommunity")
    assert str(caught.value) == (
        "cannot enable community sharing of gallery gal_platform: Azure refused the caller (AuthorizationFailed: "
        "The client 'x' with object id 'y' does not have authorization to perform action "
        "'Microsoft.Compute/galleries/share/action'.); the identity needs Owner or Compute Gallery Sharing Admin "
        "on the gallery"
    )


def test_a_failed_operation_is_an_error_not_a_success(arm, client):
    arm.add_gallery("rg-images", "gal_platform", sharing="Community", community=COMMUNITY)
    arm.fail_operations["EnableCommunity"] = ("InternalOperationError", "publishing failed")
    with pytest.raises(ArmError, match="cannot enable community sharing of gallery gal_platform: "):
        update_sharing(client, "rg-images", "gal_platform", "EnableCommunity")
    assert read_sharing(client, "rg-images", "gal_platform").community_enabled is False


def test_throttling_is_retried_after_the_time_azure_asks(arm, client):
    arm.add_gallery("rg-images", "gal_platform")
    arm.fail("GET", r"/galleries/gal_platform$", 429, "TooManyRequests", times=2, retry_after=0)
    assert read_sharing(client, "rg-images", "gal_platform") == SharingState("Private")
    assert len(arm.calls("GET")) == 3


def test_throttling_that_does_not_end_gives_up_and_says_so(arm, client):
    arm.add_gallery("rg-images", "gal_platform")
    arm.fail("GET", r"/galleries/gal_platform$", 429, "TooManyRequests", times=10, retry_after=0)
    with pytest.raises(ArmError) as caught:
        read_sharing(client, "rg-images", "gal_platform")
    assert caught.value.hint == "wait a few minutes and run again"
    assert len(arm.calls("GET")) == 4  # the first try and RETRY_TOTAL retries


def test_a_missing_gallery_and_a_conflict(arm, client):
    with pytest.raises(ArmError, match=r"cannot read the sharing of gallery nope: not found \(ResourceNotFound: "):
        read_sharing(client, "rg-images", "nope")
    arm.add_gallery("rg-images", "gal_platform", sharing="Groups")
    arm.fail("POST", r"/share$", 409, "OperationNotAllowed", "Another operation is in progress.")
    with pytest.raises(ArmError) as caught:
        update_sharing(client, "rg-images", "gal_platform", "Add", ["34a4ab42-0d72-47d9-bd1a-aed207386dac"])
    assert caught.value.status == 409
    assert caught.value.hint == "another operation may be running on the gallery: wait for it and run again"


def test_the_endpoint_refuses_any_other_api_version(arm, client):
    """The fixture is strict, so the tests above prove every call carries the project's api-version."""
    arm.add_gallery("rg-images", "gal_platform")
    with pytest.raises(Exception) as caught:
        client.galleries.get("rg-images", "gal_platform")  # the client's own default, 2026-03-03
    assert "InvalidApiVersionParameter" in str(caught.value)


def test_a_static_token_is_sent_to_the_local_endpoint(arm, monkeypatch):
    arm.add_gallery("rg-images", "gal_platform")
    arm.token = "local-secret"
    monkeypatch.setenv("GALLERY_ARM_TOKEN", "local-secret")
    assert (
        read_sharing(compute_client(resolve_target(), SUBSCRIPTION), "rg-images", "gal_platform").permissions
        == "Private"
    )
    assert arm.requests[-1].headers["Authorization"] == "Bearer local-secret"


def test_a_missing_token_is_said_to_be_one(arm, client):
    arm.add_gallery("rg-images", "gal_platform")
    arm.token = "local-secret"
    with pytest.raises(
        ArmError,
        match=r"^cannot read the sharing of gallery gal_platform: Azure did not accept "
        r"the credential \(AuthenticationFailed: ",
    ):
        read_sharing(client, "rg-images", "gal_platform")

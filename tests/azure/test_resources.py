"""Plain ARM reads outside Microsoft.Compute (resource group, storage account, containers) through the compute
client's pipeline: each at its provider's api-version, lists paged, errors as azure-core raises them."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from armlocal import SUBSCRIPTION
from gallery.azure.client import compute_client
from gallery.azure.errors import arm_error
from gallery.desired.arm import RESOURCES_API_VERSION, STORAGE_API_VERSION
from gallery.desired.arm import account_id as account_path
from gallery.desired.arm import group_id as group_path
from gallery.azure.resources import get_json, list_json
from gallery.azure.target import resolve_target


def client():
    return compute_client(resolve_target(), SUBSCRIPTION)


def test_resource_group_and_account_are_read_at_their_api_versions(arm):
    arm.add_group("rg", location="northeurope", tags={"owner": "me"})
    arm.add_account("rg", "stimages001", sku="Standard_ZRS")
    group = get_json(client(), group_path(SUBSCRIPTION, "rg"), RESOURCES_API_VERSION)
    account = get_json(client(), account_path(SUBSCRIPTION, "rg", "stimages001"), STORAGE_API_VERSION)
    assert (group["location"], group["tags"]) == ("northeurope", {"owner": "me"})
    assert (account["kind"], account["sku"]["name"], account["properties"]["minimumTlsVersion"]) == (
        "StorageV2",
        "Standard_ZRS",
        "TLS1_2",
    )
    assert [r.query["api-version"] for r in arm.requests] == [RESOURCES_API_VERSION, STORAGE_API_VERSION]


def test_containers_are_listed_across_pages(arm):
    arm.add_account("rg", "stimages001")
    for name in ("a-vhds", "b-vhds", "c-vhds", "d-vhds", "e-vhds"):
        arm.add_container("rg", "stimages001", name)
    arm.page_size = 2
    path = account_path(SUBSCRIPTION, "rg", "stimages001") + "/blobServices/default/containers"
    assert [c["name"] for c in list_json(client(), path, STORAGE_API_VERSION)] == [
        "a-vhds",
        "b-vhds",
        "c-vhds",
        "d-vhds",
        "e-vhds",
    ]
    lists = arm.calls("GET", "/containers")
    assert [(r.query["api-version"], r.query.get("$skiptoken")) for r in lists] == [
        (STORAGE_API_VERSION, None),
        (STORAGE_API_VERSION, "2"),
        (STORAGE_API_VERSION, "4"),
    ]


def test_a_wrong_api_version_is_refused_as_arm_refuses_it(arm):
    arm.add_group("rg")
    with pytest.raises(HttpResponseError) as caught:
        get_json(client(), group_path(SUBSCRIPTION, "rg"), "2024-03-03")
    assert caught.value.status_code == 400
    assert caught.value.error.code == "InvalidApiVersionParameter"


def test_a_missing_account_is_not_found_and_says_what(arm):
    with pytest.raises(ResourceNotFoundError) as caught:
        get_json(client(), account_path(SUBSCRIPTION, "rg", "nosuch001"), STORAGE_API_VERSION)
    assert str(arm_error(caught.value, "read storage account nosuch001")) == (
        "cannot read storage account nosuch001: not found (ResourceNotFound: The Resource "
        "'Microsoft.Storage/storageAccounts/nosuch001' under resource group 'rg' was not found.); check the "
        "subscription, resource group and names"
    )


def test_throttled_reads_wait_for_retry_after(arm):
    import time

    arm.add_group("rg")
    arm.fail("GET", r"/resourceGroups/rg$", 429, "TooManyRequests", retry_after=1)
    started = time.monotonic()
    assert get_json(client(), group_path(SUBSCRIPTION, "rg"), RESOURCES_API_VERSION)["name"] == "rg"
    assert time.monotonic() - started >= 1
    assert len(arm.calls("GET", "/resourceGroups/rg")) == 2

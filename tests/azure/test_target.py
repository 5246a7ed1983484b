"""Where ARM calls go: the stack's cloud, or a loopback endpoint only."""

from __future__ import annotations

import pytest

from gallery.azure.errors import ArmError
from gallery.azure.target import resolve_target


@pytest.mark.parametrize(
    "cloud, endpoint, authority",
    [
        (None, "https://management.azure.com", "login.microsoftonline.com"),
        ("public", "https://management.azure.com", "login.microsoftonline.com"),
        ("AzureCloud", "https://management.azure.com", "login.microsoftonline.com"),
        ("usgovernment", "https://management.usgovcloudapi.net", "login.microsoftonline.us"),
        ("AzureUSGovernment", "https://management.usgovcloudapi.net", "login.microsoftonline.us"),
        ("china", "https://management.chinacloudapi.cn", "login.chinacloudapi.cn"),
    ],
)
def test_each_cloud_has_its_own_resource_manager_and_login(cloud, endpoint, authority):
    target = resolve_target(cloud, environ={})
    assert (target.endpoint, target.authority, target.scope) == (endpoint, authority, endpoint + "/.default")


def test_the_option_wins_over_arm_environment():
    assert resolve_target("china", environ={"ARM_ENVIRONMENT": "usgovernment"}).cloud == "china"
    assert resolve_target(None, environ={"ARM_ENVIRONMENT": "usgovernment"}).cloud == "usgovernment"


def test_an_unknown_cloud_lists_the_known_ones():
    with pytest.raises(ArmError) as caught:
        resolve_target("german", environ={})
    assert str(caught.value) == (
        "unknown Azure cloud 'german'; use one of: public, usgovernment, china (as azure-native:environment takes them)"
    )


@pytest.mark.parametrize("url", ["http://127.0.0.1:8443", "http://localhost:1", "https://[::1]:9/", "http://127.0.0.2"])
def test_a_loopback_endpoint_is_local(url):
    target = resolve_target(endpoint=url, environ={})
    assert target.local and target.endpoint == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "https://management.azure.com",
        "http://10.0.0.4:80",
        "ftp://127.0.0.1",
        "http://127.0.0.1.example.com",
        "127.0.0.1:80",
    ],
)
def test_any_other_endpoint_is_refused(url):
    with pytest.raises(ArmError, match="is not a loopback address; an explicit endpoint takes an anonymous"):
        resolve_target(endpoint=url, environ={})


def test_the_endpoint_comes_from_the_environment_too():
    assert resolve_target(environ={"GALLERY_ARM_ENDPOINT": "http://127.0.0.1:5"}).endpoint == "http://127.0.0.1:5"

"""The groups-sharing dynamic provider, against a fake ComputeManagementClient that records its calls."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.compute.models import SharingUpdate

from pulumi.dynamic.dynamic import serialize_provider

from gallery.components.sharing import GallerySharingProvider, by_value

SUB = "00000000-0000-0000-0000-000000000000"
A, B, C = ("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "7a2b3c4d-5e6f-4a7b-9c8d-1e2f3a4b5c6d",
           "8b3c4d5e-6f7a-4b8c-9d0e-2f3a4b5c6d7e")
T1, T2 = "9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e", "aa8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e"


class _Poller:
    def __init__(self, error: Exception | None = None):
        self.error = error
        self.waited = False

    def result(self):
        self.waited = True
        if self.error:
            raise self.error


class FakeSharingProfile:
    def __init__(self, calls: list, error: Exception | None = None):
        self.calls, self.error = calls, error
        self.pollers: list[_Poller] = []

    def begin_update(self, resource_group_name, gallery_name, sharing_update):
        assert isinstance(sharing_update, SharingUpdate), type(sharing_update)
        self.calls.append((resource_group_name, gallery_name, sharing_update.operation_type,
                           [(g.type, list(g.ids)) for g in sharing_update.groups]))
        self.pollers.append(_Poller(self.error))
        return self.pollers[-1]


class FakeClient:
    """Stands in for ComputeManagementClient: only the one operation the provider uses."""

    def __init__(self, subscription_id: str, calls: list, error: Exception | None = None):
        self.subscription_id = subscription_id
        self.gallery_sharing_profile = FakeSharingProfile(calls, error)


@pytest.fixture
def fake():
    calls: list = []
    clients: list[FakeClient] = []

    def factory(subscription_id: str) -> FakeClient:
        clients.append(FakeClient(subscription_id, calls))
        return clients[-1]
    return GallerySharingProvider(client_factory=factory), calls, clients


def props(subscriptions=(A, B), tenants=(T1,), gallery="gal_platform_dev") -> dict:
    return {"subscriptionId": SUB, "resourceGroupName": "rg-images-dev", "galleryName": gallery,
            "subscriptions": list(subscriptions), "tenants": list(tenants)}


def test_create_adds_subscriptions_and_tenants_and_waits(fake):
    provider, calls, clients = fake
    result = provider.create(props())
    assert calls == [("rg-images-dev", "gal_platform_dev", "Add", [("Subscriptions", [A, B]), ("AADTenants", [T1])])]
    assert [c.subscription_id for c in clients] == [SUB]
    assert clients[0].gallery_sharing_profile.pollers[0].waited is True, "the long-running operation must finish"
    assert result.id == (f"/subscriptions/{SUB}/resourceGroups/rg-images-dev/providers/Microsoft.Compute"
                         "/galleries/gal_platform_dev/share")
    assert result.outs["subscriptions"] == [A, B] and result.outs["tenants"] == [T1]


def test_create_with_nothing_to_share_calls_nothing(fake):
    provider, calls, _ = fake
    provider.create(props(subscriptions=(), tenants=()))
    assert calls == []


def test_diff_ignores_order_and_case(fake):
    provider, _, _ = fake
    result = provider.diff("id", props(), props(subscriptions=(B.upper(), A)))
    assert result.changes is False and result.replaces == []


def test_diff_of_members_is_an_update(fake):
    provider, _, _ = fake
    result = provider.diff("id", props(), props(subscriptions=(A, C)))
    assert result.changes is True and result.replaces == []


def test_diff_of_gallery_is_a_replacement(fake):
    provider, _, _ = fake
    result = provider.diff("id", props(), props(gallery="gal_other"))
    assert result.changes is True and result.replaces == ["galleryName"] and result.delete_before_replace is True


def test_update_removes_then_adds_only_the_difference(fake):
    provider, calls, _ = fake
    result = provider.update("id", props(subscriptions=(A, B), tenants=(T1,)),
                             props(subscriptions=(A, C), tenants=(T2,)))
    assert calls == [
        ("rg-images-dev", "gal_platform_dev", "Remove", [("Subscriptions", [B]), ("AADTenants", [T1])]),
        ("rg-images-dev", "gal_platform_dev", "Add", [("Subscriptions", [C]), ("AADTenants", [T2])]),
    ]
    assert result.outs["subscriptions"] == [A, C] and result.outs["tenants"] == [T2]


def test_update_with_only_additions_does_not_remove(fake):
    provider, calls, _ = fake
    provider.update("id", props(subscriptions=(A,), tenants=()), props(subscriptions=(A, B), tenants=()))
    assert calls == [("rg-images-dev", "gal_platform_dev", "Add", [("Subscriptions", [B])])]


def test_delete_removes_what_it_shared(fake):
    provider, calls, _ = fake
    provider.delete("id", props())
    assert calls == [("rg-images-dev", "gal_platform_dev", "Remove", [("Subscriptions", [A, B]), ("AADTenants", [T1])])]


def test_delete_of_a_gone_gallery_succeeds():
    calls: list = []
    provider = GallerySharingProvider(
        client_factory=lambda sub: FakeClient(sub, calls, ResourceNotFoundError("gallery not found")))
    provider.delete("id", props())
    assert [c[2] for c in calls] == ["Remove"]


def test_other_errors_fail_the_operation():
    calls: list = []
    provider = GallerySharingProvider(
        client_factory=lambda sub: FakeClient(sub, calls, RuntimeError("AuthorizationFailed")))
    with pytest.raises(RuntimeError, match="AuthorizationFailed"):
        provider.create(props())


def test_the_provider_travels_by_value_without_this_project(tmp_path):
    # The dynamic-provider process unpickles the provider from the state: it must not need to
    # import `gallery` (nor hold a client or credential), so a refactor cannot break old stacks.
    pickled = serialize_provider(by_value(GallerySharingProvider()))
    script = textwrap.dedent(f"""
        import base64, sys, dill
        p = dill.loads(base64.b64decode({pickled!r}))
        old = {{"subscriptionId": "s", "resourceGroupName": "r", "galleryName": "g", "subscriptions": ["a"]}}
        d = p.diff("id", old, dict(old, subscriptions=["a", "b"]))
        print(type(p).__name__, d.changes, d.replaces, p._client_factory, "gallery" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, check=True)
    assert out.stdout.split() == ["GallerySharingProvider", "True", "[]", "None", "False"], out.stderr

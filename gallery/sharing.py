"""Direct sharing (`sharing: groups`): the subscriptions and tenants a gallery is shared with.

pulumi-azure-native has no resource for this (the gallery's `sharingProfile.groups` is output-only);
Azure exposes it as `POST .../galleries/{gallery}/share`, in azure-mgmt-compute
`gallery_sharing_profile.begin_update`. This dynamic resource manages exactly the groups it is
given: create adds them, update adds and removes the difference, delete removes them again.

The provider is pickled into the stack (that is how dynamic providers travel), so it holds no
client or credential: both are made inside each method, with azure-identity's
DefaultAzureCredential (az login, ARM_*/AZURE_* variables, managed identity...).
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult

SUBSCRIPTIONS = "Subscriptions"  # SharingProfileGroupTypes
TENANTS = "AADTenants"
# Moving the share to another gallery means removing it from the old one and adding it to the new.
REPLACE_KEYS = ("subscriptionId", "resourceGroupName", "galleryName")


def _ids(props: dict, key: str) -> list[str]:
    return sorted({str(i).lower() for i in (props.get(key) or [])})


def _groups(subscriptions: Sequence[str], tenants: Sequence[str]) -> list[tuple[str, list[str]]]:
    groups = [(SUBSCRIPTIONS, list(subscriptions)), (TENANTS, list(tenants))]
    return [(kind, ids) for kind, ids in groups if ids]


def share_id(props: dict) -> str:
    return (f"/subscriptions/{props['subscriptionId']}/resourceGroups/{props['resourceGroupName']}"
            f"/providers/Microsoft.Compute/galleries/{props['galleryName']}/share")


class GallerySharingProvider(ResourceProvider):
    """CRUD for the gallery's sharing groups. `client_factory(subscription_id)` is for tests."""

    def __init__(self, client_factory: Optional[Callable[[str], Any]] = None):
        super().__init__()
        self._client_factory = client_factory

    def _client(self, subscription_id: str):
        if self._client_factory is not None:
            return self._client_factory(subscription_id)
        from azure.identity import DefaultAzureCredential
        from azure.mgmt.compute import ComputeManagementClient
        return ComputeManagementClient(DefaultAzureCredential(), subscription_id)

    def _share(self, props: dict, operation: str, groups: list[tuple[str, list[str]]]) -> None:
        if not groups:
            return
        from azure.mgmt.compute.models import SharingProfileGroup, SharingUpdate
        update = SharingUpdate(operation_type=operation,
                               groups=[SharingProfileGroup(type=kind, ids=ids) for kind, ids in groups])
        client = self._client(props["subscriptionId"])
        # The operation is long-running; wait for it, so a failure fails the deployment.
        client.gallery_sharing_profile.begin_update(props["resourceGroupName"], props["galleryName"],
                                                    update).result()

    def create(self, props: dict) -> CreateResult:
        self._share(props, "Add", _groups(_ids(props, "subscriptions"), _ids(props, "tenants")))
        return CreateResult(id_=share_id(props), outs=_outs(props))

    def diff(self, _id: str, olds: dict, news: dict) -> DiffResult:
        replaces = [k for k in REPLACE_KEYS if olds.get(k) != news.get(k)]
        changed = replaces + [k for k in ("subscriptions", "tenants") if _ids(olds, k) != _ids(news, k)]
        return DiffResult(changes=bool(changed), replaces=replaces, stables=[],
                          delete_before_replace=True)

    def update(self, _id: str, olds: dict, news: dict) -> UpdateResult:
        removed = _groups(sorted(set(_ids(olds, "subscriptions")) - set(_ids(news, "subscriptions"))),
                          sorted(set(_ids(olds, "tenants")) - set(_ids(news, "tenants"))))
        added = _groups(sorted(set(_ids(news, "subscriptions")) - set(_ids(olds, "subscriptions"))),
                        sorted(set(_ids(news, "tenants")) - set(_ids(olds, "tenants"))))
        self._share(news, "Remove", removed)
        self._share(news, "Add", added)
        return UpdateResult(outs=_outs(news))

    def delete(self, _id: str, props: dict) -> None:
        from azure.core.exceptions import ResourceNotFoundError
        try:
            self._share(props, "Remove", _groups(_ids(props, "subscriptions"), _ids(props, "tenants")))
        except ResourceNotFoundError:
            pass  # the gallery is already gone, and its sharing with it


def _outs(props: dict) -> dict:
    return {"subscriptionId": props["subscriptionId"], "resourceGroupName": props["resourceGroupName"],
            "galleryName": props["galleryName"], "subscriptions": _ids(props, "subscriptions"),
            "tenants": _ids(props, "tenants")}


class GallerySharing(pulumi.dynamic.Resource, module="gallery", name="GallerySharing"):
    """The subscriptions and tenants a `sharing: groups` gallery is shared with."""

    subscriptions: pulumi.Output[list]
    tenants: pulumi.Output[list]

    def __init__(self, name: str, *, subscription_id: pulumi.Input[str], resource_group_name: pulumi.Input[str],
                 gallery_name: pulumi.Input[str], subscriptions: Sequence[str], tenants: Sequence[str],
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(GallerySharingProvider(), name, {
            "subscriptionId": subscription_id,
            "resourceGroupName": resource_group_name,
            "galleryName": gallery_name,
            "subscriptions": sorted(s.lower() for s in subscriptions),
            "tenants": sorted(t.lower() for t in tenants),
        }, opts)

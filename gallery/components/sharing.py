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

import types
from typing import Any, Callable, Optional, Sequence

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult



class GallerySharingProvider(ResourceProvider):
    """CRUD for the gallery's sharing groups. `client_factory(subscription_id)` is for tests."""

    # Moving the share to another gallery means removing it from the old one and adding it to the new.
    REPLACE_KEYS = ("subscriptionId", "resourceGroupName", "galleryName")

    # Helpers live on the class: the provider is pickled by value (see by_value), and
    # module-level functions would be pickled by reference to this module.
    @staticmethod
    def _ids(props: dict, key: str) -> list[str]:
        return sorted({str(i).lower() for i in (props.get(key) or [])})

    @staticmethod
    def _groups(subscriptions: Sequence[str], tenants: Sequence[str]) -> list[tuple[str, list[str]]]:
        groups = [("Subscriptions", list(subscriptions)), ("AADTenants", list(tenants))]  # SharingProfileGroupTypes
        return [(kind, ids) for kind, ids in groups if ids]

    @classmethod
    def _outs(cls, props: dict) -> dict:
        return {"subscriptionId": props["subscriptionId"], "resourceGroupName": props["resourceGroupName"],
                "galleryName": props["galleryName"], "subscriptions": cls._ids(props, "subscriptions"),
                "tenants": cls._ids(props, "tenants")}

    @staticmethod
    def share_id(props: dict) -> str:
        return (f"/subscriptions/{props['subscriptionId']}/resourceGroups/{props['resourceGroupName']}"
                f"/providers/Microsoft.Compute/galleries/{props['galleryName']}/share")

    def __init__(self, client_factory: Optional[Callable[[str], Any]] = None):
        # Not super(): its __class__ cell would pickle this module's class by reference.
        ResourceProvider.__init__(self)
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
        self._share(props, "Add", self._groups(self._ids(props, "subscriptions"), self._ids(props, "tenants")))
        return CreateResult(id_=self.share_id(props), outs=self._outs(props))

    def diff(self, _id: str, olds: dict, news: dict) -> DiffResult:
        replaces = [k for k in self.REPLACE_KEYS if olds.get(k) != news.get(k)]
        changed = replaces + [k for k in ("subscriptions", "tenants") if self._ids(olds, k) != self._ids(news, k)]
        return DiffResult(changes=bool(changed), replaces=replaces, stables=[],
                          delete_before_replace=True)

    def update(self, _id: str, olds: dict, news: dict) -> UpdateResult:
        removed = self._groups(sorted(set(self._ids(olds, "subscriptions")) - set(self._ids(news, "subscriptions"))),
                          sorted(set(self._ids(olds, "tenants")) - set(self._ids(news, "tenants"))))
        added = self._groups(sorted(set(self._ids(news, "subscriptions")) - set(self._ids(olds, "subscriptions"))),
                        sorted(set(self._ids(news, "tenants")) - set(self._ids(olds, "tenants"))))
        self._share(news, "Remove", removed)
        self._share(news, "Add", added)
        return UpdateResult(outs=self._outs(news))

    def delete(self, _id: str, props: dict) -> None:
        from azure.core.exceptions import ResourceNotFoundError
        try:
            self._share(props, "Remove", self._groups(self._ids(props, "subscriptions"), self._ids(props, "tenants")))
        except ResourceNotFoundError:
            pass  # the gallery is already gone, and its sharing with it


def by_value(provider: ResourceProvider) -> ResourceProvider:
    """A copy of `provider` whose class and methods claim to live in `__main__`, so dill pickles
    their code (by value) instead of a reference to this module.

    By reference, the dynamic-provider process would have to import this project, and renaming
    the module would break every stack whose state holds the old pickle (pulumi/pulumi#7453;
    Pulumi once did the same rewrite itself, pulumi/pulumi#7755).
    """
    cls = type(provider)
    body = {k: _rehome(v) for k, v in vars(cls).items() if k not in ("__dict__", "__weakref__")}
    body["__module__"] = "__main__"
    copy_cls = type(cls.__name__, cls.__bases__, body)
    copy = copy_cls.__new__(copy_cls)
    copy.__dict__.update(provider.__dict__)
    return copy


def _rehome(value: Any) -> Any:
    if isinstance(value, (staticmethod, classmethod)):
        return type(value)(_rehome(value.__func__))
    if isinstance(value, types.FunctionType):
        f = types.FunctionType(value.__code__, value.__globals__, value.__name__, value.__defaults__,
                               value.__closure__)
        f.__kwdefaults__, f.__module__, f.__qualname__ = value.__kwdefaults__, "__main__", value.__name__
        return f
    return value


class GallerySharing(pulumi.dynamic.Resource, module="gallery", name="GallerySharing"):
    """The subscriptions and tenants a `sharing: groups` gallery is shared with."""

    subscriptions: pulumi.Output[list]
    tenants: pulumi.Output[list]

    def __init__(self, name: str, *, subscription_id: pulumi.Input[str], resource_group_name: pulumi.Input[str],
                 gallery_name: pulumi.Input[str], subscriptions: Sequence[str], tenants: Sequence[str],
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(by_value(GallerySharingProvider()), name, {
            "subscriptionId": subscription_id,
            "resourceGroupName": resource_group_name,
            "galleryName": gallery_name,
            "subscriptions": sorted(s.lower() for s in subscriptions),
            "tenants": sorted(t.lower() for t in tenants),
        }, opts)

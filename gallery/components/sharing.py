"""The gallery's sharing beyond what azure-native declares: groups members, and community publishing.

pulumi-azure-native declares the gallery's `sharingProfile.permissions` (and community info) but has no
resource for `POST .../galleries/{gallery}/share`, the action that adds and removes groups members and
that publishes a community gallery (Azure's `EnableCommunity`; a gallery with `permissions: Community`
is not public until then). Two dynamic resources make those calls, through gallery.azure.sharing:

- `GallerySharing` (`sharing: groups`): create adds the members, update adds and removes the difference,
  delete removes them, read reports the members Azure really has (so `pulumi refresh` sees drift and the
  next `up` puts back what the catalog says);
- `GalleryCommunity` (`sharing: community`): create and update enable community sharing and record the
  public names Azure gives; delete resets the sharing profile (Azure refuses to delete a gallery that is
  still shared, and Pulumi deletes this child before its gallery); read reports whether Azure has it
  enabled, so a gallery unpublished outside Pulumi is published again by the next `up`;
- `GallerySharingGuard` (`sharing: private` or `community`): the gallery depends on it, so it runs before
  the gallery's own update. Azure refuses to change the permissions of a gallery that is still shared,
  and Pulumi deletes the old share resource only after every update; so when Azure still has the gallery
  shared in a way the catalog no longer wants (community or groups when private is wanted, groups when
  community is), the guard resets the sharing profile first. Otherwise, and for a gallery not created
  yet, it does nothing.

The providers are pickled into the stack (that is how dynamic providers travel) and hold only plain
values: the ARM target (cloud endpoint and login authority, or a loopback endpoint). Clients and
credentials are made inside each call, where gallery.azure is imported: unpickling and `diff` need
nothing of this project, the calls need it installed in the stack's virtualenv (`./dev setup` does).
"""

from __future__ import annotations

import types
from typing import Any, Callable, Mapping, Optional, Sequence, cast

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, ResourceProvider, UpdateResult

from gallery.azure.target import ArmTarget
from gallery.components.typed import options, wired
from gallery.desired import arm
from gallery.desired.state import DesiredResource, Wire

# Moving a share to another gallery means resetting the old one and sharing the new.
GALLERY_KEYS = ("subscriptionId", "resourceGroupName", "galleryName")
COMMUNITY_KEYS = ("publicNamePrefix", "publisherUri", "publisherContact", "eula")


class _ArmProvider(ResourceProvider):
    """What both providers share: the ARM target they call, and the gallery they call about."""

    def __init__(self, target: ArmTarget):
        # Not super(): its __class__ cell would pickle this module's class by reference.
        ResourceProvider.__init__(self)
        self._target: dict[str, Any] = {
            "endpoint": target.endpoint,
            "authority": target.authority,
            "cloud": target.cloud,
        }

    def _client(self, props: dict):
        from gallery.azure.client import compute_client
        from gallery.azure.target import ArmTarget

        return compute_client(ArmTarget(**self._target), props["subscriptionId"])

    @staticmethod
    def share_id(props: dict) -> str:
        from gallery.desired.arm import SHARING, arm_id

        share = arm_id(SHARING, props["subscriptionId"], props)
        assert share is not None  # props always hold the gallery's keys (GALLERY_KEYS)
        return share

    @staticmethod
    def _gallery(props: dict) -> dict:
        return {k: props[k] for k in ("subscriptionId", "resourceGroupName", "galleryName")}

    def _read_state(self, props: dict):
        from gallery.azure.sharing import read_sharing

        return read_sharing(self._client(props), props["resourceGroupName"], props["galleryName"])

    def _update(
        self,
        props: dict,
        operation: str,
        subscriptions: Sequence[str] = (),
        tenants: Sequence[str] = (),
        *,
        gone_ok: bool = False,
    ) -> None:
        """The share action. `gone_ok`: a gallery that no longer exists has taken its sharing with it."""
        from gallery.azure.errors import ArmError
        from gallery.azure.sharing import update_sharing

        try:
            update_sharing(
                self._client(props), props["resourceGroupName"], props["galleryName"], operation, subscriptions, tenants
            )
        except ArmError as exc:
            if not (gone_ok and exc.status == 404):
                raise


class GallerySharingProvider(_ArmProvider):
    """CRUD and read for the members of a `sharing: groups` gallery."""

    @staticmethod
    def _ids(props: dict, key: str) -> list[str]:
        return sorted({str(i).lower() for i in (props.get(key) or [])})

    def _outs(self, props: dict) -> dict:
        return {
            **self._gallery(props),
            "subscriptions": self._ids(props, "subscriptions"),
            "tenants": self._ids(props, "tenants"),
        }

    def create(self, props: dict) -> CreateResult:
        self._update(props, "Add", self._ids(props, "subscriptions"), self._ids(props, "tenants"))
        return CreateResult(id_=self.share_id(props), outs=self._outs(props))

    def diff(self, _id: str, olds: dict, news: dict) -> DiffResult:
        replaces = [k for k in GALLERY_KEYS if olds.get(k) != news.get(k)]
        changed = replaces + [k for k in ("subscriptions", "tenants") if self._ids(olds, k) != self._ids(news, k)]
        return DiffResult(changes=bool(changed), replaces=replaces, stables=[], delete_before_replace=True)

    def update(self, _id: str, olds: dict, news: dict) -> UpdateResult:
        gone = {k: sorted(set(self._ids(olds, k)) - set(self._ids(news, k))) for k in ("subscriptions", "tenants")}
        new = {k: sorted(set(self._ids(news, k)) - set(self._ids(olds, k))) for k in ("subscriptions", "tenants")}
        self._update(news, "Remove", gone["subscriptions"], gone["tenants"])
        self._update(news, "Add", new["subscriptions"], new["tenants"])
        return UpdateResult(outs=self._outs(news))

    def read(self, id_: str, props: dict) -> ReadResult:
        state = self._read_state(props)
        return ReadResult(
            id_=id_,
            outs={**self._gallery(props), "subscriptions": list(state.subscriptions), "tenants": list(state.tenants)},
        )

    def delete(self, _id: str, props: dict) -> None:
        self._update(props, "Remove", self._ids(props, "subscriptions"), self._ids(props, "tenants"), gone_ok=True)


class GalleryCommunityProvider(_ArmProvider):
    """Publishes a `sharing: community` gallery (EnableCommunity) and resets it before it goes."""

    def _published(self, props: dict) -> dict:
        self._update(props, "EnableCommunity")
        state = self._read_state(props)
        return {
            **self._gallery(props),
            **{k: props.get(k) for k in COMMUNITY_KEYS},
            "communityGalleryEnabled": state.community_enabled,
            "publicNames": list(state.public_names),
        }

    def create(self, props: dict) -> CreateResult:
        return CreateResult(id_=self.share_id(props), outs=self._published(props))

    def diff(self, _id: str, olds: dict, news: dict) -> DiffResult:
        replaces = [k for k in GALLERY_KEYS if olds.get(k) != news.get(k)]
        changed = replaces + [k for k in COMMUNITY_KEYS if olds.get(k) != news.get(k)]
        if olds.get("communityGalleryEnabled") is False:  # refresh found it unpublished outside Pulumi
            changed.append("communityGalleryEnabled")
        return DiffResult(changes=bool(changed), replaces=replaces, stables=[], delete_before_replace=True)

    def update(self, _id: str, olds: dict, news: dict) -> UpdateResult:
        # The gallery's own update (azure-native) has already sent the new community info; publishing
        # again makes Azure take it, and publishes a gallery that was unpublished outside Pulumi.
        return UpdateResult(outs=self._published(news))

    def read(self, id_: str, props: dict) -> ReadResult:
        state = self._read_state(props)
        return ReadResult(
            id_=id_,
            outs={**props, "communityGalleryEnabled": state.community_enabled, "publicNames": list(state.public_names)},
        )

    def delete(self, _id: str, props: dict) -> None:
        self._update(props, "Reset", gone_ok=True)


def by_value(provider: ResourceProvider) -> ResourceProvider:
    """A copy of `provider` whose class and methods claim to live in `__main__`, so dill pickles
    their code (by value) instead of a reference to this module.

    By reference, the dynamic-provider process would have to import this project, and renaming
    the module would break every stack whose state holds the old pickle (pulumi/pulumi#7453;
    Pulumi once did the same rewrite itself, pulumi/pulumi#7755).
    """
    cls = type(provider)
    body: dict[str, Any] = {}
    # The classes between ResourceProvider and `cls` are flattened into one, so no base class of this
    # module is pickled by reference either.
    for klass in reversed(cls.__mro__[: cls.__mro__.index(ResourceProvider)]):
        body.update({k: _rehome(v) for k, v in vars(klass).items() if k not in ("__dict__", "__weakref__")})
    body["__module__"] = "__main__"
    copy_cls = cast(type[ResourceProvider], type(cls.__name__, (ResourceProvider,), body))
    copy = copy_cls.__new__(copy_cls)
    copy.__dict__.update(provider.__dict__)
    return copy


def _rehome(value: Any) -> Any:
    if isinstance(value, (staticmethod, classmethod)):
        return type(value)(_rehome(value.__func__))
    if isinstance(value, types.FunctionType):
        f = types.FunctionType(value.__code__, value.__globals__, value.__name__, value.__defaults__, value.__closure__)
        f.__kwdefaults__, f.__module__, f.__qualname__ = value.__kwdefaults__, "__main__", value.__name__
        return f
    return value


class GallerySharingGuardProvider(_ArmProvider):
    """Resets a gallery Azure still shares in a way the catalog left, before the gallery is updated."""

    @staticmethod
    def _stale(wanted: str, state) -> bool:
        """Whether Azure's sharing must be reset before the gallery can become `wanted`."""
        shared_with_groups = state.permissions == "Groups" or bool(state.subscriptions or state.tenants)
        if wanted == "private":
            return shared_with_groups or state.community_enabled or state.permissions == "Community"
        return shared_with_groups  # community: from groups, only after a reset

    def _settle(self, props: dict) -> dict:
        from gallery.azure.errors import ArmError

        try:
            state = self._read_state(props)
        except ArmError as exc:
            if exc.status == 404:  # the gallery is not created yet: nothing is shared
                return dict(props)
            raise
        if self._stale(props["sharing"], state):
            self._update(props, "Reset")
        return dict(props)

    def create(self, props: dict) -> CreateResult:
        return CreateResult(id_=self.share_id(props) + "/guard", outs=self._settle(props))

    def diff(self, _id: str, olds: dict, news: dict) -> DiffResult:
        replaces = [k for k in GALLERY_KEYS if olds.get(k) != news.get(k)]
        changed = replaces + (["sharing"] if olds.get("sharing") != news.get("sharing") else [])
        return DiffResult(changes=bool(changed), replaces=replaces, stables=[], delete_before_replace=True)

    def update(self, _id: str, olds: dict, news: dict) -> UpdateResult:
        return UpdateResult(outs=self._settle(news))

    def delete(self, _id: str, props: dict) -> None:
        return None  # nothing of its own lives in Azure


def _gallery_props(subscription_id, resource_group_name, gallery_name) -> dict:
    return {"subscriptionId": subscription_id, "resourceGroupName": resource_group_name, "galleryName": gallery_name}


class GallerySharing(pulumi.dynamic.Resource, module="gallery", name="GallerySharing"):
    """The subscriptions and tenants a `sharing: groups` gallery is shared with."""

    subscriptions: pulumi.Output[list]
    tenants: pulumi.Output[list]

    def __init__(
        self,
        name: str,
        *,
        target: ArmTarget,
        subscription_id: pulumi.Input[str],
        resource_group_name: pulumi.Input[str],
        gallery_name: pulumi.Input[str],
        subscriptions: Sequence[str],
        tenants: Sequence[str],
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        super().__init__(
            by_value(GallerySharingProvider(target)),
            name,
            {
                **_gallery_props(subscription_id, resource_group_name, gallery_name),
                "subscriptions": sorted(s.lower() for s in subscriptions),
                "tenants": sorted(t.lower() for t in tenants),
            },
            opts,
        )


class GalleryCommunity(pulumi.dynamic.Resource, module="gallery", name="GalleryCommunity"):
    """Community sharing of a `sharing: community` gallery, published (and reset before the gallery goes)."""

    # Dynamic resources name their outputs as their props (camelCase here).
    communityGalleryEnabled: pulumi.Output[bool]  # noqa: N815 - Pulumi names a dynamic resource's outputs as its props
    publicNames: pulumi.Output[list]  # noqa: N815 - Pulumi names a dynamic resource's outputs as its props

    def __init__(
        self,
        name: str,
        *,
        target: ArmTarget,
        subscription_id: pulumi.Input[str],
        resource_group_name: pulumi.Input[str],
        gallery_name: pulumi.Input[str],
        public_name_prefix: str,
        publisher_uri: str,
        publisher_contact: str,
        eula: str,
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        super().__init__(
            by_value(GalleryCommunityProvider(target)),
            name,
            {
                **_gallery_props(subscription_id, resource_group_name, gallery_name),
                "publicNamePrefix": public_name_prefix,
                "publisherUri": publisher_uri,
                "publisherContact": publisher_contact,
                "eula": eula,
                "communityGalleryEnabled": None,
                "publicNames": None,  # outputs, known after create
            },
            opts,
        )


class GallerySharingGuard(pulumi.dynamic.Resource, module="gallery", name="GallerySharingGuard"):
    """Before the gallery is updated: a reset of sharing Azure still has and the catalog no longer wants."""

    def __init__(
        self,
        name: str,
        *,
        target: ArmTarget,
        subscription_id: pulumi.Input[str],
        resource_group_name: pulumi.Input[str],
        gallery_name: str,
        sharing: str,
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        super().__init__(
            by_value(GallerySharingGuardProvider(target)),
            name,
            {**_gallery_props(subscription_id, resource_group_name, gallery_name), "sharing": sharing},
            opts,
        )


def declare_sharing(
    res: DesiredResource,
    output: Callable[[Wire], Any],
    target: ArmTarget,
    parent: pulumi.Resource,
    declared: Mapping[str, pulumi.Resource],
) -> pulumi.dynamic.Resource:
    """The dynamic resource the desired state names, with its wired inputs as outputs."""
    v = wired(res, output)
    opts = options(res, parent, declared)
    placed = {
        "target": target,
        "subscription_id": v["subscriptionId"],
        "resource_group_name": v["resourceGroupName"],
        "gallery_name": v["galleryName"],
        "opts": opts,
    }
    if res.type == arm.SHARING:
        return GallerySharing(res.name, subscriptions=v["subscriptions"], tenants=v["tenants"], **placed)
    if res.type == arm.COMMUNITY:
        return GalleryCommunity(
            res.name,
            public_name_prefix=v["publicNamePrefix"],
            publisher_uri=v["publisherUri"],
            publisher_contact=v["publisherContact"],
            eula=v["eula"],
            **placed,
        )
    if res.type == arm.SHARING_GUARD:
        return GallerySharingGuard(res.name, sharing=v["sharing"], **placed)
    raise ValueError(f"{res.name}: no component declares {res.type}")

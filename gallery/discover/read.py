"""Read a gallery from Azure: the gallery, every definition and version, the resource group, and the storage
account with its containers when there is one.

Reads run in parallel with a bound (`workers` requests at a time): the version lists, one per definition,
start as soon as the page that names the definition arrives. ARM's throttling (429 with `Retry-After`) is
honoured by the client's retry policy. What Azure refuses for one definition is recorded and the rest is
read; what the whole discovery needs (the gallery, the definition list) stops it with an ArmError.
Bodies are kept as ARM's JSON (camelCase, unknown properties included), so nothing Azure said is lost.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
from typing import Any, Callable, Optional

from gallery.azure.client import call_options, compute_client
from gallery.azure.errors import ArmError, arm_error
from gallery.azure.resources import get_json, list_json
from gallery.azure.target import COMPUTE_API_VERSION, ArmTarget
from gallery.desired.arm import (
    AUTHORIZATION_API_VERSION,
    RESOURCES_API_VERSION,
    STORAGE_API_VERSION,
    account_id,
    gallery_id,
    group_id,
)
from gallery.discover import DEFAULT_WORKERS
from gallery.discover.sources import vhd_account

# Throttled reads are retried after ARM's Retry-After; a discovery of thousands of reads may meet more
# of them than one deployment call does.
RETRY_TOTAL = 6


@dataclasses.dataclass(frozen=True)
class Refusal:
    """A part of the gallery Azure did not give: what was asked, and why not."""

    what: str  # e.g. "the versions of definition ubuntu-22.04"
    image: Optional[str]  # the definition it concerns, or None
    error: ArmError


@dataclasses.dataclass
class AzureGallery:
    """What Azure holds, as ARM's JSON bodies."""

    subscription: str
    resource_group: str
    gallery: dict
    images: list[dict]  # sorted by name
    versions: dict[str, list[dict]]  # definition name -> its versions (with replicationStatus when not Succeeded)
    group: Optional[dict] = None  # None when it could not be read
    account_name: Optional[str] = None  # the storage account named, or the one the VHD sources use
    account: Optional[dict] = None  # None when there is none, or it could not be read
    containers: Optional[list[dict]] = None  # its blob containers; None when not read
    # Role assignments at the gallery's scope and at the storage account's (atScope(): inherited ones included);
    # None when not read.
    assignments: Optional[list[dict]] = None
    account_assignments: Optional[list[dict]] = None
    refusals: list[Refusal] = dataclasses.field(default_factory=list)

    @property
    def name(self) -> str:
        return self.gallery["name"]


def read_gallery(
    target: ArmTarget,
    subscription: str,
    resource_group: str,
    gallery: str,
    *,
    storage_account: Optional[str] = None,
    workers: int = DEFAULT_WORKERS,
) -> AzureGallery:
    """Read the gallery, and the storage account named (else the one its VHD sources use, when that is in the
    same resource group). Raises ArmError when the gallery, its definition list or a named storage account
    cannot be read."""
    client = compute_client(target, subscription, retry_total=RETRY_TOTAL, connections=workers)
    with cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="discover") as pool:
        gallery_f = pool.submit(_get_gallery, client, resource_group, gallery)
        group_f = pool.submit(get_json, client, group_id(subscription, resource_group), RESOURCES_API_VERSION)
        assignments_f = pool.submit(_assignments, client, gallery_id(subscription, resource_group, gallery))
        storage_f = (
            pool.submit(_storage, client, subscription, resource_group, storage_account) if storage_account else None
        )
        # The definition list is paged; each page's definitions get their version lists right away. The
        # lister holds one of the pool's threads, so at most `workers` requests are ever in flight.
        version_fs: dict[str, cf.Future] = {}
        path = gallery_id(subscription, resource_group, gallery)
        # With no account named, the first VHD source seen names the likely one: read it while the rest of the
        # versions are still being listed, instead of after.
        early = _Once(lambda account: pool.submit(_storage, client, subscription, resource_group, account, named=False))

        def versions(name: str) -> cf.Future:
            def listed() -> list[dict]:
                out = _versions(client, path, name)
                if storage_account is None:
                    account = vhd_account({name: out}, subscription, resource_group)
                    if account:
                        early(account)
                return out

            return version_fs.setdefault(name, pool.submit(listed))

        images_f = pool.submit(_list_images, client, path, versions)
        try:
            images = images_f.result()
        except Exception as exc:  # noqa: BLE001 - the gallery's own error, when there is one, says more
            _result(gallery_f, f"read gallery {gallery} in resource group {resource_group}")
            raise arm_error(exc, f"list the image definitions of gallery {gallery}") from None
        body = _result(gallery_f, f"read gallery {gallery} in resource group {resource_group}")
        found = AzureGallery(
            subscription=subscription,
            resource_group=resource_group,
            gallery=body,
            images=sorted(images, key=lambda i: i["name"].lower()),
            versions={},
        )
        try:
            found.group = group_f.result()
        except Exception as exc:  # noqa: BLE001
            found.refusals.append(
                Refusal(
                    f"the resource group {resource_group}",
                    None,
                    arm_error(exc, f"read resource group {resource_group}"),
                )
            )
        for name, future in version_fs.items():
            try:
                found.versions[name] = future.result()
            except ArmError as exc:
                found.refusals.append(Refusal(f"the versions of definition {name}", name, exc))
        if storage_f is not None:
            found.account_name = storage_account
            found.account, found.containers, refusal = storage_f.result()
        else:
            found.account_name = vhd_account(found.versions, subscription, resource_group)
            if found.account_name and early.key == found.account_name:
                found.account, found.containers, refusal = early.value.result()
            else:
                found.account, found.containers, refusal = (
                    _storage(client, subscription, resource_group, found.account_name, named=False)
                    if found.account_name
                    else (None, None, None)
                )
        if refusal:
            found.refusals.append(refusal)
        try:
            found.assignments = assignments_f.result()
        except Exception as exc:  # noqa: BLE001
            found.refusals.append(
                Refusal(
                    f"the role assignments on gallery {gallery}",
                    None,
                    arm_error(exc, f"list the role assignments on gallery {gallery}"),
                )
            )
        if found.account is not None:
            try:
                found.account_assignments = _assignments(client, found.account["id"])
            except Exception as exc:  # noqa: BLE001
                found.refusals.append(
                    Refusal(
                        f"the role assignments on storage account {found.account_name}",
                        None,
                        arm_error(exc, f"list the role assignments on storage account {found.account_name}"),
                    )
                )
    return found


def _assignments(client: Any, scope: str) -> list[dict]:
    """The role assignments that apply at `scope` (on it, and inherited from above), as Microsoft.Authorization
    2022-04-01 lists them."""
    return list(
        list_json(
            client,
            f"{scope}/providers/Microsoft.Authorization/roleAssignments",
            AUTHORIZATION_API_VERSION,
            **{"$filter": "atScope()"},
        )
    )


def _get_gallery(client: Any, resource_group: str, gallery: str) -> dict:
    # Groups are left out of a plain GET: ask for them, as `read_sharing` does.
    return client.galleries.get(resource_group, gallery, expand="SharingProfile/Groups", **call_options()).as_dict()


def _list_images(client: Any, gallery: str, each: Callable[[str], Any]) -> list[dict]:
    images = []
    for image in list_json(client, gallery + "/images", COMPUTE_API_VERSION):
        images.append(image)
        each(image["name"])
    return images


def _versions(client: Any, gallery: str, image: str) -> list[dict]:
    """Every version of `image`; one that did not succeed is read again with its replication status."""
    doing = f"list the versions of definition {image}"
    path = f"{gallery}/images/{image}/versions"
    try:
        out = list(list_json(client, path, COMPUTE_API_VERSION))
        for i, version in enumerate(out):
            if version.get("properties", {}).get("provisioningState") not in (None, "Succeeded"):
                doing = f"read version {version['name']} of definition {image}"
                out[i] = get_json(
                    client, f"{path}/{version['name']}", COMPUTE_API_VERSION, **{"$expand": "ReplicationStatus"}
                )
    except Exception as exc:  # noqa: BLE001 - azure-core's errors, each turned into a message
        raise arm_error(exc, doing) from None
    return out


def _storage(
    client: Any, subscription: str, resource_group: str, account: str, *, named: bool = True
) -> tuple[Optional[dict], Optional[list[dict]], Optional[Refusal]]:
    """(account, containers, refusal). A named account that is not there stops discovery; one the sources
    name but that is gone is reported by the catalog (its sources are broken)."""
    path = account_id(subscription, resource_group, account)
    try:
        body = get_json(client, path, STORAGE_API_VERSION)
    except Exception as exc:  # noqa: BLE001
        error = arm_error(exc, f"read storage account {account} in resource group {resource_group}")
        if error.status == 404 and named:
            raise error from None
        if error.status == 404:
            return None, None, None
        return None, None, Refusal(f"the storage account {account}", None, error)
    try:
        containers = list(list_json(client, path + "/blobServices/default/containers", STORAGE_API_VERSION))
    except Exception as exc:  # noqa: BLE001
        return (
            body,
            None,
            Refusal(
                f"the blob containers of storage account {account}",
                None,
                arm_error(exc, f"list the blob containers of storage account {account}"),
            ),
        )
    return body, containers, None


def _result(future: cf.Future, doing: str) -> Any:
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001
        raise arm_error(exc, doing) from None


class _Once:
    """Calls `start(key)` for the first key it is given only; remembers the key and what `start` returned."""

    def __init__(self, start: Callable[[str], Any]):
        import threading

        self._start, self._lock = start, threading.Lock()
        self.key: Optional[str] = None
        self.value: Any = None

    def __call__(self, key: str) -> None:
        with self._lock:
            if self.key is None:
                self.key, self.value = key, self._start(key)

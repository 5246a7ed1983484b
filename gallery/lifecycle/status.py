"""What Azure has of a catalog's versions: provisioning, replication per region, end of life, `latest`.

Reads with azure-mgmt-compute: each definition's versions are listed (to find versions Azure has and the
catalog does not), and each catalog version is read with `$expand=ReplicationStatus` (lists never
carry it). The reads run in parallel with a bound; ARM's throttling (429 with Retry-After) is retried
by the client's policy. A definition Azure does not have makes all its versions missing; a read
refused for one version (403) is reported on that version and the rest carry on.
"""
from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Optional

from gallery.azure.client import call_options
from gallery.azure.errors import arm_error
from gallery.catalog.model import Catalog, SemVer
from gallery.catalog.regions import normalize
from gallery.desired import arm
from gallery.desired.build import desired_state
from gallery.desired.state import DesiredResource
from gallery.lifecycle import DEFAULT_WORKERS
from gallery.lifecycle.policy import Health


@dataclasses.dataclass(frozen=True)
class RegionState:
    region: str  # programmatic name (Azure answers with display names: "West Europe")
    state: str  # Completed | Replicating | Failed | Unknown
    progress: Optional[int]
    details: str = ""


@dataclasses.dataclass(frozen=True)
class VersionState:
    image: str
    version: str
    in_catalog: bool
    in_azure: bool
    provisioning: Optional[str] = None
    replication: Optional[str] = None  # aggregated: Completed | InProgress | Failed | Unknown
    regions: tuple[RegionState, ...] = ()
    end_of_life: Optional[str] = None
    exclude_from_latest: Optional[bool] = None
    latest: bool = False  # what Azure gives for `latest` of this image
    missing_regions: tuple[str, ...] = ()  # in the catalog's target regions, not in Azure's
    error: Optional[str] = None  # Azure refused to tell (e.g. 403 on this definition)
    disk_gib: Optional[int] = None  # its disks together, as Azure reports them (sizeInGB): what a replica holds

    @property
    def problem(self) -> Optional[str]:
        """Why this version is not healthy, or None."""
        if self.error:
            return self.error
        if not self.in_azure:
            return "missing in Azure"
        if not self.in_catalog:
            return None  # reported, but it is the catalog's business
        if self.provisioning != "Succeeded":
            return f"provisioning {self.provisioning or 'unknown'}"
        failed = [r.region for r in self.regions if r.state == "Failed"]
        if failed:
            return "replication failed in " + ", ".join(failed)
        if self.missing_regions:
            return "not replicated to " + ", ".join(self.missing_regions)
        busy = [r for r in self.regions if r.state != "Completed"]
        if busy or self.replication != "Completed":
            least = min((r.progress for r in busy if r.progress is not None), default=None)
            return "replicating" + (f" ({least}%)" if least is not None else "")
        return None

    @property
    def failed(self) -> bool:
        problem = self.problem
        return problem is not None and not problem.startswith("replicating")

    def health(self) -> Health:
        return Health(self.problem is None, self.problem or "")


@dataclasses.dataclass(frozen=True)
class GalleryStatus:
    subscription: str
    resource_group: str
    gallery: str
    versions: tuple[VersionState, ...]

    @property
    def healthy(self) -> bool:
        return all(v.problem is None for v in self.versions)

    @property
    def failed(self) -> bool:
        """Something failed or is missing (replication still running is not a failure)."""
        return any(v.failed for v in self.versions)

    def health(self) -> dict[tuple[str, str], Health]:
        return {(v.image, v.version): v.health() for v in self.versions if v.in_catalog}


def read_status(catalog: Catalog, client: Any, subscription: str, *, workers: int = DEFAULT_WORKERS,
                only: Optional[set[tuple[str, str]]] = None) -> GalleryStatus:
    """Azure's state of every catalog version (or of `only` these (image, version) pairs). Raises ArmError
    when the gallery itself cannot be read; a refusal on one definition is reported on its versions."""
    state = desired_state(catalog, subscription=subscription)
    [home] = state.of_type(arm.GALLERY)
    rg, gallery = home.inputs["resourceGroupName"], home.inputs["galleryName"]
    # Each catalog version as the program declares it: its names and target regions, by (image, version).
    declared = {(r.inputs["galleryImageName"], r.inputs["galleryImageVersionName"]): r
                for r in state.of_type(arm.VERSION)}
    try:
        client.galleries.get(rg, gallery, **call_options())
    except Exception as exc:  # noqa: BLE001
        raise arm_error(exc, f"read gallery {gallery} in resource group {rg}") from None
    images = [i for i in catalog.images if only is None or any(name == i.name for name, _ in only)]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        listed = dict(zip([i.name for i in images],
                          pool.map(lambda i: _list_versions(client, rg, gallery, i.name), images), strict=True))
        reads = []
        for image in images:
            found, error = listed[image.name]
            for v in image.versions:
                if only is not None and (image.name, v.name) not in only:
                    continue
                if error is not None:
                    reads.append(pool.submit(VersionState, image.name, v.name, True, True, error=error))
                elif v.name not in found:
                    reads.append(pool.submit(VersionState, image.name, v.name, True, False))
                else:
                    reads.append(pool.submit(_read_version, client, rg, gallery, declared[image.name, v.name], found))
        states = [r.result() for r in reads]
    if only is None:
        for image in images:
            found, _ = listed[image.name]
            catalog_names = {v.name for v in image.versions}
            for name, body in sorted(found.items(), key=lambda kv: _semver_key(kv[0])):
                if name not in catalog_names:
                    profile = body.publishing_profile
                    states.append(VersionState(
                        image.name, name, False, True, provisioning=_plain(body.provisioning_state),
                        end_of_life=_date(profile.end_of_life_date) if profile else None,
                        exclude_from_latest=bool(profile.exclude_from_latest) if profile else None,
                        latest=name == _azure_latest(found)))
    return GalleryStatus(subscription, rg, gallery, tuple(states))


def _list_versions(client: Any, rg: str, gallery: str, image: str) -> tuple[dict[str, Any], Optional[str]]:
    """{version name: Azure's version} of one definition, or an error message (a missing definition: {})."""
    try:
        return {v.name: v for v in client.gallery_image_versions.list_by_gallery_image(
            rg, gallery, image, **call_options())}, None
    except Exception as exc:  # noqa: BLE001
        err = arm_error(exc, f"list the versions of {image}")
        if err.status == 404:
            return {}, None
        if err.status in (401, 403):
            return {}, err.message
        raise err from None


def _read_version(client: Any, rg: str, gallery: str, declared: DesiredResource, found: dict[str, Any]
                  ) -> VersionState:
    image, version = declared.inputs["galleryImageName"], declared.inputs["galleryImageVersionName"]
    try:
        body = client.gallery_image_versions.get(rg, gallery, image, version, expand="ReplicationStatus",
                                                 **call_options())
    except Exception as exc:  # noqa: BLE001
        err = arm_error(exc, f"read {image} {version}")
        if err.status == 404:  # deleted since it was listed
            return VersionState(image, version, True, False)
        if err.status in (401, 403):
            return VersionState(image, version, True, True, error=err.message)
        raise err from None
    status = body.replication_status
    regions = tuple(RegionState(normalize(s.region or ""), _plain(s.state) or "Unknown", s.progress, s.details or "")
                    for s in (status.summary or ())) if status else ()
    profile = body.publishing_profile
    reported = {r.region for r in regions}
    targets = [t["name"] for t in declared.inputs["publishingProfile"]["targetRegions"]]
    return VersionState(
        image, version, True, True, provisioning=_plain(body.provisioning_state),
        replication=_plain(status.aggregated_state) if status else None, regions=regions,
        end_of_life=_date(profile.end_of_life_date) if profile else None,
        exclude_from_latest=bool(profile.exclude_from_latest) if profile else None,
        latest=version == _azure_latest(found),
        missing_regions=tuple(t for t in targets if regions and t not in reported), disk_gib=_disk_gib(body))


def _disk_gib(body: Any) -> Optional[int]:
    """The OS and data disks' sizeInGB together; None when Azure does not say (yet)."""
    storage = body.storage_profile
    disks = ([storage.os_disk_image] if storage and storage.os_disk_image else []) + \
        list(storage.data_disk_images or ()) if storage else []
    sizes = [d.size_in_gb for d in disks]
    return sum(sizes) if sizes and None not in sizes else None


def _azure_latest(found: dict[str, Any]) -> Optional[str]:
    """Azure's `latest`: the highest version (as integers) not excluded from latest."""
    eligible = [name for name, v in found.items()
                if not (v.publishing_profile and v.publishing_profile.exclude_from_latest)]
    return max(eligible, key=_semver_key, default=None)


def _semver_key(name: str) -> tuple:
    try:
        return (0, SemVer.parse(name))
    except ValueError:
        return (1, name)


def _plain(value) -> Optional[str]:
    """The SDK's str enums (ReplicationState.COMPLETED) as Azure's own words ("Completed")."""
    return None if value is None else str(getattr(value, "value", value))


def _date(value) -> Optional[str]:
    return value.date().isoformat() if value is not None else None



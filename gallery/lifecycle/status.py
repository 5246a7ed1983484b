"""What Azure has of a catalog: each version's provisioning and replication per region, how it differs from the
catalog, `latest` per region on both sides, and what Azure has that the catalog does not.

Reads go through the azure-mgmt-compute client's pipeline as ARM's JSON (gallery.azure.resources), at the
project's Compute API version: the gallery, its definitions (to find the ones made outside the catalog), each
catalog definition's versions (listed: every version's regions and flags, for `latest` and for versions outside
the catalog), and each catalog version with `$expand=ReplicationStatus` (lists never carry it). The reads run in
parallel with a bound; ARM's throttling (429 with Retry-After) is retried by the client's policy. A definition
Azure does not have makes its versions missing; a read refused for one definition or version (401/403) is
reported there and the rest carries on. The judgement is states.py's; the comparison drift.py's.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Mapping, Optional

from gallery.azure.errors import arm_error
from gallery.azure.resources import get_json, list_json
from gallery.azure.target import COMPUTE_API_VERSION
from gallery.catalog.model import Catalog, SemVer, latest_per_region
from gallery.catalog.regions import normalize
from gallery.desired import arm
from gallery.desired.build import desired_state
from gallery.lifecycle import DEFAULT_WORKERS
from gallery.lifecycle.drift import latest_drift, version_drift
from gallery.lifecycle.states import Drift, GalleryStatus, ImageState, RegionState, VersionState, from_body  # noqa: F401 - re-exported

_OUTSIDE_VERSION = (
    "adopt it with `gallery discover` (it writes the catalog entry), or delete it in Azure; a "
    "version the catalog removed is deleted by the next `pulumi up`"
)


def read_status(
    catalog: Catalog,
    client: Any,
    subscription: str,
    *,
    workers: int = DEFAULT_WORKERS,
    only: Optional[set[tuple[str, str]]] = None,
) -> GalleryStatus:
    """Azure's state of every catalog version (or of `only` these (image, version) pairs), and what Azure has
    beyond the catalog. Raises ArmError when the gallery itself cannot be read."""
    state = desired_state(catalog, subscription=subscription)
    [home] = state.of_type(arm.GALLERY)
    rg, gallery = home.inputs["resourceGroupName"], home.inputs["galleryName"]
    path = arm.gallery_id(subscription, rg, gallery)
    declared = {
        (r.inputs["galleryImageName"], r.inputs["galleryImageVersionName"]): r.inputs
        for r in state.of_type(arm.VERSION)
    }
    try:
        get_json(client, path, COMPUTE_API_VERSION)
    except Exception as exc:  # noqa: BLE001
        raise arm_error(exc, f"read gallery {gallery} in resource group {rg}") from None
    images = [i for i in catalog.images if only is None or any(name == i.name for name, _ in only)]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        definitions = pool.submit(_list_definitions, client, path) if only is None else None
        listed = dict(
            zip([i.name for i in images], pool.map(lambda i: _list_versions(client, path, i.name), images), strict=True)
        )
        reads = []
        for image in images:
            found, error = listed[image.name]
            for v in image.versions:
                if only is not None and (image.name, v.name) not in only:
                    continue
                if error is not None:
                    reads.append(pool.submit(VersionState, image.name, v.name, True, True, error=error))
                elif v.name not in (found or {}):
                    reads.append(pool.submit(VersionState, image.name, v.name, True, False))
                else:
                    reads.append(pool.submit(_read_version, client, path, declared[image.name, v.name]))
        states = [r.result() for r in reads]
        extra_definitions = _outside(definitions.result(), catalog) if definitions is not None else []
        extra_lists = dict(
            zip(extra_definitions, pool.map(lambda n: _list_versions(client, path, n), extra_definitions), strict=True)
        )
    latest = {image.name: _latest(listed[image.name][0] or {}) for image in images}
    states = [_with_latest(s, latest.get(s.image, {})) for s in states]
    if only is None:
        for image in images:
            mine = {v.name for v in image.versions}
            found = listed[image.name][0] or {}
            states += [
                _outside_version(image.name, name, body, latest[image.name])
                for name, body in sorted(found.items(), key=lambda kv: _semver_key(kv[0]))
                if name not in mine
            ]
        for name in extra_definitions:
            found = extra_lists[name][0] or {}
            latest[name] = _latest(found)
            states += [
                _outside_version(name, v, body, latest[name])
                for v, body in sorted(found.items(), key=lambda kv: _semver_key(kv[0]))
            ]
    image_states = [_image_state(image, listed[image.name], latest[image.name], states) for image in images]
    image_states += [
        ImageState(
            name,
            False,
            True,
            tuple((r, v, None) for r, v in latest[name].items()),
            (
                Drift(
                    "outside-catalog",
                    None,
                    name,
                    None,
                    f"definition {name}: in Azure, not in the catalog (made outside "
                    f"it; {len(extra_lists[name][0] or {})} versions)",
                    "adopt it with `gallery discover` (it writes the catalog entries), or delete it in Azure",
                ),
            ),
        )
        for name in extra_definitions
    ]
    return GalleryStatus(subscription, rg, gallery, tuple(states), tuple(image_states))


def _list_definitions(client: Any, gallery: str) -> list[str]:
    try:
        return [d["name"] for d in list_json(client, gallery + "/images", COMPUTE_API_VERSION)]
    except Exception as exc:  # noqa: BLE001
        err = arm_error(exc, "list the image definitions")
        if err.status in (401, 403):
            return []  # the catalog's own definitions are still read one by one; nothing beyond them is known
        raise err from None


def _outside(names: list[str], catalog: Catalog) -> list[str]:
    mine = {i.name.lower() for i in catalog.images}
    return sorted(n for n in names if n.lower() not in mine)


def _list_versions(client: Any, gallery: str, image: str) -> tuple[Optional[dict[str, dict]], Optional[str]]:
    """({version name: Azure's body} of one definition, None) or (None, why Azure refused); (None, None) when
    Azure has no such definition."""
    try:
        return {
            v["name"]: v for v in list_json(client, f"{gallery}/images/{image}/versions", COMPUTE_API_VERSION)
        }, None
    except Exception as exc:  # noqa: BLE001
        err = arm_error(exc, f"list the versions of {image}")
        if err.status == 404:
            return None, None
        if err.status in (401, 403):
            return None, err.message
        raise err from None


def _read_version(client: Any, gallery: str, declared: Mapping[str, Any]) -> VersionState:
    image, version = declared["galleryImageName"], declared["galleryImageVersionName"]
    try:
        body = get_json(
            client,
            f"{gallery}/images/{image}/versions/{version}",
            COMPUTE_API_VERSION,
            **{"$expand": "ReplicationStatus"},
        )
    except Exception as exc:  # noqa: BLE001
        err = arm_error(exc, f"read {image} {version}")
        if err.status == 404:  # deleted since it was listed
            return VersionState(image, version, True, False)
        if err.status in (401, 403):
            return VersionState(image, version, True, True, error=err.message)
        raise err from None
    state = from_body(image, version, body, in_catalog=True)
    if state.provisioning == "Deleting":
        return state
    return replace(state, drift=version_drift(declared, body))


def _outside_version(image: str, name: str, body: dict, latest: dict[str, Optional[str]]) -> VersionState:
    state = from_body(image, name, body, in_catalog=False)
    drift = Drift(
        "outside-catalog", None, name, None, f"{image} {name}: in Azure, not in the catalog", _OUTSIDE_VERSION
    )
    return replace(state, drift=(drift,), latest_in=tuple(r for r, v in latest.items() if v == name))


def _latest(found: dict[str, dict]) -> dict[str, Optional[str]]:
    """Azure's `latest` per region, from its versions' flags and target regions."""
    entries = []
    for name, body in found.items():
        try:
            semver = SemVer.parse(name)
        except ValueError:
            continue  # Azure's own names are Major.Minor.Patch; a name that is not cannot be compared
        profile = (body.get("properties") or {}).get("publishingProfile") or {}
        entries.append(
            (
                semver,
                bool(profile.get("excludeFromLatest")),
                {
                    normalize(t.get("name") or ""): bool(t.get("excludeFromLatest"))
                    for t in profile.get("targetRegions") or ()
                },
            )
        )
    return latest_per_region(entries)


def _with_latest(state: VersionState, latest: dict[str, Optional[str]]) -> VersionState:
    return replace(state, latest_in=tuple(r for r, v in latest.items() if v == state.version))


def _image_state(
    image, listed: tuple[Optional[dict], Optional[str]], azure: dict[str, Optional[str]], states: list[VersionState]
) -> ImageState:
    found, error = listed
    catalog = image.latest_by_region()
    mine = {v.name for v in image.versions}
    known = {s.version: s.state for s in states if s.image == image.name and s.in_catalog}
    regions = sorted(
        set(azure) | set(catalog), key=lambda r: (r not in catalog, list(catalog).index(r) if r in catalog else 0, r)
    )
    latest = tuple((r, azure.get(r), catalog.get(r)) for r in regions)
    if error is not None:
        return ImageState(image.name, True, True, latest)
    if found is None:
        return ImageState(
            image.name,
            True,
            False,
            latest,
            (
                Drift(
                    "definition-missing",
                    None,
                    None,
                    image.name,
                    f"definition {image.name}: in the catalog, not in Azure",
                    "`pulumi up --refresh` creates it, with its versions",
                ),
            ),
        )
    return ImageState(image.name, True, True, latest, latest_drift(image.name, azure, catalog, mine, known))


def _semver_key(name: str) -> tuple:
    try:
        return (0, SemVer.parse(name))
    except ValueError:
        return (1, name)

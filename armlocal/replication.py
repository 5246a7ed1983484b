"""A version's replication as Azure runs it, region by region, and the writes of a second pipeline.

While a version replicates, Azure reports `provisioningState: Creating` (`Updating` once a region was added to an
existing version) and `replicationStatus.aggregatedState: InProgress`, with each region's state, progress and
details (GalleryImageVersion_Get with $expand=ReplicationStatus, 2024-03-03). Here each region replicating is a
small state machine: `Replicating` with a progress that moves on by its `step` at each `tick()`, then `Completed`
at 100 %, or `Failed` (with Azure's details) when it reaches `fail_at`. When no region replicates any more, the
version is `Succeeded` (or `Failed` when a region failed) and its long-running operation ends the same way.

The second writer: another pipeline's `PUT` (or `PATCH`) of a version. Azure replaces `targetRegions` as a whole
list and has no ETag on versions, so a writer that sends its own list drops the regions it does not know; regions
it adds start replicating. A `DELETE` puts the version in `Deleting` until the next tick removes it (on a gallery
with soft delete, into its soft-deleted versions; a `PUT` with `restore: true` brings one back). What Azure
refuses is refused: a region removed while `safetyProfile.allowDeletionOfReplicatedLocations` is false, a
region's storage type changed once it has replicas, a version's source changed.
"""

from __future__ import annotations

import copy
import dataclasses
import uuid
from typing import Any, Optional

from armlocal.api import API_VERSION
from armlocal.bodies import DISPLAY, aggregated, error, now, without_status
from armlocal.state import ArmState

FAILED_DETAILS = "Replication job failed."


@dataclasses.dataclass
class Region:
    """One region's replication: where it stands, how far each tick moves it, and whether it fails."""

    progress: int = 0
    step: int = 25  # percent per tick
    fail_at: Optional[int] = None  # the progress at which Azure gives up on it: Failed
    details: str = ""  # what Azure says while it replicates (or why it failed)
    state: str = "Replicating"


def normalize(region: str) -> str:
    return "".join(region.split()).lower()


def display(region: str) -> str:
    return DISPLAY.get(normalize(region), region)


def replicate(state: ArmState, version_key: tuple, regions: dict[str, Region], *, updating: bool = False) -> None:
    """Start `regions` of the version replicating (its other regions keep their state). Its provisioning state
    becomes Creating, or Updating with `updating` (a region added to a version that existed)."""
    with state.lock:
        body = state.versions[version_key]
        machines = state.replications.setdefault(version_key, {})
        for name, region in regions.items():
            machines[normalize(name)] = region
        body["properties"]["provisioningState"] = "Updating" if updating else "Creating"
        _write_status(body, machines)


def tick(state: ArmState, times: int = 1) -> None:
    """Time passes: every replicating region moves on by its step; versions being deleted are gone."""
    with state.lock:
        for _ in range(times):
            for key in [k for k, v in state.versions.items() if v["properties"].get("provisioningState") == "Deleting"]:
                gone = state.versions.pop(key)
                if _soft_delete(state, key):  # the gallery keeps it, restorable (issue 21)
                    sub, rg, gallery = (state.galleries[key[0]]["id"].split("/")[i] for i in (2, 4, 8))
                    state.add_soft_deleted(
                        rg,
                        gallery,
                        gone["id"].split("/")[-3],
                        key[2],
                        sub=sub,
                        deleted=now(),
                        location=normalize(gone["location"]),
                    )
            for key in list(state.replications):
                tick_version(state, key)


def tick_version(state: ArmState, key: tuple) -> None:
    """One version's replicating regions move on by their step."""
    with state.lock:
        machines = state.replications.get(key)
        if machines is None:
            return
        for region in machines.values():
            if region.state != "Replicating":
                continue
            region.progress = min(100, region.progress + region.step)
            if region.fail_at is not None and region.progress >= region.fail_at:
                region.state, region.details = "Failed", region.details or FAILED_DETAILS
            elif region.progress >= 100:
                region.state, region.details = "Completed", ""
        if key in state.versions:
            _write_status(state.versions[key], machines)
        if all(r.state != "Replicating" for r in machines.values()):
            del state.replications[key]


def _write_status(body: dict, machines: dict[str, Region]) -> None:
    """The version's replicationStatus and provisioningState, from its regions."""
    props = body["properties"]
    summary = props.setdefault("replicationStatus", {}).setdefault("summary", [])
    by_name = {normalize(s["region"]): s for s in summary}
    for name, region in machines.items():
        entry = by_name.get(name)
        if entry is None:
            entry = {"region": display(name)}
            summary.append(entry)
        entry.update(state=region.state, progress=region.progress, details=region.details)
    props["replicationStatus"]["aggregatedState"] = aggregated(summary)
    if any(m.state == "Replicating" for m in machines.values()):
        return  # Creating or Updating, as the write that started it set
    props["provisioningState"] = "Failed" if any(s["state"] == "Failed" for s in summary) else "Succeeded"


# -- the second writer: PUT, PATCH and DELETE of a version ---------------------------------------------------


def write(state: ArmState, method: str, key: tuple, image: dict, version: str, body: Any, path: str, base: str):
    """(status, headers, body) for a PUT, PATCH or DELETE of a version (GalleryImageVersions_CreateOrUpdate,
    _Update, _Delete), each a long-running operation."""
    existing = state.versions.get(key)
    if method == "DELETE":
        if existing is None:
            return 204, {}, None
        existing["properties"]["provisioningState"] = "Deleting"
        state.replications.pop(key, None)
        return 202, _operation(state, key, path, base, existing), None
    if method == "PATCH" and existing is None:
        return 404, {}, error("ResourceNotFound", f"The Resource '{path}' was not found.")
    props = copy.deepcopy((body or {}).get("properties") or {})
    if props.get("restore") and existing is None:
        # GalleryImageVersion_Update_RestoreSoftDeleted: the version the gallery keeps comes back, its replicas with it.
        kept = state.soft_deleted.pop(key, None)
        if kept is None:
            return (
                404,
                {},
                error(
                    "ResourceNotFound", f"There is no soft-deleted version '{version}' of '{image['name']}' to restore."
                ),
            )
        props["replicationStatus"] = {
            "aggregatedState": "Completed",
            "summary": [
                {"region": display(t["name"]), "state": "Completed", "details": "", "progress": 100}
                for t in (props.get("publishingProfile") or {}).get("targetRegions") or ()
            ],
        }
        props["provisioningState"] = "Succeeded"
        existing = state.versions[key] = {
            "id": f"{image['id']}/versions/{version}",
            "name": version,
            "type": "Microsoft.Compute/galleries/images/versions",
            "location": (body or {}).get("location") or image["location"],
            "tags": (body or {}).get("tags") or {},
            "properties": props,
        }
        return 200, _operation(state, key, path, base, existing), without_status(existing)
    if method == "PATCH":
        props = _merge(copy.deepcopy(existing["properties"]), props)
    targets = (props.get("publishingProfile") or {}).get("targetRegions")
    if not targets:
        return 400, {}, error("InvalidParameter", "The parameter 'publishingProfile.targetRegions' is required.")
    refusal = _refusal(existing, props) if existing is not None else None
    if refusal:
        return 409, {}, refusal
    for target in targets:
        target["name"] = display(target["name"])
    location = (body or {}).get("location") or (existing or image)["location"]
    if existing is None:
        existing = state.versions[key] = {
            "id": f"{image['id']}/versions/{version}",
            "name": version,
            "type": "Microsoft.Compute/galleries/images/versions",
            "location": location,
            "tags": (body or {}).get("tags") or {},
            "properties": {},
        }
        before: dict[str, dict] = {}
        props["publishingProfile"].setdefault("publishedDate", now())
    else:
        before = {
            normalize(s["region"]): s
            for s in (existing["properties"].get("replicationStatus") or {}).get("summary") or ()
        }
        if body and "tags" in body:
            existing["tags"] = body["tags"] or {}
    status = existing["properties"].get("replicationStatus") or {}
    names = [normalize(t["name"]) for t in targets]
    props["replicationStatus"] = {
        "aggregatedState": status.get("aggregatedState", "Completed"),
        "summary": [before[n] for n in names if n in before],
    }
    props.setdefault("provisioningState", existing["properties"].get("provisioningState", "Succeeded"))
    existing["properties"] = props
    machines = state.replications.get(key, {})
    for gone in set(machines) - set(names):
        del machines[gone]
    added = {n: Region(step=state.replication_step) for n in names if n not in before}
    if added:
        replicate(state, key, added, updating=bool(before))
    else:
        props["replicationStatus"]["aggregatedState"] = aggregated(props["replicationStatus"]["summary"])
    return (201 if not before else 200), _operation(state, key, path, base, existing), without_status(existing)


def _soft_delete(state: ArmState, key: tuple) -> bool:
    gallery = state.galleries.get(key[0]) or {}
    return bool(((gallery.get("properties") or {}).get("softDeletePolicy") or {}).get("isSoftDeleteEnabled"))


def _merge(target: dict, patch: dict) -> dict:
    """JSON merge patch (RFC 7386): objects merge, anything else (a list: targetRegions) is replaced whole."""
    for k, v in patch.items():
        if v is None:
            target.pop(k, None)
        elif isinstance(v, dict) and isinstance(target.get(k), dict):
            target[k] = _merge(target[k], v)
        else:
            target[k] = v
    return target


def _refusal(existing: dict, props: dict) -> Optional[dict]:
    old = existing["properties"]
    old_targets = {normalize(t["name"]): t for t in old["publishingProfile"].get("targetRegions") or ()}
    new_targets = {normalize(t["name"]): t for t in props["publishingProfile"]["targetRegions"]}
    removed = sorted(set(old_targets) - set(new_targets))
    allowed = (props.get("safetyProfile") or old.get("safetyProfile") or {}).get("allowDeletionOfReplicatedLocations")
    if removed and not allowed:
        return error(
            "OperationNotAllowed",
            f"Removing the replicated locations {', '.join(removed)} is not allowed: "
            "set safetyProfile.allowDeletionOfReplicatedLocations to true.",
        )
    default = props["publishingProfile"].get("storageAccountType") or "Standard_LRS"
    for name in set(old_targets) & set(new_targets):
        was = old_targets[name].get("storageAccountType") or default
        asked = new_targets[name].get("storageAccountType") or default
        if was != asked:
            return error(
                "PropertyChangeNotAllowed",
                f"Changing property 'storageAccountType' of region {name} from {was} to {asked} is not allowed.",
            )
    if props.get("storageProfile") and _sent(props["storageProfile"]) != _sent(old.get("storageProfile")):
        return error("PropertyChangeNotAllowed", "Changing property 'storageProfile' is not allowed.")
    if props.get("storageProfile"):  # what Azure computed (each disk's sizeInGB) stays as it was
        props["storageProfile"] = copy.deepcopy(old.get("storageProfile"))
    props.setdefault("storageProfile", old.get("storageProfile"))
    return None


def _sent(storage: Optional[dict]) -> Optional[dict]:
    """A storage profile without what Azure computes and a writer never sends (each disk's sizeInGB)."""
    if not storage:
        return storage
    out = copy.deepcopy(storage)
    for disk in ([out["osDiskImage"]] if out.get("osDiskImage") else []) + list(out.get("dataDiskImages") or ()):
        disk.pop("sizeInGB", None)
    return out


def _operation(state: ArmState, key: tuple, path: str, base: str, body: dict) -> dict:
    op_id = str(uuid.uuid4())
    state.operations[op_id] = {"version": key, "started": now()}
    location = normalize(body["location"])
    return {
        "Azure-AsyncOperation": f"{base}/subscriptions/{key[0][0]}/providers/Microsoft.Compute/locations/"
        f"{location}/capsOperations/{op_id}?api-version={API_VERSION}"
    }


def poll(state: ArmState, op: dict):
    """A version's operation: InProgress while it replicates (or is being deleted), then as it ended."""
    status = {"startTime": op["started"]}
    body = state.versions.get(op["version"])
    provisioning = body["properties"].get("provisioningState") if body else "Deleted"
    if provisioning in ("Creating", "Updating", "Deleting"):
        return 200, {}, {**status, "status": "InProgress"}
    if provisioning == "Failed":
        failed = [s for s in body["properties"]["replicationStatus"]["summary"] if s["state"] == "Failed"]
        return (
            200,
            {},
            {
                **status,
                "endTime": now(),
                "status": "Failed",
                "error": {
                    "code": "ReplicationFailed",
                    "message": "; ".join(f"{s['region']}: {s['details']}" for s in failed),
                },
            },
        )
    return 200, {}, {**status, "endTime": now(), "status": "Succeeded"}

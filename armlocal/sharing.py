"""The share action, `POST .../galleries/{gallery}/share`, run as Azure runs it: a long-running operation.

202 with `Azure-AsyncOperation` (polled: InProgress `polls_before_done` times, then Succeeded or Failed as
`fail_operations` says) and `Location` (the final GET, which returns the SharingUpdate body). What Azure
refuses before it starts (an unknown operation, Add/Remove on a gallery that is not `Groups`...) is a 400.
"""

from __future__ import annotations

import uuid
from typing import Any, Optional

from armlocal.api import API_VERSION
from armlocal.bodies import error, now, public_name
from armlocal.state import ArmState


def start(state: ArmState, key: tuple, gallery: dict, body: Any, path: str, base: str):
    kind = (body or {}).get("operationType")
    profile = gallery["properties"]["sharingProfile"]
    refusal = _refusal(kind, profile, body or {})
    if refusal:
        return 400, {}, refusal
    op_id = str(uuid.uuid4())
    state.operations[op_id] = {"key": key, "update": body, "polls": 0, "started": now()}
    location = gallery["location"].replace(" ", "").lower()
    sub = key[0]
    headers = {
        "Azure-AsyncOperation": f"{base}/subscriptions/{sub}/providers/Microsoft.Compute/locations/"
        f"{location}/capsOperations/{op_id}?api-version={API_VERSION}",
        "Location": f"{base}{path}?api-version={API_VERSION}",
    }
    return 202, headers, body


def poll(state: ArmState, op_id: str):
    op = state.operations.get(op_id)
    if op is None:
        return 404, {}, error("NotFound", f"operation {op_id} not found")
    op["polls"] += 1
    status = {"name": op_id, "startTime": op["started"]}
    if op["polls"] <= state.polls_before_done:
        return 200, {}, {**status, "status": "InProgress"}
    if "done" not in op:
        kind = op["update"]["operationType"]
        if kind in state.fail_operations:
            code, message = state.fail_operations[kind]
            op["done"] = {"status": "Failed", "error": {"code": code, "message": message}}
        else:
            apply(state.galleries[op["key"]], op["update"])
            state.shares[op["key"]] = op["update"]
            op["done"] = {"status": "Succeeded"}
    return 200, {}, {**status, "endTime": now(), **op["done"]}


def apply(gallery: dict, update: dict) -> None:
    """What a succeeded share operation (a SharingUpdate: Add, Remove, Reset, EnableCommunity) does to the
    gallery's body; ids are kept lower case, groups sorted by type."""
    profile = gallery["properties"]["sharingProfile"]
    kind = update["operationType"]
    if kind == "Reset":
        gallery["properties"]["sharingProfile"] = {"permissions": "Private"}
    elif kind == "EnableCommunity":
        info = profile["communityGalleryInfo"]
        info["communityGalleryEnabled"] = True
        info.setdefault("publicNames", [public_name(info)])
    else:
        groups = {g["type"]: set(g.get("ids", [])) for g in profile.get("groups", [])}
        for g in update.get("groups", []):
            ids = groups.setdefault(g["type"], set())
            if kind == "Add":
                ids |= {i.lower() for i in g["ids"]}
            else:
                ids -= {i.lower() for i in g["ids"]}
        profile["groups"] = [{"type": t, "ids": sorted(ids)} for t, ids in sorted(groups.items()) if ids]


def _refusal(kind: Optional[str], profile: dict, body: dict) -> Optional[dict]:
    """What Azure refuses before it starts the operation (modelled on its documented rules)."""
    if kind not in ("Add", "Remove", "Reset", "EnableCommunity"):
        return error(
            "InvalidParameter",
            f"The value '{kind}' of parameter 'sharingUpdate.operationType' is "
            "invalid. Allowed values: Add, Remove, Reset, EnableCommunity.",
        )
    if kind in ("Add", "Remove") and profile.get("permissions") != "Groups":
        return error(
            "OperationNotAllowed",
            f"Sharing operation '{kind}' is allowed only for a gallery whose sharing profile permissions are 'Groups'.",
        )
    if kind in ("Add", "Remove") and not body.get("groups"):
        return error("InvalidParameter", "The parameter 'sharingUpdate.groups' is required.")
    if kind == "EnableCommunity" and (
        profile.get("permissions") != "Community" or "communityGalleryInfo" not in profile
    ):
        return error(
            "OperationNotAllowed",
            "EnableCommunity is allowed only for a gallery whose sharing profile "
            "permissions are 'Community' and which has community gallery info.",
        )
    return None

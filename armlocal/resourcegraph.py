"""Microsoft.ResourceGraph (2021-03-01, what azure-mgmt-resourcegraph 8.0.1 sends): `POST
/providers/Microsoft.ResourceGraph/resources`, answering the one query the project sends (gallery.azure.graph):
the VMs and scale sets whose image reference is one of the gallery ids the query names.

This endpoint runs no Kusto. It reads the query's quoted ids (the strings that start with `/`) and answers as
that query would: every machine held (`ArmState.add_machine`) whose image reference (`id`, else
`sharedGalleryImageId`, else `communityGalleryImageId`, lower case) is one of them or a version under one
(`<id>/versions/...`), projected as the query projects it, in the request's subscriptions (all when none is
given), ordered by id, paged with `$skipToken` (`options.$top` rows a page, at most page_size). A query that
does not ask about VMs and scale sets is refused, as Resource Graph refuses a query it cannot parse (400
BadRequest, InvalidQuery).
"""

from __future__ import annotations

import re
from typing import Any

from armlocal.api import RESOURCE_GRAPH_API_VERSION
from armlocal.bodies import error
from armlocal.state import ArmState

QUERY_PATH = re.compile(r"^/providers/Microsoft\.ResourceGraph/resources/?$", re.IGNORECASE)
_MACHINES = ("microsoft.compute/virtualmachines", "microsoft.compute/virtualmachinescalesets")
COLUMNS = ("id", "name", "type", "subscriptionId", "resourceGroup", "ref", "exactVersion")


def answer(state: ArmState, method: str, path: str, query: dict, body: Any, base: str):
    """(status, headers, body) for a Resource Graph query; None for other paths."""
    if not QUERY_PATH.match(path):
        return None
    if query.get("api-version") != RESOURCE_GRAPH_API_VERSION:
        return (
            400,
            {},
            error(
                "InvalidApiVersionParameter",
                f"The api-version '{query.get('api-version')}' is "
                f"invalid. The supported versions include '{RESOURCE_GRAPH_API_VERSION}'.",
            ),
        )
    if method != "POST":
        return 405, {}, error("MethodNotAllowed", f"{method} {path} is not served by this endpoint")
    text = (body or {}).get("query", "")
    literals = re.findall(r"'([^']*)'", text)
    if not all(t in text.lower() for t in _MACHINES):
        return (
            400,
            {},
            {
                "error": {
                    "code": "BadRequest",
                    "message": "Please provide below info when asking for "
                    "support: timestamp = now, correlationId = armlocal.",
                    "details": [
                        {
                            "code": "InvalidQuery",
                            "message": "Query is invalid. Please refer "
                            "to the documentation for the Azure Resource Graph service and fix "
                            "the error before retrying.",
                        }
                    ],
                }
            },
        )
    ids = {lit.lower() for lit in literals if lit.startswith("/")}
    subscriptions = {s.lower() for s in (body or {}).get("subscriptions") or ()}
    rows = []
    for machine in sorted(state.machines.values(), key=lambda m: m["id"].lower()):
        if subscriptions and machine["subscriptionId"].lower() not in subscriptions:
            continue
        props = machine["properties"]
        reference = (props.get("virtualMachineProfile") or props)["storageProfile"]["imageReference"]
        ref = (
            reference.get("id")
            or reference.get("sharedGalleryImageId")
            or reference.get("communityGalleryImageId")
            or ""
        ).lower()
        if ref in ids or any(ref.startswith(i + "/versions/") for i in ids):
            rows.append(
                {
                    "id": machine["id"],
                    "name": machine["name"],
                    "type": machine["type"],
                    "subscriptionId": machine["subscriptionId"],
                    "resourceGroup": machine["resourceGroup"],
                    "ref": ref,
                    "exactVersion": reference.get("exactVersion", ""),
                }
            )
    options = (body or {}).get("options") or {}
    start = int(options.get("$skipToken") or options.get("$skip") or 0)
    size = min(int(options.get("$top") or 1000), state.page_size)  # a page holds at most page_size rows here
    out: dict[str, Any] = {
        "totalRecords": len(rows),
        "count": len(rows[start : start + size]),
        "resultTruncated": "false",
        "facets": [],
        "data": rows[start : start + size],
    }
    if start + size < len(rows):
        out["$skipToken"] = str(start + size)
    return 200, {}, out

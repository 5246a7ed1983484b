"""Microsoft.Compute: a gallery, its definitions and versions (GalleryRP 2024-03-03), its share action, and a second
writer's PUT, PATCH and DELETE of a version (armlocal.replication).

`$expand=SharingProfile/Groups` (a gallery's members) and `$expand=ReplicationStatus` (a version's replication)
add what plain GETs and lists leave out, as in Gallery_Get_WithExpand and GalleryImageVersion_Get.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from armlocal import replication, sharing
from armlocal.api import API_VERSION
from armlocal.bodies import error, expanded, key, page, without_status
from armlocal.state import ArmState

GALLERY = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/Microsoft\.Compute"
    r"/galleries/(?P<gallery>[^/]+)(?P<rest>/.*)?$",
    re.IGNORECASE,
)
OPERATION = re.compile(
    r"^/subscriptions/[^/]+/providers/Microsoft\.Compute/locations/[^/]+/capsOperations/"
    r"(?P<op>[^/]+)$",
    re.IGNORECASE,
)


def answer(state: ArmState, method: str, path: str, query: dict, body: Any, base: str):
    if query.get("api-version") != API_VERSION:
        return (
            400,
            {},
            error(
                "InvalidApiVersionParameter",
                f"The api-version '{query.get('api-version')}' is invalid. The supported "
                f"versions include '{API_VERSION}'.",
            ),
        )
    op = OPERATION.match(path)
    if op and method == "GET":
        running = state.operations.get(op["op"])
        if running is not None and "version" in running:
            return replication.poll(state, running)
        return sharing.poll(state, op["op"])
    m = GALLERY.match(path)
    if not m:
        return 404, {}, error("InvalidResourceType", f"The resource type could not be found for {path}.")
    gallery_key = key(m["sub"], m["rg"], m["gallery"])
    rest = (m["rest"] or "").rstrip("/")
    gallery = state.galleries.get(gallery_key)
    if gallery is None:
        return (
            404,
            {},
            error(
                "ResourceNotFound",
                f"The Resource 'Microsoft.Compute/galleries/{m['gallery']}' "
                f"under resource group '{m['rg']}' was not found.",
            ),
        )
    if rest == "" and method == "GET":
        out = copy.deepcopy(gallery)
        if query.get("$expand", "").lower() != "sharingprofile/groups":
            out["properties"]["sharingProfile"].pop("groups", None)
        return 200, {}, out
    if rest.lower() == "/share" and method == "POST":
        return sharing.start(state, gallery_key, gallery, body, path, base)
    if rest.lower() == "/share" and method == "GET":
        return 200, {}, state.shares.get(gallery_key, {})
    parts = rest.strip("/").split("/")
    if parts[0].lower() == "softdeletedartifacttypes" and method == "GET":
        return _soft_deleted(state, gallery_key, parts[1:], query, path, base)
    if parts[0].lower() == "images" and method == "GET":
        return _images(state, gallery_key, parts[1:], query, path, base)
    if (
        len(parts) == 4
        and parts[0].lower() == "images"
        and parts[2].lower() == "versions"
        and method in ("PUT", "PATCH", "DELETE")
    ):
        image = state.images.get((gallery_key, parts[1].lower()))
        if image is None:
            return (
                404,
                {},
                error(
                    "ResourceNotFound",
                    f"The Resource 'Microsoft.Compute/galleries/{gallery_key[2]}/images/{parts[1]}' was not found.",
                ),
            )
        return replication.write(
            state, method, (gallery_key, parts[1].lower(), parts[3]), image, parts[3], body, path, base
        )
    return 405, {}, error("MethodNotAllowed", f"{method} {path} is not served by this endpoint")


def _images(state: ArmState, gallery_key: tuple, parts: list[str], query: dict, path: str, base: str):
    if not parts:
        items = [v for (g, _), v in sorted(state.images.items()) if g == gallery_key]
        return 200, {}, page(items, query, path, base, state.page_size, API_VERSION)
    image = state.images.get((gallery_key, parts[0].lower()))
    if image is None:
        return (
            404,
            {},
            error(
                "ResourceNotFound",
                f"The Resource 'Microsoft.Compute/galleries/{gallery_key[2]}/images/{parts[0]}' was not found.",
            ),
        )
    if len(parts) == 1:
        return 200, {}, image
    if len(parts) == 2 and parts[1].lower() == "versions":
        items = [v for (g, i, _), v in sorted(state.versions.items()) if (g, i) == (gallery_key, parts[0].lower())]
        return 200, {}, page([without_status(v) for v in items], query, path, base, state.page_size, API_VERSION)
    version = state.versions.get((gallery_key, parts[0].lower(), parts[2])) if len(parts) == 3 else None
    if version is None:
        return 404, {}, error("ResourceNotFound", f"The Resource '{'/'.join(parts)}' was not found.")
    expand = query.get("$expand", "")
    if (
        expand.lower() == "replicationstatus"
        and state.tick_on_read
        and (gallery_key, parts[0].lower(), parts[2]) in state.replications
    ):
        replication.tick_version(state, (gallery_key, parts[0].lower(), parts[2]))
    return 200, {}, expanded(version, expand)


def _soft_deleted(state: ArmState, gallery_key: tuple, parts: list[str], query: dict, path: str, base: str):
    """SoftDeletedResource_ListByArtifactName: `{artifactType}/artifacts/{image}/versions`, paged (the one artifact
    type at 2024-03-03 is Images). An image with none, or a gallery without soft delete, lists nothing."""
    if len(parts) != 4 or parts[1].lower() != "artifacts" or parts[3].lower() != "versions":
        return 404, {}, error("InvalidResourceType", f"The resource type could not be found for {path}.")
    if parts[0].lower() != "images":
        return (
            400,
            {},
            error(
                "InvalidParameter",
                f"The value '{parts[0]}' of parameter 'artifactType' is invalid. Allowed values: Images.",
            ),
        )
    items = [v for (g, i, _), v in sorted(state.soft_deleted.items()) if (g, i) == (gallery_key, parts[2].lower())]
    return 200, {}, page(items, query, path, base, state.page_size, API_VERSION)

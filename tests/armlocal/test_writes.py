"""Only reads, the share action and a version's writes (the second writer, test_replication.py) are served: a
write anywhere else is refused (405), and nothing changes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from armlocal import API_VERSION, RESOURCES_API_VERSION, STORAGE_API_VERSION, SUBSCRIPTION
from armlocal.example import add_platform_gallery

GROUP = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-images-dev"
ACCOUNT = f"{GROUP}/providers/Microsoft.Storage/storageAccounts/stimagesdev001"
GALLERY = f"{GROUP}/providers/Microsoft.Compute/galleries/gal_platform_dev"


def send(arm, method: str, path: str, version: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{arm.url}{path}?api-version={version}",
        method=method,
        data=b"{}" if method != "DELETE" else None,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(
    "path, version",
    [
        (GROUP, RESOURCES_API_VERSION),
        (ACCOUNT, STORAGE_API_VERSION),
        (GALLERY, API_VERSION),
        (f"{GALLERY}/images/ubuntu-22.04-gen2", API_VERSION),
    ],
)
def test_a_write_is_refused(arm, method, path, version):
    add_platform_gallery(arm)
    before = _held(arm)
    assert send(arm, method, path, version) == (
        405,
        {"error": {"code": "MethodNotAllowed", "message": f"{method} {path} is not served by this endpoint"}},
    )
    assert _held(arm) == before


def _held(arm) -> str:
    return json.dumps(
        [
            list(arm.groups.values()),
            list(arm.accounts.values()),
            list(arm.galleries.values()),
            list(arm.images.values()),
            list(arm.versions.values()),
        ],
        sort_keys=True,
    )

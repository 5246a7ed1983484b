"""Plain ARM GETs: what azure-mgmt-compute has no operation for (the resource group, the storage account and
its blob containers), and bulk lists read as ARM's JSON.

The project installs no azure-mgmt-resource or azure-mgmt-storage for three reads: they go through the
compute client's own pipeline (`send_request`), so they get the same endpoint, credential, retries
(`Retry-After` honoured) and connection pool. Each resource type is read at the API version
pulumi-azure-native 3.29 uses for it (gallery.desired.arm), so what is read is what `pulumi import` will see.
Discovery also lists definitions and versions this way (at COMPUTE_API_VERSION): building the SDK's models of a
thousand versions and turning them back into JSON cost more CPU than all the waiting for ARM.
"""

from __future__ import annotations

from typing import Any, Iterator


def get_json(client: Any, path: str, api_version: str, **params: str) -> dict:
    """GET `path` (an ARM resource id) at `api_version`. Raises azure-core's HttpResponseError as the SDK does."""
    return _send(client, path, {"api-version": api_version, **params})


def list_json(client: Any, path: str, api_version: str, **params: str) -> Iterator[dict]:
    """Every item of an ARM list, following `nextLink` (which carries its own api-version and filter)."""
    page = _send(client, path, {"api-version": api_version, **params})
    while True:
        yield from page.get("value") or ()
        link = page.get("nextLink")
        if not link:
            return
        page = _send(client, link, None)


def _send(client: Any, url: str, params: dict | None) -> dict:
    from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
    from azure.core.rest import HttpRequest
    from azure.mgmt.core.exceptions import ARMErrorFormat

    response = client.send_request(HttpRequest("GET", url, params=params))
    if response.status_code == 404:
        raise ResourceNotFoundError(response=response, error_format=ARMErrorFormat)
    if response.status_code >= 400:
        raise HttpResponseError(response=response, error_format=ARMErrorFormat)
    return response.json()

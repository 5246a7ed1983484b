"""The azure-mgmt-compute client for a target, with the project's API version on every call.

Facts this rests on (azure-mgmt-compute 39, azure-core): a client-wide api_version is ignored, so each
call passes `api_version=COMPUTE_API_VERSION` (paging and polling follow the links the server gives);
bearer tokens over plain http are refused by azure-core's own policy, so the local endpoint gets a policy
of ours that sets the static token (or none); azure-core honours `Retry-After` on any 4xx/5xx.
"""

from __future__ import annotations

import os
from typing import Any, Optional

from azure.core.pipeline.policies import SansIOHTTPPolicy

from gallery.azure.target import COMPUTE_API_VERSION, TOKEN_ENV, ArmTarget

# Bounded retries: a throttled or failing call gives up after a few tries and says so, rather than
# retrying for minutes; a `Retry-After` from ARM is honoured within these tries.
RETRY_TOTAL = 3
# Seconds between polls of a long-running operation when ARM gives no Retry-After (azure-core: 30).
POLL_SECONDS = 30.0
LOCAL_POLL_SECONDS = 0.05


def call_options() -> dict[str, Any]:
    """Keyword arguments every gallery operation call takes."""
    return {"api_version": COMPUTE_API_VERSION}


class _LocalAuthPolicy(SansIOHTTPPolicy):
    """Sets `Authorization: Bearer GALLERY_ARM_TOKEN` (or nothing) for a loopback endpoint."""

    def __init__(self, token: Optional[str]):
        self._token = token

    def on_request(self, request) -> None:
        if self._token:
            request.http_request.headers["Authorization"] = f"Bearer {self._token}"


class _NoCredential:
    """The local endpoint's credential: never asked for a token (the policy above sets the header)."""

    def get_token(self, *scopes, **kwargs):  # pragma: no cover - not called with _LocalAuthPolicy
        raise RuntimeError("the local ARM endpoint takes a static token, not a credential")


def credential(target: ArmTarget):
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential(authority=target.authority)


def _pooled_transport(connections: int):
    """A requests transport that keeps `connections` connections open: requests' default pool keeps 10,
    and a client shared by more threads would open and drop a connection per extra request."""
    import requests
    from azure.core.pipeline.transport import RequestsTransport
    from urllib3.util.retry import Retry

    session = requests.Session()
    # azure-core retries itself (honouring Retry-After); urllib3 must not retry underneath it.
    adapter = requests.adapters.HTTPAdapter(
        pool_connections=connections,
        pool_maxsize=connections,
        max_retries=Retry(total=False, redirect=False, raise_on_status=False),
    )
    for scheme in ("http://", "https://"):
        session.mount(scheme, adapter)
    return RequestsTransport(session=session, session_owner=True)


def compute_client(
    target: ArmTarget, subscription_id: str, *, retry_total: int = RETRY_TOTAL, connections: Optional[int] = None
):
    """A ComputeManagementClient for `target`: DefaultAzureCredential in a cloud, a static token locally.
    `connections`: how many threads will share it (each may hold a connection)."""
    from azure.mgmt.compute import ComputeManagementClient

    cred, options = client_options(target, retry_total=retry_total)
    if connections:
        options["transport"] = _pooled_transport(connections)
    return ComputeManagementClient(cred, subscription_id, **options)


def client_options(target: ArmTarget, *, retry_total: int = RETRY_TOTAL) -> tuple[Any, dict[str, Any]]:
    """(credential, keyword options) of any azure-mgmt client for `target`: its endpoint, bounded retries, and
    DefaultAzureCredential in a cloud or the static token locally."""
    options: dict[str, Any] = {
        "base_url": target.endpoint,
        "retry_total": retry_total,
        "credential_scopes": [target.scope],
    }
    if target.local:
        options.update(
            authentication_policy=_LocalAuthPolicy(os.environ.get(TOKEN_ENV)), polling_interval=LOCAL_POLL_SECONDS
        )
        return _NoCredential(), options
    options["polling_interval"] = POLL_SECONDS
    return credential(target), options

"""Where ARM calls go: the stack's Azure cloud, or an explicit local endpoint for trying and testing.

The cloud is the same choice as the provider's `azure-native:environment` (public, usgovernment, china;
env ARM_ENVIRONMENT), so the share, status and discovery calls reach the cloud the stack deploys to.
An explicit endpoint (`--arm-endpoint`, env GALLERY_ARM_ENDPOINT) points every ARM call of the project
at a local ARM-compatible server; it must be a loopback http(s) address, because the credential that
goes with it is anonymous or a static token (GALLERY_ARM_TOKEN), never a real Azure login.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from typing import Mapping, Optional
from urllib.parse import urlsplit

from gallery.azure.errors import ArmError
from gallery.desired import arm

# The Compute API version of every gallery call is the one the program's resources are sent at
# (gallery.desired.arm); azure-mgmt-compute 39 would send 2026-03-03 unless told per call.
COMPUTE_API_VERSION = arm.COMPUTE_API_VERSION

ENDPOINT_ENV = "GALLERY_ARM_ENDPOINT"
TOKEN_ENV = "GALLERY_ARM_TOKEN"
CLOUD_ENV = "ARM_ENVIRONMENT"


@dataclasses.dataclass(frozen=True)
class Cloud:
    name: str
    resource_manager: str
    authority: str


CLOUDS = {
    "public": Cloud("public", "https://management.azure.com", "login.microsoftonline.com"),
    "usgovernment": Cloud("usgovernment", "https://management.usgovcloudapi.net", "login.microsoftonline.us"),
    "china": Cloud("china", "https://management.chinacloudapi.cn", "login.chinacloudapi.cn"),
}
# The Azure CLI's names (`az cloud list`) and Terraform's mean the same clouds.
_ALIASES = {
    "azurecloud": "public",
    "azureusgovernment": "usgovernment",
    "azurechinacloud": "china",
    "usgov": "usgovernment",
}


@dataclasses.dataclass(frozen=True)
class ArmTarget:
    """An ARM endpoint and how to authenticate against it. Plain values: it travels in pickles."""

    endpoint: str
    authority: Optional[str]  # None: the local endpoint (static token or anonymous)
    cloud: str

    @property
    def local(self) -> bool:
        return self.authority is None

    @property
    def scope(self) -> str:
        return self.endpoint.rstrip("/") + "/.default"


def cloud_named(name: str) -> Cloud:
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in CLOUDS:
        raise ArmError(
            f"unknown Azure cloud {name!r}",
            "use one of: " + ", ".join(CLOUDS) + " (as azure-native:environment takes them)",
        )
    return CLOUDS[key]


def _loopback(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def resolve_target(
    cloud: Optional[str] = None, endpoint: Optional[str] = None, environ: Mapping[str, str] = os.environ
) -> ArmTarget:
    """The option wins over the environment; an endpoint wins over a cloud."""
    endpoint = endpoint or environ.get(ENDPOINT_ENV) or None
    if endpoint:
        if not _loopback(endpoint):
            raise ArmError(
                f"the ARM endpoint {endpoint!r} is not a loopback address",
                "an explicit endpoint takes an anonymous or static-token credential, so only "
                "http(s)://127.0.0.1:PORT, [::1] or localhost is accepted; for Azure's own "
                "clouds use --cloud public|usgovernment|china",
            )
        return ArmTarget(endpoint.rstrip("/"), None, "local")
    chosen = cloud_named(cloud or environ.get(CLOUD_ENV) or "public")
    return ArmTarget(chosen.resource_manager, chosen.authority, chosen.name)

"""ARM's refusals turned into messages people can act on.

ARM answers errors as `{"error": {"code", "message"}}`; azure-core raises HttpResponseError (with
`.status_code` and `.error.code`), ResourceNotFoundError for 404, ResourceExistsError for 409, and
ClientAuthenticationError when no credential could get a token. Each becomes an ArmError that says what
was refused, why, and what to do: the role to ask for, the name to check, when to try again.
"""

from __future__ import annotations

from typing import Optional

from gallery.errors import printable

# The least role that may change a gallery's sharing (Microsoft.Compute/galleries/share/action).
SHARING_ROLE = "Compute Gallery Sharing Admin"


class ArmError(Exception):
    """A call to Azure Resource Manager that failed for a reason the user can fix (exit 1)."""

    def __init__(
        self, message: str, hint: Optional[str] = None, *, status: Optional[int] = None, code: Optional[str] = None
    ):
        message, hint = printable(message), printable(hint) if hint else hint  # one line, as the terminal shows it
        super().__init__(message + (f"; {hint}" if hint else ""))
        self.message, self.hint, self.status, self.code = message, hint, status, code


def arm_error(exc: Exception, doing: str, *, role: Optional[str] = None) -> ArmError:
    """`exc` from azure-core, raised while `doing` (e.g. "enable community sharing of gallery g")."""
    from azure.core.exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        ResourceNotFoundError,
        ServiceRequestError,
    )

    if isinstance(exc, ArmError):
        return exc
    if isinstance(exc, ClientAuthenticationError) and not isinstance(exc, HttpResponseError):
        return ArmError(
            f"cannot {doing}: no Azure credential was found ({_first_line(exc)})",
            "sign in with `az login`, or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET "
            "(or a managed identity / workload identity)",
        )
    if isinstance(exc, ServiceRequestError):
        return ArmError(
            f"cannot {doing}: Azure Resource Manager cannot be reached ({_first_line(exc)})",
            "check the network, the cloud (--cloud) or the endpoint (--arm-endpoint)",
        )
    status = getattr(exc, "status_code", None)
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None)
    detail = getattr(error, "message", None) or _first_line(exc)
    if isinstance(exc, ResourceNotFoundError) or status == 404:
        return ArmError(
            f"cannot {doing}: not found ({code or 'NotFound'}: {detail})",
            "check the subscription, resource group and names",
            status=404,
            code=code,
        )
    if status == 401:
        return ArmError(
            f"cannot {doing}: Azure did not accept the credential ({code or 'Unauthorized'}: {detail})",
            "sign in again (`az login`), or check the token (GALLERY_ARM_TOKEN for a local endpoint)",
            status=401,
            code=code,
        )
    if status == 403 or code in ("AuthorizationFailed", "LinkedAuthorizationFailed"):
        need = f"Owner or {role}" if role else "a role that allows it (Reader at least)"
        return ArmError(
            f"cannot {doing}: Azure refused the caller ({code or 'Forbidden'}: {detail})",
            f"the identity needs {need} on the gallery",
            status=403,
            code=code,
        )
    if status == 409:
        return ArmError(
            f"cannot {doing}: Azure reports a conflict ({code or 'Conflict'}: {detail})",
            "another operation may be running on the gallery: wait for it and run again",
            status=409,
            code=code,
        )
    if status == 429:
        return ArmError(
            f"cannot {doing}: Azure kept throttling the requests ({code or 'TooManyRequests'}: {detail})",
            "wait a few minutes and run again",
            status=429,
            code=code,
        )
    if isinstance(exc, HttpResponseError):
        return ArmError(
            f"cannot {doing}: Azure answered {status} ({code or 'error'}: {detail})", status=status, code=code
        )
    raise exc


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__

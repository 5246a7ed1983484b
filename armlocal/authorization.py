"""Microsoft.Authorization role assignments (2022-04-01, the version pulumi-azure-native 3.29's
authorization.RoleAssignment uses): GET one at `{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`,
and list them at a scope (RoleAssignments_ListForScope), paged, with ARM's filters:

- none: the assignments at, above and below the scope;
- `atScope()`: at the scope or above it (inherited);
- `principalId eq '{id}'`, `assignedTo('{id}')`: at, above or below, of that principal (group membership is not
  known here: assignedTo is principalId); `atScope() and assignedTo('{id}')`: both.

Any other filter is refused (400; the error code is this endpoint's own). Only reads are served: assignments
come from `ArmState.add_role_assignment` (or a served plan), not from PUT.
"""

from __future__ import annotations

import re
from typing import Optional

from armlocal.api import AUTHORIZATION_API_VERSION
from armlocal.bodies import error, page
from armlocal.state import ArmState

ASSIGNMENTS = re.compile(
    r"^(?P<scope>.*?)/providers/Microsoft\.Authorization/roleAssignments"
    r"(?:/(?P<name>[^/]+))?/?$",
    re.IGNORECASE,
)
_FILTERS = re.compile(
    r"^\s*(?:(?P<at>atScope\(\))|principalId\s+eq\s+'(?P<principal>[^']+)'"
    r"|assignedTo\('(?P<to>[^']+)'\)"
    r"|(?P<at_to>atScope\(\)\s+and\s+assignedTo\('(?P<at_principal>[^']+)'\)))\s*$",
    re.IGNORECASE,
)


def answer(state: ArmState, method: str, path: str, query: dict, base: str):
    """(status, headers, body) for a role assignment request; None for other paths."""
    m = ASSIGNMENTS.match(path)
    if not m:
        return None
    if query.get("api-version") != AUTHORIZATION_API_VERSION:
        return (
            400,
            {},
            error(
                "InvalidApiVersionParameter",
                f"The api-version '{query.get('api-version')}' is "
                f"invalid. The supported versions include '{AUTHORIZATION_API_VERSION}'.",
            ),
        )
    if method != "GET":
        return 405, {}, error("MethodNotAllowed", f"{method} {path} is not served by this endpoint")
    scope = m["scope"].rstrip("/").lower()
    if m["name"]:
        body = state.role_assignments.get((scope, m["name"].lower()))
        if body is None:
            return 404, {}, error("RoleAssignmentNotFound", f"The role assignment '{m['name']}' is not found.")
        return 200, {}, body
    wanted = _filter(query.get("$filter", ""))
    if wanted is None:
        return (
            400,
            {},
            error(
                "UnsupportedFilter",
                f"The filter '{query['$filter']}' is not supported. Supported "
                "filters: atScope(), principalId eq '{id}', assignedTo('{id}'), "
                "atScope() and assignedTo('{id}').",
            ),
        )
    at_or_above, principal = wanted
    items = [
        body
        for (where, _), body in sorted(state.role_assignments.items())
        if _reaches(where, scope, below=not at_or_above)
        and (principal is None or body["properties"]["principalId"].lower() == principal)
    ]
    return 200, {}, page(items, query, path, base, state.page_size, AUTHORIZATION_API_VERSION, keep=("$filter",))


def _filter(text: str) -> Optional[tuple[bool, Optional[str]]]:
    """(at or above only, the principal or None) of a `$filter`; None when it is not one ARM supports."""
    if not text.strip():
        return False, None
    m = _FILTERS.match(text)
    if not m:
        return None
    principal = m["principal"] or m["to"] or m["at_principal"]
    return bool(m["at"] or m["at_to"]), principal.lower() if principal else None


def _reaches(where: str, scope: str, *, below: bool) -> bool:
    """An assignment at `where` is at `scope`, above it (inherited there), or (when `below`) under it."""
    return where == scope or scope.startswith(where + "/") or (below and where.startswith(scope + "/"))

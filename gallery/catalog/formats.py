"""The JSON Schema formats the catalog asserts (`uri`, `email`), one definition for both validators.

jsonschema (the reference, for messages) and fastjsonschema (the fast path) are given these same
functions, so the two cannot disagree. `date` is not asserted by the schema: the builder parses
dates strictly and says "is not a calendar date".
"""

from __future__ import annotations

import re
from typing import Any, Callable
from urllib.parse import urlsplit

# RFC 3986: a scheme, then only unreserved, reserved and percent-encoded characters (no spaces).
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+")
# An address Azure can show to people: local@domain.tld, no spaces.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")


def is_uri(value: Any) -> bool:
    if not isinstance(value, str):
        return True  # formats judge strings only; the type is the schema's business
    if not _URI.fullmatch(value):
        return False
    parts = urlsplit(value)
    return parts.scheme.lower() not in ("http", "https") or bool(parts.hostname)


def is_email(value: Any) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.fullmatch(value))


FORMATS: dict[str, Callable[[Any], bool]] = {"uri": is_uri, "email": is_email}
MESSAGES = {
    "uri": "must be an absolute URI, such as https://contoso.example/eula",
    "email": "must be an e-mail address, such as images@contoso.example",
}

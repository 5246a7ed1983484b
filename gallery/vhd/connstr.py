"""Check a storage connection string before the Azure SDK sees it.

The SDK's own errors for a bad string are an internal error ("hello world") or a misleading "no Azure
credential was found (Incorrect padding)" (a key that is not base64). This says what is wrong with it
in terms of its settings, and never repeats a value: the string holds a secret.
"""

from __future__ import annotations

import base64
import binascii
import difflib
from typing import Optional
from urllib.parse import urlparse

SHAPE = "DefaultEndpointsProtocol=https;AccountName=NAME;AccountKey=KEY;EndpointSuffix=core.windows.net"
# The settings the blob client reads (matched without regard to case, like the SDK); others are ignored.
KNOWN = (
    "DefaultEndpointsProtocol",
    "AccountName",
    "AccountKey",
    "SharedAccessSignature",
    "BlobEndpoint",
    "BlobSecondaryEndpoint",
    "EndpointSuffix",
    "UseDevelopmentStorage",
    "QueueEndpoint",
    "TableEndpoint",
    "FileEndpoint",
    "DevelopmentStorageProxyUri",
)


def problem(conn: str) -> Optional[str]:
    """What is wrong with the connection string `conn`, or None when the blob client can use it."""
    parts = [p for p in conn.strip().split(";") if p.strip()]
    if not parts:
        return f"is empty; a connection string looks like {SHAPE}"
    settings: dict[str, str] = {}
    for i, part in enumerate(parts, 1):
        key, eq, value = part.partition("=")
        if not eq or not key.strip():
            return (
                f"is not a connection string: part {i} of {len(parts)} is not a Key=Value setting; a connection "
                f"string looks like {SHAPE}"
            )
        settings[key.strip().lower()] = value.strip()
    known = {k.lower(): k for k in KNOWN}
    for key in settings:
        if key not in known:
            near = difflib.get_close_matches(key, list(known), 1)
            if near:
                return f"has an unknown setting {key!r}; did you mean {known[near[0]]}?"
    if settings.get("usedevelopmentstorage", "").lower() == "true":
        return None  # Azurite on its default port, with its well-known account
    name, secret, sas = (settings.get(k) for k in ("accountname", "accountkey", "sharedaccesssignature"))
    endpoint = settings.get("blobendpoint")
    if secret is None and sas is None:
        return "has neither AccountKey= nor SharedAccessSignature=: it gives no credential"
    if secret is not None:
        if not name:
            return "has an AccountKey= but no AccountName=: a key signs requests only with its account's name"
        if not secret:
            return "has an empty AccountKey="
        try:
            base64.b64decode(secret, validate=True)
        except (binascii.Error, ValueError):
            return (
                "has an AccountKey= that is not base64: a storage account key is 88 characters of A-Z, a-z, "
                "0-9, + and /, ending in ==; it was cut or changed when it was copied"
            )
    if endpoint is not None:
        url = urlparse(endpoint)
        if url.scheme not in ("http", "https") or not url.netloc:
            return "has a BlobEndpoint= that is not an http:// or https:// URL"
    elif not name:
        return "has neither BlobEndpoint= nor AccountName=: it does not say which storage account to use"
    protocol = settings.get("defaultendpointsprotocol")
    if protocol is not None and protocol.lower() not in ("http", "https"):
        return "has a DefaultEndpointsProtocol= that is neither https nor http"
    return None

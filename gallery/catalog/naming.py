"""Pure naming conventions and Azure's name rules.

The seeds' conventions: one blob container per OS family (`containerPattern` with `{family}`), and
VHD blobs named `<image>-os-YYYY-MM-DD[-ZZ].vhd` / `<image>-datadisk-<lun>-YYYY-MM-DD[-ZZ].vhd`,
where `-ZZ` (two digits) appears only for a second capture of the same image on the same day.

Each `check_*` function returns None when the name is valid, else a sentence saying what is wrong
(and so what to do), phrased to follow the name in an error message.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional
from urllib.parse import quote

MAX_SEQUENCE = 99


def _suffix(captured: dt.date, sequence: int) -> str:
    if not 0 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"sequence must be 0..{MAX_SEQUENCE}, not {sequence}")
    return captured.isoformat() + (f"-{sequence:02d}" if sequence else "")


def os_blob_name(image: str, captured: dt.date, sequence: int = 0) -> str:
    """`<image>-os-YYYY-MM-DD[-ZZ].vhd`"""
    return f"{image}-os-{_suffix(captured, sequence)}.vhd"


def data_disk_blob_name(image: str, lun: int, captured: dt.date, sequence: int = 0) -> str:
    """`<image>-datadisk-<lun>-YYYY-MM-DD[-ZZ].vhd`"""
    return f"{image}-datadisk-{lun}-{_suffix(captured, sequence)}.vhd"


_BLOB_NAME = re.compile(
    r"^(?P<image>.+)-(?:os|datadisk-(?P<lun>0|[1-9][0-9]*))-(?P<date>\d{4}-\d{2}-\d{2})(?:-(?P<seq>\d{2}))?\.vhd$"
)


def parse_blob_name(name: str) -> Optional[tuple[str, Optional[int], dt.date, int]]:
    """Inverse of the two blob-name functions: (image, lun or None for the OS disk, date, sequence)."""
    m = _BLOB_NAME.match(name)
    if not m:
        return None
    try:
        date = dt.date.fromisoformat(m.group("date"))
    except ValueError:
        return None
    seq = int(m.group("seq")) if m.group("seq") else 0
    if m.group("seq") == "00":
        return None  # the first capture of a day has no suffix
    lun = int(m.group("lun")) if m.group("lun") is not None else None
    return m.group("image"), lun, date, seq


def container_name(pattern: str, family: str) -> str:
    return pattern.replace("{family}", family)


def vhd_uri(account: str, container: str, blob: str, endpoint_suffix: str = "core.windows.net") -> str:
    # Blob names may hold any character (a space, '#', '%'); in a URI they are percent-encoded, and '/'
    # stays: it separates Azure's virtual directories. The convention's names need no encoding.
    return f"https://{account}.blob.{endpoint_suffix}/{container}/{quote(blob, safe='/')}"


# -- Azure's name rules (listed in docs/catalog.md and the README's "Validating") -------------------

_GALLERY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?$")
_DEFINITION = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_IDENTIFIER_PART = re.compile(r"^[A-Za-z0-9._-]+$")
_STORAGE = re.compile(r"^[a-z0-9]{3,24}$")
_CONTAINER = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_RESOURCE_GROUP = re.compile(r"^[\w().-]+$")  # \w: Unicode letters and digits, and '_'


def check_gallery_name(name: str) -> Optional[str]:
    if not 1 <= len(name) <= 80:
        return f"must be 1-80 characters long (it has {len(name)})"
    if "-" in name:
        return "may not contain hyphens: use letters, digits, '.' and '_' (e.g. " + name.replace("-", "_") + ")"
    if not _GALLERY.match(name):
        return "may contain only letters, digits, '.' and '_', and must start and end with a letter or digit"
    return None


def check_definition_name(name: str) -> Optional[str]:
    if not 1 <= len(name) <= 80:
        return f"must be 1-80 characters long (it has {len(name)})"
    if not _DEFINITION.match(name):
        return "may contain only letters, digits, '-', '.' and '_', and must start and end with a letter or digit"
    return None


IDENTIFIER_LIMITS = {"publisher": 128, "offer": 64, "sku": 64}


def check_identifier_part(part: str, value: str) -> Optional[str]:
    limit = IDENTIFIER_LIMITS[part]
    if not 1 <= len(value) <= limit:
        return f"must be 1-{limit} characters long (it has {len(value)})"
    if not _IDENTIFIER_PART.match(value):
        return "may contain only letters, digits, '.', '_' and '-'"
    if value.endswith("."):
        return "may not end with '.'"
    return None


def check_storage_account_name(name: str) -> Optional[str]:
    if not _STORAGE.match(name):
        return f"must be 3-24 lowercase letters and digits (it has {len(name)} characters" + (
            ", with " + _describe_bad(name, "abcdefghijklmnopqrstuvwxyz0123456789") + ")"
            if set(name) - set("abcdefghijklmnopqrstuvwxyz0123456789")
            else ")"
        )
    return None


def check_container_name(name: str) -> Optional[str]:
    if not 3 <= len(name) <= 63:
        return f"must be 3-63 characters long (it has {len(name)})"
    if not _CONTAINER.match(name):
        return "may contain only lowercase letters, digits and '-', and must start and end with a letter or digit"
    if "--" in name:
        return "may not contain consecutive hyphens ('--')"
    return None


def check_resource_group_name(name: str) -> Optional[str]:
    if not 1 <= len(name) <= 90:
        return f"must be 1-90 characters long (it has {len(name)})"
    if not _RESOURCE_GROUP.match(name):
        return "may contain only letters, digits, '_', '(', ')', '-' and '.'"
    if name.endswith("."):
        return "may not end with '.'"
    return None


def _describe_bad(name: str, allowed: str) -> str:
    bad = sorted({c for c in name if c not in allowed})
    return "not allowed: " + " ".join(repr(c) for c in bad)


def camel(name: str) -> str:
    """A model field's name as the catalog and Azure write it: public_name_prefix -> publicNamePrefix."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)

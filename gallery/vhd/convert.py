"""`vhd convert`: a raw disk image becomes the fixed VHD Azure takes, never over an existing file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gallery.errors import CatalogError, Problem
from gallery.vhd import vhdfile as vhd
from gallery.vhd.check import inspect_file


@dataclass(frozen=True)
class Converted:
    raw: str
    out: str
    raw_size: int  # bytes of the raw image
    size: int  # bytes of the disk written, before its footer

    def summary(self) -> str:
        return (
            f"{self.out}: wrote a fixed VHD of {self.size} bytes (from {self.raw_size} bytes of {self.raw}) "
            f"+ 512-byte footer"
        )


def convert(raw: str, out: str) -> Converted:
    """Write `out`, the fixed VHD of the raw image `raw`. Raises CatalogError for anything but a raw image, or
    when `out` exists or cannot be written."""
    report = inspect_file(raw)
    if report.ok:
        raise _refused(raw, "is already a fixed VHD that Azure accepts: nothing to convert")
    if report.kind != "raw":
        raise CatalogError([report.problems[0]])
    if Path(out).exists():
        raise _refused(
            out, "exists already; convert never overwrites a file", hint="choose another name, or delete it first"
        )
    try:
        size = vhd.write_fixed(raw, out)
    except (OSError, ValueError) as exc:
        raise _refused(out, f"could not be written: {exc}") from None
    return Converted(raw, out, report.file_size, size)


def _refused(name: str, message: str, hint: str | None = None) -> CatalogError:
    return CatalogError([Problem(name, 0, 0, "", message, "vhd.convert", hint=hint)])

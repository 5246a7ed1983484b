"""Files written whole or not at all: a temporary file beside each target, fsynced, then renamed over it.

Every command that writes a file the user keeps (the catalog edits, discovery's catalog and import file,
the catalog reference) goes through here, so none can leave a half-written file behind.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Mapping


def write_all(files: Mapping[Path, str]) -> None:
    """Write every file, or none: each goes to a temporary file beside it first, then the temporaries
    replace the targets; if a replacement fails, the targets already replaced get their old text back."""
    temps: dict[Path, str] = {}
    old: dict[Path, bytes | None] = {}
    try:
        for path, text in files.items():
            temps[path] = _temporary(path, text.encode("utf-8"))
            old[path] = path.read_bytes() if path.exists() else None
        done: list[Path] = []
        try:
            for path, temp in temps.items():
                os.replace(temp, path)
                done.append(path)
        except OSError:
            for path in done:
                before = old[path]
                if before is None:
                    path.unlink(missing_ok=True)
                else:
                    os.replace(_temporary(path, before), path)
            raise
    finally:
        for temp in temps.values():
            if os.path.exists(temp):
                os.unlink(temp)


def _temporary(path: Path, data: bytes) -> str:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():  # a replaced file keeps its permissions (mkstemp makes 0600)
            os.chmod(name, path.stat().st_mode & 0o7777)
    except BaseException:
        os.unlink(name)
        raise
    return name

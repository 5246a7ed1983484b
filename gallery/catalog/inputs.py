"""Reading an input file the user named (a catalog, a stack's config): every failure is a located user error."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from gallery.errors import CatalogError, Problem


def read_input(path: str | os.PathLike, name: str, *, missing_hint: Optional[str] = None,
               what: str = "a catalog file") -> bytes:
    """The bytes of `path` (`what` the user meant it to be); raises CatalogError naming it `name` when it
    cannot be read."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise CatalogError([Problem(name, 0, 0, "", "no such file", "file.missing", hint=missing_hint)]) from None
    except IsADirectoryError:
        raise CatalogError([Problem(name, 0, 0, "", f"is a directory, not {what}", "file.missing")]) from None
    except OSError as exc:  # a symlink loop, no permission, ...
        raise CatalogError([Problem(name, 0, 0, "", f"cannot be read: {exc.strerror}", "file.unreadable")]) from None

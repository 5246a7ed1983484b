"""Reading an input file the user named (a catalog, a stack's config): every failure is a located user error.

Inputs are bounded: a catalog of 10,000 versions (Azure's limit per subscription and region) is about
2 MB, so a file larger than MAX_INPUT_BYTES is refused before it is parsed. A FIFO or a character
device (`<(git show ...)`, /dev/stdin) is read up to that limit, so /dev/zero cannot fill the memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Optional

from gallery.errors import CatalogError, Problem

MAX_INPUT_BYTES = 16 * 1024 * 1024  # the README states it: keep them in step
_CHUNK = 1024 * 1024


def too_large(name: str, what: str = "a catalog file") -> CatalogError:
    return CatalogError(
        [
            Problem(
                name,
                0,
                0,
                "",
                f"is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB, the limit for {what}",
                "file.too-large",
                hint="a catalog of 10,000 versions is about 2 MB: is this the right file?",
            )
        ]
    )


def read_input(
    path: str | os.PathLike, name: str, *, missing_hint: Optional[str] = None, what: str = "a catalog file"
) -> bytes:
    """The bytes of `path` (`what` the user meant it to be); raises CatalogError naming it `name` when it
    cannot be read, is not a file, or is larger than MAX_INPUT_BYTES."""

    def fail(message: str, rule: str, hint: Optional[str] = None) -> CatalogError:
        return CatalogError([Problem(name, 0, 0, "", message, rule, hint=hint)])

    try:
        with open(Path(path), "rb", buffering=0) as f:
            mode = os.fstat(f.fileno()).st_mode
            if stat.S_ISREG(mode):
                if os.fstat(f.fileno()).st_size > MAX_INPUT_BYTES:
                    raise too_large(name, what)
            elif not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
                raise fail(f"is {_kind(mode)}, not {what}", "file.not-a-file")
            data = _read_at_most(f, MAX_INPUT_BYTES + 1)  # a regular file may still grow meanwhile
    except FileNotFoundError:
        raise fail("no such file", "file.missing", missing_hint) from None
    except IsADirectoryError:
        raise fail(f"is a directory, not {what}", "file.missing") from None
    except OSError as exc:  # a symlink loop, no permission, a socket (ENXIO), ...
        try:
            if stat.S_ISSOCK(os.stat(path).st_mode):
                raise fail(f"is a socket, not {what}", "file.not-a-file") from None
        except OSError:
            pass
        raise fail(f"cannot be read: {exc.strerror}", "file.unreadable") from None
    if len(data) > MAX_INPUT_BYTES:
        raise too_large(name, what)
    return data


def _read_at_most(f, limit: int) -> bytes:
    chunks, size = [], 0
    while size < limit:
        chunk = f.read(min(_CHUNK, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _kind(mode: int) -> str:
    return "a block device" if stat.S_ISBLK(mode) else "not a regular file"

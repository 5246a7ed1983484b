"""Files written whole or not at all: a temporary file beside each target, fsynced, then renamed over it.

Every command that writes a file the user keeps (the catalog edits, discovery's catalog and import file,
the catalog reference, a converted VHD) goes through here, so none can leave a half-written file under the
final name, whatever ends it (a signal's temporaries are removed by gallery.interrupts). The temporary is
named `.<target>.<pid>.gallery-tmp` and locked while it is written: should the process be killed outright
(SIGKILL, a power cut), the next write of the same target recognises it by that name, and removes it since no
process holds its lock any more.

A target that is a symbolic link is written where the link points (beside that file), so the link stays a link
and the real file changes. A file without write permission (0444) is refused, as editors and git refuse it;
any other failure to write is a one-line error naming the file (CatalogError, exit 1), never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from pathlib import Path
from typing import BinaryIO, Iterator, Mapping

from gallery import interrupts
from gallery.errors import CatalogError, Problem

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

SUFFIX = ".gallery-tmp"


def write_all(files: Mapping[Path, str]) -> None:
    """Write every file, or none: each goes to a temporary file beside it first, then the temporaries
    replace the targets; if a replacement fails, the targets already replaced get their old text back.
    Raises CatalogError (nothing written) when a file cannot be written."""
    targets = {Path(name): (target(name), text) for name, text in files.items()}
    for name, (path, _) in targets.items():
        refuse_read_only(name, path)
    old: dict[Path, bytes | None] = {}
    with contextlib.ExitStack() as held:
        temps: dict[Path, Path] = {}
        for name, (path, text) in targets.items():
            with cannot_write(name, path):
                old[path] = path.read_bytes() if path.exists() else None
                temps[path] = held.enter_context(_temporary(path, text.encode("utf-8")))
        with interrupts.deferred():  # all the renames, or a signal after them
            done: list[Path] = []
            try:
                for path, temp in temps.items():
                    with cannot_write(_name_of(targets, path), path):
                        os.replace(temp, path)
                    done.append(path)
            except BaseException:
                for path in done:
                    before = old[path]
                    if before is None:
                        path.unlink(missing_ok=True)
                    else:
                        with _temporary(path, before) as temp:
                            os.replace(temp, path)
                raise


def target(name: str | os.PathLike) -> Path:
    """The file a write of `name` changes: the end of its chain of symbolic links, else `name` itself."""
    path = Path(name)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def refuse_read_only(name: Path, path: Path) -> None:
    """An existing file without write permission is kept, as an editor or git would keep it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # a new file, or one the write itself will explain
    if not stat.S_ISREG(mode) or (mode & 0o222 and os.access(path, os.W_OK)):
        return
    why = "it is read-only" if not mode & 0o222 else "you have no permission to write it"
    raise CatalogError(
        [
            Problem(
                str(name),
                0,
                0,
                "",
                f"cannot be written: {why} (mode {stat.S_IMODE(mode):04o}); nothing was written",
                "file.read-only",
                hint=f"make it writable first (chmod u+w {name}) if it is meant to change",
            )
        ]
    )


@contextlib.contextmanager
def cannot_write(name: Path, path: Path) -> Iterator[None]:
    """An OSError inside the block as the one-line error of a file that cannot be written."""
    try:
        yield
    except OSError as exc:
        folder = path.parent if str(path.parent) else Path(".")
        if isinstance(exc, PermissionError) and exc.filename and Path(exc.filename).parent == folder:
            reason = f"permission denied in its folder {folder} (the new text goes to a file beside it first)"
        else:
            reason = exc.strerror or str(exc)
        raise CatalogError(
            [Problem(str(name), 0, 0, "", f"cannot be written: {reason}; nothing was written", "file.unwritable")]
        ) from None


def temporary_name(path: Path) -> Path:
    """`.<name>.<pid>.gallery-tmp` beside `path`."""
    return path.parent / f".{path.name}.{os.getpid()}{SUFFIX}"


def remove_leftovers(path: Path) -> list[Path]:
    """Remove the temporaries of `path` that runs killed outright left behind: the ones no process holds."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(\d+){re.escape(SUFFIX)}")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    removed = []
    for entry in names:
        m = pattern.fullmatch(entry)
        if m and _abandoned(folder / entry, int(m.group(1))):
            with contextlib.suppress(OSError):
                (folder / entry).unlink()
                removed.append(folder / entry)
    return removed


def _abandoned(leftover: Path, pid: int) -> bool:
    """No process holds it: the writer keeps an exclusive lock on its temporary until the rename, and the
    system drops the lock when the writer ends, however it ends (a dead process's number may be reused, and
    a killed one may linger as a zombie, so the number alone cannot tell)."""
    if fcntl is None:  # no flock (Windows): the writing process's number
        return pid == os.getpid() or not _running(pid)
    try:
        fd = os.open(leftover, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    return True


@contextlib.contextmanager
def _held(path: Path) -> Iterator[tuple[Path, BinaryIO]]:
    """A new temporary beside `path`, open and locked for the block (leftovers of killed runs removed first);
    removed at the end unless the block gave it a name, and removed too should a signal stop the process."""
    remove_leftovers(path)
    temp = temporary_name(path)
    interrupts.track(temp)
    try:
        with open(temp, "xb") as f:
            if fcntl is not None:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            yield temp, f
    finally:
        _discard(temp)


@contextlib.contextmanager
def new_file(path: Path) -> Iterator[BinaryIO]:
    """A file that appears as `path` only once the block has written it whole: the block writes a temporary
    beside it, which then takes the name, never over an existing file (FileExistsError). On any failure, or a
    signal, the temporary is removed and `path` never existed."""
    path = Path(path)
    with _held(path) as (temp, f):
        yield f
        f.flush()
        os.fsync(f.fileno())
        try:
            os.link(temp, path)  # fails when `path` exists, where a rename would replace it
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links
            if path.exists():
                raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
            os.replace(temp, path)


@contextlib.contextmanager
def _temporary(path: Path, data: bytes) -> Iterator[Path]:
    """`data` in a temporary beside `path`, fsynced, with the permissions of `path` if it exists; held for the
    block, which renames it over `path`."""
    with _held(path) as (temp, f):
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
        if path.exists():  # a replaced file keeps its permissions (the temporary is made 0600)
            os.chmod(temp, path.stat().st_mode & 0o7777)
        yield temp


def _discard(temp: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp)
    interrupts.untrack(temp)


def _name_of(targets: Mapping[Path, tuple[Path, str]], path: Path) -> Path:
    return next(name for name, (p, _) in targets.items() if p == path)

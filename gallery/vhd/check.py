"""`vhd check`: will Azure accept these files? Each file's verdict, and the problems of those it would reject."""

from __future__ import annotations

import os
from dataclasses import dataclass

from gallery.errors import CatalogError, Problem
from gallery.vhd import vhdfile as vhd


@dataclass(frozen=True)
class Checked:
    accepted: tuple[str, ...]  # one summary line per file Azure accepts
    problems: tuple[Problem, ...]  # every reason to reject the others, file by file, in the order found


def inspect_file(name: str | os.PathLike) -> vhd.VhdReport:
    """The file's report (`.ok`, `.problems`); CatalogError for a file that is missing, a directory or
    unreadable."""
    try:
        return vhd.inspect(name)
    except FileNotFoundError:
        problem = Problem(str(name), 0, 0, "", "no such file", "file.missing")
    except IsADirectoryError:
        problem = Problem(str(name), 0, 0, "", "is a directory, not a disk image", "file.missing")
    except OSError as exc:
        problem = Problem(str(name), 0, 0, "", f"cannot be read: {exc.strerror}", "file.unreadable")
    raise CatalogError([problem])


def check_files(names: list[str]) -> Checked:
    accepted: list[str] = []
    problems: list[Problem] = []
    for name in names:
        try:
            report = inspect_file(name)
        except CatalogError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(report.problems)
        if report.ok:
            accepted.append(report.summary())
    return Checked(tuple(accepted), tuple(problems))

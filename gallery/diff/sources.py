"""Read one side of a diff: a catalog file, or `REV:PATH` from git (so CI needs no second checkout).

`origin/main:images.yaml` is read with `git show REV:PATH` in the current repository (PATH relative
to the repository root, as git reads it); an absolute PATH is read from the repository containing it.
A file that exists wins over the `REV:PATH` reading, so a catalog whose name contains ':' still works.
Problems are user errors (exit 1), named after the side as the user wrote it.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from gallery.catalog.inputs import MAX_INPUT_BYTES, read_input, too_large
from gallery.catalog.loader import load_catalog_text
from gallery.catalog.model import Catalog
from gallery.errors import CatalogError, Problem


@dataclass(frozen=True)
class Side:
    spec: str  # as the user wrote it; also the file name in messages
    data: bytes
    path: Optional[Path] = None  # the file on disk, None for a git revision
    repo_path: Optional[str] = None  # PATH of REV:PATH

    @property
    def annotate_as(self) -> str:
        """The path GitHub annotations use: the catalog's path in the repository."""
        return self.repo_path or self.spec

    def load(self, stack: str) -> Catalog:
        return load_catalog_text(self.data, self.spec, stack)


def read_side(spec: str) -> Side:
    if os.path.exists(spec) or ":" not in spec or _drive_letter(spec):
        return _read_file(spec)
    rev, path = spec.split(":", 1)
    return _read_git(spec, rev, path)


def _drive_letter(spec: str) -> bool:
    return len(spec) > 2 and spec[1] == ":" and spec[0].isalpha() and spec[2] in "\\/"


def _read_file(spec: str) -> Side:
    data = read_input(
        spec, spec, missing_hint="give a catalog file, or REV:PATH for a git revision (e.g. origin/main:images.yaml)"
    )
    return Side(spec, data, Path(spec))


def _read_git(spec: str, rev: str, path: str) -> Side:
    cwd, object_path = None, path
    if os.path.isabs(path):
        cwd, object_path = os.path.dirname(path) or "/", "./" + os.path.basename(path)
        if not os.path.isdir(cwd):
            raise CatalogError([_problem(spec, f"{cwd} does not exist", "git.path-missing")])
    if not path:
        raise CatalogError(
            [_problem(spec, "REV:PATH needs a path after ':'", "git.path-missing", "e.g. origin/main:images.yaml")]
        )
    _git(
        spec,
        cwd,
        ["rev-parse", "--git-dir"],
        "not inside a git repository",
        "git.not-a-repository",
        "run it inside the repository, or give BASE as a file",
    )
    if rev:  # an empty REV is git's index (`:images.yaml` is the staged version)
        _git(
            spec,
            cwd,
            ["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
            f"unknown git revision {rev!r}",
            "git.revision-missing",
            "fetch it first (in CI: actions/checkout with fetch-depth: 0, or git fetch origin main)",
        )
    kind = _git(
        spec,
        cwd,
        ["cat-file", "-t", f"{rev}:{object_path}"],
        f"{path!r} does not exist in {rev or 'the index'}",
        "git.path-missing",
        "the path is relative to the repository root",
    ).strip()
    if kind == b"tree":  # `git show` would print the directory's listing
        raise CatalogError(
            [
                _problem(
                    spec,
                    f"{path!r} is a directory in {rev or 'the index'}, not a catalog file",
                    "git.not-a-file",
                    f"give the path of the catalog in it, e.g. {rev}:{path.rstrip('/')}/images.yaml",
                )
            ]
        )
    if kind != b"blob":
        raise CatalogError(
            [
                _problem(
                    spec,
                    f"{path!r} is a git {kind.decode()} in {rev or 'the index'}, not a catalog file",
                    "git.not-a-file",
                )
            ]
        )
    if (
        int(_git(spec, cwd, ["cat-file", "-s", f"{rev}:{object_path}"], "git cat-file failed", "git.failed"))
        > MAX_INPUT_BYTES
    ):
        raise too_large(spec)
    data = _git(spec, cwd, ["show", f"{rev}:{object_path}"], "git show failed", "git.failed")
    return Side(spec, data, None, path.removeprefix("./"))


def _git(spec: str, cwd: Optional[str], args: list[str], message: str, rule: str, hint: Optional[str] = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise CatalogError([_problem(spec, "git is not installed", "git.missing")]) from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        extra = f" ({detail[-1]})" if detail and rule == "git.failed" else ""
        raise CatalogError([_problem(spec, message + extra, rule, hint)])
    return done.stdout


def _problem(spec: str, message: str, rule: str, hint: Optional[str] = None) -> Problem:
    return Problem(spec, 0, 0, "", message, rule, hint=hint)

"""The discovered catalog as YAML text, with its notes as comments; and files written whole or not at all.

ruamel.yaml writes the comments (PyYAML cannot). The catalog is read back by the project's loader, which
follows YAML 1.1 (PyYAML): any text that loader would type as a number, boolean or null (`22_04`, `no`,
`1.10`) is double-quoted, and dates are written plain, as the example catalog writes them.
"""
from __future__ import annotations

import functools
import io
import os
import tempfile
import textwrap
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from gallery.discover.notes import Note

SCHEMA_LINE = "yaml-language-server: $schema=gallery/catalog/schema/catalog.schema.json"
WIDTH = 110
# Mappings written on one line, as the example writes them.
_FLOW_KEYS = {"identifier", "recommended", "vCPUs", "memoryGB", "purchasePlan"}


def render(document: dict, notes: Iterable[Note], header: str) -> str:
    from ruamel.yaml import YAML

    data = _commented(document, ())
    notes = list(notes)
    top = [n for n in notes if not n.path]
    data.yaml_set_start_comment("\n".join([SCHEMA_LINE, ""] + _wrap(header, 0)
                                          + [line for n in top for line in _wrap(n.comment(), 0)]))
    placed: dict[tuple, list[str]] = {}
    for n in notes:
        if n.path:
            placed.setdefault(n.path, []).append(n.comment())
    for path, comments in placed.items():
        parent = _at(data, path[:-1])
        indent = _indent(path)
        lines = [line for c in comments for line in _wrap(c, indent)]
        parent.yaml_set_comment_before_after_key(path[-1], before="\n".join(lines), indent=indent)
    out = io.StringIO()
    writer = YAML()
    writer.indent(mapping=2, sequence=4, offset=2)
    writer.width = 4096  # long ids stay on one line
    writer.dump(data, out)
    return out.getvalue()


def _commented(value: Any, path: tuple) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        out = CommentedMap((_scalar(k), _commented(v, path + (k,))) for k, v in value.items())
        if path and (path[-1] in _FLOW_KEYS or _is_flow_item(path, value)):
            out.fa.set_flow_style()
        return out
    if isinstance(value, list):
        out = CommentedSeq(_commented(v, path + (i,)) for i, v in enumerate(value))
        if path and path[-1] in ("regions", "disallowedDiskTypes", "diskControllerTypes") \
                and all(isinstance(v, str) for v in value):
            out.fa.set_flow_style()
        return out
    return _scalar(value)


def _is_flow_item(path: tuple, value: dict) -> bool:
    """A region with its own settings, and a data disk: one line each."""
    return len(path) >= 2 and isinstance(path[-1], int) and path[-2] in ("regions", "dataDisks")


def _scalar(value: Any) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, str) and _retyped(value):
        return DoubleQuotedScalarString(value)
    return value


@functools.lru_cache(maxsize=None)
def _retyped(text: str) -> bool:
    """Whether YAML 1.1 (PyYAML, the loader's YAML) would read `text`, written plain, as something else than
    text: a number, boolean, null, date... Its own implicit resolvers decide, without parsing a document."""
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) != "tag:yaml.org,2002:str"


_RESOLVER = yaml.resolver.Resolver()


def _at(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def _indent(path: tuple) -> int:
    """The column of what `path` names (a mapping key, or a sequence item's dash): each level is two
    further in, whether it is a nested mapping's keys or a sequence's dashes (offset 2)."""
    return 2 * (len(path) - 1)


def _wrap(text: str, indent: int) -> list[str]:
    return textwrap.wrap(text, width=max(40, WIDTH - indent - 2), subsequent_indent="  ",
                         break_on_hyphens=False, break_long_words=False)


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
                if old[path] is None:
                    path.unlink(missing_ok=True)
                else:
                    os.replace(_temporary(path, old[path]), path)
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
    except BaseException:
        os.unlink(name)
        raise
    return name

"""The discovered catalog as YAML text, with its notes as comments.

A small emitter of its own writes it (the document's shape is fixed: mappings, lists, one-line pairs,
scalars) with the notes as comments: ruamel.yaml cost more than all of discovery's waiting; it is kept for
editing a catalog in place. The catalog is read back by the project's loader, which
follows YAML 1.1 (PyYAML): any text that loader would type as a number, boolean or null (`22_04`, `no`,
`1.10`) is double-quoted, and dates are written plain, as the example catalog writes them.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import textwrap
from typing import Any, Iterable

import yaml

from gallery.discover.notes import Note

SCHEMA_LINE = "yaml-language-server: $schema=gallery/catalog/schema/catalog.schema.json"
WIDTH = 110
# Mappings written on one line, as the example writes them.
_FLOW_KEYS = {"identifier", "recommended", "vCPUs", "memoryGB", "purchasePlan"}


def render(document: dict, notes: Iterable[Note], header: str) -> str:
    """The catalog in the example's style (block mappings and lists, one-line identifiers, regions and data
    disks), each note as a comment above what it is about, the header and the whole-catalog notes on top."""
    notes = list(notes)
    top = [line for n in notes if not n.path for line in _wrap(n.comment(), 0)]
    lines = ["# " + SCHEMA_LINE, ""] + [_comment(line, 0) for line in _wrap(header, 0) + top]
    placed: dict[tuple, list[str]] = {}
    for n in notes:
        if n.path:
            placed.setdefault(tuple(n.path), []).extend(_wrap(n.comment(), _indent(n.path)))
    _block_mapping(document, (), 0, placed, lines)
    return "\n".join(lines) + "\n"


def _comment(line: str, indent: int) -> str:
    return " " * indent + "# " + line


def _block_mapping(node: dict, path: tuple, indent: int, placed: dict, out: list[str], dash: str = "") -> None:
    """Keys at `indent`; a list item's first key goes on the line of its `dash`."""
    for n, (key, value) in enumerate(node.items()):
        here = path + (key,)
        lead = " " * indent
        if n == 0 and dash:
            if placed.get(here):  # the comment sits between the dash and the key
                out.append(dash.rstrip())
            else:
                lead = dash
        out.extend(_comment(line, indent) for line in placed.get(here, ()))
        name = _plain_or_quoted(str(key), flow=False)
        if _inline(value, here):
            out.append(f"{lead}{name}: {_flow(value, nested=False)}")
        elif isinstance(value, dict):
            out.append(f"{lead}{name}:")
            _block_mapping(value, here, indent + 2, placed, out)
        else:
            out.append(f"{lead}{name}:")
            _block_list(value, here, indent + 2, placed, out)


def _block_list(items: list, path: tuple, indent: int, placed: dict, out: list[str]) -> None:
    for i, item in enumerate(items):
        here = path + (i,)
        out.extend(_comment(line, indent) for line in placed.get(here, ()))
        if isinstance(item, dict) and not _inline(item, here):
            _block_mapping(item, here, indent + 2, placed, out, dash=" " * indent + "- ")
        elif isinstance(item, list) and not _inline(item, here):
            out.append(" " * indent + "-")
            _block_list(item, here, indent + 2, placed, out)
        else:
            out.append(" " * indent + "- " + _flow(item, nested=False))


def _inline(value: Any, path: tuple) -> bool:
    """Scalars, empty collections, and what the example writes on one line."""
    if isinstance(value, dict):
        return not value or (bool(path) and (path[-1] in _FLOW_KEYS or _is_flow_item(path, value)))
    if isinstance(value, list):
        return not value or (
            bool(path)
            and path[-1] in ("regions", "disallowedDiskTypes", "diskControllerTypes")
            and all(isinstance(v, str) for v in value)
        )
    return True


def _is_flow_item(path: tuple, value: dict) -> bool:
    """A region with its own settings, and a data disk: one line each."""
    return len(path) >= 2 and isinstance(path[-1], int) and path[-2] in ("regions", "dataDisks")


def _flow(value: Any, nested: bool = True) -> str:
    """A value on one line; `nested`: inside a flow mapping or list, where `,?[]{}` end a plain scalar."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_plain_or_quoted(str(k), flow=True)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return _plain_or_quoted(str(value), flow=nested)


_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")


def _plain_or_quoted(text: str, flow: bool) -> str:
    """Plain when YAML reads it back as this same text, else double-quoted (JSON's escapes are YAML's)."""
    plain = (
        text != ""
        and text == text.strip()
        and text[0] not in _INDICATORS
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and text.isprintable()
        and not (flow and any(c in text for c in ",?[]{}"))
        and not _retyped(text)
    )
    if plain:
        return text
    # JSON's escapes are YAML's; what JSON leaves raw but YAML may not carry (DEL, NEL, other non-printing
    # characters) is escaped too.
    return "".join(c if c.isprintable() else _escape(c) for c in json.dumps(text, ensure_ascii=False))


def _escape(c: str) -> str:
    return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"


@functools.lru_cache(maxsize=None)
def _retyped(text: str) -> bool:
    """Whether YAML 1.1 (PyYAML, the loader's YAML) would read `text`, written plain, as something else than
    text: a number, boolean, null, date... Its own implicit resolvers decide, without parsing a document."""
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) != "tag:yaml.org,2002:str"


_RESOLVER = yaml.resolver.Resolver()


def _indent(path: tuple) -> int:
    """The column of what `path` names (a mapping key, or a sequence item's dash): each level is two
    further in, whether it is a nested mapping's keys or a sequence's dashes (offset 2)."""
    return 2 * (len(path) - 1)


def _wrap(text: str, indent: int) -> list[str]:
    return textwrap.wrap(
        text, width=max(40, WIDTH - indent - 2), subsequent_indent="  ", break_on_hyphens=False, break_long_words=False
    )

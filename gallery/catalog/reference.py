"""The catalog reference (docs/catalog.md) written from the JSON Schema, so the two cannot drift.

docs/catalog.md holds hand-written prose around one generated block; `python -m gallery.catalog.reference`
rewrites that block in place, and tests/catalog/test_reference.py fails when it is out of date.
"""

from __future__ import annotations

import json
import pathlib
import sys
from typing import Any, Iterator

from gallery.catalog.schema import schema
from gallery.errors import Exit
from gallery.files import write_all

BEGIN = (
    "<!-- BEGIN reference: generated from gallery/catalog/schema/catalog.schema.json; "
    "run `python -m gallery.catalog.reference` to update -->"
)
END = "<!-- END reference -->"
DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "catalog.md"

# The order in which the $defs sections are written: the way a reader walks down the document.
_SECTIONS = ("image", "version", "source", "vhdSource", "dataDisk", "targetRegion", "lifecycle")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _literal(value: Any) -> str:
    return "`" + json.dumps(value, ensure_ascii=False) + "`" if not isinstance(value, str) else f"`{value}`"


def _type(node: dict) -> str:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "enum" in node:
        return " \\| ".join(f"`{v}`" for v in node["enum"])
    kind = node.get("type")
    if kind == "array":
        return "list of " + _type(node.get("items", {}))
    if kind == "object" and "additionalProperties" in node and isinstance(node["additionalProperties"], dict):
        return "mapping of text"
    if "anyOf" in node:
        return " or ".join(_type(n) for n in node["anyOf"])
    if node.get("format"):
        return f"{kind} ({node['format']})"
    return kind or "any"


def _limits(node: dict) -> str:
    parts = []
    if "minimum" in node or "maximum" in node:
        parts.append(f"{node.get('minimum', '')}..{node.get('maximum', '')}")
    if "minItems" in node or "maxItems" in node:
        parts.append(f"{node.get('minItems', 0)}..{node.get('maxItems', 'any')} items")
    if "maxLength" in node:
        parts.append(f"at most {node['maxLength']} characters")
    return "; ".join(parts)


def _rows(node: dict, prefix: str) -> Iterator[str]:
    required = set(node.get("required", ()))
    for key, sub in node.get("properties", {}).items():
        name = prefix + key
        default = _literal(sub["default"]) if "default" in sub else ("required" if key in required else "")
        extra = _limits(sub)
        description = sub.get("description", "") + (f" ({extra})" if extra else "")
        yield f"| `{name}` | {_type(sub)} | {default} | {_cell(description)} |"
        if sub.get("type") == "object" and "properties" in sub:
            yield from _rows(sub, name + ".")
        items = sub.get("items", {})
        if sub.get("type") == "array" and items.get("type") == "object" and "properties" in items:
            yield from _rows(items, name + "[].")


def _table(node: dict, prefix: str = "") -> list[str]:
    return ["| key | type | default | description |", "|---|---|---|---|", *_rows(node, prefix)]


def render() -> str:
    """The generated block, markers included."""
    root = schema()
    lines = [BEGIN, "", "### The document", "", _cell(root.get("description", "")), "", *_table(root)]
    for name in _SECTIONS:
        node = root["$defs"][name]
        lines += ["", f"### {name}", "", _cell(node.get("description", "")), "", *_table(node)]
    missing = set(root["$defs"]) - set(_SECTIONS)
    if missing:  # a new $defs entry must be placed in the reading order above
        raise ValueError(f"reference.py does not place these schema sections: {sorted(missing)}")
    return "\n".join(lines + ["", END])


def update(text: str) -> str:
    """`text` (docs/catalog.md) with its generated block replaced by render()."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{DOC}: the markers of the generated block are missing")
    return text[:start] + render() + text[end + len(END) :]


def main() -> int:
    write_all({DOC: update(DOC.read_text("utf-8"))})
    print(f"updated {DOC}", file=sys.stderr)
    return Exit.OK


if __name__ == "__main__":
    sys.exit(main())

"""Safe YAML loading that remembers where every node came from.

libyaml (PyYAML's C parser, when available) composes the node graph; we construct plain Python values
ourselves so that we can:
- record the line and column of every value and every mapping key (by document path);
- refuse duplicate keys (PyYAML silently keeps the last one), non-string keys, custom tags;
- bound alias expansion (a "billion laughs" file is a few lines that expand to billions of nodes)
  and refuse recursive aliases;
- keep the source text of every unquoted scalar that YAML typed as a number, boolean or null, so
  that `version: 1.10` (read as 1.1), `sku: 22_04` (read as 2204) or `offer: no` (read as false)
  can be reported with a hint to quote them;
- leave dates as text (`2026-11-02`): the model parses them, strictly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from gallery.errors import CatalogError, Problem

try:  # libyaml is several times faster; PyYAML wheels ship it
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - only without libyaml
    _Loader = yaml.SafeLoader

MAX_DEPTH = 64  # a catalog is about 8 levels deep; deeper is garbage or an attack
# A catalog of 10,000 versions (Azure's limit per subscription and region) has about 150,000 nodes.
# Composed, each node costs about half a kilobyte, so a file of tiny nodes (`- a` lines) is refused
# before it is composed rather than after it took gigabytes.
MAX_NODES = 1_000_000
MAX_EXPANDED_NODES = 200_000  # aliases may expand to at most this many nodes beyond ...
MAX_EXPANSION_RATIO = 10  # ... ten times the nodes actually written

_STR = "tag:yaml.org,2002:str"
_TYPED = {
    "tag:yaml.org,2002:int": "construct_yaml_int",
    "tag:yaml.org,2002:float": "construct_yaml_float",
    "tag:yaml.org,2002:bool": "construct_yaml_bool",
    "tag:yaml.org,2002:null": "construct_yaml_null",
}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"


@dataclass
class Document:
    """A loaded YAML document: plain data plus where each piece of it was written."""

    data: Any
    file: str
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> value (line, col)
    key_positions: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> key (line, col)
    typed_text: dict[str, str] = field(default_factory=dict)  # path -> source of a plain scalar YAML typed

    def locate(self, path: str, at_key: bool = False) -> tuple[int, int]:
        """Line and column of `path`, or of its nearest ancestor that was written in the file."""
        p = path
        while True:
            if at_key and p in self.key_positions:
                return self.key_positions[p]
            if p in self.positions:
                return self.positions[p]
            if not p:
                return (1, 1)
            p = parent_path(p)

    def problem(
        self,
        path: str,
        message: str,
        rule: str,
        *,
        hint: Optional[str] = None,
        severity: str = "error",
        at_key: bool = False,
    ) -> Problem:
        line, col = self.locate(path, at_key)
        return Problem(self.file, line, col, path, message, rule, severity, hint)


def child_path(parent: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else str(key)


def parent_path(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def load_yaml(text_or_bytes: str | bytes, file: str) -> Document:
    """Parse one YAML document into a `Document`; raises CatalogError with located problems."""
    text = decode(text_or_bytes, file)
    try:
        _count_nodes(text, file)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise CatalogError([_syntax_problem(exc, file, text)]) from None
    except yaml.reader.ReaderError as exc:
        raise CatalogError([_character_problem(exc, file, text)]) from None
    except yaml.YAMLError as exc:
        raise CatalogError([Problem(file, 0, 0, "", f"not valid YAML: {exc}", "yaml.syntax")]) from None
    except RecursionError:
        raise CatalogError(
            [Problem(file, 0, 0, "", "the YAML is nested too deeply to be a catalog", "yaml.depth")]
        ) from None
    if node is None:
        raise CatalogError(
            [
                Problem(
                    file,
                    1,
                    1,
                    "",
                    "the file is empty: a catalog needs at least resourceGroup, location, storage, gallery and images",
                    "yaml.empty",
                )
            ]
        )
    builder = _Builder(file)
    data = builder.build(node, "", 0, ())
    if builder.problems:
        raise CatalogError(builder.problems)
    doc = Document(data, file, builder.positions, builder.key_positions, builder.typed_text)
    return doc


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)


def _count_nodes(text: str, file: str) -> None:
    """Refuse more than MAX_NODES nodes, counted on libyaml's event stream (fast, and in constant memory)."""
    count = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _NODE_EVENTS):
            count += 1
            if count > MAX_NODES:
                m = event.start_mark
                raise CatalogError(
                    [
                        Problem(
                            file,
                            m.line + 1,
                            m.column + 1,
                            "",
                            f"more than {MAX_NODES:,} YAML values: far more than a catalog holds",
                            "yaml.size",
                            hint="a catalog of 10,000 versions has about 150,000",
                        )
                    ]
                )


def decode(text_or_bytes: str | bytes, file: str) -> str:
    """The text of a catalog file: UTF-8 (a byte-order mark dropped), no NUL; raises CatalogError otherwise."""
    if isinstance(text_or_bytes, str):
        return text_or_bytes
    data = text_or_bytes
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CatalogError(
            [
                Problem(
                    file,
                    line,
                    col,
                    "",
                    f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                    "yaml.encoding",
                    hint="save the catalog as UTF-8",
                )
            ]
        ) from None
    if "\x00" in text:
        off = text.index("\x00")
        line = text.count("\n", 0, off) + 1
        raise CatalogError(
            [
                Problem(
                    file,
                    line,
                    1,
                    "",
                    "the file contains a NUL character: it is binary, not a YAML catalog",
                    "yaml.encoding",
                )
            ]
        )
    return text


def _character_problem(exc: yaml.reader.ReaderError, file: str, text: str) -> Problem:
    """A character YAML does not allow (a control character): located, since the reader fails at its
    first occurrence (libyaml counts its position in bytes, so it is found in the text instead)."""
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
    offset = max(text.find(char), 0)
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Problem(
        file,
        line,
        col,
        "",
        f"the character U+{ord(char):04X} is not allowed in YAML (a control character)",
        "yaml.character",
        hint=f'remove it, or write it as an escape inside double quotes: "\\u{ord(char):04x}"',
    )


def _syntax_problem(exc: yaml.MarkedYAMLError, file: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    what = exc.problem or "invalid YAML"
    context = f" ({exc.context} at line {exc.context_mark.line + 1})" if exc.context and exc.context_mark else ""
    hint = None
    if "expected a single document" in str(exc):
        what, context = "the file holds more than one YAML document", ""
        hint = "a catalog is one document: remove the extra '---'"
    elif exc.context and "flow" in exc.context:
        hint = "inside [...] or {...}, quote values that contain braces, brackets, commas or ': '"
    elif mark and "\t" in (text.splitlines()[mark.line : mark.line + 1] or [""])[0][: mark.column + 1]:
        hint = "indent with spaces, not tabs"
    return Problem(file, line, col, "", f"YAML syntax error: {what}{context}", "yaml.syntax", hint=hint)


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.positions: dict[str, tuple[int, int]] = {}
        self.key_positions: dict[str, tuple[int, int]] = {}
        self.typed_text: dict[str, str] = {}
        self.problems: list[Problem] = []
        self.constructor = yaml.constructor.SafeConstructor()
        self.seen: set[int] = set()
        self.built = 0
        self.aborted = False

    def fail(self, node, path: str, message: str, rule: str, hint: Optional[str] = None) -> None:
        m = node.start_mark
        self.problems.append(Problem(self.file, m.line + 1, m.column + 1, path, message, rule, hint=hint))

    def build(self, node, path: str, depth: int, chain: tuple[int, ...]) -> Any:
        if self.aborted:
            return None
        self.built += 1
        self.seen.add(id(node))
        if self.built > MAX_EXPANDED_NODES and self.built > MAX_EXPANSION_RATIO * len(self.seen):
            self.fail(
                node,
                path,
                f"aliases expand to more than {self.built:,} nodes from "
                f"{len(self.seen):,} written: refusing an alias bomb",
                "yaml.alias-bomb",
                hint="write the values out, or use fewer nested aliases",
            )
            self.aborted = True
            return None
        if depth > MAX_DEPTH:
            self.fail(node, path, f"nested more than {MAX_DEPTH} levels deep", "yaml.depth")
            self.aborted = True
            return None
        m = node.start_mark
        self.positions[path] = (m.line + 1, m.column + 1)
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if id(node) in chain:
            self.fail(node, path, "a recursive alias (a value that contains itself)", "yaml.recursive-alias")
            self.aborted = True
            return None
        chain = chain + (id(node),)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                self.fail(node, path, f"unsupported tag {node.tag}", "yaml.tag", hint="remove the tag")
            return [self.build(item, child_path(path, i), depth + 1, chain) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            if node.tag != _MAP:
                self.fail(node, path, f"unsupported tag {node.tag}", "yaml.tag", hint="remove the tag")
            return self.mapping(node, path, depth, chain)
        raise TypeError(f"unexpected YAML node {node!r}")  # pragma: no cover

    def scalar(self, node: ScalarNode, path: str) -> Any:
        tag = node.tag
        if tag == _STR or tag == _TIMESTAMP:
            return node.value
        method = _TYPED.get(tag)
        if method is None:
            self.fail(
                node,
                path,
                f"unsupported tag {tag}",
                "yaml.tag",
                hint="catalogs use plain strings, numbers and booleans; remove the tag",
            )
            return node.value
        try:
            value = getattr(self.constructor, method)(node)
        except (ValueError, yaml.YAMLError):
            return node.value
        if not node.style:  # plain (unquoted; libyaml says "", PyYAML None): YAML chose the type
            self.typed_text[path] = node.value
        return value

    def mapping(self, node: MappingNode, path: str, depth: int, chain: tuple[int, ...]) -> dict:
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in self._pairs(node, path):
            if not isinstance(key_node, ScalarNode) or key_node.tag not in (_STR, _TIMESTAMP):
                shown = (
                    key_node.value if isinstance(key_node, ScalarNode) else "a " + type(key_node).__name__[:-4].lower()
                )
                self.fail(
                    key_node,
                    path,
                    f"keys must be text; {shown!r} is read as {_tag_name(key_node.tag)}",
                    "yaml.key-type",
                    hint=f'quote it: "{shown}"' if isinstance(key_node, ScalarNode) else None,
                )
                continue
            key = key_node.value
            sub = child_path(path, key)
            if key in first_seen:
                self.fail(
                    key_node,
                    sub,
                    f"duplicate key '{key}' (first at line {first_seen[key]}); "
                    "YAML would silently keep only the last one",
                    "yaml.duplicate-key",
                    hint="remove or merge one of them",
                )
                continue
            first_seen[key] = key_node.start_mark.line + 1
            self.key_positions[sub] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, sub, depth + 1, chain)
        return result

    def _pairs(self, node: MappingNode, path: str):
        """Key/value node pairs, with YAML merge keys (`<<: *defaults`) applied: explicit keys win."""
        merged: list = []
        own: list = []
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag == _MERGE:
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for src in sources:
                    if not isinstance(src, MappingNode):
                        self.fail(
                            value_node, path, "a merge key '<<' needs a mapping (or a list of mappings)", "yaml.merge"
                        )
                        continue
                    merged.extend(src.value)
            else:
                own.append((key_node, value_node))
        if not merged:
            return own
        own_keys = {k.value for k, _ in own if isinstance(k, ScalarNode)}
        out, seen = [], set()
        for k, v in merged:  # earlier merge sources win over later ones, as in YAML's merge spec
            if isinstance(k, ScalarNode) and (k.value in own_keys or k.value in seen):
                continue
            seen.add(getattr(k, "value", None))
            out.append((k, v))
        return out + own


def _tag_name(tag: str) -> str:
    return {
        "tag:yaml.org,2002:int": "a number",
        "tag:yaml.org,2002:float": "a number",
        "tag:yaml.org,2002:bool": "a boolean",
        "tag:yaml.org,2002:null": "null",
    }.get(tag, tag)

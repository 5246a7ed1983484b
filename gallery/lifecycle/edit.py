"""Edit images.yaml in place: comments, key order, quoting and flow style kept; validated; written whole or not at all.

ruamel.yaml's round trip keeps comments and styles, but re-emits a few constructs its own way (a one-key
mapping inside a flow list, `[{lun: 0}]`, comes out as `[lun: 0]`). So the file is not simply dumped
again: the edited document and the unedited one are both dumped, and only the lines that differ
between those two dumps replace lines of the original text. Every other byte stays as the user wrote it.

Before anything is written, the new text goes through the project's one loader (gallery.catalog.loader):
an edit that would make the catalog invalid raises CatalogError and leaves the file untouched. The
write is atomic (a temporary file in the same folder, then os.replace), and refused if the file
changed on disk since it was read.
"""

from __future__ import annotations

import codecs
import dataclasses
import difflib
import io
import os
import pathlib
import re
from collections import Counter
from typing import Any, Iterator, Optional

from gallery.catalog.inputs import read_input
from gallery.catalog.loader import load_catalog_text, stack_cloud
from gallery.catalog.model import Catalog
from gallery.catalog.yamlload import decode
from gallery.errors import CatalogError, Problem
from gallery.files import write_all


class EditError(CatalogError):
    """The edit cannot be made (no such image, a version that exists already, the file changed meanwhile)."""

    def __init__(self, file: str, message: str, rule: str, hint: Optional[str] = None):
        super().__init__([Problem(file=file, line=0, column=0, path="", message=message, rule=rule, hint=hint)])


class CatalogEditor:
    """One edit session of a catalog file: change the document, then `save()` (or `preview()`)."""

    def __init__(self, path: str | os.PathLike, stack: str, cloud: Optional[str] = None):
        from ruamel.yaml import YAML

        self.path = pathlib.Path(path)
        self.stack = stack
        self.cloud = cloud or stack_cloud(path, stack)  # whose regions the edited catalog may name
        self.original = read_input(
            self.path, str(self.path), missing_hint="give the path of a catalog, e.g. images.yaml"
        )
        self._stat = self.path.stat()
        # ruamel reads and writes `\n` only (a CRLF file loses its blank lines to it): it gets the text with
        # `\n`, and the lines it changes are written back with the file's own line break and byte-order mark.
        self._source = decode(self.original, str(self.path))
        self._bom = "\ufeff" if self.original.startswith(codecs.BOM_UTF8) else ""
        text = _LINE_BREAK.sub("\n", self._source)
        mapping, sequence, offset = _indentation(text)
        self._yaml = YAML()
        self._yaml.preserve_quotes = True
        self._yaml.width = 4096  # never re-wrap a long line (ids, URIs)
        self._yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        self.data = self._yaml.load(text)
        self._unedited = self._dump(self.data)  # before any edit: what ruamel makes of the file as it is
        self._text: Optional[tuple[str, str]] = None  # (the edited dump, the text made of it)

    # -- finding what to edit --------------------------------------------------------------------------

    def image(self, name: str):
        for image in self.data.get("images") or []:
            if image.get("name") == name:
                return image
        names = ", ".join(str(i.get("name")) for i in self.data.get("images") or []) or "none"
        raise EditError(
            str(self.path), f"the catalog has no image named {name!r}", "edit.image", hint=f"its images are: {names}"
        )

    def version(self, image: str, version: str):
        for entry in self.image(image).get("versions") or []:
            if str(entry.get("version")) == version:
                return entry
        raise EditError(
            str(self.path),
            f"image {image} has no version {version}",
            "edit.version",
            hint="the versions are: "
            + (", ".join(str(v.get("version")) for v in self.image(image).get("versions") or []) or "none"),
        )

    # -- changing it -----------------------------------------------------------------------------------

    @staticmethod
    def set(node, key: str, value: Any, after: Optional[str] = None) -> None:
        """node[key] = value, in place when the key exists, else after `after` (or at the end: comment lines that
        followed the mapping, such as the next image's heading, stay after it)."""
        if key in node:
            node[key] = value
        elif after is None or after not in node:
            keys = list(node)
            rest = _take_trailing(node, keys[-1], keep_inline=True) if keys else ""
            node[key] = value
            if rest:
                _give_trailing(node, key, rest)
        else:
            node.insert(list(node).index(after) + 1, key, value)

    @staticmethod
    def delete(node, key: str) -> None:
        """Remove `key` with its own end-of-line comment; comment lines after it stay where they were."""
        if key not in node:
            return
        keys = list(node)
        rest = _take_trailing(node, key)
        del node[key]
        if rest:
            _give_trailing(node, keys[keys.index(key) - 1] if keys.index(key) > 0 else None, rest)

    def remove_version(self, image: str, version: str) -> None:
        """Remove a version with what is written inside it; comment lines below it stay."""
        node = self.image(image)
        versions = node["versions"]
        entry = self.version(image, version)
        if len(versions) == 1:
            self.delete(node, "versions")
            return
        index = versions.index(entry)
        rest = _take_trailing(versions, index)
        del versions[index]
        if not rest:
            return
        if index > 0:
            _give_trailing(versions, index - 1, rest)
        else:  # the lines were above the next version: now above the first one
            _give_before_first(node, "versions", versions, rest)

    def add_version(self, image: str, entry: dict) -> None:
        """Append a version, written in the style of the image's last version (block or flow source)."""
        from ruamel.yaml.comments import CommentedMap

        node = self.image(image)
        versions = node.get("versions")
        if versions is None:
            from ruamel.yaml.comments import CommentedSeq

            versions = node["versions"] = CommentedSeq()
        model = versions[-1] if len(versions) else None
        new = CommentedMap()
        for key, value in entry.items():
            new[key] = _styled(value, model.get(key) if model is not None and hasattr(model, "get") else None)
        # Comment lines after the last version (the next image's heading) stay after the new last one.
        rest = _take_trailing(versions, len(versions) - 1, keep_inline=True) if len(versions) else ""
        versions.append(new)
        if rest:
            _give_trailing(versions, len(versions) - 1, rest)

    # -- the result ------------------------------------------------------------------------------------

    def _dump(self, data) -> str:
        out = io.StringIO()
        self._yaml.dump(data, out)
        return out.getvalue()

    def text(self) -> str:
        """The edited file: the original, with only the lines the edit changed replaced."""
        dump = self._dump(self.data)
        if self._text is None or self._text[0] != dump:
            self._text = (dump, _splice(self._source, self._unedited, dump))
        return self._text[1]

    def check(self) -> Catalog:
        """The edited catalog through the one loader. Raises CatalogError (nothing is written), whose lines
        and columns are those of the edited text: the file name says so."""
        try:
            return load_catalog_text(self.text(), str(self.path), self.stack, cloud=self.cloud)
        except CatalogError as exc:
            if self.text() == self._source:
                raise  # the file itself is invalid: its own lines
            where = f"{self.path} (as edited; nothing was written)"
            raise CatalogError([dataclasses.replace(p, file=where) for p in exc.problems]) from None

    def save(self) -> Catalog:
        """Validate, then replace the file atomically. Raises CatalogError or EditError; the file is then untouched."""
        catalog = self.check()
        now = self.path.stat()
        if (now.st_mtime_ns, now.st_size) != (
            self._stat.st_mtime_ns,
            self._stat.st_size,
        ) or self.path.read_bytes() != self.original:
            raise EditError(
                str(self.path),
                "the file changed on disk while it was being edited: nothing was written",
                "edit.conflict",
                hint="run the command again",
            )
        write_all({self.path: self._bom + self.text()})
        return catalog


def _indentation(text: str) -> tuple[int, int, int]:
    """(mapping indent, sequence indent, dash offset) as the file writes its block lists: `images:` then
    `  - name:` is (2, 4, 2); `images:` then `- name:` is (2, 2, 0)."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for parent, line in zip(lines, lines[1:], strict=False):  # neighbouring pairs: one shorter by design
        if parent.rstrip().endswith(":") and line.lstrip().startswith("- "):
            offset = max(0, _column(line) - _column(parent))
            item = line.lstrip()[2:]
            inner = len(item) - len(item.lstrip())  # "-   name:" puts the item further right
            return max(2, offset or 2), offset + 2 + inner, offset
    return 2, 2, 0


def _column(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _splice(original: str, before: str, after: str) -> str:
    """`original` with the lines where `before` (its ruamel dump) and `after` (the edited dump) differ replaced.

    The dumps break lines with `\n`; `original` keeps its own breaks (CRLF, or a mix), and the lines the edit
    writes take the one it uses most. A file that does not end with a line break still does not."""
    lines = _lines(original)
    a, b = _lines(before), _lines(after)
    newline = _newline(original)
    if len(a) != len(lines):  # ruamel reflowed lines: its own text is the safe answer
        return after.replace("\n", newline)
    out: list[str] = []
    for op, a1, a2, b1, b2 in _opcodes(a, b):
        out += (
            lines[a1:a2]
            if op == "equal"
            else [line[:-1] + newline if line.endswith("\n") else line for line in b[b1:b2]]
        )
    for n, line in enumerate(out[:-1]):  # an unterminated last line that no longer is the last
        if not _LINE_BREAK.search(line[-1:]):
            out[n] = line + newline
    if out and original and not _LINE_BREAK.search(original[-1:]):
        out[-1] = _LINE_BREAK.sub("", out[-1])
    return "".join(out)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # YAML's line breaks (str.splitlines knows more: \f, \x1c, ...)


def _lines(text: str) -> list[str]:
    """The lines of `text`, each with its own line break."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


def _newline(text: str) -> str:
    """The line break `text` uses most (`\n` when it has none)."""
    found = Counter(_LINE_BREAK.findall(text))
    return max(("\n", "\r\n", "\r"), key=lambda nl: found[nl])


def _opcodes(a: list[str], b: list[str]) -> Iterator[tuple[str, int, int, int, int]]:
    """difflib-style opcodes, fast on a large catalog: lines found once in each side anchor the alignment
    (patience diff), and difflib only aligns the short stretches between anchors."""
    count_a, count_b = Counter(a), Counter(b)
    where_b = {line: j for j, line in enumerate(b) if count_b[line] == 1}
    pairs = [(i, where_b[line]) for i, line in enumerate(a) if count_a[line] == 1 and line in where_b]
    anchors = _increasing(pairs) + [(len(a), len(b))]
    i = j = 0
    for ai, bj in anchors:
        for op in difflib.SequenceMatcher(None, a[i:ai], b[j:bj], autojunk=False).get_opcodes():
            tag, a1, a2, b1, b2 = op
            yield tag, a1 + i, a2 + i, b1 + j, b2 + j
        if ai < len(a):
            yield "equal", ai, ai + 1, bj, bj + 1
        i, j = ai + 1, bj + 1


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of pairs increasing in both positions (pairs come sorted by the first)."""
    tails: list[int] = []  # tails[k]: index into pairs of the smallest end of an increasing run of length k+1
    back: list[int] = []
    for n, (_, j) in enumerate(pairs):
        k = _bisect(pairs, tails, j)
        back.append(tails[k - 1] if k else -1)
        if k == len(tails):
            tails.append(n)
        else:
            tails[k] = n
    run, n = [], tails[-1] if tails else -1
    while n >= 0:
        run.append(pairs[n])
        n = back[n]
    return run[::-1]


def _bisect(pairs: list[tuple[int, int]], tails: list[int], j: int) -> int:
    lo, hi = 0, len(tails)
    while lo < hi:
        mid = (lo + hi) // 2
        if pairs[tails[mid]][1] < j:
            lo = mid + 1
        else:
            hi = mid
    return lo


# Where ruamel keeps the comment lines that follow a node: on the last key of a block mapping (slot 2)
# or the last item of a block list (slot 0), at the deepest level.
def _holder(container, key) -> tuple[Any, Any, int]:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    value = container[key]
    if isinstance(value, (CommentedMap, CommentedSeq)) and len(value) and not value.fa.flow_style():
        last = list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1
        return _holder(value, last)
    return container, key, 2 if isinstance(container, CommentedMap) else 0


def _take_trailing(container, key, keep_inline: bool = False) -> str:
    """Detach the comment lines after container[key]; its own end-of-line comment stays when `keep_inline`
    (the node stays), else it goes with the node."""
    node, k, slot = _holder(container, key)
    slots = node.ca.items.get(k)
    token = slots[slot] if slots else None
    if token is None:
        return ""
    inline, _, rest = token.value.partition("\n")
    if keep_inline and inline.strip():
        token.value = inline + "\n"
    else:
        slots[slot] = None
    return rest


def _give_trailing(container, key, rest: str) -> None:
    """Put comment lines back after container[key] (or drop them when there is no such key)."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    if key is None:
        return
    node, k, slot = _holder(container, key)
    slots = node.ca.items.setdefault(k, [None, None, None, None])
    if slots[slot] is None:
        slots[slot] = CommentToken("\n" + rest, CommentMark(0), None)
    else:
        slots[slot].value = slots[slot].value.rstrip("\n") + "\n" + rest


def _give_before_first(parent, key: str, seq, rest: str) -> None:
    """Comment lines above the first item of the block list parent[key]."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    lines = rest.splitlines(keepends=True)
    column = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    tokens = [CommentToken(line.strip() + "\n" if line.strip() else "\n", CommentMark(column), None) for line in lines]
    parent.ca.items[key] = [None, None, None, tokens]
    seq.ca.comment = [None, tokens]


def _styled(value: Any, model: Any) -> Any:
    """`value` as ruamel nodes, in the flow or block style of `model` (the same key in a sibling version)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        node = CommentedMap()
        for key, sub in value.items():
            node[key] = _styled(sub, model.get(key) if isinstance(model, dict) else None)
        if getattr(model, "fa", None) is not None and model.fa.flow_style():
            node.fa.set_flow_style()
        return node
    if isinstance(value, (list, tuple)):
        seq = CommentedSeq(_styled(v, model[0] if isinstance(model, list) and model else None) for v in value)
        if getattr(model, "fa", None) is not None and model.fa.flow_style():
            seq.fa.set_flow_style()
        return seq
    return value

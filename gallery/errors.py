"""One error type for everything a user can fix, and the exit codes that go with it."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from typing import Iterable, Optional, Sequence

from gallery.annotations import annotation

EXIT_OK = 0
EXIT_USER = 1  # the input is wrong: fix the file
EXIT_BLOCKED = 2  # diff: blocking findings
EXIT_BUG = 3  # our bug: please report it


# Characters a terminal does not show as themselves: C0 and C1 controls (a NUL shows as a space, ESC starts a
# terminal command), line and paragraph separators, and the marks that reorder text (bidi overrides, BOM).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` with every character a terminal would not show as itself escaped: `\\x00`, `\\n`, `\\u202e`."""
    def escape(m: re.Match) -> str:
        c = m.group()
        return _ESCAPES.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
    return _UNPRINTABLE.sub(escape, text)


@dataclass(frozen=True)
class Problem:
    """One finding about a catalog (or another input file), located in the file. Its text is printable:
    control characters in a value quoted by the message are escaped (`'rg\\x00x'`), in every format."""

    file: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    column: int  # 1-based; 0 when unknown
    path: str  # where in the document, like images[0].versions[1].version ("" for the root)
    message: str  # what is wrong, and how to fix it
    rule: str  # a stable id of the check, e.g. "schema.additionalProperties", "version.duplicate"
    severity: str = "error"  # error | warning
    hint: Optional[str] = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str) and _UNPRINTABLE.search(value):
                object.__setattr__(self, f.name, printable(value))

    def text(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        subject = f"{self.path}: " if self.path else ""
        hint = f"; {self.hint}" if self.hint else ""
        return f"{where}: {self.severity}: {subject}{self.message}{hint}"

    def github(self) -> str:
        """A GitHub Actions workflow command that annotates the line in the PR."""
        body = (f"{self.path}: " if self.path else "") + self.message + (f"; {self.hint}" if self.hint else "")
        return annotation("error" if self.severity == "error" else "warning", body, file=self.file,
                          line=self.line, column=self.column, title=self.rule)

    def as_dict(self) -> dict:
        return asdict(self)


class CatalogError(Exception):
    """The user's input is wrong. Carries every problem found, in file order."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = sort_problems(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__("\n".join(p.text() for p in errors) or "invalid input")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line, p.column, p.severity != "error", p.path, p.message))

"""One error type for everything a user can fix, and the table of exit codes that go with it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from enum import IntEnum
from typing import Iterable, Optional, Sequence

from gallery.annotations import annotation


class Exit(IntEnum):
    """Every exit code of every command, with its meaning: the one table (README "Exit codes", `gallery --help`).

    Usage errors exit 1, not argparse's 2, because 2 says "done, look at the result" to a pipeline.
    """

    meaning: str  # one line: when a command exits with it

    def __new__(cls, code: int, meaning: str) -> "Exit":
        member = int.__new__(cls, code)
        member._value_ = code
        member.meaning = meaning
        return member

    OK = 0, "done: valid, nothing blocking, written or uploaded"
    USER = (
        1,
        (
            "the input is wrong (a catalog, a file, an argument), or Azure refused or cannot be reached: "
            "the message says what to fix"
        ),
    )
    ATTENTION = (
        2,
        (
            "done, but the result must stop a pipeline: blocking diff findings, a version failed, "
            "missing or differing from the catalog (status), a version not ready to promote, or a discovery "
            "Azure let read only in part"
        ),
    )
    BUG = 3, "an internal error: a bug in the gallery tool, not in your input (please report it)"
    INTERRUPTED = 130, "interrupted (Ctrl-C; 128 + SIGINT, as shells report it): one line, no trace"
    TERMINATED = 143, "terminated (SIGTERM, what a CI timeout or `kill` sends; 128 + SIGTERM): one line, no trace"


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
        return annotation(
            "error" if self.severity == "error" else "warning",
            body,
            file=self.file,
            line=self.line,
            column=self.column,
            title=self.rule,
        )

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

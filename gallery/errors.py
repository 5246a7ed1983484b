"""One error type for everything a user can fix, and the exit codes that go with it."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterable, Optional, Sequence

from gallery.annotations import annotation

EXIT_OK = 0
EXIT_USER = 1  # the input is wrong: fix the file
EXIT_BLOCKED = 2  # diff: blocking findings
EXIT_BUG = 3  # our bug: please report it


@dataclass(frozen=True)
class Problem:
    """One finding about a catalog (or another input file), located in the file."""

    file: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    column: int  # 1-based; 0 when unknown
    path: str  # where in the document, like images[0].versions[1].version ("" for the root)
    message: str  # what is wrong, and how to fix it
    rule: str  # a stable id of the check, e.g. "schema.additionalProperties", "version.duplicate"
    severity: str = "error"  # error | warning
    hint: Optional[str] = None

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

"""The exit codes are one table, `gallery.errors.Exit`: defined nowhere else, documented as it is."""

from __future__ import annotations

import ast
import re

import pytest

from gallery.cli.entry import build_parser
from gallery.errors import Exit
from tests.fixtures.paths import ROOT

PACKAGE = ROOT / "gallery"
SOURCES = {
    path.relative_to(ROOT).as_posix(): ast.parse(path.read_text("utf-8"), str(path))
    for path in sorted(PACKAGE.rglob("*.py"))
}
# Where a function's return value is an exit code: the commands, the entry point, `python -m gallery`.
EXIT_CODE_RETURNS = [name for name in SOURCES if name.startswith("gallery/cli/") or name == "gallery/__main__.py"]


def test_each_code_has_one_name_and_a_one_line_meaning():
    assert [(code.value, code.name) for code in Exit] == [
        (0, "OK"),
        (1, "USER"),
        (2, "ATTENTION"),
        (3, "BUG"),
        (130, "INTERRUPTED"),
        (143, "TERMINATED"),
    ]
    assert len(Exit.__members__) == len(Exit), "a code with two names"
    for code in Exit:
        assert code.meaning and "\n" not in code.meaning, code


def _names(target: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_no_module_defines_an_exit_code_of_its_own(module):
    found = []
    for node in ast.walk(SOURCES[module]):
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, (ast.AnnAssign, ast.AugAssign))
            else []
        )
        found += [f"line {node.lineno}: {name} =" for t in targets for name in _names(t) if "EXIT" in name.upper()]
        if (
            isinstance(node, ast.Call)
            and _is_exit_call(node.func)
            and any(isinstance(a, ast.Constant) and isinstance(a.value, int) for a in node.args)
        ):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    assert found == [], f"{module}: exit codes are gallery.errors.Exit members, not {found}"


def _is_exit_call(func: ast.expr) -> bool:
    """exit(...), sys.exit(...), SystemExit(...), parser.exit(...)."""
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in ("exit", "_exit", "SystemExit")


@pytest.mark.parametrize("module", EXIT_CODE_RETURNS)
def test_commands_return_members_of_the_table_not_numbers(module):
    numbers = [
        f"line {n.lineno}: {ast.unparse(n)}"
        for n in ast.walk(SOURCES[module])
        if isinstance(n, ast.Return) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, int)
    ]
    assert numbers == [], f"{module}: return Exit.<NAME>, not {numbers}"


def test_the_readme_has_the_table():
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\d+)` \| `(\w+)` \| ([^|]+) \|", section, re.MULTILINE)
    assert rows == [(str(code.value), code.name, code.meaning) for code in Exit]


def test_help_ends_with_the_table():
    text = build_parser().format_help()
    table = " ".join(text.split("exit codes:\n", 1)[1].split())
    assert table == " ".join(f"{code.value} {code.meaning}" for code in Exit)


def test_help_wraps_the_table_to_the_terminal_under_each_meaning(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")  # argparse wraps at COLUMNS - 2
    text = build_parser().format_help()
    assert max(len(line) for line in text.splitlines()) <= 58
    table = text.split("exit codes:\n", 1)[1].splitlines()
    assert table[:4] == [
        "  0    done: valid, nothing blocking, written or uploaded",
        "  1    the input is wrong (a catalog, a file, an",
        "       argument), or Azure refused or cannot be reached:",
        "       the message says what to fix",
    ]

"""The package's floors: imports run one way, from the CLI down to the catalog, and never in a circle; and
armlocal/ (the local ARM endpoint, run from a clone) stands outside the package: it may import gallery, never
the other way round, and it runs without pytest or the tests."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import pytest

from tests.fixtures.paths import ROOT

PACKAGE = ROOT / "gallery"
ARMLOCAL = ROOT / "armlocal"
# Each floor may import from its own package and from the floors below it, never above.
FLOORS = [
    {"gallery", "gallery.errors", "gallery.annotations", "gallery.files", "gallery.interrupts", "gallery.supervisor"},
    {"gallery.catalog"},
    {"gallery.desired", "gallery.cost"},
    {"gallery.azure", "gallery.components", "gallery.vhd"},
    {"gallery.program"},
    {"gallery.plan", "gallery.provider"},
    {"gallery.diff", "gallery.lifecycle", "gallery.discover", "gallery.raw", "gallery.stacks"},
    {"gallery.cli", "gallery.__main__"},
]


def _unit(module: str) -> str:
    """The floor unit of a module: gallery.catalog.rules -> gallery.catalog; gallery.errors stays."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _floor(module: str) -> int:
    unit = _unit(module)
    for level, units in enumerate(FLOORS):
        if unit in units:
            return level
    raise AssertionError(f"{module}: give its package a floor in tests/test_layout.py FLOORS")


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = ast.parse(path.read_text("utf-8"), str(path))
    return out


def _imports(tree: ast.Module, top_level_only: bool) -> set[str]:
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gallery"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}  # `from gallery.x import module`
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("gallery")}
    return found


MODULES = _modules()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_down_the_floors(module):
    mine = _floor(module)
    for imported in _imports(MODULES[module], top_level_only=False):
        if imported not in MODULES and imported.rsplit(".", 1)[0] in MODULES:
            imported = imported.rsplit(".", 1)[0]  # a name imported from a module
        if imported in MODULES:
            assert _floor(imported) <= mine, f"{module} (floor {mine}) imports {imported} (floor {_floor(imported)})"


def test_no_module_level_import_circles():
    graph = {
        m: {i for i in _imports(tree, top_level_only=True) if i in MODULES and i != m} for m, tree in MODULES.items()
    }
    # A package's __init__ importing its own modules is how packages export; not a circle worth naming.
    graph = {m: {i for i in deps if not (m == _unit(i) and m != "gallery")} for m, deps in graph.items()}
    seen, stack, cycles = set(), [], []

    def visit(node: str) -> None:
        if node in stack:
            cycles.append(stack[stack.index(node) :] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for nxt in sorted(graph[node]):
            visit(nxt)
        stack.pop()

    for node in sorted(graph):
        visit(node)
    assert cycles == []


def _all_imports(path: pathlib.Path) -> set[str]:
    """Every module a file imports, anywhere in it (absolute imports; relative ones stay in their package)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def _top(names: set[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


def test_the_package_never_imports_armlocal():
    """`pip install` ships gallery* only: an import of armlocal would work in a clone and fail once installed."""
    offenders = {str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py") if "armlocal" in _top(_all_imports(p))}
    assert offenders == set()


def test_armlocal_imports_neither_pytest_nor_the_tests():
    modules = sorted(ARMLOCAL.rglob("*.py"))
    assert len(modules) > 5
    offenders = {
        str(p.relative_to(ROOT)): sorted(_top(_all_imports(p)) & {"pytest", "_pytest", "tests"}) for p in modules
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_armlocal_loads_without_pytest():
    """Also what armlocal imports through gallery: loading every module of it loads no pytest and no tests."""
    names = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts) for p in ARMLOCAL.rglob("*.py"))
    script = (
        f"import importlib, sys\nfor n in {names!r}: importlib.import_module(n)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pytest', '_pytest', 'tests'}))"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

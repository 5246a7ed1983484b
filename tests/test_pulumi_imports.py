"""A module imports Pulumi only when it uses Pulumi itself: the components, the program and the offline plan.

Everything else (the catalog, the desired state, the review diff, discovery, status and lifecycle, the command
line, gallery.raw which the policy pack judges with) knows a resource from gallery.desired, and starts without
loading the Pulumi SDK, pulumi-azure-native or pulumi-policy. The pack's own policies live outside the package,
in policy/.
"""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.fixtures.paths import ROOT

PACKAGE = ROOT / "gallery"
PULUMI = ("pulumi", "pulumi_azure_native", "pulumi_policy")
# The modules that use Pulumi themselves: the program, the plan, the components, the component provider and the
# Automation API runner; the policy pack's policies are in policy/.
USES_PULUMI = {"gallery.program", "gallery.plan.engine", "gallery.plan.run", "gallery.stacks.automation"}
USES_PULUMI_PACKAGES = ("gallery.components.", "gallery.provider.")


def _module(path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports_pulumi(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        names = (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
        if any(n.split(".")[0] in PULUMI for n in names):
            return True
    return False


def test_only_the_modules_that_use_pulumi_import_it():
    importing = {_module(p) for p in PACKAGE.rglob("*.py") if _imports_pulumi(ast.parse(p.read_text("utf-8")))}
    allowed = {m for m in importing if m in USES_PULUMI or (m + ".").startswith(USES_PULUMI_PACKAGES)}
    assert importing - allowed == set()
    assert "gallery.components.image_gallery" in importing  # the scan sees imports at all


def test_the_pulumi_free_rooms_load_without_the_sdk():
    free = sorted(
        _module(p)
        for p in PACKAGE.rglob("*.py")
        if not (
            _module(p) in USES_PULUMI
            or (_module(p) + ".").startswith(USES_PULUMI_PACKAGES)
            or _module(p) in ("gallery.components", "gallery.provider")
            or _module(p).endswith("__main__")
        )
    )
    code = (
        "import importlib, sys\n"
        f"for m in {free!r}: importlib.import_module(m)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('pulumi', 'pulumi_azure_native')}))"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
    assert len(free) > 60

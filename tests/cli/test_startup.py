"""Start-up: a command imports what it needs when it needs it, and Ctrl-C at any moment is one line, exit 130."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.fixtures.paths import CATALOGS, ROOT

MINIMAL = str(CATALOGS / "valid" / "minimal.yaml")


def python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_validate_does_not_import_pulumi():
    r = python(f"""
        import sys
        from gallery.cli import main
        code = main(["validate", {MINIMAL!r}])
        print(code, sorted({{m.split(".")[0] for m in sys.modules if m.startswith(("pulumi", "grpc", "azure"))}}))
    """)
    assert r.stdout.splitlines()[-1] == "0 []", r.stderr


@pytest.mark.parametrize(
    "module, argv",
    [
        ("gallery.cli.entry", ["validate", MINIMAL]),  # while `python -m gallery` loads the command line
        ("jsonschema", ["validate", MINIMAL]),  # while the commands register
        ("pulumi", ["plan", MINIMAL]),  # while plan loads the Pulumi program
        ("gallery.diff.report", ["diff", MINIMAL, MINIMAL]),
    ],
)
def test_ctrl_c_at_any_moment_is_one_line_and_exit_130(module, argv):
    # An audit hook raises KeyboardInterrupt exactly when `module` is imported: Ctrl-C at that moment.
    r = python(f"""
        import runpy, sys

        def ctrl_c(event, args):
            if event == "import" and args[0] == {module!r}:
                raise KeyboardInterrupt

        sys.addaudithook(ctrl_c)
        sys.argv = ["gallery", *{argv!r}]
        runpy.run_module("gallery", run_name="__main__", alter_sys=True)
    """)
    assert (r.returncode, r.stderr) == (130, "interrupted\n")

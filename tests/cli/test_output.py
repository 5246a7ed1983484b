"""One module decides formats and streams: results on stdout, diagnostics on stderr, machine formats whole on stdout."""

from __future__ import annotations

import argparse
import ast
import json

import pytest

from gallery.annotations import annotation
from gallery.cli import output
from gallery.errors import Problem
from tests.fixtures.paths import ROOT

ERROR = Problem("images.yaml", 3, 7, "gallery.name", "bad, really: 100%", "naming.gallery", hint="rename it")
WARNING = Problem("images.yaml", 0, 0, "", "heads up", "x.y", severity="warning")


def test_text_results_go_to_stdout_and_diagnostics_to_stderr(capsys):
    output.emit("the result")
    output.report_problems([ERROR])
    out, err = capsys.readouterr()
    assert out == "the result\n"
    assert err == "images.yaml:3:7: error: gallery.name: bad, really: 100%; rename it\n"


def test_machine_formats_go_whole_to_stdout(capsys):
    output.report_problems([ERROR, WARNING], output.JSON)
    output.report_problems([ERROR], output.GITHUB)
    out, err = capsys.readouterr()
    doc, annotations = out.rsplit("}\n", 1)
    assert json.loads(doc + "}")["errors"] == 1 and json.loads(doc + "}")["warnings"] == 1
    assert annotations == (
        "::error file=images.yaml,line=3,col=7,title=naming.gallery::gallery.name: bad, really: 100%25; rename it\n"
    )
    assert err == ""


def test_problems_of_a_markdown_command_are_text_diagnostics(capsys):
    output.report_problems([WARNING], output.MARKDOWN)
    assert capsys.readouterr() == ("", "images.yaml: warning: heads up\n")


def test_nothing_is_printed_for_no_problems(capsys):
    output.report_problems([])
    output.emit("")
    assert capsys.readouterr() == ("", "")


def test_annotations_escape_data_and_properties_the_way_github_reads_them():
    assert annotation("notice", "a\nb\r%", file="dir/a,b:c.yaml", title="k:1,2") == (
        "::notice file=dir/a%2Cb%3Ac.yaml,title=k%3A1%2C2::a%0Ab%0D%25"
    )
    assert annotation("error", "m", file="f", line=2) == "::error file=f,line=2::m"


# -- the reporter ---------------------------------------------------------------------------------


def test_format_names_are_written_once_and_offered_in_the_commands_order():
    assert [f.value for f in output.Format] == ["text", "json", "github", "markdown", "github-matrix", "deployments"]
    parser = argparse.ArgumentParser()
    output.add_format(parser, (output.MARKDOWN, output.TEXT), help="h")
    assert parser.parse_args([]).format == "text"
    assert parser.parse_args(["--format", "markdown"]).format == "markdown"
    assert "--format {markdown,text}" in parser.format_usage()


@pytest.mark.parametrize(
    "fmt, expected",
    [
        ("text", ("the text\n", "")),
        ("json", ('{"a": 1}\n', "")),
        ("markdown", ("", "")),
    ],
)
def test_render_writes_the_result_as_its_formats_renderer_does(fmt, expected, capsys):
    output.Reporter(fmt).render({"a": 1}, {output.TEXT: lambda r: "the text", output.JSON: json.dumps})
    assert capsys.readouterr() == expected


@pytest.mark.parametrize(
    "fmt, out, err",
    [
        ("text", "a.vhd: ok\nvalid\n", "images.yaml: warning: heads up\n"),
        ("github", "a.vhd: ok\n::warning file=images.yaml,title=x.y::heads up\n", ""),
    ],
)
def test_a_verdict_says_what_passed_then_the_problems_then_in_text_a_summary(fmt, out, err, capsys):
    output.Reporter(fmt).verdict([WARNING], found="a.vhd: ok", summary="valid")
    assert capsys.readouterr() == (out, err)


def test_a_json_verdict_is_one_document_even_without_problems(capsys):
    output.Reporter(output.JSON).verdict([], found="a.vhd: ok", summary="valid")
    out, err = capsys.readouterr()
    assert (json.loads(out), err) == ({"valid": True, "errors": 0, "warnings": 0, "problems": []}, "")


def test_warnings_beside_a_result_are_text_on_stderr_whatever_the_format(capsys):
    output.Reporter(output.JSON).warnings([WARNING])
    output.Reporter(output.JSON).error("no subscription")
    assert capsys.readouterr() == ("", "images.yaml: warning: heads up\nerror: no subscription\n")


def test_progress_is_silent_when_quiet_and_retries_are_lines_without_a_terminal(capsys):
    with output.Reporter(quiet=True).progress(100) as callbacks:
        assert callbacks == (None, None)
    with output.Reporter().progress(100) as (progress, on_retry):
        assert progress is None
        on_retry("retrying (1/4) after: Connection refused")
    assert capsys.readouterr() == ("", "retrying (1/4) after: Connection refused\n")


# -- nothing else writes --------------------------------------------------------------------------

CLI = sorted(p for p in (ROOT / "gallery" / "cli").glob("*.py") if p.name != "output.py")
# The renderers a command hands to its reporter: they write a format, they do not name one.
RENDERERS = [
    ROOT / "gallery" / name for name in ("diff/render.py", "diff/markdown.py", "lifecycle/render.py", "plan/text.py")
]
STREAMS = {"stdout", "stderr", "__stdout__", "__stderr__"}


def _writes(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("print", "Console"):
            found.append(f"line {node.lineno}: {node.func.id}(...)")
        elif isinstance(node, ast.Attribute) and node.attr in STREAMS:
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Attribute) and node.attr.startswith("print_"):  # traceback.print_exc, ...
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.ImportFrom) and node.module in ("sys", "rich.console"):
            found += [
                f"line {node.lineno}: from {node.module} import {a.name}"
                for a in node.names
                if a.name in STREAMS | {"Console"}
            ]
    return sorted(found, key=lambda f: int(f.split(":")[0].split()[1]))


@pytest.mark.parametrize("path", CLI, ids=lambda p: p.name)
def test_command_modules_write_only_through_the_reporter(path):
    found = _writes(ast.parse(path.read_text("utf-8")))
    assert found == [], f"{path.name} writes past output.Reporter: {found}"


@pytest.mark.parametrize("path", CLI + RENDERERS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_format_names_are_written_only_in_output(path):
    names = {f.value for f in output.Format}
    found = [
        f"line {n.lineno}: {n.value!r}"
        for n in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(n, ast.Constant) and n.value in names
    ]
    assert found == [], f"{path.name} spells a format name; use gallery.cli.output.Format: {found}"


def test_the_checks_above_catch_what_they_are_for():
    assert _writes(
        ast.parse(
            "import sys\nprint('x')\nsys.stderr.write('y')\nConsole(stderr=True)\n"
            "traceback.print_exc()\nfrom sys import stdout"
        )
    ) == [
        "line 2: print(...)",
        "line 3: sys.stderr",
        "line 4: Console(...)",
        "line 5: traceback.print_exc",
        "line 6: from sys import stdout",
    ]

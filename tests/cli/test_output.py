"""One module decides formats and streams: results on stdout, diagnostics on stderr, machine formats whole on stdout."""
from __future__ import annotations

import json

from gallery.annotations import annotation
from gallery.cli import output
from gallery.errors import Problem

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
    assert annotations == ("::error file=images.yaml,line=3,col=7,title=naming.gallery::gallery.name: bad, really: "
                           "100%25; rename it\n")
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
        "::notice file=dir/a%2Cb%3Ac.yaml,title=k%3A1%2C2::a%0Ab%0D%25")
    assert annotation("error", "m", file="f", line=2) == "::error file=f,line=2::m"

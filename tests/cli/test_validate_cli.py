"""`python -m gallery validate`: exit codes, formats, and the line between user errors and bugs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gallery import cli
from tests.fixtures.paths import CATALOGS, ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gallery", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_valid_example_exits_0_with_a_summary():
    r = run("validate")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "images.yaml: valid (3 image definitions, 5 versions, stack dev)\n"


def test_invalid_catalog_exits_1_with_located_errors_and_no_traceback():
    path = CATALOGS / "invalid" / "regions.yaml"
    r = run("validate", str(path))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert (
        f"{path}:17:44: error: images[0].versions[0].regions[2]: 'northeurop' is not an Azure region; "
        "did you mean 'northeurope'?" in r.stderr.splitlines()
    )


def test_stack_is_substituted_before_names_are_checked():
    r = run("validate", "--stack", "Prod")
    assert r.returncode == 1
    assert (
        "images.yaml:13:12: error: storage.account: storage account name 'stimagesProd001' must be 3-24 "
        "lowercase letters and digits (it has 15 characters, with not allowed: 'P')" in r.stderr.splitlines()
    )


def test_json_format_lists_every_problem():
    r = run("validate", str(CATALOGS / "invalid" / "duplicates.yaml"), "--format", "json")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc["valid"] is False and doc["errors"] == 3
    assert [p["rule"] for p in doc["problems"]] == [
        "version.duplicate",
        "definition.duplicate",
        "definition.duplicate-identifier",
    ]
    assert doc["problems"][0]["line"] == 17 and doc["problems"][0]["column"] == 18


def test_json_format_of_a_valid_catalog():
    r = run("validate", "--format", "json")
    assert r.returncode == 0
    assert json.loads(r.stdout) == {"valid": True, "errors": 0, "warnings": 0, "problems": []}


def test_github_format_prints_workflow_annotations():
    path = CATALOGS / "invalid" / "version-overflow.yaml"
    r = run("validate", str(path), "--format", "github")
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        f"::error file={path},line=15,col=18,title=version.overflow::images[0].versions[0].version: version "
        "2147483648.0.0 has a part larger than 2147483647; each of Major, Minor and Patch must fit in 32 bits"
    ]


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "error: the file is empty"),
        (b"- a\n- b\n", "error: the catalog must be a mapping of keys"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "error: the file is not UTF-8 text"),
        (
            b"just some words\n",
            "error: the catalog must be a mapping of keys (resourceGroup, location, storage, "
            "gallery, images), not a single value ('just some words')",
        ),
        (b"a: [\n", "error: YAML syntax error"),
    ],
)
def test_garbage_is_a_clean_user_error(tmp_path, content, expected):
    f = tmp_path / "c.yaml"
    f.write_bytes(content)
    r = run("validate", str(f))
    assert r.returncode == 1
    assert expected in r.stderr
    assert "Traceback" not in r.stderr


def test_missing_file(tmp_path):
    r = run("validate", str(tmp_path / "missing.yaml"))
    assert r.returncode == 1
    assert (
        r.stderr == f"{tmp_path / 'missing.yaml'}: error: no such file; give the path of a catalog, e.g. images.yaml\n"
    )


def test_an_internal_error_exits_3_and_says_it_is_a_bug(monkeypatch, capsys):
    def broken(*_a, **_k):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("gallery.cli.validate.load_catalog", broken)
    assert cli.main(["validate", "images.yaml"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("internal error: this is a bug in the gallery tool, not in your input.")
    assert "ZeroDivisionError: boom" in err


def test_a_usage_error_exits_1_not_2_which_means_blocked():
    r = run("validate", "--format", "yaml")
    assert r.returncode == 1
    assert "error: argument --format: invalid choice: 'yaml'" in r.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["validate", ""],
            "python -m gallery validate: error: argument CATALOG: the path is empty: give a catalog "
            "file, e.g. images.yaml",
        ),
        (
            ["validate", "--stack", ""],
            "python -m gallery validate: error: argument --stack: the stack name is empty: give one, e.g. dev",
        ),
        (
            ["plan", "--stack", "a b"],
            "python -m gallery plan: error: argument --stack: 'a b' is not a Pulumi stack "
            "name (letters, digits, '-', '_' and '.')",
        ),
        (
            ["diff", "", "images.yaml"],
            "python -m gallery diff: error: argument BASE: the path is empty: give a catalog file, e.g. images.yaml",
        ),
    ],
)
def test_an_empty_path_or_stack_is_a_usage_error(args, message):
    r = run(*args)
    assert r.returncode == 1
    assert r.stderr.splitlines()[-1] == message


def test_the_summary_counts_one_warning_in_the_singular(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text((ROOT / "images.yaml").read_text("utf-8").replace("      principalType: Group\n", "", 1))
    r = run("validate", str(f))
    assert r.returncode == 0
    assert r.stdout == f"{f}: valid (3 image definitions, 5 versions, stack dev, 1 warning)\n"

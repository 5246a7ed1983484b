"""`gallery apply`: every stack of the catalog through the Automation API, the main stack first; the Pulumi CLI is
not installed here, so the processes run a stand-in (tests/stacks/runners.py), except where the real one is meant
to say that it cannot run."""

from __future__ import annotations

import json
import shutil

import pytest

from gallery.cli import main
from tests.fixtures.paths import CATALOGS
from tests.stacks import runners


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "Pulumi.yaml").write_text("name: image-gallery\nruntime: python\n")
    shutil.copy(CATALOGS / "shards" / "example.yaml", tmp_path / "images.yaml")
    monkeypatch.setenv("GALLERY_TEST_RUNS", str(tmp_path / "runs"))
    (tmp_path / "runs").mkdir()
    return tmp_path


def test_every_stack_runs_main_first_and_exit_0(project, capsys, monkeypatch):
    monkeypatch.setattr("gallery.cli.apply.runner", lambda: runners.recorded)
    assert main(["apply", str(project / "images.yaml"), "--stack", "prod", "--jobs", "2", "--preview"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "prod: preview succeeded: 1 create"
    assert sorted(lines[1:3]) == [
        "prod-linux: preview succeeded: 1 create",
        "prod-windows: preview succeeded: 1 create",
    ]
    assert lines[3] == "3 stack(s): 3 succeeded"
    linux = json.loads((project / "runs" / "prod-linux.json").read_text())
    assert (linux["command"], linux["work_dir"], linux["config_from"]) == ("preview", str(project), "prod")
    assert linux["config"] == {"image-gallery:shard": "linux", "image-gallery:foundation": "prod"}


def test_a_failed_shard_exits_2_with_the_end_of_its_output(project, capsys, monkeypatch):
    monkeypatch.setattr("gallery.cli.apply.runner", lambda: runners.recorded)
    monkeypatch.setenv("GALLERY_TEST_FAIL", "dev-windows")
    assert main(["apply", str(project / "images.yaml")]) == 2
    out = capsys.readouterr().out
    assert "dev-windows: up failed: the stand-in failed" in out
    assert "--- dev-windows: the last 2 lines of its output\nline 1\nerror: the stand-in failed" in out
    assert out.endswith("3 stack(s): 2 succeeded, 1 failed\n")


def test_without_the_pulumi_cli_the_main_stack_fails_and_the_shards_are_stopped(project, capsys):
    assert main(["apply", str(project / "images.yaml")]) == 2  # the real Automation API, in its processes
    assert capsys.readouterr().out.splitlines() == [
        "dev: up failed: the Pulumi CLI cannot be run (No such file or directory): install it, "
        "https://www.pulumi.com/docs/install/",
        "dev-linux: up stopped: not run: dev did not succeed",
        "dev-windows: up stopped: not run: dev did not succeed",
        "3 stack(s): 1 failed, 2 stopped",
    ]


def test_a_catalog_outside_a_pulumi_project_is_a_user_error(tmp_path, capsys):
    shutil.copy(CATALOGS / "shards" / "example.yaml", tmp_path / "images.yaml")
    assert main(["apply", str(tmp_path / "images.yaml")]) == 1
    assert "no Pulumi project (Pulumi.yaml) in its directory or above" in capsys.readouterr().err

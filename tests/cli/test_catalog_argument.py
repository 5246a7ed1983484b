"""Which catalog a command reads: the one given (CATALOG or --catalog), else the one the stack's config names
(`image-gallery:catalog`, what `pulumi up` deploys), else images.yaml; and it says which when it was not given."""

from __future__ import annotations

import json
import shutil

import pytest

from gallery.cli import main
from tests.fixtures.paths import CATALOGS, ROOT

MINIMAL = CATALOGS / "valid" / "minimal.yaml"


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "catalogs").mkdir()
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path)
    shutil.copy(MINIMAL, tmp_path / "images.yaml")
    text = MINIMAL.read_text().replace("rg-min-{stack}", "rg-prodonly-{stack}")
    (tmp_path / "catalogs" / "prod.yaml").write_text(text)
    (tmp_path / "Pulumi.prod.yaml").write_text("config:\n  image-gallery:catalog: catalogs/prod.yaml\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_stack_reads_the_catalog_its_config_names_and_says_so(project, capsys):
    assert main(["plan", "--stack", "prod", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert err == "catalog: catalogs/prod.yaml (image-gallery:catalog in Pulumi.prod.yaml)\n"
    doc = json.loads(out)
    groups = [r["inputs"]["resourceGroupName"] for r in doc["resources"] if r["name"] == "gallery-rg"]
    assert groups == ["rg-prodonly-prod"], "the plan is of the catalog the deploy uses"


def test_without_a_name_in_the_stack_it_is_images_yaml_said_as_the_default(project, capsys):
    assert main(["validate"]) == 0
    out, err = capsys.readouterr()
    assert err == "catalog: images.yaml (the default: Pulumi.dev.yaml names none)\n"
    assert out.startswith("images.yaml: valid")


def test_from_a_subdirectory_the_project_is_found(project, monkeypatch, capsys):
    monkeypatch.chdir(project / "catalogs")
    assert main(["validate", "--stack", "prod"]) == 0
    assert capsys.readouterr().err == "catalog: prod.yaml (image-gallery:catalog in Pulumi.prod.yaml)\n"


@pytest.mark.parametrize(
    "argv",
    [["validate", "images.yaml"], ["validate", "--catalog", "images.yaml"], ["plan", "--catalog", "images.yaml"]],
)
def test_a_catalog_given_either_way_is_read_and_nothing_is_said(project, capsys, argv):
    assert main([*argv, "--stack", "prod"]) == 0
    out, err = capsys.readouterr()
    assert "catalog:" not in err and "rg-prodonly" not in out


def test_a_catalog_given_twice_is_a_usage_error(project, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["validate", "images.yaml", "--catalog", "other.yaml"])
    err = capsys.readouterr().err
    assert stop.value.code == 1 and err.startswith("usage: ")
    assert err.endswith("validate: error: give the catalog once: as CATALOG or as --catalog\n")


def test_every_command_that_reads_a_catalog_takes_catalog_as_an_option():
    from gallery.cli.entry import build_parser

    parser = build_parser()
    commands = next(a.choices for a in parser._actions if a.dest == "command")
    readers = {name for name, p in commands.items() if any(a.dest in ("catalog", "catalog_option") for a in p._actions)}
    assert readers >= {"validate", "plan", "status", "lifecycle", "promote", "upload"}
    for name in readers:
        assert "--catalog" in commands[name]._option_string_actions, name

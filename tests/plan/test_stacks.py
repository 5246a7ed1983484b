"""`gallery plan --shard NAME` and `--all-shards --jobs N`: each stack's plan, the stacks in processes of their own."""

from __future__ import annotations

import json

import pytest

from gallery.cli import main
from gallery.catalog.loader import load_catalog
from gallery.desired.shards import StackPart, parts
from gallery.plan.run import plan_catalog
from gallery.plan.stacks import part_catalog, plan_stacks
from tests.fixtures.paths import CATALOGS, ROOT

EXAMPLE = CATALOGS / "shards" / "example.yaml"


def test_stacks_planned_in_processes_are_the_stacks_planned_here_from_the_whole_catalog():
    catalog = load_catalog(EXAMPLE, "prod")
    stacks = parts(catalog, "prod")
    plans = plan_stacks(catalog, stacks, {}, jobs=2)
    assert [p.stack for p in plans] == ["prod", "prod-linux", "prod-windows"]
    for plan, part in zip(plans, stacks):
        here = plan_catalog(catalog, part=part)
        assert (plan.resources, plan.outputs, plan.part) == (here.resources, here.outputs, here.part), plan.stack
        assert plan.model is catalog


def test_a_shards_process_gets_only_its_definitions_and_the_main_stack_all_of_them():
    catalog = load_catalog(EXAMPLE, "dev")
    assert [i.name for i in part_catalog(catalog, StackPart.of("dev", "windows")).images] == [
        "windows-2022-datacenter",
        "windows-2025-datacenter",
    ]
    assert part_catalog(catalog, StackPart()) is catalog


def test_cli_one_shard_names_the_main_stack_it_reads(capsys):
    assert main(["plan", str(EXAMPLE), "--shard", "windows", "--stack", "prod"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [
        "Previewing update (prod-windows) of project image-gallery, offline: Pulumi's mock engine, nothing reaches Azure",
        "Reads the main stack prod (resource group, storage account, gallery) through a StackReference",
    ]
    assert lines[-1] == "    + 6 to create"


def test_cli_all_shards_json_has_one_plan_per_stack_main_first(capsys):
    assert main(["plan", str(EXAMPLE), "--all-shards", "--jobs", "2", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(s["stack"], s["shard"], s["foundation"], len(s["resources"])) for s in doc["stacks"]] == [
        ("dev", "main", None, 10),
        ("dev-linux", "linux", "dev", 6),
        ("dev-windows", "windows", "dev", 5),
    ]


def test_cli_all_shards_of_a_catalog_without_shards_is_its_one_stack(capsys):
    assert main(["plan", str(ROOT / "images.yaml"), "--all-shards", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [s["stack"] for s in doc["stacks"]] == ["dev"] and "shard" not in doc["stacks"][0]


def test_cli_a_shard_the_catalog_lacks_is_a_user_error(capsys):
    assert main(["plan", str(EXAMPLE), "--shard", "mac"]) == 1
    assert capsys.readouterr().err == "--shard: error: the catalog has no shard 'mac'; its shards: linux, windows\n"


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["--all-shards", "--jobs", "0"],
            "argument --jobs: '0' is not a number of jobs: give a whole number from 1 to 32",
        ),
        (["--all-shards", "--shard", "linux"], "argument --shard: not allowed with argument --all-shards"),
    ],
)
def test_cli_wrong_arguments_are_a_usage_error(argv, message, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["plan", str(EXAMPLE), *argv])
    assert stop.value.code == 1
    assert message in capsys.readouterr().err

"""The offline plan: the real program under the mock engine, as records, text and JSON."""

from __future__ import annotations

import json
import runpy

import pytest

from gallery import cli
from gallery.errors import CatalogError
from gallery.plan.engine import PROVIDER_MARKER
from gallery.catalog.stackconfig import stack_config
from gallery.plan.run import plan, run_plan
from gallery.plan.text import render_text
from tests.fixtures.paths import CATALOGS, ROOT

EXAMPLE = ROOT / "images.yaml"
VERSION = "azure-native:compute:GalleryImageVersion"


@pytest.fixture(scope="module")
def example_plan() -> list[dict]:
    return run_plan(EXAMPLE, "dev")


def test_plan_json_is_what_the_program_sends(example_plan, pulumi_mocks):
    # An independent witness: Pulumi's public Mocks API (new_resource) while __main__.py runs.
    config = {"image-gallery:catalog": str(EXAMPLE)}
    run = pulumi_mocks.run(lambda: runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__"), config=config)
    assert run.outputs == plan(EXAMPLE, "dev").outputs
    seen = sorted(
        (
            a.typ,
            a.name,
            json.dumps({k: (PROVIDER_MARKER if k == "__provider" else v) for k, v in a.inputs.items()}, sort_keys=True),
        )
        for a in pulumi_mocks.mocks.created
    )
    planned = sorted((r["type"], r["name"], json.dumps(r["inputs"], sort_keys=True)) for r in example_plan)
    assert planned == [(t, n, json.dumps(_ints(json.loads(i)), sort_keys=True)) for t, n, i in seen]


def _ints(value):
    if isinstance(value, dict):
        return {k: _ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ints(v) for v in value]
    return int(value) if isinstance(value, float) and value.is_integer() else value


def test_records_have_the_documented_shape_and_order(example_plan):
    keys = {
        "type",
        "name",
        "parent",
        "inputs",
        "dependsOn",
        "protect",
        "retainOnDelete",
        "replaceOnChanges",
        "customTimeouts",
    }
    for r in example_plan:
        assert keys <= r.keys(), r["urn"]
    assert example_plan == sorted(example_plan, key=lambda r: (r["type"], r["name"]))
    component = [r for r in example_plan if r["type"] == "gallery:index:ImageGallery"]
    assert [(r["name"], r["parent"]) for r in component] == [("gallery", None)]
    v = next(r for r in example_plan if r["name"] == "gallery-ubuntu-22.04-gen2-1.1.0")
    assert v["parent"] == "gallery"
    assert v["dependsOn"] == [
        "gallery-container-linux",
        "gallery-gallery",
        "gallery-rg",
        "gallery-storage",
        "gallery-ubuntu-22.04-gen2",
    ]
    assert v["customTimeouts"] == {"create": "6h", "update": "6h", "delete": "1h"}
    assert v["inputs"]["publishingProfile"]["replicaCount"] == 1 and isinstance(
        v["inputs"]["publishingProfile"]["replicaCount"], int
    ), "whole numbers print as integers"


def test_the_pickled_provider_is_replaced_by_a_marker(example_plan):
    [sharing] = [r for r in example_plan if r["type"] == "pulumi-python:dynamic/gallery:GallerySharing"]
    assert sharing["inputs"]["__provider"] == PROVIDER_MARKER


def test_plan_is_repeatable_in_one_process(example_plan):
    minimal = run_plan(CATALOGS / "valid" / "minimal.yaml", "dev")
    again = run_plan(EXAMPLE, "dev")
    assert again == example_plan
    assert {r["name"] for r in minimal} == {
        "gallery",
        "gallery-rg",
        "gallery-storage",
        "gallery-container-linux",
        "gallery-sharing-guard",
        "gallery-gallery",
        "gallery-app",
        "gallery-app-1.0.0",
    }


def test_stack_name_reaches_the_names():
    prod = run_plan(EXAMPLE, "prod")
    [g] = [r for r in prod if r["type"] == "azure-native:compute:Gallery"]
    assert g["inputs"]["galleryName"] == "gal_platform_prod"
    assert g["urn"].startswith("urn:pulumi:prod::image-gallery::")


def test_invalid_catalog_raises_before_anything(monkeypatch):
    ran = []
    monkeypatch.setattr("gallery.plan.run.run_program", lambda *a, **k: ran.append(1))
    with pytest.raises(CatalogError) as info:
        run_plan(CATALOGS / "invalid" / "regions.yaml")
    assert any("'northeurop' is not an Azure region" in p.message for p in info.value.problems)
    assert ran == []


def test_stack_config_is_read_from_the_stack_file(tmp_path):
    (tmp_path / "Pulumi.qa.yaml").write_text(
        "config:\n  image-gallery:catalog: qa.yaml\n  azure-native:location: westeurope\n"
        "  image-gallery:flags: [1, 2]\n  image-gallery:token:\n    secure: AAABAL==\n"
    )
    assert stack_config("qa", tmp_path) == {
        "image-gallery:catalog": "qa.yaml",
        "azure-native:location": "westeurope",
        "image-gallery:flags": "[1, 2]",
        "image-gallery:token": "<secret>",
    }
    assert stack_config("missing", tmp_path) == {}


def test_text_render_is_a_tree_with_markers_and_summary(example_plan):
    text = render_text(example_plan, stack="dev")
    lines = text.splitlines()
    assert (
        lines[0]
        == "Previewing update (dev) of project image-gallery, offline: Pulumi's mock engine, nothing reaches Azure"
    )
    assert lines[3].split() == ["+", "pulumi:pulumi:Stack", "image-gallery-dev"]
    assert lines[4].split() == ["+", "└─", "gallery:index:ImageGallery", "gallery"]
    row = next(line for line in lines if " gallery-gallery " in line)
    assert "azure-native:compute:Gallery" in row and row.endswith("protected")
    row = next(line for line in lines if " gallery-container-linux " in line)
    assert row.endswith("retained on delete")
    row = next(line for line in lines if " gallery-ubuntu-22.04-gen2-1.1.0 " in line)
    assert row.endswith("timeouts create=6h update=6h delete=1h")
    assert lines[-2:] == ["Resources:", "    + 18 to create"]


def test_cli_json(capsys):
    assert cli.main(["plan", str(EXAMPLE), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["stack"] == "dev"
    assert len(doc["resources"]) == 17
    assert doc["outputs"]["latestVersions"]["ubuntu-22.04-gen2"] == "1.1.0"


def test_cli_text_ends_with_outputs_and_the_summary_like_pulumi_preview(capsys):
    assert cli.main(["plan", str(CATALOGS / "valid" / "minimal.yaml"), "--stack", "qa"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Previewing update (qa) of project image-gallery")
    gallery_id = (
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-min-qa/providers/"
        "Microsoft.Compute/galleries/gal_min_qa"
    )
    start = lines.index("Outputs (ids in subscription 00000000-0000-0000-0000-000000000000, a placeholder):")
    assert lines[start + 1 : start + 7] == [
        "    communityPublicNames   : []",
        "    communitySharingEnabled: false",
        "    containers             : {",
        '        linux: "linux-vhds"',
        "    }",
        "    definitionIds          : {",
    ]
    assert f'    galleryId              : "{gallery_id}"' in lines[start:]
    assert lines[-3:] == ["", "Resources:", "    + 9 to create"]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cli_invalid_catalog_exit_1_and_no_resources(capsys, fmt):
    bad = CATALOGS / "invalid" / "regions.yaml"
    assert cli.main(["plan", str(bad), "--format", fmt]) == 1
    captured = capsys.readouterr()
    assert "azure-native" not in captured.out + captured.err
    if fmt == "json":
        doc = json.loads(captured.out)
        assert doc["valid"] is False and doc["errors"] == 3
    else:
        assert (
            f"{bad}:17:44: error: images[0].versions[0].regions[2]: 'northeurop' is not an Azure region" in captured.err
        )


def test_planning_dynamic_resources_leaves_the_pickler_as_it_was():
    # Each dynamic provider Pulumi serializes wraps pickle's _batch_setitems once more; a process planning
    # hundreds of catalogs would overflow the stack (RecursionError) unless each run puts it back.
    import pickle

    before = pickle._Pickler._batch_setitems
    plan(CATALOGS / "diff" / "gallery-groups.yaml", "dev")
    assert pickle._Pickler._batch_setitems is before

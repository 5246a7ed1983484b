"""A sharded catalog, stack by stack: each stack's offline plan is its part of the desired state, and the union of
the plans of all its stacks is the single-stack plan of the same catalog, resource by resource.

Every valid test catalog is split (tests/catalogs/shards/ by their own `shards:`, the others by shards made here:
a family, a list of names, a name pattern), each stack planned under the mock engine as `pulumi up` of that stack
would run the program (its config, and a StackReference to the main stack answered with the main stack's outputs).
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from gallery import program
from gallery.catalog.loader import load_catalog
from gallery.catalog.model import MAIN, Catalog, Shard
from gallery.desired.build import desired_state
from gallery.desired.selection import Selection
from gallery.desired.shards import StackPart
from gallery.plan.engine import run_program
from gallery.plan.run import plan_catalog, records
from tests.fixtures.paths import CATALOGS, ROOT

VALID = sorted(p for p in CATALOGS.rglob("*.yaml") if "invalid" not in p.parts and p.name != "invalid.yaml")
VALID.append(ROOT / "images.yaml")
COMPONENT = "gallery:index:ImageGallery"


def sharded(catalog: Catalog) -> Catalog:
    """The catalog's own shards, or: the first family in one shard, then of the other definitions one in three by
    name, one in three by a name pattern, and the rest in the main stack."""
    if catalog.shards:
        return catalog
    family = catalog.images[0].family
    others = [i.name for i in catalog.images if i.family != family]
    shards = [Shard("first-family", families=(family,), path="shards[0]")]
    if others[0::3]:
        shards.append(Shard("by-name", definitions=tuple(others[0::3]), path="shards[1]"))
    for k, name in enumerate(others[1::3]):
        shards.append(Shard(f"by-match-{k}", match=name[:-1] + "?", path=f"shards[{len(shards)}]"))
    return dataclasses.replace(catalog, shards=tuple(shards))


def stack_plans(catalog: Catalog) -> dict[str, list[dict]]:
    """Each stack's plan records, by owner."""
    return {owner: plan_catalog(catalog, part=StackPart.of(catalog.stack, owner)).resources for owner in catalog.owners}


@pytest.mark.parametrize("path", VALID, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_union_of_the_stacks_plans_is_the_single_stack_plan(path):
    single_catalog = load_catalog(path, "dev")
    catalog = sharded(single_catalog)
    assert {catalog.owner(i) for i in catalog.images} - {MAIN}, "the split must put something in a shard"
    single = {(r["type"], r["name"]): r for r in plan_catalog(dataclasses.replace(catalog, shards=())).resources}
    owners = {r.name: r.owner for r in desired_state(catalog)}
    seen: dict[tuple, str] = {}
    for owner, recs in stack_plans(catalog).items():
        stack = StackPart.of(catalog.stack, owner).stack(catalog.stack)
        here = {r["name"] for r in recs}
        for rec in recs:
            key = (rec["type"], rec["name"])
            want = single[key]
            if rec["type"] == COMPONENT:  # every stack has the component, empty
                assert {**rec, "urn": None} == {**want, "urn": None}
                continue
            assert key not in seen, f"{rec['name']} is in the stacks {seen.get(key)} and {owner}"
            seen[key] = owner
            assert owners[rec["name"]] == owner, f"{rec['name']}: the desired state's owner is {owners[rec['name']]}"
            assert rec["urn"] == want["urn"].replace("urn:pulumi:dev::", f"urn:pulumi:{stack}::"), rec["name"]
            for field in want:
                if field not in ("urn", "dependsOn"):
                    assert rec[field] == want[field], f"{rec['name']}: {field}"
            # What it waits for in its own stack; the rest is the main stack's, deployed before any shard.
            assert rec["dependsOn"] == [d for d in want["dependsOn"] if d in here], rec["name"]
            assert {owners[d] for d in want["dependsOn"] if d not in here} <= {MAIN}, rec["name"]
    assert sorted(seen) == sorted(k for k in single if k[0] != COMPONENT)


@pytest.mark.parametrize("path", [CATALOGS / "shards" / "example.yaml", ROOT / "images.yaml"], ids=lambda p: p.name)
def test_each_stack_declares_its_part_of_the_desired_state(path):
    catalog = sharded(load_catalog(path, "prod"))
    for owner, recs in stack_plans(catalog).items():
        desired = desired_state(catalog, Selection.of_stack(catalog, owner)).records()
        # The mock monitor of Pulumi's Python SDK names the root stack's type in its children's URNs; the engine
        # does not (see tests/desired/test_state.py).
        assert json.loads(json.dumps(recs).replace("pulumi:pulumi:Stack$", "")) == desired, owner


def test_a_shard_reads_the_foundations_ids_from_the_main_stack_never_a_hard_coded_one():
    catalog = load_catalog(CATALOGS / "shards" / "example.yaml", "dev")
    main, linux = plan_catalog(catalog), plan_catalog(catalog, part=StackPart.of("dev", "linux"))
    version = next(r for r in linux.resources if r["name"] == "gallery-ubuntu-22.04-gen2-1.1.0")
    for disk in (
        version["inputs"]["storageProfile"]["osDiskImage"],
        *version["inputs"]["storageProfile"]["dataDiskImages"],
    ):
        assert disk["source"]["storageAccountId"] == main.outputs["storageAccountId"]
    assert {r["type"] for r in linux.resources} == {
        COMPONENT,
        "azure-native:compute:GalleryImage",
        "azure-native:compute:GalleryImageVersion",
    }
    assert version["dependsOn"] == ["gallery-ubuntu-22.04-gen2"]  # the rest comes through the StackReference


def test_the_stack_reference_names_the_configured_main_stack_and_the_plan_says_which_part(pulumi_mocks):
    catalog = load_catalog(CATALOGS / "shards" / "example.yaml", "prod")
    part = StackPart.of("prod", "windows", org="contoso")
    plan = plan_catalog(catalog, part=part)
    assert part.foundation == "contoso/image-gallery/prod" and plan.stack == "prod-windows"
    assert plan.document()["shard"] == "windows" and plan.document()["foundation"] == "contoso/image-gallery/prod"
    assert plan.outputs["galleryName"] == "gal_platform_prod"
    assert set(plan.outputs["latestVersions"]) == {"windows-2022-datacenter", "windows-2025-datacenter"}
    # Declared under the harness's recording mocks: the reference is read with the name the config gives.
    pulumi_mocks.mocks.references = {
        "contoso/image-gallery/prod": {
            "resourceGroupName": "rg",
            "galleryName": "g",
            "galleryId": "/g",
            "storageAccountName": "s",
            "storageAccountId": "/s",
            "containers": {},
        }
    }
    run = pulumi_mocks.run(lambda: program.declare_part(catalog, part, "prod-windows"), stack="prod-windows")
    reads = [a for a in pulumi_mocks.mocks.created if a.typ == "pulumi:pulumi:StackReference"]
    assert [(a.name, a.inputs["name"]) for a in reads] == [("gallery-foundation", "contoso/image-gallery/prod")]
    definition = next(r for r in run.registrations if r.name == "gallery-windows-2022-datacenter")
    assert (definition.inputs["galleryName"], definition.inputs["resourceGroupName"]) == ("g", "rg")
    vhd = next(r for r in run.registrations if r.name == "gallery-windows-2025-datacenter-2026.12.0")
    assert vhd.inputs["storageProfile"]["osDiskImage"]["source"]["storageAccountId"] == "/s"
    assert run.outputs["galleryId"] == "/g" and "communityPublicNames" not in run.outputs


@pytest.mark.parametrize(
    "config, message",
    [
        ({"image-gallery:shard": "linux"}, "the stack of shard 'linux' needs image-gallery:foundation"),
        ({"image-gallery:foundation": "dev"}, "image-gallery:foundation is set, but not image-gallery:shard"),
        (
            {"image-gallery:shard": "mac", "image-gallery:foundation": "dev"},
            "image-gallery:shard is 'mac', but the catalog has no such shard; its shards: linux, windows",
        ),
    ],
)
def test_a_stack_config_that_does_not_fit_stops_the_program(config, message):
    catalog = load_catalog(CATALOGS / "shards" / "example.yaml", "dev")

    def run():
        import pulumi

        environment, part = program.part(pulumi.Config(), pulumi.get_stack())
        program.declare_part(catalog, part, pulumi.get_stack())

    with pytest.raises(Exception, match=message):
        run_program(run, stack="dev-linux", config=config)


def test_a_shards_stack_without_its_config_is_refused_rather_than_declaring_the_foundation_again():
    catalog = load_catalog(CATALOGS / "shards" / "example.yaml", "dev")
    with pytest.raises(
        Exception,
        match="the stack dev-linux is named like shard 'linux''s stack, but its config has no image-gallery:shard",
    ):
        run_program(lambda: program.declare_part(catalog, StackPart(), "dev-linux"), stack="dev-linux")


def test_without_shards_the_main_stack_declares_the_whole_catalog_as_before():
    catalog = load_catalog(ROOT / "images.yaml", "dev")
    run = run_program(lambda: program.declare(catalog), stack="dev")
    assert plan_catalog(catalog).resources == records(run)


@pytest.mark.parametrize(
    "path",
    [CATALOGS / "shards" / "example.yaml", ROOT / "images.yaml", CATALOGS / "program" / "community.yaml"],
    ids=lambda p: p.name,
)
def test_a_shard_is_answered_with_what_the_main_stack_exports(path):
    from gallery.desired.shards import FOUNDATION_OUTPUTS, foundation_outputs

    catalog = sharded(load_catalog(path, "dev"))
    main = plan_catalog(catalog)
    answered = foundation_outputs(desired_state(catalog, Selection(frozenset(), frozenset())))
    assert tuple(answered) == FOUNDATION_OUTPUTS  # what a shard passes on
    assert answered == {key: main.outputs[key] for key in answered}


def test_the_root_program_declares_a_shards_part_from_the_stacks_config(pulumi_mocks):
    """__main__.py itself, as `pulumi up` of the stack dev-linux runs it, against the plan of that stack."""
    import runpy
    from gallery.desired.shards import foundation_outputs

    path = CATALOGS / "shards" / "example.yaml"
    catalog = load_catalog(path, "dev")
    main = desired_state(catalog, Selection(frozenset(), frozenset()))
    pulumi_mocks.mocks.references = {"dev": foundation_outputs(main)}
    config = {"image-gallery:catalog": str(path), "image-gallery:shard": "linux", "image-gallery:foundation": "dev"}
    run = pulumi_mocks.run(
        lambda: runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__"), stack="dev-linux", config=config
    )
    planned = plan_catalog(catalog, part=StackPart.of("dev", "linux"))
    assert records(run) == planned.resources and run.outputs == planned.outputs

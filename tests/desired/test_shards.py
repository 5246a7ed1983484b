"""The stacks of a sharded catalog as plain data: each stack's part, name and config, owners, and what a shard
reads from the main stack (gallery.desired.shards)."""

from __future__ import annotations

import pytest

from gallery.catalog.loader import load_catalog
from gallery.catalog.model import MAIN
from gallery.desired import arm
from gallery.desired.build import desired_state
from gallery.desired.selection import Selection, changed
from gallery.desired.shards import StackPart, foundation_export, from_config, parts
from gallery.desired.state import Wire
from gallery.errors import CatalogError
from tests.fixtures.paths import CATALOGS

EXAMPLE = CATALOGS / "shards" / "example.yaml"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(EXAMPLE, "dev")


def test_the_main_stack_comes_first_then_each_shard_with_its_config(catalog):
    assert [(p.stack("dev"), p.config()) for p in parts(catalog, "dev", org="contoso")] == [
        ("dev", {}),
        ("dev-linux", {"image-gallery:shard": "linux", "image-gallery:foundation": "contoso/image-gallery/dev"}),
        ("dev-windows", {"image-gallery:shard": "windows", "image-gallery:foundation": "contoso/image-gallery/dev"}),
    ]


@pytest.mark.parametrize(
    "stack, shard, foundation, expected",
    [
        ("dev", None, None, ("dev", StackPart())),
        ("dev-linux", "linux", "dev", ("dev", StackPart("linux", "dev"))),
        (
            "eu-linux",
            "linux",
            "contoso/image-gallery/prod-eu",
            ("prod-eu", StackPart("linux", "contoso/image-gallery/prod-eu")),
        ),
    ],
)
def test_a_stacks_config_says_its_part_and_the_catalogs_stack_name(stack, shard, foundation, expected):
    assert from_config(stack, shard, foundation) == expected


def test_every_resource_has_one_owner_and_each_stack_selects_exactly_its_own(catalog):
    state = desired_state(catalog)
    owners = {r.name: r.owner for r in state}
    assert owners["gallery-rg"] == owners["gallery-gallery"] == owners["gallery-sharing"] == MAIN
    assert owners["gallery-ubuntu-22.04-gen2"] == owners["gallery-ubuntu-22.04-gen2-1.1.0"] == "linux"
    assert owners["gallery-windows-2025-datacenter-2026.12.0"] == "windows"
    assert owners["gallery-legacy-erp-app-known-good"] == MAIN
    for owner in catalog.owners:
        part = desired_state(catalog, Selection.of_stack(catalog, owner))
        assert part.stack == StackPart.of("dev", owner).stack("dev")
        assert {r.owner for r in part} == {owner}
        assert {r.name for r in part} - {"gallery"} == {n for n, o in owners.items() if o == owner} - {"gallery"}


def test_everything_a_shard_takes_from_the_foundation_comes_from_a_main_stack_output(catalog):
    state = desired_state(catalog)
    foundation = {r.name for r in state if r.owner == MAIN}
    wires = [w for r in state if r.owner != MAIN for w in r.wires if w.source in foundation]
    assert {(w.source, w.output) for w in wires} == {
        ("gallery-rg", "name"),
        ("gallery-gallery", "name"),
        ("gallery-storage", "id"),
    }
    assert {foundation_export(w) for w in wires} == {
        ("resourceGroupName", None),
        ("galleryName", None),
        ("storageAccountId", None),
    }
    container = state.of_type(arm.CONTAINER)[0]
    assert foundation_export(Wire(("x",), container.name, "name")) == ("containers", "linux")


def test_a_change_of_shards_alone_changes_no_resource(catalog):
    import dataclasses

    assert changed(dataclasses.replace(catalog, shards=()), catalog) == Selection(frozenset(), frozenset())


def test_a_shard_config_error_names_the_stack_file_and_the_fix():
    with pytest.raises(CatalogError) as info:
        from_config("dev-linux", "linux", None)
    [problem] = info.value.problems
    assert problem.text() == (
        "Pulumi.dev-linux.yaml: error: the stack of shard 'linux' needs image-gallery:foundation, the main stack it "
        "reads the resource group, storage account and gallery from; pulumi config set image-gallery:foundation "
        "<main stack>, e.g. dev or org/image-gallery/dev"
    )

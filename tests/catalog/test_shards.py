"""`shards:` in the catalog: which stack owns each definition, and the catalogs that say it (tests/catalogs/shards/)."""

from __future__ import annotations

import pickle

import pytest

from gallery.catalog.loader import load_catalog, load_catalog_text
from gallery.catalog.model import MAIN
from gallery.errors import CatalogError
from tests.catalog.test_loader import _expected, _lines
from tests.fixtures.paths import CATALOGS

SHARDED = sorted((CATALOGS / "shards").glob("*.yaml"))


@pytest.mark.parametrize("path", SHARDED, ids=lambda p: p.stem)
def test_a_sharded_catalog_loads_with_exactly_the_expected_warnings(path):
    catalog = load_catalog(path, stack="dev")
    assert catalog.shards
    assert _lines(catalog.warnings, path) == _expected(path)


def test_each_definition_has_the_owner_its_shard_names_and_the_rest_stay_in_main():
    catalog = load_catalog(CATALOGS / "shards" / "example.yaml", "dev")
    assert catalog.owners == (MAIN, "linux", "windows")
    assert {i.name: catalog.owner(i) for i in catalog.images} == {
        "ubuntu-22.04-gen2": "linux",
        "rocky-9": "linux",  # family linux (rocky's by default, from its osType)
        "windows-2022-datacenter": "windows",
        "windows-2025-datacenter": "windows",  # match: windows-*
        "legacy-erp-app-known-good": MAIN,
    }


def test_without_shards_everything_is_the_main_stacks():
    catalog = load_catalog(CATALOGS / "valid" / "minimal.yaml", "dev")
    assert catalog.shards == () and catalog.owners == (MAIN,)
    assert {catalog.owner(i) for i in catalog.images} == {MAIN}


def test_a_sharded_catalog_crosses_a_process_boundary():
    catalog = load_catalog(CATALOGS / "shards" / "example.yaml", "dev")
    again = pickle.loads(pickle.dumps(catalog))
    assert again == catalog and again.shards == catalog.shards


MINIMAL = (CATALOGS / "valid" / "minimal.yaml").read_text()


@pytest.mark.parametrize(
    "shards, owner",
    [
        ("[{name: a, definitions: [app]}]", "a"),
        ("[{name: a, families: [linux]}]", "a"),
        ("[{name: a, match: 'ap?'}]", "a"),
        ("[{name: a, match: 'App'}]", MAIN),  # case-sensitive, as Azure's names are not: say it exactly
        ("[{name: a, match: 'b*'}, {name: b, definitions: [other]}]", MAIN),
    ],
)
def test_a_shard_holds_what_any_of_its_criteria_match(shards, owner):
    catalog = load_catalog_text(MINIMAL + f"shards: {shards}\n", "images.yaml")
    assert catalog.owner(catalog.images[0]) == owner


def test_a_shards_change_is_a_change_of_the_catalog():
    base = load_catalog_text(MINIMAL, "images.yaml")
    head = load_catalog_text(MINIMAL + "shards: [{name: a, families: [linux]}]\n", "images.yaml")
    assert base != head


def test_overlapping_shards_are_refused_with_every_definition_they_share_counted():
    text = MINIMAL.replace(
        "images:\n",
        "images:\n"
        + "".join(
            f"  - {{name: app{k}, osType: Linux, osState: Generalized, hyperVGeneration: V2, identifier: "
            f"{{publisher: C, offer: o{k}, sku: '1'}}, versions: []}}\n"
            for k in range(5)
        ),
    )
    with pytest.raises(CatalogError) as info:
        load_catalog_text(text + "shards: [{name: a, families: [linux]}, {name: b, match: 'app*'}]\n", "images.yaml")
    assert [p.message for p in info.value.errors] == [
        "shards 'a' and 'b' would both hold app0, app1, app2 and 3 more: a definition belongs to one stack"
    ]

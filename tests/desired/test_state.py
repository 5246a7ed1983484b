"""The desired state is what the program declares: the mock engine's plan of every test catalog equals it.

The mocks answer with another subscription than the desired state's placeholder, so an input that carries the
subscription without being wired to the output it comes from (and would send the placeholder to Azure) fails here.
"""

from __future__ import annotations

import json
import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest

from gallery.catalog.loader import load_catalog
from gallery.desired import arm
from gallery.desired.build import desired_state
from gallery.desired.selection import Selection
from gallery.plan.engine import AzureMocks
from gallery.plan.run import plan_catalog, records
from gallery.plan.engine import run_program
from gallery import program
from tests.fixtures.paths import CATALOGS, ROOT

SUBSCRIPTION = "12345678-9abc-4def-8123-456789abcdef"
VALID = sorted(p for p in CATALOGS.rglob("*.yaml") if "invalid" not in p.parts and p.name != "invalid.yaml")
VALID.append(ROOT / "images.yaml")


def _mock_plan(catalog, only=None) -> list[dict]:
    run = run_program(lambda: program.declare(catalog, only), stack=catalog.stack, mocks=AzureMocks(SUBSCRIPTION))
    # Pulumi's Python mock monitor names the stack's type in its children's URNs; the engine does not
    # (resource.NewURN leaves out the root stack's type), and the desired state gives the engine's URN.
    return json.loads(json.dumps(records(run)).replace("pulumi:pulumi:Stack$", ""))


def _by_key(recs: list[dict]) -> dict:
    return {(r["type"], r["name"]): r for r in recs}


def _assert_equal(planned: list[dict], desired: list[dict]) -> None:
    want, got = _by_key(planned), _by_key(desired)
    assert sorted(got) == sorted(want)
    for key, record in want.items():
        for field in record:
            assert got[key][field] == record[field], f"{key[1]}: {field}"
    assert planned == desired


@pytest.mark.parametrize("stack", ["dev", "prod"])
@pytest.mark.parametrize("path", VALID, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_program_declares_the_desired_state(path, stack):
    catalog = load_catalog(path, stack)
    _assert_equal(_mock_plan(catalog), desired_state(catalog, subscription=SUBSCRIPTION).records())


def test_a_selection_is_declared_as_its_desired_state():
    catalog = load_catalog(ROOT / "images.yaml", "dev")
    first, second = catalog.images[0], catalog.images[1]
    # One whole definition, and one version of another whose definition is not selected.
    only = Selection(
        frozenset({first.name}),
        frozenset({(first.name, v.name) for v in first.versions} | {(second.name, second.versions[0].name)}),
    )
    desired = desired_state(catalog, only, subscription=SUBSCRIPTION).records()
    _assert_equal(_mock_plan(catalog, only), desired)
    lone = next(r for r in desired if r["name"] == f"gallery-{second.name}-{second.versions[0].name}")
    assert f"gallery-{second.name}" not in lone["dependsOn"], "a version names an unselected definition, no more"


def test_without_the_foundation_names_are_the_catalogs_and_ids_must_come_from_its_stack():
    catalog = load_catalog(ROOT / "images.yaml", "dev")
    snapshot = next(i for i in catalog.images if i.name == "legacy-erp-app-known-good")  # no storage account id
    vhd = next(i for i in catalog.images if i.name == "ubuntu-22.04-gen2")
    only = Selection.images(catalog, [snapshot.name])
    desired = desired_state(catalog, only, subscription=SUBSCRIPTION)
    assert {r.type for r in desired} == {arm.COMPONENT, arm.DEFINITION, arm.VERSION}
    _assert_equal(_mock_plan(catalog, only), desired.records())
    assert all(r["dependsOn"] in ([], [f"gallery-{snapshot.name}"]) for r in desired.records())
    # A VHD version takes the account's id, which only the foundation's stack knows.
    with pytest.raises(
        Exception,
        match=f"gallery-{vhd.name}-.*storageProfile.osDiskImage.source.storageAccountId "
        "is the id of gallery-storage, which this selection does not declare",
    ):
        _mock_plan(catalog, Selection.images(catalog, [vhd.name]))


def test_every_resource_has_its_arm_id_and_api_version():
    catalog = load_catalog(ROOT / "images.yaml", "dev")
    state = desired_state(catalog, subscription=SUBSCRIPTION)
    gallery_id = (
        f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{catalog.resource_group}/providers/Microsoft.Compute"
        f"/galleries/{catalog.gallery.name}"
    )
    image = catalog.images[0]
    version = image.versions[0]
    assert state.get("gallery-gallery").arm_id == gallery_id
    assert (
        state.get(f"gallery-{image.name}-{version.name}").arm_id
        == f"{gallery_id}/images/{image.name}/versions/{version.name}"
    )
    for res in state:
        if res.type != arm.COMPONENT:
            assert res.arm_id and res.arm_id.startswith(f"/subscriptions/{SUBSCRIPTION}/"), res.name
            assert res.owner == "main"
        assert res.api_version == arm.KINDS[res.type].api_version, res.name


def test_a_catalog_and_its_state_cross_a_process_boundary():
    catalog = load_catalog(ROOT / "images.yaml", "prod")
    again = pickle.loads(pickle.dumps(catalog))
    assert again == catalog and dict(again.tags) == dict(catalog.tags)
    with pytest.raises(TypeError):
        again.tags["owner"] = "someone"  # still read-only after the trip
    with ProcessPoolExecutor(1) as pool:
        state = pool.submit(desired_state, catalog).result()
    assert state == desired_state(catalog)
    assert state.get("gallery-gallery") is not None

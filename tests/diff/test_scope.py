"""The resource-level diff plans only what the change reaches, and says exactly what full plans would say."""

from __future__ import annotations

import pytest

from gallery.catalog.loader import load_catalog
from gallery.diff.resources import compare_plans
from gallery.desired.selection import Selection, changed
from gallery.plan.run import plan_catalog
from tests.fixtures.paths import CATALOGS

DIFF = CATALOGS / "diff"
PAIRS = sorted(p.name for p in DIFF.glob("*.yaml") if p.name not in ("base.yaml", "invalid.yaml"))


@pytest.fixture(scope="module")
def base():
    catalog = load_catalog(DIFF / "base.yaml")
    return catalog, plan_catalog(catalog).resources


@pytest.mark.parametrize("head", PAIRS)
def test_planning_only_the_change_equals_comparing_full_plans(base, head):
    base_catalog, base_full = base
    head_catalog = load_catalog(DIFF / head)
    head_full = plan_catalog(head_catalog).resources
    only = changed(base_catalog, head_catalog)
    base_part = plan_catalog(base_catalog, only=only).resources
    head_part = plan_catalog(head_catalog, only=only).resources
    assert compare_plans(base_part, head_part) == compare_plans(base_full, head_full), head
    # The same parts, the other way round: what reverting the change would do.
    assert compare_plans(head_part, base_part) == compare_plans(head_full, base_full), head


def test_a_version_change_plans_that_version_only(base):
    base_catalog, base_full = base
    only = changed(base_catalog, load_catalog(DIFF / "version-excluded.yaml"))
    assert only == Selection(frozenset(), frozenset({("ubuntu", "1.1.0")}))
    part = {r["name"]: r for r in plan_catalog(base_catalog, only=only).resources}
    assert part.keys() == {r["name"] for r in base_full} - {
        "gallery-ubuntu",
        "gallery-ubuntu-1.0.0",
        "gallery-windows",
        "gallery-windows-1.0.0",
    }
    assert part["gallery-ubuntu-1.1.0"]["inputs"]["galleryImageName"] == "ubuntu"


def test_a_definition_change_plans_it_with_all_its_versions(base):
    base_catalog, _ = base
    only = changed(base_catalog, load_catalog(DIFF / "definition-updated.yaml"))
    assert only == Selection(frozenset({"ubuntu"}), frozenset({("ubuntu", "1.0.0"), ("ubuntu", "1.1.0")}))


def test_a_change_outside_the_images_plans_everything(base):
    base_catalog, _ = base
    assert changed(base_catalog, load_catalog(DIFF / "location-changed.yaml")) is None
    assert changed(base_catalog, load_catalog(DIFF / "reformatted.yaml")) == Selection(frozenset(), frozenset())

"""The policy pack over the mock plan's resources of every test catalog, as the engine would ask it.

Each catalog is declared by the real program under the mock engine (gallery plan); its records are what `pulumi up`
sends, so they are what an app team's program declaring the same resources sends too. Valid catalogs pass (the
rules that only warn say what `gallery validate` warns about); every Azure-rule error `gallery validate` finds in an
invalid catalog about a gallery, definition or version is found by the pack on that very resource.
"""

from __future__ import annotations

import pytest

from gallery.catalog.loader import load_catalog
from gallery.plan.run import plan_catalog
from gallery.raw import scope
from tests.fixtures.paths import ROOT
from tests.fixtures.policypack import Pack
from tests.fixtures.rawcatalogs import INVALID, VALID, findings, model_without_rules

# Which one of two duplicates is named depends on the order the engine lists them in; the pair is the finding.
EITHER_OF_A_PAIR = {"definition.duplicate", "definition.duplicate-identifier", "version.duplicate", "vhd.shared-blob"}


@pytest.mark.parametrize("path", VALID, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_valid_catalogs_resources_pass_and_its_warnings_are_advice(path):
    catalog = load_catalog(path, "dev")
    found = Pack().all(plan_catalog(catalog).resources)
    assert [d for d in found if d.level != "advisory"] == []
    warned = {(rule, name) for rule, name in findings(catalog, scope.RESOURCE + scope.STACK)}
    assert {(d.rule, d.name) for d in found} == warned


MODELS = {p: model_without_rules(p) for p in INVALID}


@pytest.mark.parametrize("path", [p for p in INVALID if MODELS[p] is not None], ids=lambda p: p.stem)
def test_every_azure_rule_error_of_an_invalid_catalog_is_found_by_the_pack(path):
    catalog = MODELS[path]
    expected = findings(catalog, scope.RESOURCE + scope.STACK)
    found = Pack().all(plan_catalog(catalog).resources)
    got = {(d.rule, d.name) for d in found}
    rules = {d.rule for d in found}
    missed = {
        (rule, name)
        for rule, name in expected
        if not ((rule, name) in got or ((name is None or rule in EITHER_OF_A_PAIR) and rule in rules))
    }
    assert missed == set()
    assert all(
        d.level == "mandatory" for d in found if d.rule not in ("version.past-end-of-life", "definition.no-latest")
    )


def test_the_invalid_catalogs_hold_errors_of_every_scope():
    """The test above judges something: rules of both scopes, on most of the catalogs that can be built."""
    built = [m for m in MODELS.values() if m is not None]
    rules = {rule for m in built for rule, _ in findings(m, scope.RESOURCE + scope.STACK)}
    assert len(built) >= 30
    assert {
        "security.needs-gen2",
        "region.home-missing",
        "replication.shallow",
        "version.end-of-life",
        "architecture.arm64-managed-image",
        "security.shared-gallery",
        "definition.duplicate",
    } <= rules

"""Every rule of the catalog is placed: judged from one resource, from the stack, or said to be about something else."""

from __future__ import annotations

import pytest

from gallery.catalog import rules
from gallery.catalog.loader import load_catalog
from gallery.raw import scope
from tests.fixtures.paths import ROOT
from tests.fixtures.rawcatalogs import INVALID, VALID, model_without_rules


def test_every_rule_is_placed_exactly_once():
    placed = [s.rule for s in scope.RESOURCE + scope.STACK] + list(scope.ELSEWHERE)
    assert sorted(r.__name__ for r in placed) == sorted(r.__name__ for r in rules.RULES)
    assert all(s.types for s in scope.RESOURCE) and not any(s.types for s in scope.STACK)


def test_policy_names_are_the_rule_functions_names():
    names = [s.name for s in scope.RESOURCE + scope.STACK]
    assert len(set(names)) == len(names)
    assert "generation-requirements" in names and "home-region-replicated" in names
    assert not set(names) & {n for checks in scope.VALUE_CHECKS.values() for n in checks}


BUILT = [p for p in INVALID if model_without_rules(p) is not None]  # the others have no model to judge


@pytest.mark.parametrize("path", VALID + BUILT, ids=lambda p: str(p.relative_to(ROOT)))
def test_advisory_rules_only_warn_and_the_others_only_refuse(path):
    """A policy's default level follows what its rule finds: an advisory one must never hide an error."""
    catalog = model_without_rules(path) if path in INVALID else load_catalog(path, "dev")
    for s in scope.RESOURCE + scope.STACK:
        for f in s.rule(catalog):
            if s.ids is None or f.rule in s.ids:
                assert f.severity == ("warning" if s.advisory else "error"), (s.name, f.rule)

"""Every semantic rule has a test catalog that makes it fire, and each rule stays silent on valid input."""

from __future__ import annotations

import pathlib

import pytest

from gallery.catalog import rules
from gallery.catalog.build import Builder
from gallery.catalog.schema import validate_schema
from gallery.catalog.yamlload import load_yaml
from tests.fixtures.bigcatalogs import many
from tests.fixtures.paths import CATALOGS, ROOT


def _models():
    """The model of every test catalog that gets past the schema (rules only see those)."""
    for path in sorted((CATALOGS / "invalid").glob("*.yaml")) + sorted((CATALOGS / "valid").glob("*.yaml")):
        try:
            doc = load_yaml(path.read_bytes(), str(path))
        except Exception:  # noqa: BLE001 - YAML-level failures never reach the rules
            continue
        if isinstance(doc.data, dict) and not validate_schema(doc):
            yield path, Builder(doc, "dev").catalog()


def _generated():
    """Catalogs over Azure's per-subscription limits: too large to keep as files."""
    for name, text in (("1,001 definitions", many(1_001)), ("10,004 versions", many(41, 244))):
        yield pathlib.Path(name), Builder(load_yaml(text, name), "dev").catalog()


MODELS = list(_models()) + list(_generated())


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda r: r.__name__)
def test_every_rule_fires_on_some_test_catalog(rule):
    fired = [path.name for path, cat in MODELS if list(rule(cat))]
    assert fired, f"no test catalog makes rule {rule.__name__} fire: add one under tests/catalogs/invalid/"


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda r: r.__name__)
def test_every_rule_is_silent_on_the_example(rule):
    doc = load_yaml((ROOT / "images.yaml").read_bytes(), "images.yaml")
    assert list(rule(Builder(doc, "prod").catalog())) == []


def test_rule_names_are_unique():
    names = [r.__name__ for r in rules.RULES]
    assert len(names) == len(set(names))


def test_models_were_found():
    assert len(MODELS) > 15, [p.name for p, _ in MODELS]
    # Both folders feed the rules: the valid catalogs are where a rule must stay silent.
    assert {p.parent.name for p, _ in MODELS} == {"invalid", "valid", ""}  # "": the generated ones

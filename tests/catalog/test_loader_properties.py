"""Property tests: whatever bytes arrive, the loader returns a model or a clean CatalogError.

Never another exception (which the CLI would have to call a bug), never a hang.
"""

from __future__ import annotations

import datetime as dt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gallery.errors import CatalogError, Problem
from gallery.catalog.loader import load_catalog_text
from gallery.catalog.model import Catalog
from tests.fixtures.strategies import EXAMPLE, YAMLISH, mutated_data, mutated_text

SETTINGS = settings(max_examples=150, deadline=dt.timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow])


def _load(data) -> None:
    try:
        result = load_catalog_text(data, "fuzz.yaml")
    except CatalogError as exc:
        assert exc.problems, "a CatalogError must carry at least one problem"
        for p in exc.problems:
            assert isinstance(p, Problem) and p.file == "fuzz.yaml" and p.message
            assert p.line >= 0 and p.column >= 0
        return
    assert isinstance(result, Catalog)


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    _load(data)


@SETTINGS
@given(YAMLISH)
def test_yaml_punctuation_soup(text):
    _load(text)


@SETTINGS
@given(mutated_text())
def test_mutated_example_text(text):
    _load(text)


@SETTINGS
@given(mutated_data())
def test_mutated_example_structure(text):
    _load(text)


def test_example_round_trips_through_the_strategies_base():
    # The strategies above start from a valid catalog: if it stopped loading they would test nothing.
    assert isinstance(load_catalog_text(EXAMPLE, "images.yaml"), Catalog)

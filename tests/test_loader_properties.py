"""Property tests: whatever bytes arrive, the loader returns a model or a clean CatalogError.

Never another exception (which the CLI would have to call a bug), never a hang.
"""
from __future__ import annotations

import datetime as dt
import pathlib

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gallery.errors import CatalogError, Problem
from gallery.catalog.loader import load_catalog_text
from gallery.catalog.model import Catalog

EXAMPLE = (pathlib.Path(__file__).resolve().parent.parent / "images.yaml").read_text("utf-8")
EXAMPLE_DATA = yaml.safe_load(EXAMPLE)
SETTINGS = settings(max_examples=150, deadline=dt.timedelta(seconds=5),
                    suppress_health_check=[HealthCheck.too_slow])


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


YAMLISH = st.text(alphabet=st.sampled_from(list("abc:-[]{},&*!|>'\"#\n\t ?%@`0123456789.~<=")), max_size=300)


@SETTINGS
@given(YAMLISH)
def test_yaml_punctuation_soup(text):
    _load(text)


@st.composite
def mutated_text(draw):
    lines = EXAMPLE.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "truncate", "insert"]))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][2:] if lines[i].startswith("  ") else lines[i]
        elif op == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))] + "\n"
        else:
            lines.insert(i, draw(YAMLISH) + "\n")
    return "".join(lines)


@SETTINGS
@given(mutated_text())
def test_mutated_example_text(text):
    _load(text)


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.floats(allow_nan=False),
                    st.text(max_size=30), st.sampled_from(["westeurope", "1.0.0", "V2", "Linux", "{stack}", ""]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=10), inner, max_size=3)),
                      max_leaves=8)


@st.composite
def mutated_data(draw):
    """The example catalog with one node replaced, deleted, or given an extra key."""
    import copy

    data = copy.deepcopy(EXAMPLE_DATA)
    node = data
    for _ in range(draw(st.integers(0, 6))):
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node, key=str)))
        elif isinstance(node, list) and node:
            key = draw(st.integers(0, len(node) - 1))
        else:
            break
        if not isinstance(node[key], (dict, list)) or draw(st.booleans()):
            break
        node = node[key]
    if isinstance(node, dict) and node:
        key = draw(st.sampled_from(sorted(node, key=str)))
        op = draw(st.sampled_from(["replace", "delete", "add"]))
        if op == "replace":
            node[key] = draw(VALUES)
        elif op == "delete":
            del node[key]
        else:
            node[draw(st.text(min_size=1, max_size=12))] = draw(VALUES)
    elif isinstance(node, list) and node:
        node[draw(st.integers(0, len(node) - 1))] = draw(VALUES)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@SETTINGS
@given(mutated_data())
def test_mutated_example_structure(text):
    _load(text)


def test_example_round_trips_through_the_strategies_base():
    # The strategies above start from a valid catalog: if it stopped loading they would test nothing.
    assert isinstance(load_catalog_text(EXAMPLE, "images.yaml"), Catalog)

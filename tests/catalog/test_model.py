"""The model's own logic: version ordering, `latest`, retirement, equality that ignores positions."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gallery.catalog.loader import load_catalog
from gallery.catalog.model import Pos, SemVer
from tests.fixtures.paths import ROOT


def test_versions_compare_as_integers_not_text():
    assert SemVer.parse("1.0.10") > SemVer.parse("1.0.9")
    assert SemVer.parse("2.0.0") > SemVer.parse("1.99.99")
    assert str(SemVer.parse("10.0.1")) == "10.0.1"


@pytest.mark.parametrize("text", ["1.0", "1.0.0.0", "01.0.0", "1.0.0-beta", "v1.0.0", " 1.0.0", "", "1..0"])
def test_semver_rejects_anything_but_major_minor_patch(text):
    with pytest.raises(ValueError):
        SemVer.parse(text)


@given(
    st.lists(
        st.tuples(st.integers(0, 2**31 - 1), st.integers(0, 2**31 - 1), st.integers(0, 2**31 - 1)),
        min_size=1,
        max_size=20,
    )
)
def test_max_of_semvers_is_the_integer_maximum(parts):
    versions = [SemVer.parse(f"{a}.{b}.{c}") for a, b, c in parts]
    assert max(versions) == SemVer(*max(parts))


def test_latest_skips_excluded_versions_and_retirement_uses_end_of_life():
    cat = load_catalog(ROOT / "images.yaml")
    ubuntu = cat.image("ubuntu-22.04-gen2")
    assert ubuntu.latest.name == "1.1.0"
    v100 = ubuntu.version("1.0.0")
    assert v100.is_retired(dt.date(2026, 1, 1))  # excluded from latest
    v110 = ubuntu.version("1.1.0")
    assert not v110.is_retired(dt.date(2027, 11, 2))
    assert v110.is_retired(dt.date(2027, 11, 3))  # past its end of life


def test_positions_do_not_take_part_in_equality():
    cat = load_catalog(ROOT / "images.yaml")
    v = cat.images[0].versions[0]
    moved = dataclasses.replace(v, path="images[9].versions[9]", pos=Pos(999, 1))
    assert moved == v


def test_tags_are_read_only():
    cat = load_catalog(ROOT / "images.yaml")
    with pytest.raises(TypeError):
        cat.tags["x"] = "y"

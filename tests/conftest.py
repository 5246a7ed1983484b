"""Shared test fixtures. Fixture modules of their own live in tests/fixtures/ and are listed in pytest_plugins."""
from __future__ import annotations

import pathlib

import pytest

from tests.fixtures.paths import ROOT

pytest_plugins: list[str] = ["tests.fixtures.pulumi_mocks", "tests.fixtures.azurite", "tests.fixtures.storage",
                             "tests.fixtures.arm"]


@pytest.fixture
def root() -> pathlib.Path:
    return ROOT

"""Shared test fixtures. Fixture modules of their own are listed in pytest_plugins."""
from __future__ import annotations

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATALOGS = pathlib.Path(__file__).resolve().parent / "catalogs"
SHARED = ROOT.parent / "shared"

pytest_plugins: list[str] = ["tests.pulumi_mocks", "tests.azurite"]


@pytest.fixture
def root() -> pathlib.Path:
    return ROOT

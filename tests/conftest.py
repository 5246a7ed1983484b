"""Shared test fixtures. Fixture modules of their own live in tests/fixtures/ and are listed in pytest_plugins."""

from __future__ import annotations

import pathlib

import pytest

from tests.fixtures.paths import ROOT

pytest_plugins: list[str] = [
    "tests.fixtures.pulumi_mocks",
    "tests.fixtures.azurite",
    "tests.fixtures.storage",
    "tests.fixtures.arm",
]


@pytest.fixture
def root() -> pathlib.Path:
    return ROOT


# The CI variables `version add` and `upload --add-version` record a build from (gallery.lifecycle.provenance):
# unset in every test, so a test run inside GitHub Actions or Azure Pipelines writes what it does anywhere else.
CI_VARIABLES = (
    "GITHUB_ACTIONS",
    "GITHUB_RUN_ID",
    "GITHUB_SHA",
    "GITHUB_REPOSITORY",
    "GITHUB_SERVER_URL",
    "TF_BUILD",
    "BUILD_BUILDID",
    "BUILD_SOURCEVERSION",
    "SYSTEM_COLLECTIONURI",
    "SYSTEM_TEAMPROJECT",
)


@pytest.fixture(autouse=True)
def _outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)

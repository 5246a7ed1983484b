"""Pulumi mock fixtures: fresh recording mocks for each test, runtime settings restored afterwards.

`pulumi_mocks.component(catalog)` declares the ImageGallery component for a catalog under the mock
engine and returns a `ProgramRun` whose registrations (type, name, inputs, options) and stack
outputs are fully resolved, so assertions on them always run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import pulumi
import pytest
from pulumi.runtime import config as runtime_config
from pulumi.runtime import settings as runtime_settings
from pulumi._utils import ContextProperty

from gallery.components import ImageGallery, ImageGalleryArgs
from gallery.plan.engine import AzureMocks, ProgramRun, Registration, run_program
from gallery.catalog.model import Catalog


class RecordingMocks(AzureMocks):
    """Also records what Pulumi's public Mocks API sees (MockResourceArgs): a second, independent witness."""

    def __init__(self) -> None:
        self.created: list[pulumi.runtime.MockResourceArgs] = []
        self.calls: list[pulumi.runtime.MockCallArgs] = []

    def new_resource(self, args):
        self.created.append(args)
        return super().new_resource(args)

    def call(self, args):
        self.calls.append(args)
        return super().call(args)


@dataclass
class PulumiHarness:
    mocks: RecordingMocks = field(default_factory=RecordingMocks)

    def run(self, program: Callable[[], Any], stack: str = "dev",
            config: Optional[dict[str, str]] = None) -> ProgramRun:
        return run_program(program, stack=stack, config=config, mocks=self.mocks)

    def component(self, catalog: Catalog, name: str = "gallery") -> ProgramRun:
        def program() -> None:
            g = ImageGallery(name, ImageGalleryArgs(catalog=catalog))
            pulumi.export("latestVersions", g.latest_versions)
            pulumi.export("latestVersionIds", g.latest_version_ids)
            pulumi.export("versionIds", g.version_ids)
        return self.run(program, stack=catalog.stack)


def by_name(run: ProgramRun) -> dict[str, Registration]:
    names = [r.name for r in run.registrations]
    assert len(names) == len(set(names)), f"logical names are not unique: {sorted(names)}"
    return {r.name: r for r in run.registrations}


def of_type(run: ProgramRun, type_: str) -> list[Registration]:
    return [r for r in run.registrations if r.type == type_]


_VARS = [p._data for p in vars(runtime_settings.Settings).values() if isinstance(p, ContextProperty)]
_VARS += [runtime_settings.ROOT, runtime_config.CONFIG, runtime_config._SECRET_KEYS]


@pytest.fixture
def pulumi_mocks():
    """A fresh harness; whatever a test does to Pulumi's runtime settings is undone afterwards."""
    saved = {var: var.get(_MISSING) for var in _VARS}
    try:
        yield PulumiHarness()
    finally:
        for var, value in saved.items():
            if value is not _MISSING:
                var.set(value)


_MISSING = object()

"""The plans of the example catalog and of every valid test catalog pass armcheck (Azure's REST API specs)."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from gallery.errors import CatalogError
from gallery.catalog.loader import load_catalog
from gallery.plan.run import run_plan
from tests.fixtures.paths import CATALOGS, ROOT, SHARED

ARMCHECK = SHARED / "armcheck" / "armcheck.py"
pytestmark = pytest.mark.skipif(
    not ARMCHECK.exists(),
    reason=f"armcheck (Azure's REST API specs) is not beside this clone at {ARMCHECK}: "
    "CI and the developers' machines have it; a clone from the public repository does not",
)
CATALOG_FILES = [
    ROOT / "images.yaml",
    *sorted((CATALOGS / "valid").glob("*.yaml")),
    *sorted((CATALOGS / "program").glob("*.yaml")),
]


def _valid(path) -> bool:
    try:
        load_catalog(path)
    except CatalogError:
        return False
    return True


# The diff tests' catalogs are small variations of one base: their plans are checked for the dev stack.
DIFF_CATALOGS = [p for p in sorted((CATALOGS / "diff").glob("*.yaml")) if _valid(p)]


@pytest.fixture(scope="module")
def armcheck():
    spec = importlib.util.spec_from_file_location("armcheck", ARMCHECK)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("armcheck", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "catalog, stack",
    [(c, s) for c in CATALOG_FILES for s in ("dev", "prod")] + [(c, "dev") for c in DIFF_CATALOGS],
    ids=lambda x: getattr(x, "name", x),
)
def test_plan_passes_armcheck(armcheck, catalog, stack):
    records = run_plan(catalog, stack)
    report = armcheck.check(records)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert report["errors"] == 0, "\n".join(f"{f['type']} {f['name']}: {f['path']}: {f['message']}" for f in errors)
    # Warnings too: each one is a value Azure would ignore or accept only loosely.
    assert report["warnings"] == 0, report["findings"]
    # Everything Azure receives is checked; only our component and the sharing resources are not ARM PUTs
    # (their calls are checked against Azure's examples in tests/components/test_sharing.py).
    assert set(report["skipped_types"]) <= {
        "gallery:index:ImageGallery",
        "pulumi-python:dynamic/gallery:GallerySharing",
        "pulumi-python:dynamic/gallery:GalleryCommunity",
        "pulumi-python:dynamic/gallery:GallerySharingGuard",
    }
    assert report["checked"] == sum(1 for r in records if r["type"].startswith("azure-native:"))

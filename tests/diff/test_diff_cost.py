"""The review diff's storage (disk GiB × replicas × regions × storage type, priced from the dated table in the
repository) and, with --in-use, how many VMs and scale sets use what a change removes (Resource Graph, served by the
local ARM endpoint)."""

from __future__ import annotations

import json
import pathlib

import pytest

from armlocal import SUBSCRIPTION
from gallery.catalog.loader import load_catalog
from gallery.cli import main
from gallery.cost.prices import Prices, load_prices
from gallery.cost.storage import version_storage
from gallery.diff.cost import storage_changes

EVIDENCE = pathlib.Path(__file__).resolve().parents[1] / "catalogs" / "diff" / "evidence"
BASE, HEAD = EVIDENCE / "sized.yaml", EVIDENCE / "sized-changes.yaml"
PRICES = Prices(
    "2026-01-01",
    "USD",
    "GiB-month",
    "test",
    "test",
    {"Standard_LRS": 0.05, "Standard_ZRS": 0.0625},
    {"northeurope": {"Standard_ZRS": 0.07}},
)
STATED = (
    "estimated from the price table gallery/cost/prices.json of 2026-01-01 (USD per GiB-month, figures not yet "
    "checked against Azure's price page); not a bill"
)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_versions_storage_is_gib_times_replicas_at_each_regions_type():
    v = load_catalog(HEAD).image("ubuntu").version("1.2.0")
    storage = version_storage("ubuntu", v)
    assert storage.describe() == (
        "40 GiB × 3 replicas (westeurope 1 × Standard_LRS, northeurope 2 × Standard_ZRS) = 120 GiB"
    )
    assert storage.monthly(PRICES) == pytest.approx(40 * 0.05 + 40 * 2 * 0.07), "northeurope's own price"
    assert version_storage("ubuntu", v, size_gib=10).gib == 30, "Azure's size wins over the tag"


def test_what_a_change_adds_and_frees():
    report = storage_changes(load_catalog(BASE), load_catalog(HEAD), PRICES)
    assert [c.text(PRICES) for c in report.changes] == [
        "ubuntu 1.2.0: adds 40 GiB × 3 replicas (westeurope 1 × Standard_LRS, northeurope 2 × Standard_ZRS) = 120 "
        "GiB, $7.60/month",
        "ubuntu 1.0.0: frees 30 GiB × 2 replicas (westeurope 1 × Standard_LRS, northeurope 1 × Standard_LRS) = 60 "
        "GiB, $3.00/month",
        "windows 1.0.0: 2 replicas (westeurope 1 × Standard_LRS, northeurope 1 × Standard_LRS), size unknown → 3 "
        "replicas (westeurope 1 × Standard_LRS, northeurope 1 × Standard_LRS, eastus 1 × Standard_LRS), size unknown",
    ]
    assert report.total() == (
        "adds $7.60/month, frees $3.00/month; 1 version of unknown size not priced (`gallery "
        "upload --add-version` records the size, as the tag source.sizeGiB)"
    )


def test_no_storage_change_no_storage_section():
    assert storage_changes(load_catalog(BASE), load_catalog(BASE), PRICES).changes == ()
    tags_only = load_catalog(EVIDENCE / "version-tags.yaml")
    assert storage_changes(load_catalog(EVIDENCE / "base.yaml"), tags_only, PRICES).changes == ()


def test_the_table_in_the_repository_is_dated_and_said_to_be_an_estimate():
    prices = load_prices()
    assert (
        prices.as_of
        and prices.currency == "USD"
        and set(prices.storage_types) >= {"Standard_LRS", "Standard_ZRS", "Premium_LRS", "PremiumV2_LRS"}
    )
    assert f"price table gallery/cost/prices.json of {prices.as_of}" in prices.stated()
    assert prices.stated().endswith("not a bill")


def test_the_diff_shows_storage_in_every_format(capsys):
    code, out, _ = run(capsys, "diff", BASE, HEAD, "--today", "2026-06-01", "--no-plan")
    assert code == 0
    storage = load_prices().stated()
    assert f"storage ({storage}): adds $7.00/month, frees $3.00/month; 1 version of unknown size" in out
    code, out, _ = run(capsys, "diff", BASE, HEAD, "--today", "2026-06-01", "--no-plan", "--format", "markdown")
    assert "#### Storage: adds $7.00/month, frees $3.00/month;" in out
    assert "- ubuntu 1.0.0: frees 30 GiB × 2 replicas" in out
    code, out, _ = run(capsys, "diff", BASE, HEAD, "--today", "2026-06-01", "--no-plan", "--format", "json")
    doc = json.loads(out)["storage"]
    assert (doc["addsMonthly"], doc["freesMonthly"], doc["unknown"]) == (7.0, 3.0, 1)
    assert doc["prices"]["table"] == "gallery/cost/prices.json"
    assert [v["version"] for v in doc["versions"]] == ["1.2.0", "1.0.0", "1.0.0"]


@pytest.fixture
def azure(arm, monkeypatch):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    catalog = load_catalog(BASE)
    arm.add_gallery(catalog.resource_group, catalog.gallery.name)
    return arm


def test_in_use_counts_on_the_removals(azure, capsys):
    catalog = load_catalog(BASE)
    gallery = (
        f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{catalog.resource_group}/providers/Microsoft.Compute/"
        f"galleries/{catalog.gallery.name}"
    )
    azure.add_machine("apps", "vm-1", {"id": f"{gallery}/images/ubuntu/versions/1.0.0"})
    azure.add_machine("apps", "ss-1", {"id": f"{gallery}/images/ubuntu/versions/1.0.0"}, scale_set=True)
    code, out, _ = run(capsys, "diff", BASE, HEAD, "--today", "2026-06-01", "--no-plan", "--in-use", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    [removed] = [f for f in doc["findings"] if f["kind"] == "version.removed-retired"]
    assert removed["inUse"] == 2
    assert removed["message"] == (
        "ubuntu 1.0.0 is deleted (retired: excluded from latest); in use by 1 VM and 1 scale set: vm-1, ss-1"
    )
    assert doc["inUseNote"] == "in-use counts: Azure Resource Graph, every subscription this identity can read"
    assert all(f["inUse"] is None for f in doc["findings"] if f["kind"] != "version.removed-retired")


def test_without_in_use_azure_is_not_asked(azure, capsys):
    code, out, _ = run(capsys, "diff", BASE, HEAD, "--today", "2026-06-01", "--no-plan")
    assert code == 0 and "in use" not in out and azure.requests == []

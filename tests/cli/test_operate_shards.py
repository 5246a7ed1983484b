"""status, promote, lifecycle and version add act on the catalog, not on a stack: on a sharded catalog they do
exactly what they do on the same catalog without shards (against the local ARM endpoint), and an edit keeps
`shards:` as written."""

from __future__ import annotations

import pytest

from armlocal import SUBSCRIPTION, serve_catalog
from gallery.catalog.loader import load_catalog
from gallery.cli import main
from tests.fixtures.paths import CATALOGS

SHARDED = (CATALOGS / "shards" / "example.yaml").read_text()
SHARDS = "\nshards:\n" + SHARDED.split("\nshards:\n")[1]
SINGLE = SHARDED.replace(SHARDS, "\n")


@pytest.fixture
def catalogs(tmp_path, arm, monkeypatch):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    paths = {}
    for name, text in (("sharded", SHARDED), ("single", SINGLE)):
        (tmp_path / name).mkdir()
        paths[name] = tmp_path / name / "images.yaml"
        paths[name].write_text(text)
    serve_catalog(arm, load_catalog(paths["single"]), states={("rocky-9", "9.4.0"): {"northeurope": "Replicating"}})
    return paths


def both(capsys, catalogs, *argv):
    """Run the command on each catalog: (exit code, stdout, stderr) with the catalog's path made neutral."""
    out = {}
    for name, path in catalogs.items():
        code = main([str(a).replace("CATALOG", str(path)) for a in argv])
        o, e = capsys.readouterr()
        out[name] = (code, o.replace(str(path), "images.yaml"), e.replace(str(path), "images.yaml"))
    return out["sharded"], out["single"]


def test_status_reads_the_same_versions_from_azure(catalogs, capsys):
    sharded, single = both(capsys, catalogs, "status", "CATALOG", "--format", "json")
    assert sharded == single and "Replicating" in sharded[1]


@pytest.mark.parametrize(
    "image, version, code", [("windows-2025-datacenter", "2026.12.0", 0), ("rocky-9", "9.4.0", 2)]
)  # still replicating: not promoted
def test_promote_asks_azure_and_edits_the_same_line(catalogs, capsys, image, version, code):
    for path in catalogs.values():
        path.write_text(
            path.read_text().replace(
                f"      - version: {version}\n", f"      - version: {version}\n        excludeFromLatest: true\n"
            )
        )
    sharded, single = both(capsys, catalogs, "promote", image, version, "--catalog", "CATALOG")
    assert sharded == single and sharded[0] == code
    assert catalogs["sharded"].read_text().replace(SHARDS, "\n") == catalogs["single"].read_text()


def test_lifecycle_applies_the_same_edits_and_keeps_the_shards(catalogs, capsys):
    policy = "lifecycle:\n  keepEligibleForLatest: 1\n  endOfLifeAfterDays: 30\n"
    for path in catalogs.values():
        path.write_text(path.read_text().replace("images:\n", policy + "images:\n", 1))
    sharded, single = both(capsys, catalogs, "lifecycle", "CATALOG", "--apply", "--today", "2027-01-15")
    assert sharded == single and sharded[0] == 0
    assert catalogs["sharded"].read_text().replace(SHARDS, "\n") == catalogs["single"].read_text()
    assert catalogs["sharded"].read_text().endswith(SHARDS.lstrip("\n"))
    assert load_catalog(catalogs["sharded"]).shards == load_catalog(CATALOGS / "shards" / "example.yaml").shards


def test_version_add_in_a_shards_definition(catalogs, capsys):
    sharded, single = both(
        capsys, catalogs, "version", "add", "rocky-9", "9.5.0", "--catalog", "CATALOG", "--vhd-captured", "2026-12-01"
    )
    assert sharded == single and sharded[0] == 0
    assert catalogs["sharded"].read_text().replace(SHARDS, "\n") == catalogs["single"].read_text()
    catalog = load_catalog(catalogs["sharded"])
    assert catalog.owner(catalog.image("rocky-9")) == "linux"

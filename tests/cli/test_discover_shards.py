"""`gallery discover --shards-by family`: a sharded catalog, one shard per family, and one import file per stack
holding what that stack declares (the component in each)."""

from __future__ import annotations

import json

import pytest

from armlocal import SUBSCRIPTION
from armlocal.example import add_platform_gallery
from gallery.catalog.loader import load_catalog
from gallery.catalog.model import MAIN
from gallery.cli import main
from gallery.desired.build import desired_state

ARGS = [
    "discover",
    "--subscription",
    SUBSCRIPTION,
    "--resource-group",
    "rg-images-dev",
    "--gallery",
    "gal_platform_dev",
    "--shards-by",
    "family",
]


@pytest.fixture
def served(arm, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    add_platform_gallery(arm)
    return arm


def test_a_shard_per_family_and_an_import_file_per_stack(served, tmp_path, capsys):
    assert main(ARGS) == 0
    out = capsys.readouterr().out.splitlines()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "images.yaml",
        "import-linux.json",
        "import-windows.json",
        "import.json",
    ]
    catalog = load_catalog("images.yaml", "dev")
    assert [(s.name, s.families) for s in catalog.shards] == [("linux", ("linux",)), ("windows", ("windows",))]
    assert (
        (tmp_path / "images.yaml")
        .read_text()
        .endswith(
            "shards:\n  - name: linux\n    families:\n      - linux\n  - name: windows\n    families:\n      - windows\n"
        )
    )
    owners = {r.name: r.owner for r in desired_state(catalog)}
    files = {MAIN: "import.json", "linux": "import-linux.json", "windows": "import-windows.json"}
    everything = []
    for owner, name in files.items():
        entries = json.loads((tmp_path / name).read_text())["resources"]
        assert entries[0] == {"type": "gallery:index:ImageGallery", "name": "gallery", "component": True}
        assert {owners[e["name"]] for e in entries[1:]} == {owner}, name
        everything += [e["name"] for e in entries[1:]]
    # what one file held without shards, each once: 13 resources and the 2 role assignments discover reads
    assert len(everything) == 15 == len(set(everything))
    assert out[-7:] == [
        "the shards' stacks, after the main stack's import (README: Shards):",
        "  wrote import-linux.json: 4 resources for the stack dev-linux",
        f"  pulumi stack init dev-linux && pulumi config set image-gallery:shard linux && pulumi config set "
        f"image-gallery:foundation dev && pulumi config set azure-native:subscriptionId {SUBSCRIPTION}",
        "  pulumi import --file import-linux.json --generate-code=false",
        "  wrote import-windows.json: 4 resources for the stack dev-windows",
        f"  pulumi stack init dev-windows && pulumi config set image-gallery:shard windows && pulumi config set "
        f"image-gallery:foundation dev && pulumi config set azure-native:subscriptionId {SUBSCRIPTION}",
        "  pulumi import --file import-windows.json --generate-code=false",
    ]


def test_an_existing_shard_import_file_is_kept_unless_forced(served, tmp_path, capsys):
    (tmp_path / "import-linux.json").write_text("{}\n")
    assert main(ARGS) == 1
    assert "import-linux.json" in capsys.readouterr().err
    assert main(ARGS + ["--force"]) == 0

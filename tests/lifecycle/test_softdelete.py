"""Soft delete: `gallery status` lists the versions the gallery keeps (SoftDeletedResource_ListByArtifactName, served by
the local ARM endpoint), `gallery version restore` puts one back in the catalog with restore: true, as the catalog's
git history declared it; and status --format markdown shows the storage each version takes."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import pytest

from armlocal import API_VERSION, SUBSCRIPTION, serve_catalog
from gallery.catalog.loader import load_catalog
from gallery.cli import main
from gallery.cost.prices import load_prices
from tests.fixtures.paths import ROOT

UBUNTU = "ubuntu-22.04-gen2"
RG, GALLERY = "rg-images-dev", "gal_platform_dev"
EXAMPLE_OLD = (
    "      - version: 1.0.0\n        source:\n          vhd:\n            captured: 2026-10-05\n"
    "            osDiskCaching: ReadWrite\n        excludeFromLatest: true\n        endOfLife: 2027-04-05\n"
)
OLD = EXAMPLE_OLD.replace("2027-04-05", "2026-11-30")  # past, as when the lifecycle removed it


def git(repo, *args):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo, check=True, capture_output=True
    )


@pytest.fixture
def catalog(tmp_path):
    """The example with soft delete, whose 1.0.0 was retired, committed, then removed in a second commit."""
    path = tmp_path / "images.yaml"
    text = (ROOT / "images.yaml").read_text().replace("softDelete: false", "softDelete: true")
    assert EXAMPLE_OLD in text, "the example's 1.0.0, as this test removes it"
    text = text.replace(EXAMPLE_OLD, OLD)
    path.write_text(text)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "images.yaml")
    git(tmp_path, "commit", "-q", "-m", "1.0.0 retired")
    path.write_text(text.replace(OLD, ""))
    git(tmp_path, "commit", "-q", "-am", "lifecycle: 1.0.0 removed")
    return path


@pytest.fixture
def azure(arm, monkeypatch, catalog):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    serve_catalog(arm, load_catalog(catalog))
    arm.gallery(RG, GALLERY)["properties"]["softDeletePolicy"]["isSoftDeleteEnabled"] = True
    arm.add_soft_deleted(RG, GALLERY, UBUNTU, "1.0.0", deleted="2026-12-01T03:00:00.0000000+00:00")
    return arm


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_status_lists_the_soft_deleted_versions(catalog, azure, capsys):
    code, out, _ = run(capsys, "status", catalog)
    assert code == 0
    assert out.endswith(
        "\n\nsoft-deleted, restorable (`gallery version restore IMAGE VERSION` brings one back):\n"
        f"  {UBUNTU} 1.0.0  deleted 2026-12-01T03:00:00.0000000+00:00\n"
    )
    lists = azure.calls("GET", "/softdeletedartifacttypes/Images/artifacts/")
    assert sorted(r.path.split("/")[-2] for r in lists) == sorted(i.name for i in load_catalog(catalog).images)
    assert all(r.query == {"api-version": API_VERSION} for r in lists)
    code, out, _ = run(capsys, "status", catalog, "--format", "json")
    assert json.loads(out)["softDeleted"] == [
        {
            "image": UBUNTU,
            "version": "1.0.0",
            "deleted": "2026-12-01T03:00:00.0000000+00:00",
            "id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.Compute/galleries/{GALLERY}"
            f"/images/{UBUNTU}/versions/1.0.0",
        }
    ]


def test_a_gallery_without_soft_delete_is_not_asked(arm, monkeypatch, capsys):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    serve_catalog(arm, load_catalog(ROOT / "images.yaml"))
    assert run(capsys, "status", ROOT / "images.yaml")[0] == 0
    assert arm.calls("GET", "softdeletedartifacttypes") == []


def test_status_markdown_shows_the_storage_per_version(catalog, azure, capsys):
    code, out, _ = run(capsys, "status", catalog, "--format", "markdown")
    assert code == 0
    table = out[out.index("#### Storage per version") :].splitlines()
    assert table[2] == f"_{load_prices().stated()}._"
    assert table[4:6] == ["| image | version | disks | replicas | stored | per month |", "|---|---|---|---|---|---|"]
    # armlocal reports 30 GiB for each disk (sizeInGB of GalleryImageVersion_Get): 1.1.0 has an OS disk and two data
    # disks, 1 + 2 ZRS replicas; the Windows version's managed image has no disk image whose size Azure says here.
    assert (
        f"| {UBUNTU} | 1.1.0 | 90 GiB | 3 (westeurope 1 × Standard_LRS, northeurope 2 × Standard_ZRS) | 270 GiB | "
        "$15.75 |" in table
    )
    assert (
        "| windows-2022-datacenter | 2026.11.0 | ? | 4 (westeurope 2 × Standard_ZRS, northeurope 2 × Standard_ZRS) "
        "| ? | ? |" in table
    )
    assert table[-1].startswith("| **all** | | | | **")
    assert "#### Soft-deleted versions" in out


def test_restore_puts_the_version_back_as_git_had_it(catalog, azure, capsys):
    before = catalog.read_text()
    code, out, _ = run(capsys, "version", "restore", UBUNTU, "1.0.0", "--catalog", catalog)
    assert code == 0
    commit = subprocess.run(
        ["git", "log", "--format=%h", "-1", "HEAD~1"], cwd=catalog.parent, capture_output=True, text=True
    ).stdout.strip()
    assert out.splitlines() == [
        f"{catalog}: restored {UBUNTU} 1.0.0 (restore: true), as commit {commit} declared it; Azure keeps it "
        "soft-deleted since 2026-12-01T03:00:00.0000000+00:00",
        "  endOfLife 2026-11-30 had passed: dropped, so the lifecycle policy gives it a new one instead of removing "
        "it again (or pass --end-of-life DATE)",
        "  the next deployment sends it with restore: true (GalleryImageVersion_Update_RestoreSoftDeleted), and Azure "
        "brings back the version it keeps",
    ]
    version = load_catalog(catalog).image(UBUNTU).version("1.0.0")
    assert (version.restore, version.exclude_from_latest, version.end_of_life) == (True, True, None)
    assert version.source.os_blob == "ubuntu-22.04-gen2-os-2026-10-05.vhd"
    assert version.tag("restored.on") == dt.datetime.now(dt.timezone.utc).date().isoformat()
    # Appended after the image's last version, in the image's style; the rest of the file as it was.
    assert catalog.read_text() == before.replace(
        "              - {lun: 1, caching: None}\n        excludeFromLatest: true   # published, replication checked, "
        "promoted in a later change\n",
        "              - {lun: 1, caching: None}\n        excludeFromLatest: true   # published, replication checked, "
        "promoted in a later change\n"
        "      - version: 1.0.0\n        source:\n          vhd:\n            captured: 2026-10-05\n"
        "            osDiskCaching: ReadWrite\n        excludeFromLatest: true\n        restore: true\n"
        f"        tags:\n          restored.on: '{version.tag('restored.on')}'\n",
    )


def test_restore_refuses_what_azure_does_not_keep(catalog, azure, capsys):
    before = catalog.read_bytes()
    code, _, err = run(capsys, "version", "restore", UBUNTU, "0.9.0", "--catalog", catalog)
    assert code == 1
    assert err == (
        f"{catalog.name}: error: Azure keeps no soft-deleted {UBUNTU} 0.9.0 in gallery {GALLERY}; "
        f"soft-deleted versions of {UBUNTU}: 1.0.0; once Azure has deleted a version for good, publish it "
        "again under a new version number\n"
    ).replace(f"{catalog.name}:", f"{catalog}:")
    assert catalog.read_bytes() == before


def test_restore_on_a_gallery_without_soft_delete(tmp_path, capsys):
    path = tmp_path / "images.yaml"
    shutil.copy(ROOT / "images.yaml", path)
    code, _, err = run(capsys, "version", "restore", UBUNTU, "0.9.0", "--catalog", path, "--offline")
    assert code == 1
    assert "gallery gal_platform_{stack} has no soft delete".replace("{stack}", "dev") in err


def test_restore_of_a_version_no_commit_had_needs_its_source(catalog, capsys):
    code, _, err = run(capsys, "version", "restore", UBUNTU, "0.9.0", "--catalog", catalog, "--offline")
    assert code == 1 and f"no commit of {catalog} has {UBUNTU} 0.9.0, so its source is not known" in err
    code, out, _ = run(
        capsys,
        "version",
        "restore",
        UBUNTU,
        "0.9.0",
        "--catalog",
        catalog,
        "--offline",
        "--vhd-captured",
        "2026-09-01",
        "--end-of-life",
        "2027-06-30",
    )
    assert code == 0 and "with the source given; offline: Azure was not asked whether it keeps it" in out
    version = load_catalog(catalog).image(UBUNTU).version("0.9.0")
    assert (version.restore, str(version.end_of_life), version.exclude_from_latest) == (True, "2027-06-30", False)


def test_restore_of_a_version_still_in_the_catalog(catalog, capsys):
    code, _, err = run(capsys, "version", "restore", UBUNTU, "1.1.0", "--catalog", catalog, "--offline")
    assert code == 1 and f"{UBUNTU} 1.1.0 is in the catalog: there is nothing to restore" in err

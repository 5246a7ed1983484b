"""Where a version came from, as `version add` records it in the version's tags: the build from the options or from
GitHub Actions / Azure Pipelines, the capture date (upload --add-version's blob, MD5 and size: tests/vhd)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from gallery.catalog.loader import load_catalog
from gallery.cli import main
from gallery.lifecycle.provenance import Build, ci_build, size_gib, source_tags, upload_tags
from tests.fixtures.paths import ROOT

UBUNTU = "ubuntu-22.04-gen2"
GITHUB = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_RUN_ID": "7431",
    "GITHUB_SHA": "9f2c1e0",
    "GITHUB_REPOSITORY": "c/img",
    "GITHUB_SERVER_URL": "https://github.com",
}
PIPELINES = {
    "TF_BUILD": "True",
    "BUILD_BUILDID": "512",
    "BUILD_SOURCEVERSION": "a1b2c3d",
    "SYSTEM_COLLECTIONURI": "https://dev.azure.com/contoso/",
    "SYSTEM_TEAMPROJECT": "images",
}


@pytest.mark.parametrize(
    "environ, build",
    [
        (GITHUB, Build("github-actions", "7431", "9f2c1e0", "https://github.com/c/img/actions/runs/7431")),
        (
            PIPELINES,
            Build(
                "azure-pipelines", "512", "a1b2c3d", "https://dev.azure.com/contoso/images/_build/results?buildId=512"
            ),
        ),
        ({}, Build()),
    ],
)
def test_the_ci_build(environ, build):
    assert ci_build(environ) == build


def test_the_options_win_over_the_ci():
    assert ci_build(GITHUB, build_id="local-1", commit="deadbeef") == Build(
        "github-actions", "local-1", "deadbeef", "https://github.com/c/img/actions/runs/7431"
    )
    assert ci_build({}, commit="deadbeef") == Build(commit="deadbeef")


def test_what_an_upload_records():
    assert upload_tags(
        container="linux-vhds",
        blob="u-os-2026-11-20.vhd",
        md5_b64="q1w2==",
        captured=dt.date(2026, 11, 20),
        disks=(30 * 2**30 + 512, 2**30 + 1 + 512),
        build=Build(id="9"),
    ) == {
        "source.blob": "linux-vhds/u-os-2026-11-20.vhd",
        "source.md5": "q1w2==",
        "source.captured": "2026-11-20",
        "source.sizeGiB": "32",
        "build.id": "9",
    }
    assert size_gib(512) == 0 and size_gib(2**30 + 512) == 1
    assert source_tags({"managedImage": "/x"}, Build()) == {}


@pytest.fixture
def example(tmp_path):
    path = tmp_path / "images.yaml"
    shutil.copy(ROOT / "images.yaml", path)
    return path


def test_version_add_in_github_actions_records_the_run(example, monkeypatch, capsys):
    for name, value in GITHUB.items():
        monkeypatch.setenv(name, value)
    assert main(["version", "add", UBUNTU, "1.2.0", "--catalog", str(example), "--vhd-captured", "2026-11-20"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "  tagged source.captured=2026-11-20, build.system=github-actions, build.id=7431, build.commit=9f2c1e0, "
        "build.url=https://github.com/c/img/actions/runs/7431"
    )
    assert (
        "      - version: 1.2.0\n        source:\n          vhd:\n            captured: 2026-11-20\n"
        "        tags:\n          source.captured: '2026-11-20'\n          build.system: github-actions\n"
        "          build.id: '7431'\n          build.commit: 9f2c1e0\n"
        "          build.url: https://github.com/c/img/actions/runs/7431\n"
        "\n  # Windows family: built by Packer into a managed image, then published here.\n"
    ) in example.read_text()
    version = load_catalog(example).image(UBUNTU).version("1.2.0")
    assert dict(version.tags) == {
        "source.captured": "2026-11-20",
        "build.system": "github-actions",
        "build.id": "7431",
        "build.commit": "9f2c1e0",
        "build.url": "https://github.com/c/img/actions/runs/7431",
    }


def test_version_add_by_hand_records_the_options(example, capsys):
    assert (
        main(
            [
                "version",
                "add",
                "windows-2022-datacenter",
                "2026.12.0",
                "--catalog",
                str(example),
                "--managed-image",
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/w",
                "--build-id",
                "packer-88",
                "--commit",
                "c0ffee1",
            ]
        )
        == 0
    )
    version = load_catalog(example).image("windows-2022-datacenter").version("2026.12.0")
    assert dict(version.tags) == {"build.id": "packer-88", "build.commit": "c0ffee1"}


def test_version_add_without_a_build_adds_no_build_tags(example, capsys):
    assert (
        main(
            [
                "version",
                "add",
                "windows-2022-datacenter",
                "2026.12.0",
                "--catalog",
                str(example),
                "--managed-image",
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/w",
            ]
        )
        == 0
    )
    assert load_catalog(example).image("windows-2022-datacenter").version("2026.12.0").tags == ()
    assert capsys.readouterr().out.count("\n") == 1

"""The loader end to end: every catalog under tests/catalogs/ pins its exact outcome.

An invalid catalog lists the problems it must produce, in file order, as comments:
    # expect: LINE:COL: error: PATH: MESSAGE
A valid catalog may list the warnings it must produce the same way (`# expect: ...: warning: ...`).
"""

from __future__ import annotations

import pathlib
import re

import pytest

from gallery.errors import CatalogError
from gallery.catalog.loader import load_catalog, load_catalog_text
from tests.fixtures.bigcatalogs import many

CATALOGS = pathlib.Path(__file__).resolve().parents[1] / "catalogs"
EXPECT = re.compile(r"^# expect: (.*)$", re.M)


def _cases(kind: str):
    return sorted((CATALOGS / kind).glob("*.yaml"), key=lambda p: p.name)


def _expected(path: pathlib.Path) -> list[str]:
    return EXPECT.findall(path.read_text("utf-8"))


def _lines(problems, path: pathlib.Path) -> list[str]:
    prefix = f"{path}:"
    return [p.text()[len(prefix) :] for p in problems]


@pytest.mark.parametrize("path", _cases("invalid"), ids=lambda p: p.stem)
def test_invalid_catalog_reports_exactly_the_expected_problems(path):
    expected = _expected(path)
    assert expected, f"{path.name} must say what it expects"
    with pytest.raises(CatalogError) as info:
        load_catalog(path, stack="dev")
    assert _lines(info.value.problems, path) == expected


@pytest.mark.parametrize("path", _cases("valid"), ids=lambda p: p.stem)
def test_valid_catalog_loads_with_exactly_the_expected_warnings(path):
    catalog = load_catalog(path, stack="dev")
    assert _lines(catalog.warnings, path) == _expected(path)


def test_example_catalog_is_valid_and_complete(root):
    catalog = load_catalog(root / "images.yaml", stack="prod")
    assert catalog.resource_group == "rg-images-prod"
    assert catalog.storage.account == "stimagesprod001"
    assert catalog.gallery.name == "gal_platform_prod"
    assert catalog.containers == {"linux": "linux-vhds", "windows": "windows-vhds"}
    assert catalog.warnings == ()
    ubuntu = catalog.image("ubuntu-22.04-gen2")
    assert [str(v.version) for v in ubuntu.versions] == ["1.0.0", "1.1.0", "1.1.1"]
    assert str(ubuntu.latest.version) == "1.1.0"  # 1.1.1 is excluded from latest
    v110 = ubuntu.version("1.1.0")
    assert v110.source.os_blob == "ubuntu-22.04-gen2-os-2026-11-02.vhd"
    assert [d.blob for d in v110.source.data_disks] == [
        "ubuntu-22.04-gen2-datadisk-0-2026-11-02.vhd",
        "ubuntu-22.04-gen2-datadisk-1-2026-11-02.vhd",
    ]
    assert [(t.name, t.replicas, t.storage_account_type) for t in v110.target_regions] == [
        ("westeurope", 1, "Standard_LRS"),
        ("northeurope", 2, "Standard_ZRS"),
    ]
    assert ubuntu.version("1.1.1").source.os_blob == "ubuntu-22.04-gen2-os-2026-11-02-01.vhd"


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(CatalogError) as info:
        load_catalog(tmp_path / "nope.yaml")
    assert [p.text() for p in info.value.problems] == [
        f"{tmp_path / 'nope.yaml'}: error: no such file; give the path of a catalog, e.g. images.yaml"
    ]


def test_display_name_names_the_file_in_messages(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("- a\n")
    with pytest.raises(CatalogError) as info:
        load_catalog(f, display_name="origin/main:images.yaml")
    assert info.value.problems[0].file == "origin/main:images.yaml"


def test_the_readme_example_is_the_real_output(root):
    readme = (root / "README.md").read_text("utf-8")
    shown = re.search(r"```text\n(images\.yaml:.*?)```", readme, re.S).group(1).splitlines()
    example = CATALOGS / "invalid" / "every-problem-in-one-run.yaml"
    assert shown == ["images.yaml:" + line for line in _expected(example)]


def test_a_control_character_is_located(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_bytes("resourceGroup: rg-é\nlocation: west\x07europe\n".encode())
    with pytest.raises(CatalogError) as info:
        load_catalog(f)
    assert [p.text() for p in info.value.problems] == [
        f"{f}:2:15: error: the character U+0007 is not allowed in YAML (a control character); remove it, or write "
        'it as an escape inside double quotes: "\\u0007"'
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        (many(1_000, 10), None),
        (many(1_001), "1,001 image definitions, but Azure allows at most 1,000 per subscription and region"),
        (many(41, 244), "10,004 image versions, but Azure allows at most 10,000 per subscription and region"),
    ],
)
def test_azure_limits_per_subscription_and_region(text, message):
    if message is None:
        assert len(load_catalog_text(text, "c.yaml").images) == 1_000
        return
    with pytest.raises(CatalogError) as info:
        load_catalog_text(text, "c.yaml")
    assert [p.text() for p in info.value.problems] == [
        f"c.yaml:6:3: error: images: {message}; retire and delete old versions, or split the catalog over regions "
        "or subscriptions"
    ]

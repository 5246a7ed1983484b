"""The seeds' naming conventions and Azure's name rules."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gallery.catalog import naming

D = dt.date(2026, 11, 2)


def test_blob_names_follow_the_convention():
    assert naming.os_blob_name("ubuntu-22.04", D) == "ubuntu-22.04-os-2026-11-02.vhd"
    assert naming.os_blob_name("ubuntu-22.04", D, 1) == "ubuntu-22.04-os-2026-11-02-01.vhd"
    assert naming.data_disk_blob_name("ubuntu-22.04", 3, D) == "ubuntu-22.04-datadisk-3-2026-11-02.vhd"
    assert naming.data_disk_blob_name("ubuntu-22.04", 0, D, 12) == "ubuntu-22.04-datadisk-0-2026-11-02-12.vhd"


def test_sequence_is_two_digits():
    with pytest.raises(ValueError):
        naming.os_blob_name("x", D, 100)


@given(
    image=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}[A-Za-z0-9]", fullmatch=True),
    lun=st.one_of(st.none(), st.integers(0, 63)),
    date=st.dates(),
    seq=st.integers(0, 99),
)
def test_parse_blob_name_inverts_the_convention(image, lun, date, seq):
    name = naming.os_blob_name(image, date, seq) if lun is None else naming.data_disk_blob_name(image, lun, date, seq)
    assert naming.parse_blob_name(name) == (image, lun, date, seq)


@pytest.mark.parametrize("name", ["x-os-2026-11-02-00.vhd", "x-os-2026-13-02.vhd", "x-os-2026-11-02.vhdx", "x.vhd"])
def test_parse_blob_name_rejects_other_names(name):
    assert naming.parse_blob_name(name) is None


@pytest.mark.parametrize(
    "check, name, problem",
    [
        (naming.check_gallery_name, "gal_platform.prod", None),
        (
            naming.check_gallery_name,
            "gal-platform",
            "may not contain hyphens: use letters, digits, '.' and '_' (e.g. gal_platform)",
        ),
        (
            naming.check_gallery_name,
            "_gal",
            "may contain only letters, digits, '.' and '_', and must start and end with a letter or digit",
        ),
        (naming.check_gallery_name, "g" * 81, "must be 1-80 characters long (it has 81)"),
        (naming.check_definition_name, "ubuntu-22.04_gen2", None),
        (
            naming.check_definition_name,
            "ubuntu.",
            "may contain only letters, digits, '-', '.' and '_', and must start and end with a letter or digit",
        ),
        (naming.check_storage_account_name, "stimages001", None),
        (naming.check_storage_account_name, "st", "must be 3-24 lowercase letters and digits (it has 2 characters)"),
        (
            naming.check_storage_account_name,
            "stImages",
            "must be 3-24 lowercase letters and digits (it has 8 characters, with not allowed: 'I')",
        ),
        (naming.check_container_name, "linux-vhds", None),
        (naming.check_container_name, "linux--vhds", "may not contain consecutive hyphens ('--')"),
        (
            naming.check_container_name,
            "Linux-vhds",
            "may contain only lowercase letters, digits and '-', and must start and end with a letter or digit",
        ),
        (naming.check_container_name, "ab", "must be 3-63 characters long (it has 2)"),
        (naming.check_resource_group_name, "rg-images_(prod).eu", None),
        (naming.check_resource_group_name, "rg.", "may not end with '.'"),
        (naming.check_resource_group_name, "rg images", "may contain only letters, digits, '_', '(', ')', '-' and '.'"),
        (naming.check_resource_group_name, "r" * 91, "must be 1-90 characters long (it has 91)"),
    ],
)
def test_name_rules(check, name, problem):
    assert check(name) == problem


@pytest.mark.parametrize(
    "part, value, problem",
    [
        ("publisher", "Contoso", None),
        ("offer", "o" * 65, "must be 1-64 characters long (it has 65)"),
        ("publisher", "p" * 128, None),
        ("sku", "22_04.", "may not end with '.'"),
        ("sku", "22 04", "may contain only letters, digits, '.', '_' and '-'"),
    ],
)
def test_identifier_rules(part, value, problem):
    assert naming.check_identifier_part(part, value) == problem


def test_container_and_uri():
    assert naming.container_name("{family}-vhds", "linux") == "linux-vhds"
    assert naming.vhd_uri("st1", "linux-vhds", "a.vhd") == "https://st1.blob.core.windows.net/linux-vhds/a.vhd"


def test_a_blob_name_is_percent_encoded_in_its_uri():
    # Azure takes any character in a blob name; in the URI a space, '#' or '%' must be encoded, '/' must not.
    assert (
        naming.vhd_uri("st1", "windows-vhds", "win2022 disk#1 100%.vhd")
        == "https://st1.blob.core.windows.net/windows-vhds/win2022%20disk%231%20100%25.vhd"
    )
    assert (
        naming.vhd_uri("st1", "linux-vhds", "custom/os-disk.vhd")
        == "https://st1.blob.core.windows.net/linux-vhds/custom/os-disk.vhd"
    )

"""`vhd check` as a library call: verdicts in the order found, an unreadable file as CatalogError."""

from __future__ import annotations

import pytest

from gallery.errors import CatalogError
from gallery.vhd.check import check_files, inspect_file
from tests.fixtures.vhds import MIB, make_vhd


@pytest.fixture(autouse=True)
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_check_files_gives_the_accepted_lines_and_every_problem_file_by_file():
    make_vhd("good.vhd", MIB, writes=())
    with open("disk.raw", "wb") as f:
        f.truncate(MIB)
    checked = check_files(["missing.vhd", "good.vhd", "disk.raw"])
    assert checked.accepted == (
        "good.vhd: ok: fixed VHD, 1048576 bytes (1.0 MiB) + 512-byte footer, Azure will accept it",
    )
    assert [(p.file, p.message.split(":")[0]) for p in checked.problems] == [
        ("missing.vhd", "no such file"),
        ("disk.raw", "has no VHD footer"),
    ]


def test_inspect_file_names_a_directory():
    with pytest.raises(CatalogError) as refused:
        inspect_file(".")
    assert [p.text() for p in refused.value.problems] == [".: error: is a directory, not a disk image"]

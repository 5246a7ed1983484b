"""`vhd convert` as a library call: a raw image becomes a fixed VHD; anything else is refused as CatalogError."""

from __future__ import annotations

import pytest

from gallery.errors import CatalogError
from gallery.vhd import vhdfile as vhd
from gallery.vhd.convert import convert
from tests.fixtures.vhds import MIB, make_vhd


@pytest.fixture(autouse=True)
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_convert_writes_the_fixed_vhd_and_says_so():
    with open("disk.raw", "wb") as f:
        f.truncate(MIB + 1)
    done = convert("disk.raw", "disk.vhd")
    assert (done.raw_size, done.size, vhd.inspect("disk.vhd").ok) == (MIB + 1, 2 * MIB, True)
    assert (
        done.summary() == "disk.vhd: wrote a fixed VHD of 2097152 bytes (from 1048577 bytes of disk.raw) + "
        "512-byte footer"
    )


def test_convert_takes_only_a_raw_image():
    with open("disk.vhdx", "wb") as f:
        f.write(b"vhdxfile")
        f.truncate(MIB)
    with pytest.raises(CatalogError) as refused:
        convert("disk.vhdx", "out.vhd")
    assert [(p.file, p.rule) for p in refused.value.problems] == [("disk.vhdx", "vhd.vhdx")]
    make_vhd("good.vhd", MIB, writes=())
    with pytest.raises(CatalogError) as refused:
        convert("good.vhd", "out.vhd")
    assert [p.text() for p in refused.value.problems] == [
        "good.vhd: error: is already a fixed VHD that Azure accepts: nothing to convert"
    ]

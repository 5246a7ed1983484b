"""The upload command's run: everything it refuses is refused before storage is asked anything."""

from __future__ import annotations

import pytest

from gallery.errors import CatalogError
from gallery.vhd import blobstore
from gallery.vhd.run import Rejected, UploadRequest, upload_file
from tests.fixtures.storage import CATALOG
from tests.fixtures.vhds import MIB, make_vhd


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """A catalog and a good disk in tmp_path, and a storage account that must not be asked."""
    (tmp_path / "images.yaml").write_text(CATALOG % "x")
    monkeypatch.chdir(tmp_path)
    make_vhd("d.vhd", MIB, writes=())

    def no_storage(*_args, **_kwargs):
        raise AssertionError("storage was asked before the request was checked")

    monkeypatch.setattr(blobstore, "service_client", no_storage)


def request(**changes) -> UploadRequest:
    return UploadRequest(
        **{"file": "d.vhd", "image": "ubuntu-test", "catalog": "images.yaml", "stack": "dev", **changes}
    )


def test_a_file_azure_would_reject_is_rejected_with_its_problems_in_order(offline):
    with open("disk.img", "wb") as f:
        f.truncate(MIB)
    with pytest.raises(Rejected) as rejected:
        upload_file(request(file="disk.img"))
    assert str(rejected.value) == "disk.img: not uploaded: Azure would reject it"
    assert [p.rule for p in rejected.value.problems] == ["vhd.raw"]


@pytest.mark.parametrize(
    "changes, text",
    [
        ({"image": "ubuntu-tset"}, "images.yaml: error: has no image named 'ubuntu-tset'; did you mean 'ubuntu-test'?"),
        (
            {"add_version": "1.1.0", "data_disk": 0},
            "images.yaml: error: --add-version goes with the OS disk; upload the "
            "data disks first (--data-disk LUN), then the OS disk with --add-version: the version gets them all",
        ),
        (
            {"add_version": "1.1"},
            "images.yaml: error: --add-version '1.1' is not Major.Minor.Patch; e.g. --add-version 1.2.0",
        ),
        (
            {"add_version": "1.0.0"},
            "images.yaml: error: image ubuntu-test already has version 1.0.0; versions cannot "
            "be republished: choose the next version number",
        ),
    ],
)
def test_what_the_catalog_refuses_is_said_before_anything_is_sent(offline, changes, text):
    with pytest.raises(CatalogError) as refused:
        upload_file(request(**changes))
    assert [p.text() for p in refused.value.problems] == [text]

"""`validate --check-blobs` and `plan --check-blobs` against a real Azurite."""

from __future__ import annotations

from gallery.vhd import blobstore
from gallery.cli import main
from gallery.catalog.loader import load_catalog
from tests.fixtures.vhds import make_vhd


def test_validate_check_blobs_exits_1_naming_each_missing_blob(blob_catalog, capsys):
    assert main(["validate"]) == 0  # offline, the catalog is fine
    capsys.readouterr()
    assert main(["validate", "images.yaml", "--check-blobs"]) == 1
    err = capsys.readouterr().err.splitlines()
    os_blob, data_blob = load_catalog("images.yaml").images[0].versions[0].source.blobs
    assert err == [
        f"images.yaml:16:9: error: images[0].versions[0].source.vhd: blob {blob_catalog.container_name}/{os_blob} "
        "does not exist: upload it with gallery upload",
        f"images.yaml:16:9: error: images[0].versions[0].source.vhd.dataDisks[0]: blob "
        f"{blob_catalog.container_name}/{data_blob} does not exist: upload it with gallery upload",
    ]


def test_check_blobs_passes_once_the_blobs_are_uploaded(blob_catalog, capsys):
    cat = load_catalog("images.yaml")
    version = cat.images[0].versions[0]
    make_vhd("os.vhd")
    make_vhd("data.vhd", size=3 << 20, writes=((4096, b"d"),))
    assert (
        main(
            [
                "upload",
                "os.vhd",
                "--image",
                cat.images[0].name,
                "--captured",
                version.source.captured.isoformat(),
                "--quiet",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "upload",
                "data.vhd",
                "--image",
                cat.images[0].name,
                "--captured",
                version.source.captured.isoformat(),
                "--data-disk",
                "0",
                "--quiet",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["validate", "--check-blobs"]) == 0
    assert capsys.readouterr().out.startswith("images.yaml: valid (")
    assert main(["plan", "--check-blobs"]) == 0
    assert "to create" in capsys.readouterr().out


def test_check_blobs_says_when_the_account_cannot_be_read(blob_catalog, fast_retries, monkeypatch, capsys):
    monkeypatch.setenv(
        blobstore.CONNECTION_STRING,
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=d3Jvbmc=;"
        "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;",
    )
    assert main(["validate", "images.yaml", "--check-blobs"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "images.yaml: error: storage.account: cannot check the VHD blobs (account devstoreaccount1 "
        "from AZURE_STORAGE_CONNECTION_STRING): the storage service cannot be reached"
    )
    assert "Traceback" not in err

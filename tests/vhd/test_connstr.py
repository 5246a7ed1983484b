"""Connection strings are checked before the Azure SDK sees them, and their values never repeated."""

from __future__ import annotations

import pytest

from gallery.vhd import blobstore, connstr
from gallery.cli import main
from tests.fixtures.azurite import KEY
from tests.fixtures.vhds import make_vhd

SHAPE = "DefaultEndpointsProtocol=https;AccountName=NAME;AccountKey=KEY;EndpointSuffix=core.windows.net"


@pytest.mark.parametrize(
    "conn, message",
    [
        (
            "hello world",
            "is not a connection string: part 1 of 1 is not a Key=Value setting; a connection string "
            f"looks like {SHAPE}",
        ),
        (" ; ", f"is empty; a connection string looks like {SHAPE}"),
        (
            f"AccountName=acc;AccountKey={KEY[:-3]}",
            "has an AccountKey= that is not base64: a storage account key is 88 "
            "characters of A-Z, a-z, 0-9, + and /, ending in ==; it was cut or changed when it was copied",
        ),
        ("AccountName=acc;AccountKey=", "has an empty AccountKey="),
        ("AccountName=acc", "has neither AccountKey= nor SharedAccessSignature=: it gives no credential"),
        (
            f"AccountKey={KEY};BlobEndpoint=http://127.0.0.1:10000/acc",
            "has an AccountKey= but no AccountName=: a key signs requests only with its account's name",
        ),
        (
            "SharedAccessSignature=sv=2024&sig=x",
            "has neither BlobEndpoint= nor AccountName=: it does not say which storage account to use",
        ),
        (
            f"AccountName=acc;AccountKey={KEY};BlobEndpoint=127.0.0.1:10000",
            "has a BlobEndpoint= that is not an http:// or https:// URL",
        ),
        (
            f"DefaultEndpointsProtocol=ftp;AccountName=acc;AccountKey={KEY}",
            "has a DefaultEndpointsProtocol= that is neither https nor http",
        ),
        (f"AccountName=acc;AcountKey={KEY}", "has an unknown setting 'acountkey'; did you mean AccountKey?"),
    ],
)
def test_a_bad_connection_string_is_named_without_its_values(conn, message):
    assert connstr.problem(conn) == message


@pytest.mark.parametrize(
    "conn",
    [
        f"DefaultEndpointsProtocol=https;AccountName=acc;AccountKey={KEY};EndpointSuffix=core.windows.net",
        f"accountname=acc;accountkey={KEY};",
        "BlobEndpoint=https://acc.blob.core.windows.net/;SharedAccessSignature=sv=2024-05-04&sig=abc%3D",
        "UseDevelopmentStorage=true",
    ],
)
def test_good_connection_strings_pass(conn):
    assert connstr.problem(conn) is None


@pytest.mark.parametrize(
    "conn, message",
    [
        (
            "hello world",
            "is not a connection string: part 1 of 1 is not a Key=Value setting; a connection string "
            f"looks like {SHAPE}",
        ),
        (
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=not-base64!;"
            "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
            "has an AccountKey= that is not base64: a storage account key is 88 characters of A-Z, a-z, 0-9, + and /, "
            "ending in ==; it was cut or changed when it was copied",
        ),
    ],
)
def test_upload_and_check_blobs_exit_1_naming_what_is_wrong(blob_catalog, monkeypatch, capsys, conn, message):
    make_vhd("d.vhd")
    monkeypatch.setenv(blobstore.CONNECTION_STRING, conn)
    expected = (
        f"AZURE_STORAGE_CONNECTION_STRING: error: {message}; copy the storage account's connection string "
        "again (the portal's Access keys, or az storage account show-connection-string --name ACCOUNT), or "
        "unset AZURE_STORAGE_CONNECTION_STRING to use your Azure login\n"
    )
    assert main(["upload", "d.vhd", "--image", "ubuntu-test", "-q", "--catalog", "images.yaml"]) == 1
    assert capsys.readouterr().err == expected
    assert main(["validate", "images.yaml", "--check-blobs"]) == 1
    assert capsys.readouterr().err == expected

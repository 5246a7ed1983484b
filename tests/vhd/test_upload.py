"""The upload engine and the `upload` command, against a real Azurite (the `azurite` fixture)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import uuid

import pytest
from azure.storage.blob import BlobLeaseClient, BlobServiceClient, ContainerClient

from gallery.vhd import blobstore, retries, upload, vhdfile as vhd

from gallery.catalog import naming
from gallery.cli import main
from gallery.catalog.loader import load_catalog
from tests.fixtures.storage import CATALOG
from tests.fixtures.vhds import MIB, make_vhd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DAY = dt.date(2026, 11, 2)


def os_name(seq: int) -> str:
    return naming.os_blob_name("img", DAY, seq)


def download(container, name) -> bytes:
    return container.get_blob_client(name).download_blob().readall()


# -- the engine -----------------------------------------------------------------------------------


def test_a_sparse_vhd_uploads_byte_identical_sending_only_its_data(tmp_path, container):
    content = make_vhd(tmp_path / "d.vhd")
    calls = []
    result = upload.upload_vhd(
        container, os_name, tmp_path / "d.vhd", workers=4, progress=lambda done, sent: calls.append((done, sent))
    )
    assert (result.blob, result.outcome, result.size) == ("img-os-2026-11-02.vhd", "uploaded", 6 * MIB + 512)
    assert max(calls) == (result.size, result.sent_bytes)
    # 4 KiB blocks: two for the 5000 bytes, one each for the "b"s and the "c", and the footer's 512 bytes.
    assert (result.data_bytes, result.sent_bytes) == (4 * 4096 + 512, 4 * 4096 + 512)
    assert download(container, result.blob) == content
    props = container.get_blob_client(result.blob).get_blob_properties()
    assert (
        props.blob_type,
        props.metadata[upload.STATE],
        bytes(props.content_settings.content_md5).hex(),
        props.metadata[upload.MD5],
    ) == ("PageBlob", "complete", result.md5, result.md5)
    assert blobstore.remote_md5(container.get_blob_client(result.blob), result.size).hex() == result.md5


def test_a_second_upload_of_the_same_file_sends_nothing(tmp_path, container):
    make_vhd(tmp_path / "d.vhd")
    first = upload.upload_vhd(container, os_name, tmp_path / "d.vhd")
    etag = container.get_blob_client(first.blob).get_blob_properties().etag
    again = upload.upload_vhd(container, os_name, tmp_path / "d.vhd")
    assert (again.blob, again.outcome, again.sent_bytes, again.md5) == (first.blob, "already-uploaded", 0, first.md5)
    assert container.get_blob_client(first.blob).get_blob_properties().etag == etag


def test_a_different_file_on_the_same_day_gets_the_next_suffix(tmp_path, container):
    make_vhd(tmp_path / "a.vhd")
    other = make_vhd(tmp_path / "b.vhd", writes=((2 * MIB, b"other"),))
    upload.upload_vhd(container, os_name, tmp_path / "a.vhd")
    result = upload.upload_vhd(container, os_name, tmp_path / "b.vhd")
    assert (result.blob, result.sequence, result.skipped) == (
        "img-os-2026-11-02-01.vhd",
        1,
        ["img-os-2026-11-02.vhd: another disk of the same size"],
    )
    assert download(container, result.blob) == other


def test_occupied_names_are_passed_over_never_overwritten(tmp_path, container):
    content = make_vhd(tmp_path / "d.vhd")
    container.upload_blob(os_name(0), b"a block blob")
    container.get_blob_client(os_name(1)).create_page_blob(
        MIB, metadata={upload.STATE: "incomplete", upload.SOURCE: "someone else"}
    )
    result = upload.upload_vhd(container, os_name, tmp_path / "d.vhd")
    assert result.skipped == [
        "img-os-2026-11-02.vhd: a BlockBlob, not a page blob",
        "img-os-2026-11-02-01.vhd: an unfinished upload of another file (delete it if nobody is uploading it)",
    ]
    assert (result.blob, download(container, os_name(0))) == ("img-os-2026-11-02-02.vhd", b"a block blob")
    assert download(container, result.blob) == content


KILLER = """
import os, signal, sys
from azure.storage.blob import ContainerClient
from gallery.vhd import upload
connection_string, container, blob, path, puts = sys.argv[1:]
ranges = set()
def hook(request):  # SIGKILL ourselves as a put of range number puts + 1 is about to go out
    if "comp=page&" in request.http_request.url + "&":  # a put, not comp=pagelist
        # Distinct ranges, not requests: a put the SDK retries (a slow answer under load) counts once.
        ranges.add(request.http_request.headers["x-ms-range"])
        if len(ranges) > int(puts):
            os.kill(os.getpid(), signal.SIGKILL)
client = ContainerClient.from_connection_string(connection_string, container, raw_request_hook=hook)
upload.upload_vhd(client, lambda seq: blob, path, workers=1)
"""


def test_an_upload_killed_half_way_resumes_and_completes_identical(tmp_path, container, azurite):
    writes = [(i * 4 * MIB + 100 * i, bytes([i + 1]) * 3000) for i in range(6)]  # one 4 KiB block each
    content = make_vhd(tmp_path / "d.vhd", 24 * MIB, writes)
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, azurite, container.container_name, os_name(0), str(tmp_path / "d.vhd"), "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -9, killed.stderr
    blob = container.get_blob_client(os_name(0))
    assert blob.get_blob_properties().metadata[upload.STATE] == "incomplete"
    assert blobstore.page_ranges(blob) == [(0, 4096), (4 * MIB, 4 * MIB + 4096), (8 * MIB, 8 * MIB + 4096)]
    # A half-uploaded blob is never taken for a complete one: a second file does not match it...
    make_vhd(tmp_path / "other.vhd", 24 * MIB)
    assert upload.upload_vhd(container, os_name, tmp_path / "other.vhd").blob == os_name(1)
    # The killed upload's lease is still on the blob, and the same command on this machine takes it back at once,
    # sending only what is missing.
    assert blob.get_blob_properties().lease.state == "leased"
    result = upload.upload_vhd(container, os_name, tmp_path / "d.vhd")
    assert (result.blob, result.outcome, result.sent_bytes) == (os_name(0), "resumed", 3 * 4096 + 512)
    assert download(container, os_name(0)) == content
    props = blob.get_blob_properties()
    assert (props.metadata[upload.STATE], props.lease.state) == ("complete", "available")


def test_an_upload_from_another_machine_waits_for_the_lease(tmp_path, container, monkeypatch):
    """The blob is leased by an upload elsewhere (another machine's lease id): this one says so, and sends nothing."""
    make_vhd(tmp_path / "d.vhd", 8 * MIB, [(0, b"x" * 100)])
    blob = container.get_blob_client(os_name(0))
    blob.create_page_blob(
        8 * MIB + 512,
        metadata={
            upload.STATE: "incomplete",
            upload.SOURCE: upload.fingerprint(tmp_path / "d.vhd"),
            upload.ORIGIN: upload.origin(tmp_path / "d.vhd"),
        },
    )
    elsewhere = BlobLeaseClient(blob)
    elsewhere.acquire(lease_duration=60)
    with pytest.raises(upload.UploadError) as leased:
        upload.upload_vhd(container, os_name, tmp_path / "d.vhd")
    assert str(leased.value) == (
        f"{os_name(0)}: another upload of it is in progress from another machine or file (the blob is leased): let "
        "it finish. If none is running (an upload killed elsewhere holds the lease for up to 60 s; the same command "
        "on the machine that was uploading resumes at once), run the command again in a minute, or break the lease: "
        f"az storage blob lease break --account-name devstoreaccount1 --container-name {container.container_name} "
        f"--blob-name {os_name(0)}"
    )
    assert blobstore.page_ranges(blob) == []
    elsewhere.release()


TERMINATED = """
import os, signal, sys
from azure.storage.blob import BlobServiceClient
from gallery.vhd import blobstore
from gallery.cli import main
ranges = set()
def hook(request):  # SIGTERM ourselves (a cancelled CI job) as a put of range number 3 is about to go out
    if "comp=page&" in request.http_request.url + "&":
        ranges.add(request.http_request.headers["x-ms-range"])
        if len(ranges) == 3:
            os.kill(os.getpid(), signal.SIGTERM)
blobstore.service_client = lambda account: (BlobServiceClient.from_connection_string(
    os.environ[blobstore.CONNECTION_STRING], raw_request_hook=hook), "account from a connection string")
sys.exit(main(sys.argv[1:]))
"""


def test_sigterm_is_handled_like_ctrl_c_and_the_same_command_resumes(blob_catalog):
    make_vhd("d.vhd", 24 * MIB, [(i * 4 * MIB + 100 * i, bytes([i + 1]) * 3000) for i in range(6)])
    command = ["upload", "d.vhd", "--image", "ubuntu-test", "--captured", "2026-11-21", "--workers", "1", "-q"]
    env = {**os.environ, "PYTHONPATH": ROOT}
    stopped = subprocess.run([sys.executable, "-c", TERMINATED, *command], capture_output=True, text=True, env=env)
    name = naming.os_blob_name("ubuntu-test", dt.date(2026, 11, 21), 0)
    assert (stopped.returncode, stopped.stderr) == (
        143,
        (  # 128 + SIGTERM, the rule for every command
            "terminated: the blob in devstoreaccount1/"
            f"{blob_catalog.container_name} stays marked unfinished: run the same command again on this machine to "
            "resume it at once\n"
        ),
    )
    props = blob_catalog.get_blob_client(name).get_blob_properties()
    assert (props.metadata[upload.STATE], props.lease.state) == ("incomplete", "available")
    assert main(command) == 0
    assert blob_catalog.get_blob_client(name).get_blob_properties().metadata[upload.STATE] == "complete"


# -- the command ----------------------------------------------------------------------------------


def test_upload_command_names_the_blob_and_prints_the_catalog_lines(blob_catalog, capsys):
    make_vhd("a.vhd")
    make_vhd("b.vhd", writes=((MIB, b"b"),))
    assert main(["upload", "a.vhd", "--image", "ubuntu-test", "--captured", "2026-11-21", "--quiet"]) == 0
    assert main(["upload", "b.vhd", "--image", "ubuntu-test", "--captured", "2026-11-21", "--quiet"]) == 0
    out = capsys.readouterr().out
    md5 = upload.b64(upload.disk_md5("b.vhd"))
    where = f"devstoreaccount1/{blob_catalog.container_name}"
    assert out.split("\n", 7)[7] == (
        f"uploaded {where}/ubuntu-test-os-2026-11-21-01.vhd: 4608 bytes sent (4608 bytes of non-zero data in a "
        f"6.0 MiB file) in {out.split(' in ')[-1].split(' s;')[0]} s; page blob verified, Content-MD5 {md5}\n"
        "Add the new version to images.yaml, under images: name: ubuntu-test, versions:\n"
        "      - version: 1.1.0   # any Major.Minor.Patch above 1.0.0\n"
        "        source:\n"
        "          vhd:\n"
        "            captured: 2026-11-21\n"
        "            sequence: 1\n"
        "            osDiskCaching: ReadWrite\n"
    )


def test_upload_command_for_a_data_disk_and_a_referenced_blob(blob_catalog, capsys):
    make_vhd("d.vhd")
    assert (
        main(["upload", "d.vhd", "--image", "ubuntu-test", "--data-disk", "1", "--captured", "2026-11-21", "-q"]) == 0
    )
    assert capsys.readouterr().out.split("\n", 1)[1] == (
        "Add the data disk to the version whose source has captured: 2026-11-21, under source.vhd:\n"
        "            dataDisks:\n"
        "              - {lun: 1, caching: None}\n"
        "warning: ubuntu-test-os-2026-11-21.vhd is not uploaded yet: the OS disk of that version must have the "
        "same date and sequence\n"
    )
    assert (
        main(["upload", "d.vhd", "--image", "ubuntu-test", "--data-disk", "0", "--captured", "2026-11-02", "-q"]) == 0
    )
    assert (
        capsys.readouterr().out.split("\n", 1)[1]
        == "images.yaml already references it: images[0].versions[0] (version 1.0.0)\n"
    )


def test_a_data_disk_takes_the_sequence_of_the_newest_os_disk_of_its_day(blob_catalog, capsys):
    make_vhd("os-a.vhd")
    make_vhd("os-b.vhd", writes=((MIB, b"b"),))
    make_vhd("data.vhd", writes=((MIB, b"data"),))
    for name in ("os-a.vhd", "os-b.vhd"):
        assert main(["upload", name, "--image", "ubuntu-test", "--captured", "2026-11-21", "-q"]) == 0
    assert (
        main(["upload", "data.vhd", "--image", "ubuntu-test", "--data-disk", "0", "--captured", "2026-11-21", "-q"])
        == 0
    )
    assert capsys.readouterr().out.splitlines()[-3:] == [
        "Add the data disk to the version whose source has captured: 2026-11-21, sequence: 1, under source.vhd:",
        "            dataDisks:",
        "              - {lun: 0, caching: None}",
    ]
    assert [b.name for b in blob_catalog.list_blobs()] == [
        "ubuntu-test-datadisk-0-2026-11-21-01.vhd",
        "ubuntu-test-os-2026-11-21-01.vhd",
        "ubuntu-test-os-2026-11-21.vhd",
    ]


def test_upload_refuses_a_file_azure_would_reject(blob_catalog, capsys):
    with open("disk.img", "wb") as f:
        f.truncate(MIB)
    assert main(["upload", "disk.img", "--image", "ubuntu-test", "--catalog", "images.yaml"]) == 1
    assert capsys.readouterr().err == (
        "disk.img: error: has no VHD footer: it looks like a raw disk image (no partition table found); write "
        "its fixed VHD form (rounded up to a multiple of 1 MiB, sparse) with: gallery vhd convert "
        "disk.img disk-fixed.vhd\n"
        "disk.img: not uploaded: Azure would reject it\n"
    )
    assert list(blob_catalog.list_blobs()) == []


def test_upload_names_an_unknown_image_and_a_missing_container(blob_catalog, capsys):
    make_vhd("d.vhd")
    assert main(["upload", "d.vhd", "--image", "ubuntu-tset", "--catalog", "images.yaml"]) == 1
    assert (
        capsys.readouterr().err == "images.yaml: error: has no image named 'ubuntu-tset'; did you mean 'ubuntu-test'?\n"
    )
    blob_catalog.delete_container()
    assert main(["upload", "d.vhd", "--image", "ubuntu-test", "-q", "--catalog", "images.yaml"]) == 1
    assert capsys.readouterr().err == (
        f"d.vhd: error: not uploaded to devstoreaccount1/{blob_catalog.container_name} (account devstoreaccount1 from "
        "AZURE_STORAGE_CONNECTION_STRING): the container does not exist: deploy the stack first (pulumi up "
        "creates the family containers)\n"
    )


def test_upload_says_when_the_account_key_is_wrong(blob_catalog, azurite, monkeypatch, capsys):
    make_vhd("d.vhd")
    monkeypatch.setenv(blobstore.CONNECTION_STRING, azurite.replace("AccountKey=Eby8", "AccountKey=Xby8"))
    assert main(["upload", "d.vhd", "--image", "ubuntu-test", "-q", "--catalog", "images.yaml"]) == 1
    assert capsys.readouterr().err == (
        f"d.vhd: error: not uploaded to devstoreaccount1/{blob_catalog.container_name} (account devstoreaccount1 from "
        "AZURE_STORAGE_CONNECTION_STRING): access denied (AuthorizationFailure): the key or SAS token in "
        "AZURE_STORAGE_CONNECTION_STRING is wrong, expired or lacks write permission\n"
    )


# -- --check-blobs --------------------------------------------------------------------------------


def test_check_catalog_blobs_reports_each_bad_blob_at_its_version(blob_catalog, azurite):
    cat = load_catalog("images.yaml")
    service = BlobServiceClient.from_connection_string(azurite)
    os_blob, data_blob = cat.images[0].versions[0].source.blobs
    assert [p.text() for p in blobstore.check_catalog_blobs(cat, service)] == [
        f"images.yaml:16:9: error: images[0].versions[0].source.vhd: blob {blob_catalog.container_name}/{os_blob} "
        "does not exist: upload it with gallery upload",
        f"images.yaml:16:9: error: images[0].versions[0].source.vhd.dataDisks[0]: blob "
        f"{blob_catalog.container_name}/{data_blob} does not exist: upload it with gallery upload",
    ]
    make_vhd("d.vhd")
    upload.upload_vhd(blob_catalog, lambda seq: os_blob, "d.vhd")
    blob_catalog.get_blob_client(data_blob).create_page_blob(3 * MIB, metadata={upload.STATE: "incomplete"})
    problems = blobstore.check_catalog_blobs(cat, service)
    assert [p.message for p in problems] == [
        f"blob {blob_catalog.container_name}/{data_blob} is an unfinished upload: run the same gallery upload "
        "command again to finish it"
    ]
    blob_catalog.delete_blob(data_blob)
    blob_catalog.get_blob_client(data_blob).create_page_blob(3 * MIB)
    assert [p.message for p in blobstore.check_catalog_blobs(cat, service)] == [
        f"blob {blob_catalog.container_name}/{data_blob} has no VHD footer: it looks like a raw disk image (no "
        "partition table found)"
    ]


def test_check_catalog_blobs_names_a_padded_vhd_blob(blob_catalog, azurite):
    cat = load_catalog("images.yaml")
    os_blob = cat.images[0].versions[0].source.os_blob
    content = make_vhd("d.vhd") + bytes(512)
    page = blob_catalog.get_blob_client(os_blob)
    page.create_page_blob(len(content), metadata={upload.STATE: "complete"})
    page.upload_page(content[-4 * MIB :], offset=len(content) - 4 * MIB, length=4 * MIB)
    service = BlobServiceClient.from_connection_string(azurite)
    assert [p.message for p in blobstore.check_catalog_blobs(cat, service)][0] == (
        f"blob {blob_catalog.container_name}/{os_blob} has its VHD footer 512 bytes before its end: 512 bytes were "
        "added after the disk's footer (a padded copy?)"
    )


@pytest.mark.parametrize("lun", ["-1", "64", "one"])
def test_upload_refuses_a_lun_out_of_range_before_sending_anything(blob_catalog, capsys, lun):
    make_vhd("d.vhd")
    with pytest.raises(SystemExit) as stop:
        main(["upload", "d.vhd", "--image", "ubuntu-test", "--data-disk", lun, "-q"])
    assert stop.value.code == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"python -m gallery upload: error: argument --data-disk: {lun!r} is not a data disk LUN: a LUN is a whole "
        "number from 0 to 63"
    )
    assert list(blob_catalog.list_blobs()) == []


def test_a_refusal_shows_the_services_own_message(blob_catalog, own_azurite, monkeypatch, capsys):
    # Azurite as it starts by default refuses an SDK newer than itself; only its message says why.
    strict = own_azurite(skip_api_version_check=False)
    monkeypatch.setenv(blobstore.CONNECTION_STRING, strict.connection_string)
    make_vhd("d.vhd")
    assert main(["upload", "d.vhd", "--image", "ubuntu-test", "-q", "--catalog", "images.yaml"]) == 1
    err = capsys.readouterr().err
    api = err.split("The API version ")[1].split(" ")[0]
    assert err == (
        f"d.vhd: error: not uploaded to devstoreaccount1/{blob_catalog.container_name} (account devstoreaccount1 from "
        "AZURE_STORAGE_CONNECTION_STRING): the storage service refused: InvalidHeaderValue (HTTP 400): The API "
        f"version {api} is not supported by Azurite. Please upgrade Azurite to latest version and retry. If you are "
        "using Azurite in Visual Studio, please check you have installed latest Visual Studio patch. Azurite command "
        'line parameter "--skipApiVersionCheck" or Visual Studio Code configuration "Skip Api Version Check" can '
        "skip this error.\n"
    )


# -- storage gone ---------------------------------------------------------------------------------


def test_retries_are_bounded_to_under_a_minute():
    # The SDK's default took about 57 s per request, and an upload went through it once per queued put.
    assert retries.worst_case_seconds(retries.policy()) == 55.0
    assert retries.RETRIES == 4


def test_storage_gone_mid_upload_stops_after_one_retry_cycle_with_the_resume_hint(
    tmp_path, own_azurite, fast_retries, monkeypatch, capsys
):
    service = own_azurite()
    token = uuid.uuid4().hex[:8]
    (tmp_path / "images.yaml").write_text(CATALOG % token)
    BlobServiceClient.from_connection_string(service.connection_string).create_container(f"linux-{token}")
    monkeypatch.setenv(blobstore.CONNECTION_STRING, service.connection_string)
    monkeypatch.chdir(tmp_path)
    make_vhd("d.vhd", 16 * MIB, [(i * 4 * MIB, b"x" * 100) for i in range(4)])
    real = upload.upload_vhd

    def stop_after_the_first_put(*args, **kwargs):  # the storage goes away once a put is in
        def progress(done, sent):
            if sent:
                service.stop()

        return real(*args, **{**kwargs, "progress": progress})

    monkeypatch.setattr(upload, "upload_vhd", stop_after_the_first_put)
    assert main(["upload", "d.vhd", "--image", "ubuntu-test", "--workers", "1"]) == 1
    err = capsys.readouterr().err.splitlines()
    # One put went through the retries, and the others were never sent.
    assert err[-5:] == [
        "retrying (1/4) after: Connection refused",
        "retrying (2/4) after: Connection refused",
        "retrying (3/4) after: Connection refused",
        "retrying (4/4) after: Connection refused",
        f"d.vhd: error: not uploaded to devstoreaccount1/linux-{token} (account devstoreaccount1 from "
        "AZURE_STORAGE_CONNECTION_STRING): the storage service cannot be reached (Connection refused; gave up after "
        "4 retries); run the same command again once it can be reached: the upload resumes where it stopped",
    ]


def test_progress_counts_data_once_the_service_acknowledged_it(tmp_path, container, azurite):
    # Each 4 MiB chunk holds one 4 KiB block of data; the first put is held until chunk 0 was read.
    make_vhd(tmp_path / "d.vhd", 16 * MIB, [(i * 4 * MIB, b"x" * 100) for i in range(4)])
    chunk_read = threading.Event()

    def hold_the_first_put(request):
        if "comp=page" in request.http_request.url and not chunk_read.is_set():
            chunk_read.wait(10)

    client = ContainerClient.from_connection_string(
        azurite, container.container_name, raw_request_hook=hold_the_first_put
    )
    calls = []

    def progress(done, sent):
        calls.append((done, sent))
        if done:
            chunk_read.set()

    result = upload.upload_vhd(client, os_name, tmp_path / "d.vhd", workers=1, progress=progress)
    # Chunk 0 read, its data still unacknowledged: only its zeros are done.
    assert calls[0] == (4 * MIB - 4096, 0)
    assert calls[-1] == (16 * MIB + 512, 4 * 4096 + 512) == (result.size, result.sent_bytes)
    assert all(sent <= done for done, sent in calls)


# -- one upload at a time -------------------------------------------------------------------------


def test_a_second_upload_of_the_same_file_meanwhile_exits_1_sending_nothing(blob_catalog, capsys):
    make_vhd("d.vhd", 16 * MIB, [(i * 4 * MIB, b"x" * 100) for i in range(4)])
    name = naming.os_blob_name("ubuntu-test", dt.date(2026, 11, 21), 0)
    second = []

    def start_another_when_a_put_is_in(done, sent):
        if sent and not second:
            second.append(
                main(
                    [
                        "upload",
                        "d.vhd",
                        "--image",
                        "ubuntu-test",
                        "--captured",
                        "2026-11-21",
                        "-q",
                        "--catalog",
                        "images.yaml",
                    ]
                )
            )

    first = upload.upload_vhd(
        blob_catalog,
        lambda seq: naming.os_blob_name("ubuntu-test", dt.date(2026, 11, 21), seq),
        "d.vhd",
        workers=1,
        progress=start_another_when_a_put_is_in,
    )
    assert second == [1]
    assert capsys.readouterr().err == (
        f"d.vhd: error: not uploaded to devstoreaccount1/{blob_catalog.container_name}: {name}: the same upload is "
        "already running on this machine (another process): let it finish\n"
    )
    # The first upload sent everything once and let go of the blob.
    assert (first.blob, first.outcome, first.sent_bytes) == (name, "uploaded", 4 * 4096 + 512)
    props = blob_catalog.get_blob_client(name).get_blob_properties()
    assert (props.metadata[upload.STATE], props.lease.state) == ("complete", "available")


# -- a file that changes while it uploads ---------------------------------------------------------


def test_a_file_changed_during_its_upload_is_never_marked_complete_and_a_rerun_starts_over(
    blob_catalog, monkeypatch, capsys
):
    make_vhd("d.vhd", 16 * MIB, [(i * 4 * MIB, b"x" * 100) for i in range(4)])
    name = naming.os_blob_name("ubuntu-test", dt.date(2026, 11, 21), 0)
    command = [
        "upload",
        "d.vhd",
        "--image",
        "ubuntu-test",
        "--captured",
        "2026-11-21",
        "--workers",
        "1",
        "-q",
        "--catalog",
        "images.yaml",
    ]
    real = upload.upload_vhd

    def write_to_the_disk_once_a_put_is_in(*args, **kwargs):
        def progress(done, sent):
            if sent and os.path.getsize("d.vhd") == 16 * MIB + 512 and not os.path.exists("written"):
                open("written", "w").close()
                with open("d.vhd", "r+b") as f:  # chunk 0, already sent, gets new data
                    f.write(b"y" * 100)
                st = os.stat("d.vhd")  # a clock tick may be coarser than this test is fast
                os.utime("d.vhd", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))

        return real(*args, **{**kwargs, "progress": progress})

    monkeypatch.setattr(upload, "upload_vhd", write_to_the_disk_once_a_put_is_in)
    assert main(command) == 1
    assert capsys.readouterr().err == (
        f"d.vhd: error: not uploaded to devstoreaccount1/{blob_catalog.container_name}: {name}: the file changed "
        "while it was uploaded (its size, modification time or inode is not what it was at the start): the disk is "
        "still being written. Let it settle (shut the VM down, let the export or copy finish) and run the same "
        "command again; the blob stays marked unfinished, and the rerun starts it over\n"
    )
    blob = blob_catalog.get_blob_client(name)
    assert blob.get_blob_properties().metadata[upload.STATE] == "incomplete"
    # The disk has settled: the same command starts the blob over, and it ends as the file is.
    monkeypatch.setattr(upload, "upload_vhd", real)
    assert main(command) == 0
    first_line = capsys.readouterr().out.splitlines()[0]
    seconds = first_line.split(" in ")[-1].split(" s;")[0]
    assert first_line == (
        "started over (the file had changed since the unfinished upload) and uploaded devstoreaccount1/"
        f"{blob_catalog.container_name}/{name}: 16896 bytes sent (16896 bytes of non-zero data in a 16.0 MiB file) in "
        f"{seconds} s; page blob verified, Content-MD5 {upload.b64(upload.disk_md5('d.vhd'))}"
    )
    props = blob.get_blob_properties()
    assert (props.metadata[upload.STATE], props.metadata[upload.MD5]) == ("complete", upload.disk_md5("d.vhd"))
    assert download(blob_catalog, name) == open("d.vhd", "rb").read()
    assert [b.name for b in blob_catalog.list_blobs()] == [name]


def test_a_file_replaced_between_runs_does_not_resume_on_the_old_pages(tmp_path, container):
    make_vhd(tmp_path / "d.vhd", 8 * MIB, [(0, b"old" * 100), (4 * MIB, b"old")])
    blob = container.get_blob_client(os_name(0))
    blob.create_page_blob(
        8 * MIB + 512,
        metadata={
            upload.STATE: "incomplete",
            upload.SOURCE: "the old file",
            upload.ORIGIN: upload.origin(tmp_path / "d.vhd"),
        },
    )
    blob.upload_page(b"o" * 4096, offset=4 * MIB, length=4096)  # a page the new file does not have
    content = make_vhd(tmp_path / "d.vhd", 8 * MIB, [(0, b"new" * 100)])
    result = upload.upload_vhd(container, os_name, tmp_path / "d.vhd")
    assert (result.blob, result.outcome, result.sent_bytes) == (os_name(0), "restarted", 4096 + 512)
    assert download(container, os_name(0)) == content


def test_upload_add_version_records_the_capture_with_its_data_disks(blob_catalog, capsys):
    make_vhd("os.vhd")
    make_vhd("data.vhd", writes=((MIB, b"data"),))
    make_vhd("os2.vhd", writes=((MIB, b"second"),))
    assert main(["upload", "os.vhd", "--image", "ubuntu-test", "--captured", "2026-11-21", "-q"]) == 0
    assert (
        main(["upload", "data.vhd", "--image", "ubuntu-test", "--data-disk", "2", "--captured", "2026-11-21", "-q"])
        == 0
    )
    before = open("images.yaml").read()
    capsys.readouterr()
    # A second capture of the same day: the version takes its sequence, and the data disk of that sequence only.
    assert (
        main(
            ["upload", "os2.vhd", "--image", "ubuntu-test", "--captured", "2026-11-21", "-q", "--add-version", "1.1.0"]
        )
        == 0
    )
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "images.yaml: added ubuntu-test 1.1.0, eligible for latest",
        f"  tagged source.blob={blob_catalog.container_name}/ubuntu-test-os-2026-11-21-01.vhd, "
        f"source.md5={upload.b64(upload.disk_md5('os2.vhd'))}, source.captured=2026-11-21, source.sizeGiB=1",
    ]
    added = open("images.yaml").read()
    assert added.startswith(before)
    version = load_catalog("images.yaml").image("ubuntu-test").version("1.1.0")
    assert (version.source.os_blob, [d.lun for d in version.source.data_disks]) == (
        "ubuntu-test-os-2026-11-21-01.vhd",
        [],
    )
    # The first capture, already uploaded: nothing is sent, and its version gets the data disk of its sequence.
    assert (
        main(["upload", "os.vhd", "--image", "ubuntu-test", "--captured", "2026-11-21", "-q", "--add-version", "1.2.0"])
        == 0
    )
    first = load_catalog("images.yaml").image("ubuntu-test").version("1.2.0")
    assert (first.source.os_blob, [(d.lun, d.blob) for d in first.source.data_disks]) == (
        "ubuntu-test-os-2026-11-21.vhd",
        [(2, "ubuntu-test-datadisk-2-2026-11-21.vhd")],
    )
    assert first.tag("source.md5") == upload.b64(upload.disk_md5("os.vhd"))
    assert first.tag("source.sizeGiB") == "2", "the OS disk and its data disk, 1 GiB each"
    # A third time: the catalog references that blob now, so the loader refuses a second version of it.
    assert (
        main(["upload", "os.vhd", "--image", "ubuntu-test", "--captured", "2026-11-21", "-q", "--add-version", "1.3.0"])
        == 1
    )
    assert "(as edited; nothing was written)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--add-version", "1.0.0"], "image ubuntu-test already has version 1.0.0"),
        (["--add-version", "1.2"], "--add-version '1.2' is not Major.Minor.Patch"),
        (["--add-version", "1.2.0", "--data-disk", "0"], "--add-version goes with the OS disk"),
    ],
)
def test_upload_add_version_refusals_come_before_anything_is_sent(blob_catalog, capsys, argv, message):
    make_vhd("d.vhd")
    assert main(["upload", "d.vhd", "--image", "ubuntu-test", "-q", *argv]) == 1
    assert message in capsys.readouterr().err
    assert list(blob_catalog.list_blobs()) == []


def test_check_catalog_blobs_does_not_offer_upload_for_an_explicit_blob_name(blob_catalog, azurite):
    text = (
        open("images.yaml")
        .read()
        .replace("captured: 2026-11-02\n            dataDisks: [{lun: 0}]", "osDiskBlob: golden/base.vhd")
    )
    open("images.yaml", "w").write(text)
    cat = load_catalog("images.yaml")
    service = BlobServiceClient.from_connection_string(azurite)
    assert [p.message for p in blobstore.check_catalog_blobs(cat, service)] == [
        f"blob {blob_catalog.container_name}/golden/base.vhd does not exist: upload it with a page-blob upload to "
        "this name (gallery upload names blobs by the captured: convention only)"
    ]


def test_the_lines_upload_prints_stage_the_version_when_the_lifecycle_does(blob_catalog, capsys):
    text = open("images.yaml").read().replace("images:\n", "lifecycle:\n  stageNewVersions: true\nimages:\n", 1)
    open("images.yaml", "w").write(text)
    make_vhd("a.vhd")
    assert main(["upload", "a.vhd", "--image", "ubuntu-test", "--captured", "2026-11-21", "--quiet"]) == 0
    assert capsys.readouterr().out.endswith(
        "            osDiskCaching: ReadWrite\n"
        "        excludeFromLatest: true   # staged (lifecycle.stageNewVersions): `gallery promote` makes it latest\n"
    )

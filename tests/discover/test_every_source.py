"""A served gallery with a version of every source kind, role assignments and fields the catalog has no key for:
every field Azure returns that the catalog can hold is written, every one it cannot is a `left-out:` (or `changes:`)
note; and `--check-blobs` confirms the VHD sources against a real blob service (Azurite)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from azure.storage.blob import BlobServiceClient

from armlocal import SUBSCRIPTION, features, image_properties, version_properties, vhd
from gallery.azure.target import resolve_target
from gallery.catalog.model import DiskImage, DiskSource, ResourceSource, VhdSource
from gallery.cli import main
from gallery.discover.compare import differences
from gallery.discover.run import discover
from gallery.plan.run import plan_catalog
from gallery.vhd import blobstore, upload
from tests.fixtures.vhds import make_vhd

RG, GALLERY, ACCOUNT = "rg-kinds", "gal_kinds", "devstoreaccount1"  # Azurite's account
COMPUTE = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-build/providers/Microsoft.Compute"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"


def serve(arm) -> str:
    arm.add_group(RG)
    account = arm.add_account(RG, ACCOUNT)
    arm.add_container(RG, ACCOUNT, "linux-vhds")
    gallery = arm.add_gallery(RG, GALLERY)
    arm.add_image(RG, GALLERY, "app", image_properties("Linux", "Contoso", "app", "1", features=features()))
    arm.add_image(RG, GALLERY, "win", image_properties("Windows", "Contoso", "win", "1", features=features()))

    def add(version: str, storage: dict, image: str = "app", **extra) -> dict:
        props = version_properties({"westeurope": 1})
        props["storageProfile"] = storage
        props.update(extra)
        arm.add_version(RG, GALLERY, image, version, props)
        return props

    def disk(blob, caching, lun=None):
        return vhd(account["id"], ACCOUNT, "linux-vhds", blob, caching, lun)

    add(
        "1.0.0",
        {
            "osDiskImage": disk("app-os-2026-11-02.vhd", "ReadWrite"),
            "dataDiskImages": [disk("app-datadisk-0-2026-11-02.vhd", "ReadOnly", 0)],
        },
    )
    odd = add(
        "1.1.0",
        {
            "source": {"id": f"{COMPUTE}/images/app-20261101"},
            "osDiskImage": {"hostCaching": "ReadWrite", "sizeInGB": 30},
        },
    )
    odd["safetyProfile"]["newGuard"] = True  # a field of a later API the catalog has no key for
    add("1.2.0", {"source": {"id": f"{COMPUTE}/galleries/other/images/app/versions/1.0.0"}})
    add("1.3.0", {"source": {"virtualMachineId": f"{COMPUTE}/virtualMachines/app-build"}})
    add("1.4.0", {"osDiskImage": {"source": {"id": f"{COMPUTE}/snapshots/app-os"}}})
    add(
        "1.5.0",
        {"osDiskImage": {"hostCaching": "ReadOnly", "sizeInGB": 30, "source": {"id": f"{COMPUTE}/snapshots/app-os-2"}}},
    )
    add(
        "1.6.0",
        {
            "osDiskImage": {"hostCaching": "ReadWrite", "source": {"id": f"{COMPUTE}/snapshots/app-os-3"}},
            "dataDiskImages": [{"lun": 1, "hostCaching": "None", "source": {"id": f"{COMPUTE}/disks/app-data"}}],
        },
    )
    add("1.7.0", {"source": {"communityGalleryImageId": "/communityGalleries/contoso-1/images/app/versions/1.0.0"}})
    add("1.8.0", {"source": {"id": f"{COMPUTE}/disks/app-os-disk"}})
    add("2026.1.0", {"source": {"id": f"{COMPUTE}/images/win-20261101"}}, image="win")
    scope = gallery["id"]
    arm.add_role_assignment(
        scope,
        "9f1e2d3c-0000-4000-8000-000000000001",
        f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/{READER}",
        "11111111-0000-4000-8000-000000000001",
        principal_type="Group",
    )
    arm.add_role_assignment(
        scope,
        "9f1e2d3c-0000-4000-8000-000000000002",
        f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/{READER}",
        "22222222-0000-4000-8000-000000000002",
        principal_type="User",
        condition="@Resource[x] StringEquals 'y'",
        conditionVersion="2.0",
    )
    return account["id"]


@pytest.fixture
def kinds(arm):
    serve(arm)
    return arm


def test_every_source_kind_is_written_or_noted(kinds):
    found = discover(resolve_target(), SUBSCRIPTION, RG, GALLERY, stack="dev")
    assert found.problems == []
    app, win = found.catalog.image("app"), found.catalog.image("win")
    sources = {v.name: v.source for v in app.versions}
    assert isinstance(sources["1.0.0"], VhdSource) and sources["1.0.0"].captured == dt.date(2026, 11, 2)
    assert [(d.lun, d.caching) for d in sources["1.0.0"].data_disks] == [(0, "ReadOnly")]
    assert {n: (s.kind, s.id.rsplit("/", 1)[-1]) for n, s in sources.items() if isinstance(s, ResourceSource)} == {
        "1.1.0": ("managedImage", "app-20261101"),
        "1.2.0": ("galleryImageVersion", "1.0.0"),
        "1.3.0": ("virtualMachine", "app-build"),
        "1.4.0": ("snapshot", "app-os"),
        "1.7.0": ("communityGalleryImageId", "1.0.0"),
    }
    assert sources["1.5.0"] == DiskSource(DiskImage(f"{COMPUTE}/snapshots/app-os-2", "ReadOnly"))
    assert sources["1.6.0"] == DiskSource(
        DiskImage(f"{COMPUTE}/snapshots/app-os-3", "ReadWrite"), (DiskImage(f"{COMPUTE}/disks/app-data", "None", 1),)
    )
    assert "1.8.0" not in sources
    assert (win.family, win.container) == ("windows", "windows-vhds")
    assert [(g.principal_id, g.role, g.principal_type) for g in found.catalog.gallery.access] == [
        ("11111111-0000-4000-8000-000000000001", "Reader", "Group")
    ]
    assert [(n.path_text, n.comment()) for n in found.notes] == [
        (
            "images[0]",
            f"left-out: version 1.8.0: its source is the resource {COMPUTE}/disks/app-os-disk, which is "
            "not a managed image, gallery image version or virtual machine; it stays in Azure, outside the "
            "stack",
        ),
        ("storage", "changes: the container windows-vhds (family windows) does not exist: pulumi up would create it"),
        (
            "gallery",
            "changes: the role assignment Reader for 11111111-0000-4000-8000-000000000001 is named "
            "9f1e2d3c-0000-4000-8000-000000000001 in Azure; the program names it "
            f"{_name(found)}, so the first pulumi up replaces it (deleted, then created: a moment without it)",
        ),
        (
            "gallery",
            "left-out: the role assignment Reader for 22222222-0000-4000-8000-000000000002 has condition, "
            "conditionVersion, which access cannot say: it stays in Azure, outside the stack",
        ),
        ("images[0].versions[1]", "left-out: safetyProfile.newGuard (the catalog has no key for it)"),
    ]
    # Everything the catalog controls comes back as Azure has it: the plan differs only where a note says so.
    assert [(d.resource, d.field) for d in differences(plan_catalog(found.catalog).resources, found.found)] == [
        ("gallery-container-windows", "exists")
    ]  # changes: the container windows-vhds ... does not exist
    imported = {e["name"]: e.get("id") for e in found.imports["resources"]}
    assert [n for n in imported if n.startswith("gallery-access")] == [
        next(n for n in imported if n.startswith("gallery-access"))
    ]


def _name(found) -> str:
    from gallery.desired.foundation import assignment_name

    return assignment_name(found.found.gallery["id"], "11111111-0000-4000-8000-000000000001", READER)


def test_check_blobs_confirms_each_vhd_source(kinds, azurite, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(blobstore.CONNECTION_STRING, azurite)
    monkeypatch.chdir(tmp_path)
    service = BlobServiceClient.from_connection_string(azurite)
    container = service.get_container_client("linux-vhds")
    if not container.exists():
        container.create_container()
    make_vhd(tmp_path / "os.vhd")
    upload.upload_vhd(container, lambda seq: "app-os-2026-11-02.vhd", tmp_path / "os.vhd")
    args = ["discover", "--subscription", SUBSCRIPTION, "--resource-group", RG, "--gallery", GALLERY, "--check-blobs"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert (
        "images.yaml:40:9: warning: images[0].versions[0]: broken: blob linux-vhds/app-datadisk-0-2026-11-02.vhd "
        "does not exist: upload it with gallery upload"
    ) in err.splitlines()
    assert (
        "      # broken: blob linux-vhds/app-datadisk-0-2026-11-02.vhd does not exist: upload it with gallery upload\n"
        in (tmp_path / "images.yaml").read_text()
    )
    monkeypatch.setenv(blobstore.CONNECTION_STRING, azurite.replace("AccountKey=Eby8", "AccountKey=Xby8"))
    assert main(args + ["--force"]) == 2
    out, err = capsys.readouterr()
    assert "incomplete: the VHD blobs could not be checked (see the refused: note above)" in out
    assert (
        "warning: storage: refused: the VHD blobs could not be checked (account devstoreaccount1 from "
        "AZURE_STORAGE_CONNECTION_STRING): access denied (AuthorizationFailure)"
    ) in err
    assert json.loads((tmp_path / "import.json").read_text())["resources"][0]["name"] == "gallery"

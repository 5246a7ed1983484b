"""`gallery discover` against the local ARM endpoint: the files it writes, and its faults (a definition Azure
refuses, throttling, a gallery that does not exist, no credential), each with nothing half-written."""

from __future__ import annotations

import json
import time

import pytest

from armlocal import SUBSCRIPTION
from armlocal.example import add_platform_gallery
from gallery.catalog.loader import load_catalog
from gallery.cli import main

ARGS = [
    "discover",
    "--subscription",
    SUBSCRIPTION,
    "--resource-group",
    "rg-images-dev",
    "--gallery",
    "gal_platform_dev",
]
ROLE_NOTES = [
    "images.yaml:18:1: warning: gallery: left-out: 1 role assignment inherited from above the gallery (its resource "
    "group or subscription): not the gallery's, left as they are",
    "images.yaml:18:1: warning: gallery: left-out: role assignments on the storage account (the catalog's access is "
    "the gallery's): Storage Blob Data Contributor for 4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a; they stay in Azure, "
    "outside the stack",
]


@pytest.fixture
def served(arm, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    add_platform_gallery(arm)
    return arm


def test_discover_writes_the_catalog_and_the_import_file(served, tmp_path, capsys):
    assert main(ARGS) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == ROLE_NOTES
    assert out.splitlines() == [
        "wrote images.yaml: 3 image definitions, 5 versions, stack dev (notes: 2 left-out)",
        "wrote import.json: 15 resources to import under the component gallery",
        "next: review the comments in the catalog, then",
        "  gallery validate images.yaml --stack dev",
        f"  pulumi stack select dev && pulumi config set azure-native:subscriptionId {SUBSCRIPTION}",
        "  pulumi import --file import.json --generate-code=false",
        "  pulumi preview --diff    # must show no update or replacement of an imported resource",
    ]
    assert load_catalog("images.yaml", "dev").gallery.name == "gal_platform_dev"
    assert load_catalog("images.yaml", "prod").gallery.name == "gal_platform_prod"
    names = [r["name"] for r in json.loads((tmp_path / "import.json").read_text())["resources"]]
    assert names[:6] == [
        "gallery",
        "gallery-rg",
        "gallery-storage",
        "gallery-container-linux",
        "gallery-container-windows",
        "gallery-gallery",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["images.yaml", "import.json"]  # no temporary left


def test_existing_files_are_kept_unless_forced(served, tmp_path, capsys):
    (tmp_path / "images.yaml").write_text("mine\n")
    assert main(ARGS) == 1
    assert capsys.readouterr().err == (
        "error: images.yaml already exists; pass --force to replace, or choose --output / --import-file\n"
    )
    assert (tmp_path / "images.yaml").read_text() == "mine\n"
    assert not (tmp_path / "import.json").exists()
    assert served.requests == []  # refused before anything was read
    assert main(ARGS + ["--force"]) == 0
    assert (tmp_path / "images.yaml").read_text().startswith("# yaml-language-server")


def test_a_refused_definition_is_reported_and_the_rest_is_written(served, tmp_path, capsys):
    served.fail(
        "GET",
        r"/images/windows-2022-datacenter/versions$",
        403,
        "AuthorizationFailed",
        "The client 'ci' does not have authorization to perform action "
        "'Microsoft.Compute/galleries/images/versions/read'.",
    )
    assert main(ARGS) == 2
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        *ROLE_NOTES,
        "images.yaml:100:5: warning: images[2]: refused: its versions could not be read (cannot list the versions of "
        "definition windows-2022-datacenter: Azure refused the caller (AuthorizationFailed: The client 'ci' does not "
        "have authorization to perform action 'Microsoft.Compute/galleries/images/versions/read'.); the identity "
        "needs a role that allows it (Reader at least) on the gallery): none is listed, and pulumi leaves them "
        "alone until they are added here and imported",
    ]
    assert "incomplete: Azure refused 1 read(s), listed above: the catalog leaves those parts out" in out
    catalog = load_catalog("images.yaml")
    assert [(i.name, len(i.versions)) for i in catalog.images] == [
        ("legacy-erp-app-known-good", 1),
        ("ubuntu-22.04-gen2", 3),
        ("windows-2022-datacenter", 0),
    ]
    text = (tmp_path / "images.yaml").read_text()
    assert "  # refused: its versions could not be read (cannot list the versions of definition" in text
    names = {r["name"] for r in json.loads((tmp_path / "import.json").read_text())["resources"]}
    assert "gallery-windows-2022-datacenter" in names
    assert not any(n.startswith("gallery-windows-2022-datacenter-") for n in names)


def test_throttling_waits_for_retry_after_and_completes(served, capsys):
    served.fail("GET", r"/images$", 429, "TooManyRequests", retry_after=1)
    served.fail("GET", r"/versions$", 429, "TooManyRequests", retry_after=1, times=2)
    started = time.monotonic()
    assert main(ARGS) == 0
    assert time.monotonic() - started >= 1
    assert len(served.calls("GET", "/images")) >= 2
    assert load_catalog("images.yaml").image("ubuntu-22.04-gen2").version("1.1.1") is not None
    capsys.readouterr()


def test_throttling_that_does_not_stop_is_a_refusal(served, capsys):
    served.fail("GET", r"/images/ubuntu-22.04-gen2/versions$", 429, "TooManyRequests", retry_after=0, times=20)
    assert main(ARGS) == 2
    err = capsys.readouterr().err
    assert (
        "refused: its versions could not be read (cannot list the versions of definition ubuntu-22.04-gen2: "
        "Azure kept throttling the requests (TooManyRequests: TooManyRequests (injected by the test)); wait a "
        "few minutes and run again)"
    ) in err


def test_a_gallery_that_does_not_exist_writes_nothing(served, tmp_path, capsys):
    assert main(ARGS[:-1] + ["gal_nosuch"]) == 1
    assert capsys.readouterr().err == (
        "error: cannot read gallery gal_nosuch in resource group rg-images-dev: not found (ResourceNotFound: The "
        "Resource 'Microsoft.Compute/galleries/gal_nosuch' under resource group 'rg-images-dev' was not found.); "
        "check the subscription, resource group and names\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_no_credential_writes_nothing(served, tmp_path, capsys):
    served.token = "the-right-token"  # the endpoint now wants a token, and none is set
    assert main(ARGS) == 1
    assert capsys.readouterr().err == (
        "error: cannot read gallery gal_platform_dev in resource group rg-images-dev: Azure did not accept the "
        "credential (AuthenticationFailed: Authentication failed. The 'Authorization' header is missing or "
        "invalid.); sign in again (`az login`), or check the token (GALLERY_ARM_TOKEN for a local endpoint)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_named_storage_account_that_does_not_exist_writes_nothing(served, tmp_path, capsys):
    assert main(ARGS + ["--storage-account", "stnosuch001"]) == 1
    assert capsys.readouterr().err == (
        "error: cannot read storage account stnosuch001 in resource group rg-images-dev: not found "
        "(ResourceNotFound: The Resource 'Microsoft.Storage/storageAccounts/stnosuch001' under resource group "
        "'rg-images-dev' was not found.); check the subscription, resource group and names\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_every_page_is_read_with_at_most_workers_requests_at_once(served, capsys):
    served.page_size = 2
    served.delay = 0.02
    assert main(ARGS + ["--workers", "2"]) == 0
    catalog = load_catalog("images.yaml")
    assert sum(len(i.versions) for i in catalog.images) == 5
    assert [
        r.query.get("$skiptoken") for r in served.calls("GET", "/gal_platform_dev/images") if r.path.endswith("/images")
    ] == [None, "2"]
    assert served.max_in_flight == 2
    capsys.readouterr()


def test_discover_refuses_a_remote_endpoint(served, tmp_path, capsys):
    assert main(ARGS + ["--arm-endpoint", "https://management.example.com"]) == 1
    assert capsys.readouterr().err.startswith(
        "error: the ARM endpoint 'https://management.example.com' is not a loopback address"
    )
    assert list(tmp_path.iterdir()) == []

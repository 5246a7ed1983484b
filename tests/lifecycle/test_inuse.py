"""`gallery lifecycle` asks Azure Resource Graph (through azure-mgmt-resourcegraph, against the local endpoint)
which VMs and scale sets use a version before it removes it, and keeps the ones in use unless --allow-in-use."""

from __future__ import annotations

import shutil

import pytest

from armlocal import RESOURCE_GRAPH_API_VERSION, SUBSCRIPTION, serve_catalog
from gallery.azure.graph import InUse, Machine, describe, graph_client, machines_using, query_text
from gallery.azure.target import resolve_target
from gallery.catalog.loader import load_catalog
from gallery.cli import main
from tests.fixtures.paths import CATALOGS

GALLERY = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-life-dev/providers/Microsoft.Compute/galleries/gal_life_dev"
WEB = f"{GALLERY}/images/web"


@pytest.fixture
def life(tmp_path):
    path = tmp_path / "images.yaml"
    shutil.copy(CATALOGS / "program" / "lifecycle.yaml", path)
    return path


@pytest.fixture
def azure(arm, monkeypatch, life):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    serve_catalog(arm, load_catalog(life))
    return arm


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_query_names_every_form_of_the_definition_and_pages(azure):
    azure.add_machine("app", "vm-a", {"id": f"{WEB}/versions/1.0.0"})
    azure.add_machine("app", "vm-b", {"id": WEB, "exactVersion": "1.0.0"})  # made from `latest` when it was 1.0.0
    azure.add_machine("app", "ss-c", {"id": WEB}, scale_set=True)  # follows latest: no version of its own
    azure.add_machine("app", "vm-d", {"id": f"{WEB}-2/versions/1.0.0"})  # another definition whose name starts alike
    azure.page_size = 2
    found = machines_using(graph_client(resolve_target()), [WEB])
    assert [(m.name, m.kind, m.image, m.version) for m in found.machines] == [
        ("vm-a", "VM", "web", "1.0.0"),
        ("vm-b", "VM", "web", "1.0.0"),
        ("ss-c", "scale set", "web", None),
    ]
    posts = azure.calls("POST", "/providers/Microsoft.ResourceGraph/resources")
    assert len(posts) == 2 and all(r.query == {"api-version": RESOURCE_GRAPH_API_VERSION} for r in posts)
    assert [r.body["options"].get("$skipToken") for r in posts] == [None, "2"]
    assert "subscriptions" not in posts[0].body, "every subscription the identity can read"
    assert f"ref in ('{WEB.lower()}')" in posts[0].body["query"]


def test_the_query_text():
    assert query_text([WEB, "/SharedGalleries/u-1/images/web"]).splitlines()[4] == (
        "| where ref in ('/sharedgalleries/u-1/images/web', '" + WEB.lower() + "') or ref startswith "
        "'/sharedgalleries/u-1/images/web/versions/' or ref startswith '" + WEB.lower() + "/versions/'"
    )


def test_describe_names_the_first_three_and_counts_the_rest():
    machines = [Machine(f"/x/virtualMachines/vm-{i}", "VM", "web", "1.0.0") for i in range(4)]
    machines.append(Machine("/x/virtualMachineScaleSets/ss", "scale set", "web", "1.0.0"))
    assert describe(machines) == "4 VMs and 1 scale set: vm-0, vm-1, vm-2, 2 more"
    assert InUse(tuple(machines)).of_version("WEB", "1.0.0") == tuple(machines)


def test_a_version_in_use_is_kept_and_named(life, azure, capsys):
    azure.add_machine("app", "vm-a", {"id": f"{WEB}/versions/1.0.0"})
    azure.add_machine("app", "ss-b", {"id": f"{WEB}/versions/1.0.0"}, scale_set=True)
    before = life.read_text()
    code, out, _ = run(capsys, "lifecycle", life, "--today", "2027-04-01", "--apply")
    assert code == 0
    assert out.splitlines()[1:] == [
        "  nothing to do",
        "  kept: web 1.0.0 is used by 1 VM and 1 scale set: vm-a, ss-b (Azure Resource Graph, every subscription "
        "this identity can read); the policy would remove it (endOfLife 2027-03-01 + removeAfterDays 30 has "
        "passed); --allow-in-use removes it anyway",
    ]
    assert life.read_text() == before


def test_allow_in_use_removes_it_and_says_who_used_it(life, azure, capsys):
    azure.add_machine("app", "vm-a", {"id": WEB, "exactVersion": "1.0.0"})
    code, out, _ = run(capsys, "lifecycle", life, "--today", "2027-04-01", "--apply", "--allow-in-use")
    assert code == 0
    assert out.splitlines()[1:] == [
        "  remove: web 1.0.0 (endOfLife 2027-03-01 + removeAfterDays 30 has passed; used by 1 VM: vm-a, removed "
        "anyway: --allow-in-use)",
        "  (the versions removed were looked up in Azure Resource Graph, every subscription this identity can read: "
        "no VM or scale set uses them, but where said)",
        f"{life}: 1 change written",
    ]
    assert load_catalog(life).image("web").version("1.0.0") is None


def test_a_version_nobody_uses_is_removed(life, azure, capsys):
    azure.add_machine("app", "vm-new", {"id": f"{WEB}/versions/1.1.0"})
    code, out, _ = run(capsys, "lifecycle", life, "--today", "2027-04-01", "--apply")
    assert code == 0 and out.splitlines()[1:] == [
        "  remove: web 1.0.0 (endOfLife 2027-03-01 + removeAfterDays 30 has passed)",
        "  (the versions removed were looked up in Azure Resource Graph, every subscription this identity can read: "
        "no VM or scale set uses them)",
        f"{life}: 1 change written",
    ]
    assert len(azure.calls("POST", "ResourceGraph")) == 1


def test_no_query_when_nothing_is_removed(life, azure, capsys):
    code, out, _ = run(capsys, "lifecycle", life, "--today", "2027-03-15")
    assert code == 0 and azure.calls("POST", "ResourceGraph") == []


def test_resource_graph_refusing_stops_the_removal(life, azure, capsys):
    azure.fail("POST", "ResourceGraph", 403, "AuthorizationFailed", "The client does not have authorization")
    before = life.read_text()
    code, _, err = run(capsys, "lifecycle", life, "--today", "2027-04-01", "--apply")
    assert code == 1
    assert err.startswith(
        "error: cannot ask Azure Resource Graph which VMs and scale sets use the images: Azure "
        "refused the caller (AuthorizationFailed: The client does not have authorization)"
    )
    assert life.read_text() == before

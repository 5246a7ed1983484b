"""The subscription every command that calls Azure takes: a GUID, whichever of --subscription, the environment
or the stack's config gives it; anything else is one line and exit 1, before anything is read or written."""

from __future__ import annotations

import shutil

import pytest

from gallery.cli import main
from tests.fixtures.paths import ROOT

COMMANDS = {
    "status": ["status"],
    "promote": ["promote", "ubuntu-22.04-gen2", "1.1.1", "--catalog"],
    "lifecycle": ["lifecycle"],
    "discover": ["discover", "--resource-group", "rg", "--gallery", "gal", "--output"],
}
HINT = "a subscription id is a GUID, like 00000000-0000-0000-0000-000000000000"


@pytest.fixture
def project(tmp_path, monkeypatch):
    for name in ("images.yaml", "Pulumi.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("AZURE_SUBSCRIPTION_ID", "ARM_SUBSCRIPTION_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GALLERY_ARM_ENDPOINT", "http://127.0.0.1:9")  # never reached
    return tmp_path


def run(capsys, command: str, project, *more) -> tuple[int, str, str]:
    argv = COMMANDS[command] + [str(project / ("new.yaml" if command == "discover" else "images.yaml")), *more]
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", COMMANDS)
def test_a_subscription_that_is_not_a_guid_is_one_line_and_exit_1(command, project, capsys):
    before = (project / "images.yaml").read_bytes()
    assert run(capsys, command, project, "--subscription", "my-subscription") == (
        1,
        "",
        f"error: --subscription 'my-subscription' is not a subscription id; {HINT}\n",
    )
    assert (project / "images.yaml").read_bytes() == before and not (project / "new.yaml").exists()


def test_the_environment_and_the_stack_config_are_checked_as_well(project, capsys, monkeypatch):
    (project / "Pulumi.dev.yaml").write_text("config:\n  azure-native:subscriptionId: prod\n")
    assert run(capsys, "status", project) == (
        1,
        "",
        f"error: azure-native:subscriptionId of stack dev 'prod' is not a subscription id; {HINT}\n",
    )
    monkeypatch.setenv("ARM_SUBSCRIPTION_ID", "11111111-2222-3333-4444-55555555555\x1b")
    assert run(capsys, "status", project) == (
        1,
        "",
        f"error: ARM_SUBSCRIPTION_ID '11111111-2222-3333-4444-55555555555\\x1b' is not a subscription id; {HINT}\n",
    )

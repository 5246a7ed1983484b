"""One stack through Pulumi's Automation API (gallery.stacks.automation), against a stand-in for `pulumi.automation`
that records what is asked of it: the Pulumi CLI it drives is not installed here, and the last test shows what a
stack then reports."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from gallery.desired.shards import StackPart
from gallery.stacks.apply import FAILED, SUCCEEDED, StackJob
from gallery.stacks.automation import counts, run_stack


@dataclass
class ConfigValue:
    value: str
    secret: bool = False


class CommandError(Exception):
    pass


@dataclass
class FakeStack:
    name: str
    config: dict = field(default_factory=dict)
    calls: list = field(default_factory=list)
    fail: bool = False

    def get_all_config(self):
        return dict(self.config)

    def set_all_config(self, config):
        self.calls.append(("set_all_config", dict(config)))

    def up(self, on_output, refresh):
        self.calls.append(("up", refresh))
        on_output("Updating (dev-linux)")
        if self.fail:
            raise CommandError("code: 255\n stdout: ...\n stderr: error: update failed\n")
        return type("UpResult", (), {"summary": type("S", (), {"resource_changes": {"create": 2, "same": 5}})})()

    def preview(self, on_output, refresh):
        self.calls.append(("preview", refresh))
        return type("PreviewResult", (), {"change_summary": {"update": 1}})()


class FakeAutomation:
    """The part of pulumi.automation run_stack uses."""

    ConfigValue = ConfigValue

    def __init__(self, main_config=None, fail=False):
        self.stacks: dict[str, FakeStack] = {"dev": FakeStack("dev", main_config or {})}
        self.fail = fail
        self.opened: list[tuple] = []

    def create_or_select_stack(self, stack_name, work_dir):
        self.opened.append(("create_or_select", stack_name, work_dir))
        return self.stacks.setdefault(stack_name, FakeStack(stack_name, fail=self.fail))

    def select_stack(self, stack_name, work_dir):
        self.opened.append(("select", stack_name, work_dir))
        return self.stacks[stack_name]


SHARD = StackJob(
    "dev-linux",
    StackPart("linux", "dev"),
    "/project",
    "up",
    refresh=True,
    config={"image-gallery:shard": "linux", "image-gallery:foundation": "dev"},
    config_from="dev",
)


def test_a_shards_stack_gets_the_main_stacks_config_then_its_part_then_up():
    auto = FakeAutomation(
        {
            "azure-native:subscriptionId": ConfigValue("sub"),
            "image-gallery:catalog": ConfigValue("images.yaml"),
            "image-gallery:token": ConfigValue("s3cr3t", secret=True),
        }
    )
    result = run_stack(SHARD, auto)
    assert auto.opened == [("create_or_select", "dev-linux", "/project"), ("select", "dev", "/project")]
    assert auto.stacks["dev-linux"].calls == [
        (
            "set_all_config",
            {
                "azure-native:subscriptionId": ConfigValue("sub"),
                "image-gallery:catalog": ConfigValue("images.yaml"),
                "image-gallery:token": ConfigValue("s3cr3t", secret=True),  # a secret stays one
                "image-gallery:shard": ConfigValue("linux"),
                "image-gallery:foundation": ConfigValue("dev"),
            },
        ),
        ("up", True),
    ]
    assert (result.status, result.summary, result.output) == (SUCCEEDED, "2 create, 5 same", "Updating (dev-linux)")


def test_the_main_stack_is_previewed_as_it_is():
    auto = FakeAutomation()
    result = run_stack(StackJob("dev", StackPart(), "/project", "preview"), auto)
    assert auto.stacks["dev"].calls == [("preview", False)]
    assert (result.status, result.summary) == (SUCCEEDED, "1 update")


def test_a_failed_up_fails_the_stack_with_pulumis_last_line():
    result = run_stack(SHARD, FakeAutomation(fail=True))
    assert (result.status, result.summary) == (FAILED, "stderr: error: update failed")
    assert result.output == "Updating (dev-linux)"


def test_without_the_pulumi_cli_the_real_automation_api_fails_the_stack_and_says_what_to_install(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: image-gallery\nruntime: python\n")
    result = run_stack(StackJob("dev", StackPart(), str(tmp_path), "preview"))  # pulumi.automation itself
    assert result.status == FAILED
    assert result.summary == (
        "the Pulumi CLI cannot be run (No such file or directory): install it, https://www.pulumi.com/docs/install/"
    )


@pytest.mark.parametrize(
    "changes, text",
    [({}, "no changes"), (None, "no changes"), ({"update": 1, "create": 2, "delete": 0}, "2 create, 1 update")],
)
def test_counts(changes, text):
    assert counts(changes) == text

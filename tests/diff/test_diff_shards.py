"""The review diff of a sharded catalog: one report for every stack, only the stacks a change reaches compared, and a
definition that changes stacks named a move (with the `pulumi state move` commands), never a delete plus a create."""

from __future__ import annotations

import json

import pytest

from gallery.cli import main
from gallery.diff.markdown import render_markdown
from gallery.diff.render import render_json, render_text
from gallery.diff.report import build_report
from tests.fixtures.paths import CATALOGS

SHARDED = (CATALOGS / "shards" / "example.yaml").read_text()
SINGLE = SHARDED.split("\nshards:\n")[0] + "\n"
URN = "urn:pulumi:dev::image-gallery::gallery:index:ImageGallery$azure-native:compute:"


@pytest.fixture
def write(tmp_path):
    def write(name: str, text: str) -> str:
        (tmp_path / name).write_text(text)
        return str(tmp_path / name)

    return write


def test_moving_a_single_stack_to_shards_is_a_move_of_each_definition_and_blocks_until_allowed(write):
    report, _ = build_report(write("base.yaml", SINGLE), write("head.yaml", SHARDED), stack="dev")
    assert sorted((f.kind, f.subject) for f in report.blocking) == [
        ("definition.moved", "image rocky-9"),
        ("definition.moved", "image ubuntu-22.04-gen2"),
        ("definition.moved", "image windows-2022-datacenter"),
        ("definition.moved", "image windows-2025-datacenter"),
    ]
    assert sorted(f.subject for f in report.findings if f.kind == "shard.added") == ["shard linux", "shard windows"]
    # Nothing is deleted or created: every definition and version of the shards moves, unchanged.
    assert {r.action for r in report.resources} == {"move"} and len(report.resources) == 9
    assert {(r.name, r.moved_from, r.stack) for r in report.resources if r.name.startswith("gallery-rocky")} == {
        ("gallery-rocky-9", "dev", "dev-linux"),
        ("gallery-rocky-9-9.4.0", "dev", "dev-linux"),
    }
    assert [(m.source, m.dest, len(m.urns)) for m in report.moves] == [
        ("dev", "dev-linux", 5),
        ("dev", "dev-windows", 4),
    ]
    assert report.moves[1].commands() == [
        "pulumi state move --source dev --dest dev-windows "
        f"'{URN}GalleryImage::gallery-windows-2022-datacenter' "
        f"'{URN}GalleryImageVersion::gallery-windows-2022-datacenter-2026.11.0' "
        f"'{URN}GalleryImage::gallery-windows-2025-datacenter' "
        f"'{URN}GalleryImageVersion::gallery-windows-2025-datacenter-2026.12.0'"
    ]
    allowed, _ = build_report(
        write("base.yaml", SINGLE), write("head.yaml", SHARDED), stack="dev", allow=frozenset({"move"})
    )
    assert allowed.blocking == []


def test_a_change_in_one_shard_reaches_that_stack_only(write):
    head = SHARDED.replace(
        "        source: {vhd: {osDiskBlob: rocky-9.4.vhd}}\n",
        "        source: {vhd: {osDiskBlob: rocky-9.4.vhd}}\n"
        "      - version: 9.5.0\n        source: {vhd: {osDiskBlob: rocky-9.5.vhd}}\n",
    )
    report, _ = build_report(write("base.yaml", SHARDED), write("head.yaml", head), stack="prod")
    assert [(s.stack, s.reached, [c.name for c in s.changes]) for s in report.stacks] == [
        ("prod", True, []),
        ("prod-linux", True, ["gallery-rocky-9-9.5.0"]),
        ("prod-windows", False, []),
    ]
    assert report.moves == [] and not report.blocking
    text = render_text(report).splitlines()
    assert "  stack prod-windows (shard windows): not reached by the change (not compared)" in text
    assert "  stack prod-linux (shard linux): 1 create" in text


def test_a_setting_every_resource_takes_reaches_every_stack(write):
    report, _ = build_report(
        write("base.yaml", SHARDED),
        write("head.yaml", SHARDED.replace("  owner: platform-team", "  owner: images-team")),
        stack="dev",
    )
    assert [(s.stack, s.reached, len(s.changes)) for s in report.stacks] == [
        ("dev", True, 5),
        ("dev-linux", True, 5),
        ("dev-windows", True, 4),
    ]


def test_a_moved_definition_that_also_changes_is_both(write):
    head = SHARDED.replace(
        "    identifier: {publisher: Contoso, offer: legacy-erp",
        "    description: the ERP server\n    identifier: {publisher: Contoso, offer: legacy-erp",
    )
    head = head.replace(
        '    match: "windows-*"',
        '    match: "windows-*"\n  - name: legacy\n    definitions: [legacy-erp-app-known-good]',
    )
    report, _ = build_report(write("base.yaml", SHARDED), write("head.yaml", head), stack="dev")
    [definition] = [r for r in report.resources if r.name == "gallery-legacy-erp-app-known-good"]
    assert (definition.action, definition.moved_from, definition.stack) == ("update", "dev", "dev-legacy")
    assert definition.note == "moves from stack dev to dev-legacy"
    [version] = [r for r in report.resources if r.name == "gallery-legacy-erp-app-known-good-1.0.0"]
    assert (version.action, version.stack) == ("move", "dev-legacy")
    assert [s.stack for s in report.stacks] == ["dev", "dev-linux", "dev-windows", "dev-legacy"]


def test_a_shard_that_leaves_the_catalog_is_a_warning_and_its_definitions_move_back(write):
    head = SHARDED.replace('  - name: windows\n    match: "windows-*"\n', "")
    report, _ = build_report(write("base.yaml", SHARDED), write("head.yaml", head), stack="dev")
    [removed] = [f for f in report.findings if f.kind == "shard.removed"]
    assert removed.severity == "warning" and removed.message == (
        "shard windows leaves the catalog: its stack dev-windows is no longer deployed, and whatever it still holds "
        "stays in Azure and in that stack"
    )
    assert [(m.source, m.dest) for m in report.moves] == [("dev-windows", "dev")]
    assert report.moves[0].urns[0] == (
        "urn:pulumi:dev-windows::image-gallery::gallery:index:ImageGallery"
        "$azure-native:compute:GalleryImage::gallery-windows-2022-datacenter"
    )
    assert [(s.stack, s.reached) for s in report.stacks][-1] == ("dev-windows", True)


def test_one_comment_for_every_stack(write):
    report, _ = build_report(write("base.yaml", SINGLE), write("head.yaml", SHARDED), stack="dev")
    comment = render_markdown(report)
    assert "#### Stacks: 3 of 3 reached by the change" in comment
    assert "| `dev-linux` | shard linux | 5 move |" in comment
    assert comment.index("#### State moves") < comment.index("#### Resources of `dev-linux`: 5 move")
    assert "```sh\npulumi state move --source dev --dest dev-linux 'urn:pulumi:dev::" in comment
    doc = json.loads(render_json(report))
    assert [s["stack"] for s in doc["stacks"]] == ["dev", "dev-linux", "dev-windows"]
    assert doc["moves"][0]["commands"] == report.moves[0].commands()


def test_a_diff_without_shards_on_either_side_reads_as_before(write, capsys):
    base = write("base.yaml", SINGLE)
    head = write("head.yaml", SINGLE.replace("  owner: platform-team", "  owner: images-team"))
    assert main(["diff", base, head, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert "stacks" not in doc and "moves" not in doc
    assert all(set(r) == {"type", "name", "action", "properties", "note"} for r in doc["resources"])


def test_the_cli_blocks_a_move_with_exit_2_and_names_the_label(write, capsys):
    assert main(["diff", write("base.yaml", SINGLE), write("head.yaml", SHARDED), "--format", "markdown"]) == 2
    assert "`allow:definition.moved`" in capsys.readouterr().out

"""`python -m gallery diff`: exact exit codes and key lines, for files and for a git revision BASE."""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess

import pytest

from gallery.cli import main
from gallery.diff.findings import Detail, Finding, Report
from gallery.diff.markdown import MARKER, render_markdown

DIFF = pathlib.Path(__file__).resolve().parents[1] / "catalogs" / "diff"
BASE = str(DIFF / "base.yaml")


def run(capsys, *args: str) -> tuple[int, list[str], str]:
    code = main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def catalog(name: str) -> str:
    return str(DIFF / name)


def test_no_change_exits_0(capsys):
    code, out, _ = run(capsys, BASE, catalog("reformatted.yaml"), "--no-plan")
    assert (code, out) == (0, [f"{BASE} → {catalog('reformatted.yaml')} (stack dev): no changes"])


def test_a_new_version_exits_0_and_says_what_becomes_latest(capsys):
    head = catalog("version-added.yaml")
    code, out, _ = run(capsys, BASE, head, "--no-plan")
    assert code == 0
    assert out[0] == f"{BASE} → {head} (stack dev): 2 info"
    assert f"{head}:23:9: info: latest.changed: latest of ubuntu moves from 1.1.0 to 1.2.0" in out
    assert out[-1] == "resources: not compared (--no-plan)"


def test_deleting_an_unretired_version_blocks_with_exit_2(capsys):
    head = catalog("version-removed.yaml")
    code, out, _ = run(capsys, BASE, head, "--no-plan")
    assert code == 2
    assert out[1] == (
        f"{head}:11:5: blocking: version.removed: ubuntu 1.1.0 is deleted but was not retired first "
        "(it is not excluded from latest and its end of life 2999-01-01 has not passed)"
    )
    assert out[-1] == "blocked: 1 blocking finding(s); if this is deliberate, rerun with --allow version.removed"


# One value per --allow: the files after it stay files (repeat --allow, or separate with commas).
@pytest.mark.parametrize(
    "allow", [["version.removed"], ["delete"], ["version"], ["replace,delete"], ["replace", "--allow", "delete"]]
)
def test_allow_lets_a_release_manager_through(capsys, allow):
    code, out, _ = run(capsys, BASE, catalog("version-removed.yaml"), "--no-plan", "--allow", *allow)
    assert code == 0
    assert out[0].endswith("1 blocking, 1 warning (1 allowed)")
    assert "blocking (allowed): version.removed:" in out[1]


def test_allow_of_another_kind_still_blocks(capsys):
    code, out, _ = run(capsys, BASE, catalog("gallery-renamed.yaml"), "--no-plan", "--allow", "version.removed")
    assert code == 2
    assert out[1].endswith(
        "blocking: gallery.renamed: gallery gal_diff_dev → gal_images_dev: a new gallery is "
        "created and the old one is deleted with every definition and version in it"
    )
    assert out[1].startswith(f"{catalog('gallery-renamed.yaml')}:7:3: ")  # located in HEAD


def test_an_unknown_allow_kind_is_a_user_error(capsys):
    code, out, err = run(capsys, BASE, BASE, "--allow", "version.remove")
    assert code == 1 and out == []
    assert err.startswith("--allow: error: unknown kind 'version.remove'; allow a kind (")


@pytest.mark.parametrize(
    "head, kind",
    [
        ("version-source-changed.yaml", "version.source-changed"),
        ("definition-renamed.yaml", "definition.renamed"),
        ("definition-replaced.yaml", "definition.replaced"),
        ("gallery-groups.yaml", "gallery.sharing-groups-on-existing"),
        ("storage-renamed.yaml", "storage.renamed"),
        ("container-renamed.yaml", "version.source-changed"),  # the old container itself is kept in Azure
        ("version-region-removal-refused.yaml", "version.region-removal-refused"),
    ],
)
def test_destructive_or_impossible_changes_block(capsys, head, kind):
    code, out, _ = run(capsys, BASE, catalog(head), "--no-plan")
    assert code == 2
    assert f": blocking: {kind}: " in out[1]


def test_an_invalid_side_gives_the_validators_errors_and_exit_1(capsys):
    invalid = catalog("invalid.yaml")
    code, out, err = run(capsys, invalid, invalid)
    assert (code, out) == (1, [])
    assert (
        err.splitlines().count(
            f"{invalid}:17:9: error: images[0].versions[0].regoins: unknown key 'regoins'; did you mean 'regions'?"
        )
        == 2
    )  # both sides are reported


def test_an_invalid_side_in_markdown_still_comments_why_nothing_was_compared(capsys):
    invalid = catalog("invalid.yaml")
    code, out, err = run(capsys, BASE, invalid, "--format", "markdown")
    assert code == 1
    assert out == [
        MARKER,
        f"### Catalog diff: `{BASE}` → `{invalid}` (stack `dev`)",
        "",
        "**❌ Not compared: the catalog is invalid (2 problem(s)).** Fix these and push again (`gallery validate` "
        "shows the same list):",
        "",
        f"- `{invalid}:15:18` error: images[0].versions[0].version: YAML read `1.1` as the number 1.1, but text is "
        "expected; did you mean 1.1.0?",
        f"- `{invalid}:17:9` error: images[0].versions[0].regoins: unknown key 'regoins'; did you mean 'regions'?",
    ]
    assert f"{invalid}:17:9: error: images[0].versions[0].regoins" in err


def test_the_end_of_life_is_judged_on_the_given_day(capsys):
    code, out, _ = run(capsys, BASE, catalog("version-removed.yaml"), "--no-plan", "--today", "2999-01-02")
    assert code == 0
    assert "info: version.removed-after-end-of-life: ubuntu 1.1.0 is deleted after its end of life 2999-01-01" in out[3]


def test_github_annotations_point_at_the_changed_lines(capsys):
    head = catalog("version-source-changed.yaml")
    code, out, _ = run(capsys, BASE, head, "--no-plan", "--format", "github")
    assert code == 2
    assert out[0].startswith(
        f"::error file={head},line=20,col=9,title=version.source-changed::ubuntu 1.1.0: the "
        "source cannot change after publishing (Azure: PropertyChangeNotAllowed)%0A"
    )
    assert "%0Asource: vhd linux-vhds/ubuntu-os-2026-02-02.vhd (ReadWrite) → " in out[0]


def test_json_lists_findings_with_severity_and_blocking(capsys):
    code, out, _ = run(capsys, BASE, catalog("definition-removed.yaml"), "--no-plan", "--format", "json")
    doc = json.loads("\n".join(out))
    assert code == 2 and doc["blocking"] == 1 and doc["changed"] is True
    assert [(f["kind"], f["severity"], f["action"], f["blocking"], f["allowed"]) for f in doc["findings"]] == [
        ("version.removed", "blocking", "delete", True, False),
        ("container.removed", "warning", "delete", False, False),
        ("definition.removed", "warning", "delete", False, False),
    ]
    code, out, _ = run(
        capsys, BASE, catalog("definition-removed.yaml"), "--no-plan", "--format", "json", "--allow", "version.removed"
    )
    doc = json.loads("\n".join(out))
    assert code == 0 and doc["blocking"] == 0
    assert [(f["kind"], f["blocking"], f["allowed"]) for f in doc["findings"]][0] == ("version.removed", False, True)


def test_markdown_with_the_offline_plan(capsys):
    code, out, _ = run(capsys, BASE, catalog("version-source-changed.yaml"), "--format", "markdown")
    assert code == 2
    assert out[0] == MARKER
    assert out[3] == "**⛔ Blocked: 1 destructive or impossible change(s).** 1 blocking; resources: 1 refused update."
    assert (
        "| ⛔ blocking | `version.source-changed` | ubuntu 1.1.0: the source cannot change after publishing "
        "(Azure: PropertyChangeNotAllowed) |" in out
    )
    assert "- **refused** `azure-native:compute:GalleryImageVersion` `gallery-ubuntu-1.1.0`" in out
    assert out[-1] == (
        "To proceed deliberately, a release manager adds the label(s) `allow:version.source-changed` "
        "to the pull request (locally: `--allow version.source-changed`)."
    )
    assert out[5:7] == ["| | Does | Kind | Count |", "|---|---|---|---|"]
    assert out[7] == "| ⛔ blocking | refused | `version.source-changed` | 1 |"


def test_markdown_is_cut_to_fit_a_comment_with_blocking_rows_first():
    findings = [
        Finding(
            "version.added",
            f"img 1.0.{i}",
            f"img 1.0.{i} is published " + "x" * 80,
            line=i,
            details=(Detail("source", None, "vhd " + "y" * 100),),
        )
        for i in range(2000)
    ]
    findings.append(Finding("version.removed", "img 0.0.1", "img 0.0.1 is deleted", line=5000))
    text = render_markdown(Report("a.yaml", "b.yaml", "dev", findings), limit=20_000)
    assert len(text) <= 20_000
    lines = text.splitlines()
    assert lines[5:9] == [
        "| | Does | Kind | Count |",
        "|---|---|---|---|",
        "| ⛔ blocking | delete | `version.removed` | 1 |",
        "| ℹ️ info | create | `version.added` | 2000 |",
    ]
    table = lines.index("| | Kind | Change |")
    assert lines[table + 2] == "| ⛔ blocking | `version.removed` | img 0.0.1 is deleted |"
    assert "not shown. Run `gallery diff` locally, or use `--format json`, for everything._" in text
    assert "_Cut to fit a PR comment (20,000 characters): " in text


def test_no_change_markdown_is_short(capsys):
    code, out, _ = run(capsys, BASE, BASE, "--format", "markdown")
    assert (code, out[-1]) == (0, "No changes: nothing in Azure changes.")


# A git revision as BASE, in a repository of its own.


@pytest.fixture
def repo(tmp_path, monkeypatch):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git = lambda *a: subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *a],  # noqa: E731
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    git("init", "-q", "-b", "main")
    shutil.copy(DIFF / "base.yaml", tmp_path / "images.yaml")
    git("add", "images.yaml")
    git("commit", "-q", "-m", "base")
    shutil.copy(DIFF / "invalid.yaml", tmp_path / "broken.yaml")
    git("add", "broken.yaml")
    git("commit", "-q", "-m", "broken")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_git_revision_base_against_the_working_file(repo, capsys):
    shutil.copy(DIFF / "version-removed.yaml", repo / "images.yaml")
    code, out, _ = run(capsys, "main:images.yaml", "images.yaml", "--no-plan")
    assert code == 2
    assert out[0] == "main:images.yaml → images.yaml (stack dev): 1 blocking, 1 warning"
    assert out[1].startswith("images.yaml:11:5: blocking: version.removed: ubuntu 1.1.0 is deleted")


def test_git_revision_removed_definition_is_located_in_the_revision(repo, capsys):
    shutil.copy(DIFF / "definition-removed.yaml", repo / "images.yaml")
    code, out, _ = run(capsys, "HEAD~1:images.yaml", "images.yaml", "--no-plan")
    assert code == 2
    assert (
        "HEAD~1:images.yaml:29:9: blocking: version.removed: windows 1.0.0 is deleted but was not retired "
        "first (it is not excluded from latest and it has no end of life)" in out
    )


def test_git_revision_with_the_offline_plan(repo, capsys):
    shutil.copy(DIFF / "version-added.yaml", repo / "images.yaml")
    code, out, _ = run(capsys, "main:images.yaml", "images.yaml")
    assert code == 0
    assert "resources (offline plan): 1 create" in out
    assert "  create   azure-native:compute:GalleryImageVersion gallery-ubuntu-1.2.0" in out


def test_an_invalid_revision_side_is_named_rev_path(repo, capsys):
    code, _, err = run(capsys, "main:broken.yaml", "images.yaml")
    assert code == 1
    assert (
        "main:broken.yaml:17:9: error: images[0].versions[0].regoins: unknown key 'regoins'; did you mean "
        "'regions'?" in err.splitlines()
    )


@pytest.mark.parametrize(
    "spec, message",
    [
        (
            "nope:images.yaml",
            "nope:images.yaml: error: unknown git revision 'nope'; fetch it first (in CI: "
            "actions/checkout with fetch-depth: 0, or git fetch origin main)",
        ),
        (
            "main:missing.yaml",
            "main:missing.yaml: error: 'missing.yaml' does not exist in main; the path is relative "
            "to the repository root",
        ),
        (
            "missing.yaml",
            "missing.yaml: error: no such file; give a catalog file, or REV:PATH for a git revision "
            "(e.g. origin/main:images.yaml)",
        ),
    ],
)
def test_a_missing_revision_or_path_is_a_user_error(repo, capsys, spec, message):
    code, out, err = run(capsys, spec, "images.yaml")
    assert (code, out, err.splitlines()) == (1, [], [message])


def test_a_directory_in_a_revision_is_not_a_catalog(repo, capsys):
    (repo / "catalogs").mkdir()
    shutil.copy(DIFF / "base.yaml", repo / "catalogs" / "images.yaml")
    subprocess.run(["git", "add", "catalogs"], cwd=repo, check=True, capture_output=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "dir"],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    code, out, err = run(capsys, "HEAD:catalogs", "images.yaml")
    assert (code, out, err.splitlines()) == (
        1,
        [],
        [
            "HEAD:catalogs: error: 'catalogs' is a directory in HEAD, not a catalog file; give the path of the catalog "
            "in it, e.g. HEAD:catalogs/images.yaml"
        ],
    )


def test_outside_a_repository(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, _, err = run(capsys, "main:images.yaml", BASE)
    assert code == 1
    assert err.strip() == (
        "main:images.yaml: error: not inside a git repository; run it inside the repository, or give BASE as a file"
    )


def test_a_revision_side_larger_than_the_limit_is_refused_unread(repo, capsys):
    (repo / "big.yaml").write_bytes(b"#" * (16 * 1024 * 1024 + 1))
    subprocess.run(["git", "add", "big.yaml"], cwd=repo, check=True, capture_output=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "big"],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    code, out, err = run(capsys, "HEAD:big.yaml", "images.yaml")
    assert (code, out, err.splitlines()) == (
        1,
        [],
        [
            "HEAD:big.yaml: error: is larger than 16 MiB, the limit for a catalog file; a catalog of 10,000 versions "
            "is about 2 MB: is this the right file?"
        ],
    )


def test_allow_before_the_files_keeps_them(capsys):
    code, out, _ = run(capsys, "--allow", "version.removed", BASE, catalog("version-removed.yaml"), "--no-plan")
    assert code == 0 and out[0].startswith(f"{BASE} → {catalog('version-removed.yaml')} (stack dev): ")
    code, _, _ = run(
        capsys, "--allow", "version.removed", "--allow", "latest", BASE, catalog("version-removed.yaml"), "--no-plan"
    )
    assert code == 0


def test_a_wrong_date_or_argument_is_the_commands_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["diff", "--today", "2026-02-30", BASE, BASE])
    err = capsys.readouterr().err
    assert stop.value.code == 1 and err.endswith(
        "diff: error: argument --today: '2026-02-30' is not a date: write YYYY-MM-DD\n"
    )
    with pytest.raises(SystemExit) as stop:
        main(["diff", "--bogus", BASE, BASE])
    err = capsys.readouterr().err
    assert stop.value.code == 1 and err.startswith("usage: ") and " diff [-h]" in err.splitlines()[0]
    assert err.endswith("diff: error: unrecognized arguments: --bogus\n")

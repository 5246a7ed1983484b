"""`python -m gallery plan`: the files it reads besides the catalog fail as cleanly as the catalog does."""

from __future__ import annotations

import shutil

import pytest

from gallery.cli import main
from tests.fixtures.paths import CATALOGS, ROOT


@pytest.fixture
def project(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: image-gallery\nruntime: python\n")
    shutil.copy(CATALOGS / "valid" / "minimal.yaml", tmp_path / "images.yaml")
    return tmp_path


def test_a_catalog_in_a_symlink_loop_is_a_user_error_for_every_command(tmp_path, capsys):
    loop = tmp_path / "images.yaml"
    loop.symlink_to(tmp_path / "other.yaml")
    (tmp_path / "other.yaml").symlink_to(loop)
    for argv in (["validate", str(loop)], ["plan", str(loop)], ["diff", str(loop), str(loop)]):
        assert main(argv) == 1, argv
        _, err = capsys.readouterr()
        assert f"{loop}: error: cannot be read: Too many levels of symbolic links" in err.splitlines(), argv


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.symlink_to(p), "cannot be read: Too many levels of symbolic links"),
        (lambda p: p.mkdir(), "is a directory, not a stack config file"),
        (lambda p: p.write_text("- a\n"), "the stack's config must be a mapping with a config: mapping of keys"),
        (
            lambda p: p.write_text("config: {a: 1, a: 2}\n"),
            "duplicate key 'a' (first at line 1); YAML would silently keep only the last one; remove or merge one of them",
        ),
    ],
)
def test_a_broken_stack_config_is_a_user_error(project, capsys, make, message):
    config = project / "Pulumi.dev.yaml"
    make(config)
    assert main(["plan", str(project / "images.yaml")]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err and "internal error" not in err
    assert message in err
    assert err.startswith(str(config))


def test_dev_plan_reads_a_catalog_relative_to_where_it_was_called(tmp_path):
    import subprocess

    shutil.copy(CATALOGS / "valid" / "minimal.yaml", tmp_path / "mine.yaml")
    r = subprocess.run(
        ["bash", str(ROOT / "dev"), "plan", "mine.yaml", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert '"resourceGroupName": "rg-min-dev"' in r.stdout

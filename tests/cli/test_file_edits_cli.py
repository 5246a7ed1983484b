"""The commands that write a file the user keeps (`version add`, `promote`, `lifecycle --apply`, `discover
--output`) on files that are not plain: a read-only folder or file, a symbolic link, CRLF line endings.
Each is refused with one line and exit 1, or edited in place with every other byte kept."""

from __future__ import annotations

import builtins
import os
import shutil
from pathlib import Path

import pytest

from gallery.cli import main
from tests.fixtures.paths import CATALOGS, ROOT
from armlocal.example import add_platform_gallery

UBUNTU = "ubuntu-22.04-gen2"
SUBSCRIPTION = "11111111-2222-3333-4444-555555555555"
# Each command's arguments, which the catalog ends, and the catalog it edits.
EDITS = {
    "version add": (["version", "add", UBUNTU, "1.2.0", "--vhd-captured", "2026-11-20", "--catalog"], "images.yaml"),
    "promote": (["promote", UBUNTU, "1.1.1", "--offline", "--catalog"], "images.yaml"),
    "lifecycle --apply": (["lifecycle", "--today", "2027-04-01", "--offline", "--apply"], "lifecycle.yaml"),
}
SOURCES = {"images.yaml": ROOT / "images.yaml", "lifecycle.yaml": CATALOGS / "program" / "lifecycle.yaml"}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def copy(source: str, folder: Path, name: str = "images.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SOURCES[source], folder / name)
    return folder / name


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def read_only_folder(tmp_path, monkeypatch):
    """A folder where no file can be created once it is chmod 0555. Root is not stopped by permissions: there,
    creating a file in it then fails as the system fails it for anybody else (PermissionError from os.open or
    open)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:

        def refused(path) -> bool:
            return Path(os.fsdecode(path)).parent == folder and not folder.stat().st_mode & 0o200

        def os_open(path, flags, *args, real=os.open, **kwargs):
            if flags & os.O_CREAT and refused(path):
                raise PermissionError(13, "Permission denied", os.fsdecode(path))
            return real(path, flags, *args, **kwargs)

        def builtin_open(file, mode="r", *args, real=builtins.open, **kwargs):
            if isinstance(file, (str, bytes, os.PathLike)) and set(mode) & set("wxa") and refused(file):
                raise PermissionError(13, "Permission denied", os.fsdecode(file))
            return real(file, mode, *args, **kwargs)

        monkeypatch.setattr(os, "open", os_open)
        monkeypatch.setattr(builtins, "open", builtin_open)
    yield folder
    folder.chmod(0o755)


@pytest.mark.parametrize("command", EDITS)
def test_an_edit_in_a_read_only_folder_is_one_line_and_exit_1(command, read_only_folder, capsys):
    argv, source = EDITS[command]
    catalog = copy(source, read_only_folder)
    before = catalog.read_bytes()
    read_only_folder.chmod(0o555)
    code, out, err = run(capsys, *argv, catalog)
    assert (code, out) == (1, "")
    assert err == (
        f"{catalog}: error: cannot be written: permission denied in its folder {read_only_folder} (the new "
        "text goes to a file beside it first); nothing was written\n"
    )
    assert catalog.read_bytes() == before
    assert files_in(read_only_folder) == ["images.yaml"]


@pytest.mark.parametrize("command", EDITS)
def test_a_read_only_catalog_is_refused_as_editors_and_git_refuse_it(command, tmp_path, capsys):
    argv, source = EDITS[command]
    catalog = copy(source, tmp_path)
    before = catalog.read_bytes()
    catalog.chmod(0o444)
    code, out, err = run(capsys, *argv, catalog)
    assert (code, out) == (1, "")
    assert err == (
        f"{catalog}: error: cannot be written: it is read-only (mode 0444); nothing was written; make it "
        f"writable first (chmod u+w {catalog}) if it is meant to change\n"
    )
    assert catalog.read_bytes() == before
    assert files_in(tmp_path) == ["images.yaml"]


@pytest.mark.parametrize("command", EDITS)
def test_a_symlinked_catalog_is_edited_where_it_points(command, tmp_path, capsys):
    argv, source = EDITS[command]
    real = copy(source, tmp_path / "real")
    expected = copy(source, tmp_path / "expected")
    link = tmp_path / "work" / "images.yaml"
    link.parent.mkdir()
    link.symlink_to(Path("..") / "real" / "images.yaml")
    assert run(capsys, *argv, expected)[0] == 0  # the same edit on a plain file
    code, _, err = run(capsys, *argv, link)
    assert (code, err) == (0, "")
    assert os.readlink(link) == os.path.join("..", "real", "images.yaml")  # still the same link
    assert real.read_bytes() == expected.read_bytes()  # the file it points to, edited
    assert files_in(tmp_path / "real") == ["images.yaml"]  # written beside it, no temporary left
    assert files_in(tmp_path / "work") == ["images.yaml"]


@pytest.mark.parametrize("command", EDITS)
def test_a_crlf_catalog_keeps_its_line_endings_and_blank_lines(command, tmp_path, capsys):
    argv, source = EDITS[command]
    lf = copy(source, tmp_path / "lf")
    crlf = copy(source, tmp_path / "crlf")
    crlf.write_bytes(crlf.read_bytes().replace(b"\n", b"\r\n"))
    assert run(capsys, *argv, lf)[0] == 0
    code, _, err = run(capsys, *argv, crlf)
    assert (code, err) == (0, "")
    assert crlf.read_bytes() == lf.read_bytes().replace(b"\n", b"\r\n")


# -- discover --output -----------------------------------------------------------------------------------

DISCOVER = [
    "discover",
    "--subscription",
    SUBSCRIPTION,
    "--resource-group",
    "rg-images-dev",
    "--gallery",
    "gal_platform_dev",
]


@pytest.fixture
def served(arm, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    add_platform_gallery(arm)
    return arm


def test_discover_into_a_read_only_folder_is_one_line_and_exit_1(served, read_only_folder, capsys):
    read_only_folder.chmod(0o555)
    code, out, err = run(
        capsys,
        *DISCOVER,
        "--output",
        read_only_folder / "images.yaml",
        "--import-file",
        read_only_folder / "import.json",
    )
    assert (code, out) == (1, "")
    assert err == (
        f"{read_only_folder / 'images.yaml'}: error: cannot be written: permission denied in its folder "
        f"{read_only_folder} (the new text goes to a file beside it first); nothing was written\n"
    )
    assert files_in(read_only_folder) == []


def test_discover_force_refuses_a_read_only_catalog_and_writes_through_a_link(served, tmp_path, capsys):
    (tmp_path / "mine.yaml").write_text("mine\n")
    (tmp_path / "mine.yaml").chmod(0o444)
    code, _, err = run(capsys, *DISCOVER, "--output", "mine.yaml", "--force")
    assert code == 1
    assert err == (
        "mine.yaml: error: cannot be written: it is read-only (mode 0444); nothing was written; make it "
        "writable first (chmod u+w mine.yaml) if it is meant to change\n"
    )
    assert (tmp_path / "mine.yaml").read_text() == "mine\n" and not (tmp_path / "import.json").exists()
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "images.yaml").write_text("old\n")
    (tmp_path / "images.yaml").symlink_to(Path("real") / "images.yaml")
    assert run(capsys, *DISCOVER, "--force")[0] == 0
    assert (tmp_path / "images.yaml").is_symlink()
    assert (tmp_path / "real" / "images.yaml").read_text().startswith("# yaml-language-server")
    assert files_in(tmp_path / "real") == ["images.yaml"]


@pytest.mark.parametrize("command", EDITS)
@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file; give the path of a catalog, e.g. images.yaml"),
        (
            b"resourceGroup: r\xff\n",
            "1:17: error: the file is not UTF-8 text (byte 0xff at offset 16); save the catalog as UTF-8",
        ),
    ],
)
def test_a_catalog_that_cannot_be_read_is_one_line_and_exit_1(command, content, message, tmp_path, capsys):
    argv, _ = EDITS[command]
    catalog = tmp_path / "images.yaml"
    if content is not None:
        catalog.write_bytes(content)
    code, out, err = run(capsys, *argv, catalog)
    assert (code, out) == (1, "")
    assert err == f"{catalog}{':' if message[0].isdigit() else ': error: '}{message}\n"

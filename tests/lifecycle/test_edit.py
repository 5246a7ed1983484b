"""Edits of images.yaml keep every byte they do not mean to change, are validated, and are written whole or not at all."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gallery.errors import CatalogError
from gallery.lifecycle.edit import CatalogEditor, EditError, _indentation, _opcodes
from tests.fixtures.paths import ROOT


@pytest.fixture
def catalog(tmp_path):
    path = tmp_path / "images.yaml"
    shutil.copy(ROOT / "images.yaml", path)
    return path


def replaced(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_setting_a_key_changes_that_line_only(catalog):
    before = catalog.read_text()
    editor = CatalogEditor(catalog, "dev")
    editor.set(editor.version("ubuntu-22.04-gen2", "1.0.0"), "endOfLife", dt.date(2027, 1, 1))
    editor.save()
    assert catalog.read_text() == replaced(before, "endOfLife: 2027-04-05", "endOfLife: 2027-01-01")


def test_deleting_a_key_keeps_the_comment_lines_below_it(catalog):
    before = catalog.read_text()
    editor = CatalogEditor(catalog, "dev")
    editor.delete(editor.version("ubuntu-22.04-gen2", "1.1.1"), "excludeFromLatest")
    editor.save()
    assert catalog.read_text() == replaced(
        before, "        excludeFromLatest: true   # published, replication checked, promoted in a later change\n", ""
    )


def test_an_added_version_follows_its_siblings_style_and_stays_above_the_next_images_comment(catalog):
    before = catalog.read_text()
    editor = CatalogEditor(catalog, "dev")
    editor.add_version(
        "ubuntu-22.04-gen2",
        {
            "version": "1.2.0",
            "source": {"vhd": {"captured": dt.date(2026, 11, 20), "dataDisks": [{"lun": 0, "caching": "ReadOnly"}]}},
            "excludeFromLatest": True,
        },
    )
    editor.save()
    anchor = "        excludeFromLatest: true   # published, replication checked, promoted in a later change\n"
    assert catalog.read_text() == replaced(
        before,
        anchor,
        anchor
        + (
            "      - version: 1.2.0\n"
            "        source:\n"
            "          vhd:\n"
            "            captured: 2026-11-20\n"
            "            dataDisks:\n"
            "              - {lun: 0, caching: ReadOnly}\n"
            "        excludeFromLatest: true\n"
        ),
    )


def test_removing_versions_first_last_and_only(catalog):
    before = catalog.read_text()
    editor = CatalogEditor(catalog, "dev")
    editor.remove_version("ubuntu-22.04-gen2", "1.0.0")
    editor.remove_version("windows-2022-datacenter", "2026.11.0")
    editor.save()
    first = (
        "      - version: 1.0.0\n        source:\n          vhd:\n            captured: 2026-10-05\n"
        "            osDiskCaching: ReadWrite\n        excludeFromLatest: true\n        endOfLife: 2027-04-05\n"
    )
    only = (
        "    versions:\n      - version: 2026.11.0\n        source:\n          managedImage: /subscriptions/"
        "00000000-0000-0000-0000-000000000000/resourceGroups/rg-packer-builds/providers/Microsoft.Compute/images/"
        "windows-2022-20261101\n        replicas: 2\n        regions: [westeurope, northeurope]\n"
        "        storageAccountType: Standard_ZRS\n        endOfLife: 2027-11-01\n"
    )
    assert catalog.read_text() == replaced(replaced(before, first, ""), only, "")


def test_the_first_version_removed_keeps_the_comment_above_the_next(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(
        "resourceGroup: rg\nlocation: westeurope\nstorage: {account: stacct}\ngallery: {name: gal}\n"
        "images:\n  - name: app\n    osType: Linux\n    osState: Generalized\n    hyperVGeneration: V2\n"
        "    identifier: {publisher: P, offer: O, sku: S}\n    versions:\n"
        "      - version: 1.0.0\n        source: {vhd: {captured: 2026-01-01, dataDisks: [{lun: 0}]}}\n\n"
        "      # the fixed kernel\n      - version: 1.0.1\n        source: {vhd: {captured: 2026-01-02}}\n"
    )
    before = path.read_text()
    editor = CatalogEditor(path, "dev")
    editor.remove_version("app", "1.0.0")
    editor.save()
    assert path.read_text() == before.replace(
        "      - version: 1.0.0\n        source: {vhd: {captured: 2026-01-01, dataDisks: [{lun: 0}]}}\n", ""
    )


def test_unedited_flow_lists_keep_their_exact_text(tmp_path):
    # ruamel alone would write [{lun: 0}] as [lun: 0]: only the edited line may change.
    path = tmp_path / "c.yaml"
    path.write_text(
        "resourceGroup: rg\nlocation: westeurope\nstorage: {account: stacct}\ngallery: {name: gal}\n"
        "images:\n  - name: app\n    osType: Linux\n    osState: Generalized\n    hyperVGeneration: V2\n"
        "    identifier: {publisher: P, offer: O, sku: S}\n    versions:\n"
        "      - version: 1.0.0\n        source: {vhd: {captured: 2026-01-01, dataDisks: [{lun: 0}]}}\n"
    )
    before = path.read_text()
    editor = CatalogEditor(path, "dev")
    editor.set(editor.version("app", "1.0.0"), "excludeFromLatest", True)
    editor.save()
    assert path.read_text() == before + "        excludeFromLatest: true\n"


S1, S2 = (f"/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/snapshots/{name}" for name in ("s1", "s2"))
SMALL = (
    "resourceGroup: rg\nlocation: westeurope\nstorage: {account: stacct}\ngallery: {name: gal}\n\n\n"
    "images:\n  - name: app\n    osType: Linux\n    osState: Generalized\n    hyperVGeneration: V2\n"
    "    identifier: {publisher: P, offer: O, sku: S}\n    versions:\n"
    f"      - version: 1.0.0\n        source: {{snapshot: {S1}}}\n"
)
ADDED = f"      - version: 1.1.0\n        source: {{snapshot: {S2}}}\n"


def add_one(path) -> None:
    editor = CatalogEditor(path, "dev")
    editor.add_version("app", {"version": "1.1.0", "source": {"snapshot": S2}})
    editor.save()


@pytest.mark.parametrize(
    "before, after",
    [
        # every line break is the file's own; the lines written take the one it uses most
        (SMALL.replace("\n", "\r\n"), (SMALL + ADDED).replace("\n", "\r\n")),
        (SMALL.replace("\n", "\r"), (SMALL + ADDED).replace("\n", "\r")),
        (
            SMALL.replace("location: westeurope\n", "location: westeurope\r\n"),
            SMALL.replace("location: westeurope\n", "location: westeurope\r\n") + ADDED,
        ),
        # a file without a line break at its end still has none; its last line gets one when lines come after it
        (SMALL[:-1], SMALL + ADDED[:-1]),
        (SMALL.replace("\n", "\r\n")[:-2], (SMALL + ADDED).replace("\n", "\r\n")[:-2]),
        # a byte-order mark stays
        ("\ufeff" + SMALL, "\ufeff" + SMALL + ADDED),
    ],
)
def test_line_breaks_blank_lines_and_the_byte_order_mark_are_kept(tmp_path, before, after):
    path = tmp_path / "c.yaml"
    path.write_bytes(before.encode("utf-8"))
    add_one(path)
    assert path.read_bytes() == after.encode("utf-8")


def test_an_edit_that_breaks_the_catalog_writes_nothing(catalog):
    before = catalog.read_bytes()
    editor = CatalogEditor(catalog, "dev")
    editor.set(editor.version("ubuntu-22.04-gen2", "1.0.0"), "endOfLife", dt.date(2020, 1, 1))  # before capture
    with pytest.raises(CatalogError) as caught:
        editor.save()
    assert "endOfLife" in str(caught.value)
    assert catalog.read_bytes() == before
    assert [p.name for p in catalog.parent.iterdir()] == ["images.yaml"], "no temporary file is left behind"


def test_a_file_changed_meanwhile_is_not_overwritten(catalog):
    editor = CatalogEditor(catalog, "dev")
    editor.set(editor.version("ubuntu-22.04-gen2", "1.0.0"), "endOfLife", dt.date(2027, 1, 1))
    catalog.write_text(catalog.read_text() + "# someone else's edit\n")
    with pytest.raises(EditError, match="the file changed on disk while it was being edited: nothing was written"):
        editor.save()
    assert catalog.read_text().endswith("# someone else's edit\n")


def test_the_file_keeps_its_mode(catalog):
    os.chmod(catalog, 0o640)
    editor = CatalogEditor(catalog, "dev")
    editor.set(editor.version("ubuntu-22.04-gen2", "1.0.0"), "endOfLife", dt.date(2027, 1, 1))
    editor.save()
    assert catalog.stat().st_mode & 0o777 == 0o640


def test_unknown_image_and_version_name_what_there_is(catalog):
    editor = CatalogEditor(catalog, "dev")
    with pytest.raises(EditError) as caught:
        editor.image("ubuntu")
    assert caught.value.problems[0].message == "the catalog has no image named 'ubuntu'"
    assert caught.value.problems[0].hint == (
        "its images are: ubuntu-22.04-gen2, windows-2022-datacenter, legacy-erp-app-known-good"
    )
    with pytest.raises(
        EditError, match="image ubuntu-22.04-gen2 has no version 9.9.9; the versions are: 1.0.0, 1.1.0, 1.1.1"
    ):
        editor.version("ubuntu-22.04-gen2", "9.9.9")


@given(
    st.lists(st.sampled_from(["a\n", "b\n", "c\n", "  - x\n", "u1\n", "u2\n", "u3\n"]), max_size=40),
    st.lists(st.sampled_from(["a\n", "b\n", "c\n", "  - x\n", "u1\n", "u2\n", "u4\n"]), max_size=40),
)
def test_the_alignment_rebuilds_the_edited_text_exactly(a, b):
    rebuilt = []
    for op, a1, a2, b1, b2 in _opcodes(a, b):
        if op == "equal":
            assert a[a1:a2] == b[b1:b2]
            rebuilt += a[a1:a2]
        else:
            rebuilt += b[b1:b2]
    assert rebuilt == b


@pytest.mark.parametrize(
    "text, expected",
    [
        ("images:\n  - name: a\n    x: 1\n", (2, 4, 2)),
        ("images:\n- name: a\n  x: 1\n", (2, 2, 0)),
        ("a:\n    b:\n        - c\n", (4, 6, 4)),
        ("a: 1\n", (2, 2, 0)),
    ],
)
def test_the_files_own_indentation_is_kept(text, expected):
    assert _indentation(text) == expected

"""Writing: both files or neither, and YAML the project's loader reads back as written."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gallery.catalog.yamlload import load_yaml
from gallery import files
from gallery.errors import CatalogError
from gallery.discover import write
from gallery.discover.notes import Note


def test_both_files_are_replaced(tmp_path):
    a, b = tmp_path / "images.yaml", tmp_path / "import.json"
    a.write_text("old\n")
    files.write_all({a: "new catalog\n", b: "{}\n"})
    assert (a.read_text(), b.read_text()) == ("new catalog\n", "{}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["images.yaml", "import.json"]


def test_a_failed_second_replace_puts_the_first_file_back(tmp_path, monkeypatch):
    a, b = tmp_path / "images.yaml", tmp_path / "import.json"
    a.write_text("old catalog\n")
    real, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(files.os, "replace", replace)
    with pytest.raises(CatalogError) as failed:
        files.write_all({a: "new catalog\n", b: "{}\n"})
    assert str(failed.value) == f"{b}: error: cannot be written: No space left on device; nothing was written"
    assert a.read_text() == "old catalog\n"
    assert not b.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["images.yaml"]  # no temporary left behind


def test_a_new_first_file_is_removed_when_the_second_fails(tmp_path, monkeypatch):
    a, b = tmp_path / "images.yaml", tmp_path / "import.json"
    real, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(13, "Permission denied")
        real(src, dst)

    monkeypatch.setattr(files.os, "replace", replace)
    with pytest.raises(CatalogError):
        files.write_all({a: "new catalog\n", b: "{}\n"})
    assert list(tmp_path.iterdir()) == []


def test_text_yaml_would_retype_is_quoted_and_dates_stay_plain():
    doc = {
        "identifier": {"publisher": "no", "offer": "1.10", "sku": "22_04"},
        "version": "1.0.0",
        "captured": dt.date(2026, 11, 2),
        "caching": "None",
        "on": "null",
    }
    text = write.render(doc, [], "header")
    assert 'identifier: {publisher: "no", offer: "1.10", sku: "22_04"}' in text
    assert "captured: 2026-11-02\n" in text
    loaded = load_yaml(text, "images.yaml").data
    assert loaded["identifier"] == {"publisher": "no", "offer": "1.10", "sku": "22_04"}
    assert (loaded["version"], loaded["captured"], loaded["caching"], loaded["on"]) == (
        "1.0.0",
        "2026-11-02",
        "None",
        "null",
    )


def test_notes_are_comments_before_what_they_concern():
    doc = {
        "gallery": {"name": "g", "community": {"eula": "e"}},
        "images": [{"name": "a", "versions": [{"version": "1.0.0"}, {"version": "1.0.1"}]}],
    }
    notes = [
        Note((), "changes", "top"),
        Note(("gallery", "community"), "changes", "not published"),
        Note(("images", 0, "versions", 1), "broken", "provisioning Failed"),
        Note(("images", 0), "left-out", "version 0.9.01"),
    ]
    assert write.render(doc, notes, "header").splitlines() == [
        "# yaml-language-server: $schema=gallery/catalog/schema/catalog.schema.json",
        "",
        "# header",
        "# changes: top",
        "gallery:",
        "  name: g",
        "  # changes: not published",
        "  community:",
        "    eula: e",
        "images:",
        "  # left-out: version 0.9.01",
        "  - name: a",
        "    versions:",
        "      - version: 1.0.0",
        "      # broken: provisioning Failed",
        "      - version: 1.0.1",
    ]


@settings(max_examples=300)
@given(st.text(max_size=20))
def test_every_text_is_read_back_as_itself_in_block_and_flow(text):
    # The loader's YAML (PyYAML, YAML 1.1) must read what the emitter wrote as exactly that text.
    block = write.render({"a": text, "b": [text], "identifier": {"k": text}}, [], "h")
    assert yaml.safe_load(block) == {"a": text, "b": [text], "identifier": {"k": text}}, block

"""Input files are read within bounds: special files safely, oversized ones refused before they are parsed."""

from __future__ import annotations

import os
import socket
import threading

import pytest

from gallery.catalog import inputs
from gallery.catalog.loader import load_catalog, load_catalog_text
from gallery.catalog.yamlload import MAX_NODES
from gallery.errors import CatalogError
from tests.fixtures.paths import CATALOGS

MINIMAL = (CATALOGS / "valid" / "minimal.yaml").read_bytes()
TOO_LARGE = (
    "error: is larger than 16 MiB, the limit for a catalog file; a catalog of 10,000 versions is about "
    "2 MB: is this the right file?"
)


def _texts(path) -> list[str]:
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    return [p.text() for p in info.value.problems]


def test_the_limit_is_16_mib_as_the_readme_says(root):
    assert inputs.MAX_INPUT_BYTES == 16 * 1024 * 1024
    assert "larger than 16 MiB" in (root / "README.md").read_text("utf-8")


def test_an_endless_device_is_cut_at_the_limit():
    assert _texts("/dev/zero") == [f"/dev/zero: {TOO_LARGE}"]


def test_a_large_regular_file_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as f:
        f.truncate(inputs.MAX_INPUT_BYTES + 1)  # sparse: reading it would take 16 MiB of memory
    assert _texts(big) == [f"{big}: {TOO_LARGE}"]


def _fifo(tmp_path, payload) -> str:
    path = tmp_path / "catalog.fifo"
    os.mkfifo(path)

    def write():
        try:
            with open(path, "wb") as f:
                payload(f)
        except BrokenPipeError:  # the reader stopped at the limit
            pass

    threading.Thread(target=write, daemon=True).start()
    return str(path)


def test_a_fifo_is_read_like_a_file(tmp_path):
    catalog = load_catalog(_fifo(tmp_path, lambda f: f.write(MINIMAL)))
    assert [i.name for i in catalog.images] == ["app"]


def test_an_endless_fifo_is_cut_at_the_limit(tmp_path):
    def endless(f):
        block = b"# " + b"x" * 65533 + b"\n"
        while True:
            f.write(block)

    path = _fifo(tmp_path, endless)
    assert _texts(path) == [f"{path}: {TOO_LARGE}"]


def test_a_socket_is_not_a_catalog(tmp_path):
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        assert _texts(path) == [f"{path}: error: is a socket, not a catalog file"]


def test_too_many_yaml_nodes_are_refused_before_they_are_composed():
    text = "- a\n" * (MAX_NODES + 1)
    with pytest.raises(CatalogError) as info:
        load_catalog_text(text, "c.yaml")
    assert [p.text() for p in info.value.problems] == [
        f"c.yaml:{MAX_NODES}:3: error: more than 1,000,000 YAML values: far more than a catalog holds; a "
        "catalog of 10,000 versions has about 150,000"
    ]

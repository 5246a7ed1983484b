"""The documentation stands alone: its links and paths stay inside the repository, each subject has one
section, and the README's commands run as written, with nothing the project does not install (no Azure CLI)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

from azure.storage.blob import BlobServiceClient

from tests.fixtures.paths import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# A markdown link's target, or a path in backticks that climbs out of its folder.
_LINK = re.compile(r"\]\(([^)\s]+)\)|`(\.\./[^`\s]+)`")


def test_links_and_paths_stay_inside_the_repository():
    outside = []
    for doc in DOCS:
        for link, path in _LINK.findall(doc.read_text("utf-8")):
            target = (link or path).split("#")[0]
            if not target or re.match(r"[a-z]+:", target):  # an anchor, https:, mailto:
                continue
            resolved = (doc.parent / target).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                outside.append(f"{doc.relative_to(ROOT)}: {target}")
    assert outside == []


def test_each_subject_has_one_section():
    for doc in DOCS:
        headings = re.findall(r"^#+ (.+)$", doc.read_text("utf-8"), re.M)
        assert len(headings) == len(set(headings)), doc
    catalog = (ROOT / "docs" / "catalog.md").read_text("utf-8")
    assert re.findall(r"^## What validation.*$", catalog, re.M) == [
        "## What validation catches before anything reaches Azure"
    ]


def azurite_steps() -> list[str]:
    """The commands of "Trying it locally against Azurite"."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("**Trying it locally against Azurite**") :]
    start = section.index("```sh\n") + len("```sh\n")
    return section[start : section.index("```", start)].splitlines()


def test_the_azurite_steps_use_only_what_the_project_installs():
    assert [shlex.split(line)[0] for line in azurite_steps()] == [
        "node_modules/.bin/azurite-blob",
        "export",
        ".venv/bin/python",
        "gallery",
    ]


def test_the_azurite_steps_create_the_container(azurite):
    service = BlobServiceClient.from_connection_string(azurite)
    container = service.get_container_client("linux-vhds")
    if container.exists():
        container.delete_container()
    [create] = [line for line in azurite_steps() if line.startswith(".venv/bin/python")]
    argv = [sys.executable, *shlex.split(create)[1:]]
    subprocess.run(
        argv, cwd=ROOT, check=True, timeout=60, env={**os.environ, "AZURE_STORAGE_CONNECTION_STRING": azurite}
    )
    try:
        assert container.exists()
    finally:
        container.delete_container()

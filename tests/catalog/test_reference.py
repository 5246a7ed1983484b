"""docs/catalog.md is written from the schema, and the schema's defaults are the ones the loader applies."""

from __future__ import annotations

import re

from gallery.catalog import reference
from gallery.catalog.loader import load_catalog_text
from gallery.catalog.schema import defaults, schema


def _properties(node, path=""):
    for key, sub in node.get("properties", {}).items():
        yield f"{path}{key}", sub
        yield from _properties(sub, f"{path}{key}.")
        yield from _properties(sub.get("items", {}), f"{path}{key}[].")


def _all_properties():
    root = schema()
    yield from _properties(root)
    for name, sub in root["$defs"].items():
        yield from _properties(sub, f"{name}.")


def test_the_reference_in_docs_is_the_one_the_schema_gives():
    text = reference.DOC.read_text("utf-8")
    assert reference.update(text) == text, "docs/catalog.md is stale: run python -m gallery.catalog.reference"


def test_every_key_of_the_schema_is_described():
    undescribed = [path for path, sub in _all_properties() if not sub.get("description")]
    assert undescribed == []


def test_a_default_named_in_a_description_is_the_schema_default():
    said = re.compile(r"\(default:? ([^)]*)\)|\bDefault:? (\S+)\.$")
    wrong, checked = [], 0
    for path, sub in _all_properties():
        for match in said.finditer(sub.get("description", "")):
            text = (match.group(1) or match.group(2)).strip().strip('"')
            if "default" not in sub:
                continue  # a default that depends on another key (e.g. [location]): prose only
            checked += 1
            value = sub["default"]
            shown = {True: "true", False: "false"}.get(value, value) if isinstance(value, bool) else value
            if isinstance(shown, list):
                shown = "[" + ", ".join(shown) + "]"
            if str(shown) != text:
                wrong.append((path, text, value))
    assert wrong == []
    assert checked >= 14  # the check reads the descriptions it means to read


MINIMAL = """\
resourceGroup: rg
location: westeurope
storage: {account: stmin}
gallery: {name: gal}
images:
  - name: app
    osType: Linux
    osState: Generalized
    hyperVGeneration: V2
    identifier: {publisher: Contoso, offer: app, sku: "1"}
    versions:
      - version: 1.0.0
        source: {vhd: {captured: 2026-11-02, dataDisks: [{lun: 0}]}}
"""


def test_the_loader_applies_exactly_the_schema_defaults():
    cat = load_catalog_text(MINIMAL, "minimal.yaml")
    image = cat.images[0]
    version = image.versions[0]
    applied = {
        "storage.sku": cat.storage.sku,
        "storage.containerPattern": cat.storage.container_pattern,
        "gallery.sharing": cat.gallery.sharing,
        "gallery.softDelete": cat.gallery.soft_delete,
        "replication.replicas": cat.replication.replicas,
        "replication.storageAccountType": cat.replication.storage_account_type,
        "replication.mode": cat.replication.mode,
        "image.architecture": image.architecture,
        "image.securityType": image.security_type,
        "image.allowUpdateImage": image.allow_update_image,
        "version.excludeFromLatest": version.exclude_from_latest,
        "version.allowDeletionOfReplicatedLocations": version.allow_deletion_of_replicated_locations,
        "vhdSource.sequence": version.source.sequence,
        "vhdSource.osDiskCaching": version.source.os_disk_caching,
        "dataDisk.caching": version.source.data_disks[0].caching,
        "lifecycle.stageNewVersions": image.lifecycle.stage_new_versions,
        "lifecycle.blockDeletionBeforeEndOfLife": image.lifecycle.block_deletion_before_end_of_life,
        # A canary is written or not: its timeout's default applies to one written without it.
        "lifecycle.canary.timeoutMinutes": load_catalog_text(
            MINIMAL + "lifecycle: {canary: {command: [./canary.sh]}}\n", "minimal.yaml"
        )
        .images[0]
        .lifecycle.canary.timeout_minutes,
    }
    assert applied == defaults()
    # Features have no default: not written is not sent, and Azure applies its own.
    assert (image.accelerated_networking, image.disk_controller_types) == (None, ())

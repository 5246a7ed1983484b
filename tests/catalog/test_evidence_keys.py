"""Issue 21's catalog keys as the model holds them: lifecycle.canary (both forms), a version's tags, restore and
a region left out for repair."""

from __future__ import annotations

from gallery.catalog.loader import load_catalog_text
from gallery.catalog.model import Canary

CATALOG = """\
resourceGroup: rg-{stack}
location: westeurope
tags: {team: platform}
storage: {account: "st{stack}001"}
gallery: {name: "gal_{stack}", softDelete: true}
lifecycle:
  canary: [./test-image.sh, "{versionId}", "{region}", "{stack}"]
images:
  - name: app
    osType: Linux
    osState: Generalized
    hyperVGeneration: V2
    identifier: {publisher: Contoso, offer: app, sku: "1"}
    lifecycle:
      canary: {command: [./boot.sh, "{image}", "{version}"], regions: [North Europe], timeoutMinutes: 5}
    versions:
      - version: 1.0.0
        source: {vhd: {captured: 2026-11-02}}
        regions: [westeurope, {name: northeurope, replicas: 2, repairing: true}]
        tags: {build.id: "42", team: "app-{stack}"}
        restore: true
  - name: db
    osType: Linux
    osState: Generalized
    hyperVGeneration: V2
    identifier: {publisher: Contoso, offer: db, sku: "1"}
"""


def test_the_canary_in_both_forms():
    catalog = load_catalog_text(CATALOG, "images.yaml", "prod")
    assert catalog.image("db").lifecycle.canary == Canary(
        ("./test-image.sh", "{versionId}", "{region}", "prod"), (), 30
    )
    assert catalog.image("db").lifecycle.canary.path == "lifecycle.canary"
    own = catalog.image("app").lifecycle.canary
    assert own == Canary(("./boot.sh", "{image}", "{version}"), ("northeurope",), 5)
    assert own.path == "images[0].lifecycle.canary"


def test_a_versions_tags_restore_and_repairing_region():
    v = load_catalog_text(CATALOG, "images.yaml", "prod").image("app").version("1.0.0")
    assert v.tags == (("build.id", "42"), ("team", "app-prod"))
    assert v.tag("build.id") == "42" and v.restore is True
    assert [t.name for t in v.target_regions] == ["westeurope"]
    assert [(t.name, t.replicas) for t in v.repairing] == [("northeurope", 2)]

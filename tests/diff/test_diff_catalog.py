"""The catalog-level diff: each kind of change, from small BASE/HEAD pairs under tests/catalogs/diff/.

Every HEAD there changes one thing in base.yaml (its first line says what). The tests pin the exact
findings, destructive first, as `LINE:COL severity kind: message`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import pathlib
import time

import pytest

from gallery.diff.catalog import diff_catalogs
from gallery.diff.findings import apply_allow, parse_allow, sort_findings
from gallery.errors import CatalogError
from gallery.catalog.loader import load_catalog
from gallery.catalog.model import SemVer

DIFF = pathlib.Path(__file__).resolve().parents[1] / "catalogs" / "diff"
TODAY = dt.date(2026, 6, 1)


def findings(head: str, base: str = "base.yaml", today: dt.date = TODAY):
    return sort_findings(diff_catalogs(load_catalog(DIFF / base), load_catalog(DIFF / head), today=today))


def lines(head: str, **kw) -> list[str]:
    return [f"{f.line}:{f.column} {f.severity} {f.kind}: {f.message}" for f in findings(head, **kw)]


def details(head: str, kind: str) -> list[str]:
    found = [f for f in findings(head) if f.kind == kind]
    assert found, f"no {kind} in {head}"
    return [f"{d.property}: {d.before} → {d.after}" for f in found for d in f.details]


def test_reformatting_and_comments_are_no_change():
    assert findings("reformatted.yaml") == []
    assert findings("base.yaml") == []


CASES = {
    "version-added.yaml": [
        "23:9 info latest.changed: latest of ubuntu moves from 1.1.0 to 1.2.0",
        "23:9 info version.added: ubuntu 1.2.0 is published to westeurope ×1, northeurope ×1",
    ],
    "version-added-excluded.yaml": [
        "23:9 info version.staged: ubuntu 1.2.0 is published to westeurope ×1, northeurope ×1, staged: excluded "
        "from latest until it is promoted",
    ],
    "version-removed.yaml": [
        "11:5 blocking version.removed: ubuntu 1.1.0 is deleted but was not retired first (it is not excluded "
        "from latest and its end of life 2999-01-01 has not passed)",
        "11:5 warning latest.lowered: latest of ubuntu moves from 1.1.0 to none: every version is excluded "
        "from latest, so deployments that ask for latest fail",
    ],
    "version-removed-retired.yaml": [
        "11:5 warning version.removed-retired: ubuntu 1.0.0 is deleted (retired: excluded from latest)",
    ],
    "version-source-changed.yaml": [
        "20:9 blocking version.source-changed: ubuntu 1.1.0: the source cannot change after publishing "
        "(Azure: PropertyChangeNotAllowed)",
    ],
    "version-excluded.yaml": [
        "11:5 warning latest.lowered: latest of ubuntu moves from 1.1.0 to none: every version is excluded "
        "from latest, so deployments that ask for latest fail",
        "20:9 info version.retired: ubuntu 1.1.0: retired: excluded from latest, end of life 2999-01-01",
    ],
    "version-regions.yaml": ["20:9 info version.regions-changed: ubuntu 1.1.0: replication changes in place"],
    "version-region-removed.yaml": ["20:9 info version.regions-changed: ubuntu 1.1.0: replication changes in place"],
    "version-region-removal-refused.yaml": [
        "20:9 blocking version.region-removal-refused: ubuntu 1.1.0: northeurope cannot be removed while "
        "allowDeletionOfReplicatedLocations is false (Azure refuses)",
        "20:9 info version.updated: ubuntu 1.1.0: changes in place",
    ],
    "version-region-storage.yaml": [
        "20:9 blocking version.region-storage-changed: ubuntu 1.1.0: the storage type of a region that has "
        "replicas cannot change",
    ],
    "version-replication-mode.yaml": [
        "29:9 blocking version.replication-changed: windows 1.0.0: storageAccountType cannot change after publishing",
    ],
    "definition-added.yaml": [
        "23:5 info definition.added: new image definition debian with 1 version; latest is 12.0.0",
        "29:9 info version.added: debian 12.0.0 is published to westeurope ×1, northeurope ×1",
    ],
    "definition-removed.yaml": [
        "29:9 blocking version.removed: windows 1.0.0 is deleted but was not retired first (it is not excluded "
        "from latest and it has no end of life)",
        "0:0 warning container.removed: no image of family windows is left: the container windows-vhds leaves "
        "the stack but stays in Azure with the VHDs in it (retainOnDelete)",
        "23:5 warning definition.removed: image definition windows is deleted with its 1 version",
    ],
    "definition-renamed.yaml": [
        "11:5 blocking definition.renamed: image definition ubuntu → ubuntu-lts: it is deleted and created "
        "again under the new name, with its 2 versions re-published",
    ],
    "definition-renamed-by-versions.yaml": [
        "23:5 blocking definition.renamed: image definition windows → windows-server: it is deleted and "
        "created again under the new name, with its 1 version re-published",
    ],
    "definition-replaced.yaml": [
        "23:5 blocking definition.replaced: hyperVGeneration of image windows cannot change after creation "
        "(Azure: PropertyChangeNotAllowed); this needs a new definition, and its 1 version with it",
    ],
    "definition-updated.yaml": ["11:5 info definition.updated: image ubuntu changes in place"],
    "gallery-renamed.yaml": [
        "0:0 blocking gallery.renamed: gallery gal_diff_dev → gal_images_dev: a new gallery is created and the "
        "old one is deleted with every definition and version in it",
    ],
    "gallery-groups.yaml": [
        "0:0 blocking gallery.sharing-groups-on-existing: sharing private → groups: Azure cannot switch an "
        "existing gallery to groups sharing",
    ],
    "gallery-community.yaml": [
        "0:0 warning gallery.sharing-made-public: sharing private → community: the gallery is published to every "
        "Azure user (EnableCommunity) once it is deployed",
    ],
    "gallery-access.yaml": [
        "0:0 warning gallery.access-changed: role assignments on the gallery change",
        "0:0 info gallery.updated: gallery properties change in place",
    ],
    "storage-renamed.yaml": [
        "0:0 blocking storage.renamed: storage account stdiffdev001 → stdiffdev002: a new account is created "
        "and the old one, with every uploaded VHD, is deleted",
    ],
    "container-renamed.yaml": [
        "18:9 blocking version.source-changed: ubuntu 1.0.0: the source cannot change after publishing "
        "(Azure: PropertyChangeNotAllowed)",
        "21:9 blocking version.source-changed: ubuntu 1.1.0: the source cannot change after publishing "
        "(Azure: PropertyChangeNotAllowed)",
        # Containers are retained on delete: the old ones stay in Azure, with their VHDs.
        "0:0 warning container.renamed: the linux VHD container linux-vhds → linux-images: linux-images is "
        "created, and linux-vhds leaves the stack but stays in Azure with the VHDs in it (retainOnDelete)",
        "0:0 warning container.renamed: the windows VHD container windows-vhds → windows-images: windows-images is "
        "created, and windows-vhds leaves the stack but stays in Azure with the VHDs in it (retainOnDelete)",
    ],
    "location-changed.yaml": [
        "0:0 blocking location.changed: home region westeurope → northeurope: the storage account, the gallery "
        "and every definition and version are deleted and created again",
    ],
}


@pytest.mark.parametrize("head", sorted(CASES), ids=lambda h: h[:-5])
def test_each_kind_of_change_gives_exactly_its_findings(head):
    assert lines(head) == CASES[head]


def test_every_head_here_is_covered():
    heads = {p.name for p in DIFF.glob("*.yaml")} - {"base.yaml", "reformatted.yaml", "invalid.yaml"}
    assert heads == set(CASES)


@pytest.mark.parametrize(
    "head, kind, expected",
    [
        (
            "version-source-changed.yaml",
            "version.source-changed",
            [
                "source: vhd linux-vhds/ubuntu-os-2026-02-02.vhd (ReadWrite) → vhd linux-vhds/ubuntu-os-2026-02-03.vhd (ReadWrite)"
            ],
        ),
        (
            "version-regions.yaml",
            "version.regions-changed",
            ["regions[eastus]: None → 1 × Standard_LRS", "regions[northeurope].replicas: 1 → 2"],
        ),
        ("version-region-removed.yaml", "version.regions-changed", ["regions[northeurope]: 1 × Standard_LRS → None"]),
        (
            "version-region-storage.yaml",
            "version.region-storage-changed",
            ["regions[northeurope].storageAccountType: Standard_LRS → Standard_ZRS"],
        ),
        ("version-excluded.yaml", "version.retired", ["excludeFromLatest: False → True"]),
        ("definition-replaced.yaml", "definition.replaced", ["hyperVGeneration: V2 → V1"]),
        (
            "definition-updated.yaml",
            "definition.updated",
            ["description: None → Ubuntu 22.04", "endOfLife: None → 2030-01-01"],
        ),
        (
            "definition-renamed-by-versions.yaml",
            "definition.renamed",
            [
                "name: windows → windows-server",
                "identifier: {publisher=Contoso, offer=windows, sku=2022} → "
                "{publisher=Contoso, offer=windows, sku=2022-g2}",
            ],
        ),
        (
            "gallery-groups.yaml",
            "gallery.sharing-groups-on-existing",
            ["sharing: private → groups", "sharedWith.subscriptions: None → 6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"],
        ),
        (
            "gallery-community.yaml",
            "gallery.sharing-made-public",
            [
                "sharing: private → community",
                "community: None → {publicNamePrefix=contoso, "
                "publisherUri=https://contoso.example, publisherContact=images@contoso.example, "
                "eula=https://contoso.example/eula}",
            ],
        ),
        (
            "gallery-access.yaml",
            "gallery.access-changed",
            ["access: None → 3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f Reader"],
        ),
        ("storage-renamed.yaml", "storage.renamed", ["account: stdiffdev001 → stdiffdev002"]),
    ],
)
def test_details_say_before_and_after(head, kind, expected):
    assert details(head, kind) == expected


def test_the_lifecycle_steps_are_named():
    # HEAD → BASE of version-added-excluded: nothing; version-excluded → base: 1.1.0 promoted back.
    promoted = diff_catalogs(
        load_catalog(DIFF / "version-excluded.yaml"), load_catalog(DIFF / "base.yaml"), today=TODAY
    )
    assert [
        (f.kind, [f"{d.property}: {d.before} → {d.after}" for d in f.details])
        for f in promoted
        if f.kind.startswith("version.")
    ] == [("version.promoted", ["excludeFromLatest: True → False"])]
    # 1.1.0 ends its life on 2999-01-01: removed the day after, it is the lifecycle's normal end.
    removed = diff_catalogs(
        load_catalog(DIFF / "base.yaml"), load_catalog(DIFF / "version-removed.yaml"), today=dt.date(2999, 1, 2)
    )
    assert [(f.kind, f.message) for f in removed if f.kind.startswith("version.")] == [
        ("version.removed-after-end-of-life", "ubuntu 1.1.0 is deleted after its end of life 2999-01-01")
    ]


@pytest.mark.parametrize(
    "base, head, kind, severity, hint",
    [
        (
            "gallery-community.yaml",
            "base.yaml",
            "gallery.sharing-community-to-private",
            "warning",
            "everyone using its public name loses access to its images; the deploying identity needs Owner or Compute "
            "Gallery Sharing Admin on the gallery",
        ),
        (
            "gallery-groups.yaml",
            "base.yaml",
            "gallery.sharing-groups-to-private",
            "warning",
            "the subscriptions and tenants it was shared with lose access; the deploying identity needs Owner or Compute "
            "Gallery Sharing Admin on the gallery",
        ),
        (
            "gallery-groups.yaml",
            "gallery-community.yaml",
            "gallery.sharing-groups-to-community",
            "warning",
            "every image in it becomes usable by anyone in Azure; the deploying identity needs Owner or Compute Gallery "
            "Sharing Admin on the gallery",
        ),
        (
            "gallery-community.yaml",
            "gallery-groups.yaml",
            "gallery.sharing-groups-on-existing",
            "blocking",
            "create a new gallery with sharing: groups and publish the images there",
        ),
    ],
)
def test_each_sharing_transition_says_what_azure_allows_and_who_loses_access(base, head, kind, severity, hint):
    found = [
        f
        for f in diff_catalogs(load_catalog(DIFF / base), load_catalog(DIFF / head), today=TODAY)
        if f.kind.startswith("gallery.sharing")
    ]
    assert [(f.kind, f.severity, f.hint) for f in found] == [(kind, severity, hint)]


def test_a_version_past_its_end_of_life_is_retired():
    # 1.1.0 ends its life on 2999-01-01: deleting it is fine the day after, not the day before.
    assert [f.kind for f in findings("version-removed.yaml", today=dt.date(2999, 1, 2))] == [
        "latest.lowered",
        "version.removed-after-end-of-life",
    ]
    assert [f.kind for f in findings("version-removed.yaml", today=dt.date(2999, 1, 1))] == [
        "version.removed",
        "latest.lowered",
    ]


def test_rename_hint_mentions_new_vhd_uploads():
    renamed = findings("definition-renamed.yaml")[0]
    assert renamed.hint.endswith("VHD blob names follow the image name, so the new name needs new uploads")


def test_a_changed_head_as_base_reverses_the_change():
    # BASE and HEAD swapped: the added version becomes a removed one that was never retired.
    found = sort_findings(
        diff_catalogs(load_catalog(DIFF / "version-added.yaml"), load_catalog(DIFF / "base.yaml"), today=TODAY)
    )
    assert [(f.kind, f.subject) for f in found] == [
        ("version.removed", "ubuntu 1.2.0"),
        ("latest.lowered", "image ubuntu"),
    ]


@pytest.mark.parametrize(
    "allow, still_blocking",
    [
        ([], ["version.removed"]),  # the container is retained in Azure: it does not block
        (["version.removed"], []),
        (["delete"], []),
        (["version"], []),
        (["replace,refused"], ["version.removed"]),
    ],
)
def test_allow_by_kind_family_or_action(allow, still_blocking):
    found = apply_allow(findings("definition-removed.yaml"), parse_allow(allow))
    assert [f.kind for f in found if f.blocking] == still_blocking
    assert len(found) == 3  # allowed findings are still reported


def test_allow_rejects_unknown_kinds_with_the_list_of_blocking_ones():
    with pytest.raises(CatalogError) as info:
        parse_allow(["version.remove", "delete"])
    (problem,) = info.value.problems
    assert problem.text().startswith("--allow: error: unknown kind 'version.remove'; allow a kind (")
    assert "version.removed" in problem.hint and "delete, replace, move, refused" in problem.hint


def _with_versions(catalog, n: int, shift: int = 0):
    """`catalog` with ubuntu holding n versions 1.0.i (the sources of base's 1.1.0), for timing."""
    img = catalog.image("ubuntu")
    proto = img.versions[1]
    versions = tuple(dataclasses.replace(proto, version=SemVer(1, 0, i + shift)) for i in range(n))
    return dataclasses.replace(catalog, images=(dataclasses.replace(img, versions=versions),) + catalog.images[1:])


def test_ten_thousand_versions_compare_in_linear_time():
    base = load_catalog(DIFF / "base.yaml")
    old, new = _with_versions(base, 10_000), _with_versions(base, 10_000, shift=5_000)
    start = time.perf_counter()
    found = diff_catalogs(old, new, today=TODAY)
    elapsed = time.perf_counter() - start
    kinds = [f.kind for f in found]
    assert kinds.count("version.added") == 5_000 and kinds.count("version.removed") == 5_000
    assert elapsed < 2.0, f"{elapsed:.2f}s for 10,000 versions: something is quadratic"


@pytest.mark.parametrize(
    "sku, kind, severity, message",
    [
        (
            "Standard_GRS",
            "storage.sku-changed",
            "warning",
            "storage SKU Standard_LRS → Standard_GRS: Azure converts the "
            "account in place (geo-redundancy and read access)",
        ),
        (
            "Premium_LRS",
            "storage.sku-refused",
            "blocking",
            "storage SKU Standard_LRS → Premium_LRS: Azure cannot convert "
            "a Standard account to Premium: that takes a new storage account and a copy of every VHD",
        ),
        (
            "Standard_ZRS",
            "storage.sku-refused",
            "blocking",
            "storage SKU Standard_LRS → Standard_ZRS: zone redundancy "
            "changes only through a conversion Azure runs on request (`az storage account migration start`), not a SKU "
            "update; start it, and change the catalog once it is done",
        ),
    ],
)
def test_a_storage_sku_change_is_refused_where_azure_refuses_it(tmp_path, sku, kind, severity, message):
    text = (DIFF / "base.yaml").read_text()
    assert "  sku: " not in text.split("gallery:")[0]  # base uses the default SKU, Standard_LRS
    head = tmp_path / "head.yaml"
    head.write_text(text.replace("storage:\n", f"storage:\n  sku: {sku}\n", 1))
    found = [
        f
        for f in diff_catalogs(load_catalog(DIFF / "base.yaml"), load_catalog(head), today=TODAY)
        if f.kind.startswith("storage.")
    ]
    assert [(f.kind, f.severity, f.message) for f in found] == [(kind, severity, message)]

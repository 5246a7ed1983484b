"""Lists of definitions and versions through the real client: every page is followed, at the project's api-version."""

from __future__ import annotations

from armlocal import API_VERSION, SUBSCRIPTION, version_properties
from gallery.azure.client import call_options, compute_client
from gallery.azure.target import resolve_target


def test_lists_follow_next_link_and_omit_replication_status(arm):
    arm.add_gallery("rg", "gal")
    for i in range(7):
        arm.add_image("rg", "gal", f"img{i}", {"osType": "Linux", "osState": "Generalized"})
    for v in ("1.0.0", "1.0.1", "1.0.2"):
        arm.add_version("rg", "gal", "img0", v, version_properties({"westeurope": 1, "northeurope": 2}))
    arm.page_size = 3
    client = compute_client(resolve_target(), SUBSCRIPTION)
    images = list(client.gallery_images.list_by_gallery("rg", "gal", **call_options()))
    assert [i.name for i in images] == [f"img{i}" for i in range(7)]
    lists = arm.calls("GET", "/images")
    assert len(lists) == 3 and all(r.query["api-version"] == API_VERSION for r in lists)
    assert [r.query.get("$skiptoken") for r in lists] == [None, "3", "6"]
    versions = list(client.gallery_image_versions.list_by_gallery_image("rg", "gal", "img0", **call_options()))
    assert [v.name for v in versions] == ["1.0.0", "1.0.1", "1.0.2"]
    assert all(v.replication_status is None for v in versions)
    one = client.gallery_image_versions.get("rg", "gal", "img0", "1.0.1", expand="ReplicationStatus", **call_options())
    assert one.replication_status.aggregated_state == "Completed"
    assert [(s.region, s.state, s.progress) for s in one.replication_status.summary] == [
        ("West Europe", "Completed", 100),
        ("North Europe", "Completed", 100),
    ]

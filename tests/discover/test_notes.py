"""A gallery with what real galleries have and the catalog cannot hold: each thing gets its comment, the catalog
still validates, and the plan differs from Azure exactly where a `changes:` comment says it will."""

from __future__ import annotations

import pytest

from armlocal import SUBSCRIPTION, features, image_properties, version_properties, vhd
from gallery.azure.target import resolve_target
from gallery.discover.compare import differences
from gallery.discover.run import discover
from gallery.plan.run import plan_catalog

RG, GALLERY, ACCOUNT = "rg-legacy", "gal_legacy", "stlegacyimages"
VM = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-build/providers/Microsoft.Compute/virtualMachines/win-build"
SNAP = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-build/providers/Microsoft.Compute/snapshots/"


def serve_legacy(arm) -> None:
    arm.add_group(RG)
    account = arm.add_account(RG, ACCOUNT, sku="Standard_GRS", public_blobs=True)
    arm.add_container(RG, ACCOUNT, "images-linux")
    arm.add_container(RG, ACCOUNT, "images-other")
    arm.add_gallery(
        RG,
        GALLERY,
        sharing="Community",
        soft_delete=True,
        enabled=False,
        community={
            "publicNamePrefix": "contoso01",
            "publisherUri": "https://contoso.example",
            "publisherContact": "images@contoso.example",
            "eula": "https://contoso.example/eula",
        },
    )
    arm.gallery(RG, GALLERY)["tags"] = {"env": "legacy"}
    centos = image_properties("Linux", "Contoso", "centos", "7", allowUpdateImage=True)
    del centos["hyperVGeneration"]
    arm.add_image(RG, GALLERY, "centos-7", centos)
    arm.add_image(
        RG,
        GALLERY,
        "win-app",
        image_properties(
            "Windows",
            "Contoso",
            "win-app",
            "2025",
            features=features("TrustedLaunchSupported") + [{"name": "IsHibernateSupported", "value": "True"}],
        ),
    )

    def disk(container, blob, caching="ReadWrite", lun=None):
        return vhd(account["id"], ACCOUNT, container, blob, caching, lun)

    base = version_properties({"westeurope": 1}, os_disk=disk("images-linux", "centos7-base.vhd"))
    failed = version_properties(
        {"westeurope": 1, "northeurope": 1},
        states={"northeurope": "Failed"},
        provisioning="Failed",
        os_disk=disk("images-linux", "centos-7-os-2026-01-10.vhd"),
    )
    community = version_properties({"westeurope": 1})
    community["storageProfile"] = {
        "source": {"communityGalleryImageId": "/CommunityGalleries/x/Images/y/Versions/1.0.0"}
    }
    for props in (base, failed, community):  # every version of the image: its lifecycle policy says so
        props["safetyProfile"]["blockDeletionBeforeEndOfLife"] = True
    arm.add_version(RG, GALLERY, "centos-7", "1.0.0", base)
    arm.add_version(RG, GALLERY, "centos-7", "1.0.1", failed)
    arm.add_version(RG, GALLERY, "centos-7", "1.0.2", community)
    arm.add_version(RG, GALLERY, "centos-7", "1.02.0", version_properties({"westeurope": 1}))
    from_vm = version_properties({"westeurope": 1})
    from_vm["storageProfile"] = {"source": {"id": VM}}
    arm.add_version(RG, GALLERY, "win-app", "2.0.0", from_vm)
    blocked = version_properties(
        {"westeurope": 1},
        os_disk=disk("images-windows", "win-app-os-2026-01-10.vhd"),
        end_of_life="2027-01-01T12:00:00+00:00",
    )
    blocked["safetyProfile"]["blockDeletionBeforeEndOfLife"] = True  # this version only
    arm.add_version(RG, GALLERY, "win-app", "2.1.0", blocked)
    more = version_properties({"westeurope": 1}, os_disk=disk("images-windows", "win-app-os-2026-02-10.vhd"))
    more["publishingProfile"]["replicaCount"] = 3
    arm.add_version(RG, GALLERY, "win-app", "2.2.0", more)
    snapshots = version_properties({"westeurope": 1})
    snapshots["storageProfile"] = {
        "osDiskImage": {"source": {"id": SNAP + "os"}},
        "dataDiskImages": [{"lun": 0, "source": {"id": SNAP + "data"}}],
    }
    arm.add_version(RG, GALLERY, "win-app", "2.3.0", snapshots)


@pytest.fixture
def legacy(arm):
    serve_legacy(arm)
    return discover(resolve_target(), SUBSCRIPTION, RG, GALLERY)


def test_each_quirk_has_its_comment_and_the_catalog_validates(legacy):
    assert legacy.problems == []
    assert [(n.path_text, n.comment()) for n in legacy.notes] == [
        ("images[0]", "left-out: version 1.02.0: not Major.Minor.Patch without leading zeros"),
        (
            "",
            "changes: tags that not every resource carries with the same value cannot be written (the "
            "catalog's tags go on every resource), and the first pulumi up would remove them: env (on 1 of "
            "13)",
        ),
        (
            "storage",
            "changes: the program sets anonymous blob access to false (Azure has true): the first pulumi up changes it",
        ),
        ("storage", "changes: the container images-windows (family windows) does not exist: pulumi up would create it"),
        (
            "gallery.community",
            "changes: the gallery is not published to the community yet: the first pulumi up publishes it "
            "(EnableCommunity)",
        ),
        (
            "images[0]",
            "changes: Azure reports no hyperVGeneration; V1 (its default when the definition was made) is "
            "written, and the program always sends it",
        ),
        (
            "images[0].versions[1]",
            "broken: provisioning Failed; replication failed in northeurope (Azure: Replication job "
            "failed.): a failed version cannot be published again under the same number; delete it in "
            "Azure and remove it here, or publish a new version",
        ),
        (
            "images[0].versions[2]",
            "changes: Azure has the community image as /CommunityGalleries/x/Images/y/Versions/1.0.0; the "
            "catalog spells it /communityGalleries/x/images/y/versions/1.0.0, and the first preview shows "
            "the source changing (ARM reads both alike)",
        ),
        (
            "images[1]",
            "changes: blockDeletionBeforeEndOfLife is set on 2.1.0 only, not on the image's other versions; "
            "the catalog sets it per image (lifecycle.blockDeletionBeforeEndOfLife), so the first pulumi up "
            "clears it there",
        ),
        (
            "images[1].versions[0]",
            "changes: Azure has the virtual machine as source.id; the program sends it as source.virtualMachineId",
        ),
        (
            "images[1].versions[1]",
            "changes: the end of life is 2027-01-01T12:00:00+00:00; the catalog writes the day, which the "
            "program sends as midnight UTC",
        ),
        (
            "images[1].versions[1]",
            "broken: its VHD container images-windows no longer exists in stlegacyimages: the source is gone",
        ),
        ("images[1].versions[2]", "changes: its replicaCount is 3; the program sends the home region's count, 1"),
        (
            "images[1].versions[2]",
            "broken: its VHD container images-windows no longer exists in stlegacyimages: the source is gone",
        ),
        (
            "",
            "changes: no name carries the stack name 'dev': every stack of this catalog would deploy to these"
            " same resources (run discover with the --stack the names carry, or give each stack its own "
            "catalog)",
        ),
    ]
    text = legacy.text
    assert (
        "      # broken: provisioning Failed; replication failed in northeurope (Azure: Replication job failed.): a\n"
        "      #   failed version cannot be published again under the same number"
    ) in text
    assert "            osDiskBlob: centos7-base.vhd\n" in text  # not the convention: the blob's own name
    assert "  containerPattern: images-{family}\n" in text
    assert "    allowUpdateImage: true\n" in text and "    hibernation: true\n" in text  # keys the catalog has now
    assert "          communityGalleryImageId: /communityGalleries/x/images/y/versions/1.0.0\n" in text
    assert "      - version: 2.3.0\n        source:\n          disks:\n            osDiskImage:\n" in text
    assert "    lifecycle:\n      blockDeletionBeforeEndOfLife: true\n    versions:\n" in text  # all of centos-7


def test_the_plan_differs_from_azure_where_a_changes_comment_says(legacy):
    records = plan_catalog(legacy.catalog).resources
    assert [(d.resource, d.field) for d in differences(records, legacy.found)] == [
        ("gallery-gallery", "tags"),  # changes: tags that not every resource carries
        ("gallery-centos-7", "hyperVGeneration"),  # changes: Azure reports no hyperVGeneration
        ("gallery-centos-7-1.0.2", "storageProfile"),  # changes: Azure has the community image as ...
        ("gallery-win-app-2.0.0", "storageProfile"),  # changes: the virtual machine as source.id
        ("gallery-win-app-2.1.0", "publishingProfile.endOfLifeDate"),  # changes: the end of life is 12:00
        ("gallery-win-app-2.1.0", "safetyProfile.blockDeletionBeforeEndOfLife"),  # changes: set on 2.1.0 only
        ("gallery-win-app-2.2.0", "publishingProfile.replicaCount"),  # changes: its replicaCount is 3
        ("gallery-container-windows", "exists"),  # changes: the container images-windows does not exist
    ]

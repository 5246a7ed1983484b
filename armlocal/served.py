"""A catalog served as Azure would hold it once deployed.

`serve_plan` takes the resources a deployment declares, as records (type, logical name, inputs... as
`gallery plan --format json` writes them), and serves each as Azure returns it; `catalog_records` is where
those records come from for a catalog file. `serve_catalog` serves a loaded catalog's definitions and
versions with the replication states a test wants.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Optional

from armlocal import sharing
from armlocal.api import SUBSCRIPTION
from armlocal.bodies import DISPLAY, aggregated, key, version_properties
from armlocal.server import ArmEndpoint
from armlocal.state import ASSIGNMENT_OPTIONAL


def catalog_records(catalog_path: str | os.PathLike, stack: str = "dev") -> list[dict]:
    """The resources a deployment of the catalog holds, as records (type, name, inputs...): the one place armlocal
    gets them: the catalog's desired state, which the offline plan of the Pulumi program equals (no Pulumi is
    loaded). Raises gallery.errors.CatalogError for a catalog with errors."""
    from gallery.catalog.loader import load_catalog
    from gallery.desired.build import desired_state

    return desired_state(load_catalog(catalog_path, stack)).records()


def serve_plan(endpoint: ArmEndpoint, records: list[dict], *, sub: str = SUBSCRIPTION) -> None:
    """Serve what `pulumi up` of a plan (`gallery plan --format json`'s resources) leaves in Azure: every
    resource with the inputs it was sent, in Azure's shape (properties nested, regions by display name,
    provisioned and replicated), the gallery's role assignments, and what the sharing resources did with the
    share action (the members of a `Groups` gallery, a community gallery published). The plan's placeholder
    subscription becomes `sub`.
    Not served: the component (not an Azure resource) and the sharing guard (it does nothing to a new gallery)."""
    from gallery.desired.arm import PLACEHOLDER_SUBSCRIPTION

    records = json.loads(json.dumps(records).replace(PLACEHOLDER_SUBSCRIPTION, sub))
    # The share action acts on a gallery: it comes after every resource azure-native declares.
    for r in sorted(records, key=lambda r: r["type"].startswith("pulumi-python:dynamic/")):
        serve = _SERVE.get(r["type"].rsplit(":", 1)[-1])
        if serve is not None:
            serve(endpoint, r["inputs"], sub)


_NAMES = ("resourceGroupName", "galleryName", "galleryImageName", "galleryImageVersionName", "location", "tags")


def _group(endpoint: ArmEndpoint, i: dict, sub: str) -> None:
    endpoint.add_group(i["resourceGroupName"], location=i.get("location", "westeurope"), sub=sub, tags=i.get("tags"))


def _account(endpoint: ArmEndpoint, i: dict, sub: str) -> None:
    endpoint.add_account(
        i["resourceGroupName"],
        i["accountName"],
        location=i.get("location", "westeurope"),
        sub=sub,
        sku=i["sku"]["name"],
        kind=i["kind"],
        tags=i.get("tags"),
        https_only=i.get("enableHttpsTrafficOnly", True),
        tls=i.get("minimumTlsVersion", "TLS1_2"),
        public_blobs=i.get("allowBlobPublicAccess", False),
    )


def _container(endpoint: ArmEndpoint, i: dict, sub: str) -> None:
    endpoint.add_container(i["resourceGroupName"], i["accountName"], i["containerName"], sub=sub)


def _gallery(endpoint: ArmEndpoint, i: dict, sub: str) -> None:
    profile = i.get("sharingProfile", {})
    body = endpoint.add_gallery(
        i["resourceGroupName"],
        i["galleryName"],
        location=i.get("location", "westeurope"),
        sub=sub,
        sharing=profile.get("permissions", "Private"),
        community=profile.get("communityGalleryInfo"),
        description=i.get("description"),
        soft_delete=i.get("softDeletePolicy", {}).get("isSoftDeleteEnabled", False),
    )
    body["tags"] = i.get("tags", {})
    if i.get("identity"):  # Azure answers user-assigned ids as a map, with the identities' ids
        ident = i["identity"]
        body["identity"] = {
            "type": ident["type"],
            "principalId": str(uuid.uuid5(uuid.NAMESPACE_URL, body["id"])),
            "tenantId": "22222222-3333-4444-5555-666666666666",
            **(
                {
                    "userAssignedIdentities": {
                        u: {"principalId": str(uuid.uuid5(uuid.NAMESPACE_URL, u)), "clientId": str(uuid.uuid4())}
                        for u in ident["userAssignedIdentities"]
                    }
                }
                if ident.get("userAssignedIdentities")
                else {}
            ),
        }


def _image(endpoint: ArmEndpoint, i: dict, sub: str) -> None:
    endpoint.add_image(
        i["resourceGroupName"],
        i["galleryName"],
        i["galleryImageName"],
        {k: v for k, v in i.items() if k not in _NAMES},
        location=i.get("location", "westeurope"),
        sub=sub,
        tags=i.get("tags"),
    )


# What a served version reports as each disk's size: Azure computes sizeInGB from the source; nothing here reads a
# real disk, so every disk image of a served version says this.
DISK_GIB = 30


def _version(endpoint: ArmEndpoint, i: dict, sub: str) -> None:
    props = {k: v for k, v in i.items() if k not in _NAMES}
    storage = props.get("storageProfile") or {}
    for disk in ([storage["osDiskImage"]] if storage.get("osDiskImage") else []) + list(
        storage.get("dataDiskImages") or ()
    ):
        disk.setdefault("sizeInGB", DISK_GIB)
    targets = props["publishingProfile"]["targetRegions"]
    for target in targets:
        target["name"] = DISPLAY.get(target["name"], target["name"])
    props.update(
        provisioningState="Succeeded",
        replicationStatus={
            "aggregatedState": "Completed",
            "summary": [{"region": t["name"], "state": "Completed", "details": "", "progress": 100} for t in targets],
        },
    )
    endpoint.add_version(
        i["resourceGroupName"],
        i["galleryName"],
        i["galleryImageName"],
        i["galleryImageVersionName"],
        props,
        location=i.get("location", "westeurope"),
        sub=sub,
        tags=i.get("tags"),
    )


def _assignment(endpoint: ArmEndpoint, i: dict, sub: str) -> None:
    # azure-native names an assignment with a new GUID when it is not given one: here, the same one each time.
    name = i.get("roleAssignmentName") or str(
        uuid.uuid5(uuid.NAMESPACE_URL, "|".join((i["scope"], i["principalId"], i["roleDefinitionId"])))
    )
    endpoint.add_role_assignment(
        i["scope"],
        name,
        i["roleDefinitionId"],
        i["principalId"],
        principal_type=i.get("principalType", "User"),
        **{k: i[k] for k in ASSIGNMENT_OPTIONAL if i.get(k) is not None},
    )


def _members(endpoint: ArmEndpoint, i: dict, sub: str) -> None:
    """GallerySharing's create: the share action's Add of the subscriptions and tenants."""
    groups = [
        {"type": kind, "ids": i[key]}
        for kind, key in (("Subscriptions", "subscriptions"), ("AADTenants", "tenants"))
        if i.get(key)
    ]
    if groups:
        sharing.apply(
            endpoint.gallery(i["resourceGroupName"], i["galleryName"], sub), {"operationType": "Add", "groups": groups}
        )


def _published(endpoint: ArmEndpoint, i: dict, sub: str) -> None:
    """GalleryCommunity's create: the share action's EnableCommunity."""
    sharing.apply(endpoint.gallery(i["resourceGroupName"], i["galleryName"], sub), {"operationType": "EnableCommunity"})


# By the last part of a record's type (azure-native:compute:Gallery, pulumi-python:dynamic/gallery:GallerySharing).
_SERVE = {
    "ResourceGroup": _group,
    "StorageAccount": _account,
    "BlobContainer": _container,
    "Gallery": _gallery,
    "GalleryImage": _image,
    "GalleryImageVersion": _version,
    "RoleAssignment": _assignment,
    "GallerySharing": _members,
    "GalleryCommunity": _published,
}


def serve_catalog(
    endpoint: ArmEndpoint,
    catalog,
    *,
    states: Optional[dict] = None,
    provisioning: Optional[dict] = None,
    skip: tuple = (),
    extra: tuple = (),
    progress: Optional[dict] = None,
    details: Optional[dict] = None,
    sub: str = SUBSCRIPTION,
) -> None:
    """Serve `catalog` (a gallery.catalog.model.Catalog) as a deployment of it leaves Azure (its desired state,
    as `serve_plan` serves it), with the replication and provisioning states given.

    states: {(image, version): {region: Completed|Replicating|Failed|Unknown}}; progress and details: the same
    keys, {region: percent} and {region: Azure's words}; provisioning: {(image, version): state}, by default
    Creating while a region replicates, Failed when one failed, else Succeeded; skip: (image, version) pairs Azure
    does not have; extra: (image, version) pairs Azure has beyond the catalog.
    """
    from gallery.desired.build import desired_state

    states, provisioning, progress, details = states or {}, provisioning or {}, progress or {}, details or {}
    records = [
        r
        for r in desired_state(catalog).records()
        if (r["inputs"].get("galleryImageName"), r["inputs"].get("galleryImageVersionName")) not in skip
    ]
    serve_plan(endpoint, records, sub=sub)
    rg, gallery = catalog.resource_group, catalog.gallery.name
    for (image, version), regions in states.items():
        body = endpoint.versions[(key(sub, rg, gallery), image.lower(), version)]["properties"]
        summary = body["replicationStatus"]["summary"]
        for entry in summary:
            name = "".join(entry["region"].split()).lower()
            state = regions.get(name, entry["state"])
            entry.update(
                state=state,
                progress=progress.get((image, version), {}).get(name, 100 if state == "Completed" else 0),
                details=details.get((image, version), {}).get(
                    name, "Replication job failed." if state == "Failed" else ""
                ),
            )
        body["replicationStatus"]["aggregatedState"] = aggregated(summary)
        body["provisioningState"] = {"InProgress": "Creating", "Failed": "Failed"}.get(
            body["replicationStatus"]["aggregatedState"], "Succeeded"
        )
    for (image, version), state in provisioning.items():
        endpoint.versions[(key(sub, rg, gallery), image.lower(), version)]["properties"]["provisioningState"] = state
    for image, version in extra:
        endpoint.add_version(
            rg, gallery, image, version, version_properties({catalog.location: 1}), location=catalog.location, sub=sub
        )

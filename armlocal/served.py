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

from armlocal.api import SUBSCRIPTION
from armlocal.bodies import DISPLAY, version_properties
from armlocal.server import ArmEndpoint


def catalog_records(catalog_path: str | os.PathLike, stack: str = "dev") -> list[dict]:
    """The resources a deployment of the catalog holds, as records: the offline plan's (the Pulumi program under
    mocks). Raises gallery.errors.CatalogError for a catalog with errors."""
    from gallery.plan.run import plan

    return plan(catalog_path, stack).resources


def serve_plan(endpoint: ArmEndpoint, records: list[dict], *, sub: str = SUBSCRIPTION) -> None:
    """Serve what `pulumi up` of a plan (`gallery plan --format json`'s resources) leaves in Azure: every
    resource with the inputs it was sent, in Azure's shape (properties nested, regions by display name,
    provisioned and replicated). The plan's placeholder subscription becomes `sub`."""
    from gallery.plan.engine import FAKE_SUBSCRIPTION

    records = json.loads(json.dumps(records).replace(FAKE_SUBSCRIPTION, sub))
    names = ("resourceGroupName", "galleryName", "galleryImageName", "galleryImageVersionName", "location", "tags")
    for r in records:
        i, kind = r["inputs"], r["type"].rsplit(":", 1)[-1]
        rg, where = i.get("resourceGroupName"), i.get("location", "westeurope")
        if kind == "ResourceGroup":
            endpoint.add_group(rg, location=where, sub=sub, tags=i.get("tags"))
        elif kind == "StorageAccount":
            endpoint.add_account(rg, i["accountName"], location=where, sub=sub, sku=i["sku"]["name"], kind=i["kind"],
                                 tags=i.get("tags"), https_only=i.get("enableHttpsTrafficOnly", True),
                                 tls=i.get("minimumTlsVersion", "TLS1_2"),
                                 public_blobs=i.get("allowBlobPublicAccess", False))
        elif kind == "BlobContainer":
            endpoint.add_container(rg, i["accountName"], i["containerName"], sub=sub)
        elif kind == "Gallery":
            profile = i.get("sharingProfile", {})
            body = endpoint.add_gallery(rg, i["galleryName"], location=where, sub=sub,
                                        sharing=profile.get("permissions", "Private"),
                                        community=profile.get("communityGalleryInfo"),
                                        enabled=profile.get("permissions") == "Community",
                                        description=i.get("description"),
                                        soft_delete=i.get("softDeletePolicy", {}).get("isSoftDeleteEnabled", False))
            body["tags"] = i.get("tags", {})
            if i.get("identity"):  # Azure answers user-assigned ids as a map, with the identities' ids
                ident = i["identity"]
                body["identity"] = {
                    "type": ident["type"], "principalId": str(uuid.uuid5(uuid.NAMESPACE_URL, body["id"])),
                    "tenantId": "22222222-3333-4444-5555-666666666666",
                    **({"userAssignedIdentities": {
                        u: {"principalId": str(uuid.uuid5(uuid.NAMESPACE_URL, u)), "clientId": str(uuid.uuid4())}
                        for u in ident["userAssignedIdentities"]}} if ident.get("userAssignedIdentities") else {})}
        elif kind == "GalleryImage":
            endpoint.add_image(rg, i["galleryName"], i["galleryImageName"],
                               {k: v for k, v in i.items() if k not in names}, location=where, sub=sub,
                               tags=i.get("tags"))
        elif kind == "GalleryImageVersion":
            props = {k: v for k, v in i.items() if k not in names}
            targets = props["publishingProfile"]["targetRegions"]
            for target in targets:
                target["name"] = DISPLAY.get(target["name"], target["name"])
            props.update(provisioningState="Succeeded", replicationStatus={
                "aggregatedState": "Completed",
                "summary": [{"region": t["name"], "state": "Completed", "details": "", "progress": 100}
                            for t in targets]})
            endpoint.add_version(rg, i["galleryName"], i["galleryImageName"], i["galleryImageVersionName"], props,
                                 location=where, sub=sub, tags=i.get("tags"))


def serve_catalog(endpoint: ArmEndpoint, catalog, *, states: Optional[dict] = None,
                  provisioning: Optional[dict] = None, skip: tuple = (), extra: tuple = ()) -> None:
    """Serve `catalog` (a gallery.catalog.model.Catalog): its gallery, definitions and versions as Azure would
    hold them once deployed, with the replication and provisioning states given.

    states: {(image, version): {region: Completed|Replicating|Failed}}; provisioning: {(image, version): state};
    skip: (image, version) pairs Azure does not have; extra: (image, version) pairs Azure has beyond the catalog.
    """
    states, provisioning = states or {}, provisioning or {}
    rg, gallery = catalog.resource_group, catalog.gallery.name
    endpoint.add_gallery(rg, gallery, location=catalog.location)
    for image in catalog.images:
        endpoint.add_image(rg, gallery, image.name, {
            "osType": image.os_type, "osState": image.os_state, "hyperVGeneration": image.hyper_v_generation,
            "identifier": {"publisher": image.identifier.publisher, "offer": image.identifier.offer,
                           "sku": image.identifier.sku}}, location=catalog.location)
        for v in image.versions:
            if (image.name, v.name) in skip:
                continue
            endpoint.add_version(rg, gallery, image.name, v.name, version_properties(
                {t.name: t.replicas for t in v.target_regions}, states=states.get((image.name, v.name)),
                provisioning=provisioning.get((image.name, v.name), "Succeeded"),
                exclude_from_latest=v.exclude_from_latest,
                end_of_life=f"{v.end_of_life}T00:00:00+00:00" if v.end_of_life else None),
                location=catalog.location)
    for image, version in extra:
        endpoint.add_version(rg, gallery, image, version, version_properties({catalog.location: 1}),
                             location=catalog.location)

"""What the endpoint holds: the served resources, running share operations, injected faults, the request log."""

from __future__ import annotations

import dataclasses
import re
import threading
from typing import Any, Optional

from armlocal.api import SUBSCRIPTION
from armlocal.bodies import DISPLAY, gallery_id, key, policy_violation, public_name, validations_profile

# When Azure says a role assignment was made (Microsoft.Authorization writes createdOn and updatedOn).
ASSIGNED_ON = "2026-01-05T09:00:00.0000000Z"
# What a role assignment carries when it is sent, null otherwise (RoleAssignmentProperties, 2022-04-01).
ASSIGNMENT_OPTIONAL = ("condition", "conditionVersion", "delegatedManagedIdentityResourceId", "description")


@dataclasses.dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


@dataclasses.dataclass
class Fault:
    method: str
    pattern: re.Pattern
    status: int
    code: str
    message: str
    times: int
    retry_after: Optional[int]


class ArmState:
    """The served resources and the endpoint's settings (delay, page_size, token...), under one lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.galleries: dict[tuple, dict] = {}
            self.images: dict[tuple, dict] = {}
            self.versions: dict[tuple, dict] = {}
            self.operations: dict[str, dict] = {}
            self.shares: dict[tuple, dict] = {}
            self.faults: list[Fault] = []
            self.requests: list[Request] = []
            self.delay = 0.0
            self.page_size = 100
            self.token: Optional[str] = None
            self.polls_before_done = 1
            self.fail_operations: dict[str, tuple[str, str]] = {}  # operationType -> (code, message)
            self.groups: dict[tuple, dict] = {}
            self.accounts: dict[tuple, dict] = {}
            self.containers: dict[tuple, dict] = {}  # (sub, rg, account, container) -> body
            self.role_assignments: dict[tuple, dict] = {}  # (scope, name), both lower case -> body
            # Per-region replication state machines (armlocal.replication), by version key; each tick moves a
            # replicating region on by its step. With tick_on_read, every $expand=ReplicationStatus read of a
            # version is a tick of that version first (time passing between a CI job's polls).
            self.replications: dict[tuple, dict] = {}
            self.replication_step = 25  # percent per tick of a region the second writer adds
            self.tick_on_read = False
            # Versions the gallery's soft delete keeps: (gallery key, image lower case, version) -> body
            self.soft_deleted: dict[tuple, dict] = {}
            self.machines: dict[str, dict] = {}  # VMs and scale sets Resource Graph answers for, by lower-case id
            self.in_flight = 0  # requests being answered now, and the most at once (a client's parallelism)
            self.max_in_flight = 0

    # -- building the served resources -------------------------------------------------------------------

    def add_gallery(
        self,
        rg: str,
        name: str,
        *,
        location: str = "westeurope",
        sub: str = SUBSCRIPTION,
        sharing: str = "Private",
        community: Optional[dict] = None,
        enabled: bool = False,
        groups: Optional[list[dict]] = None,
        description: Optional[str] = None,
        soft_delete: bool = False,
    ) -> dict:
        """A gallery as Gallery_Get with $expand=SharingProfile/Groups returns it (a plain GET leaves out
        `sharingProfile.groups`, the members of a `Groups` gallery)."""
        profile: dict[str, Any] = {"permissions": sharing}
        if sharing == "Groups":
            profile["groups"] = groups or []
        if community is not None:
            profile["communityGalleryInfo"] = {
                **community,
                "communityGalleryEnabled": enabled,
                **({"publicNames": [public_name(community)]} if enabled else {}),
            }
        body = {
            "id": gallery_id(sub, rg, name),
            "name": name,
            "type": "Microsoft.Compute/galleries",
            "location": location,
            "tags": {},
            "properties": {
                "identifier": {"uniqueName": f"{sub}-{name.upper()}"},
                "provisioningState": "Succeeded",
                "sharingProfile": profile,
                "softDeletePolicy": {"isSoftDeleteEnabled": soft_delete},
            },
        }
        if description is not None:
            body["properties"]["description"] = description
        with self.lock:
            self.galleries[key(sub, rg, name)] = body
        return body

    def add_image(
        self,
        rg: str,
        gallery: str,
        name: str,
        properties: dict,
        *,
        location: str = "westeurope",
        sub: str = SUBSCRIPTION,
        tags: Optional[dict] = None,
    ) -> dict:
        """A definition as GalleryImage_Get returns it; `properties` as Azure writes them (osType, identifier...)."""
        body = {
            "id": f"{gallery_id(sub, rg, gallery)}/images/{name}",
            "name": name,
            "type": "Microsoft.Compute/galleries/images",
            "location": location,
            "tags": tags or {},
            "properties": {"provisioningState": "Succeeded", **properties},
        }
        with self.lock:
            self.images[(key(sub, rg, gallery), name.lower())] = body
        return body

    def add_version(
        self,
        rg: str,
        gallery: str,
        image: str,
        version: str,
        properties: dict,
        *,
        location: str = "westeurope",
        sub: str = SUBSCRIPTION,
        tags: Optional[dict] = None,
    ) -> dict:
        """A version as GalleryImageVersion_Get with $expand=ReplicationStatus returns it (lists leave
        `replicationStatus` out); see bodies.version_properties() for a realistic `properties`."""
        body = {
            "id": f"{gallery_id(sub, rg, gallery)}/images/{image}/versions/{version}",
            "name": version,
            "type": "Microsoft.Compute/galleries/images/versions",
            "location": location,
            "tags": tags or {},
            "properties": properties,
        }
        with self.lock:
            self.versions[(key(sub, rg, gallery), image.lower(), version)] = body
        return body

    def add_group(
        self, rg: str, *, location: str = "westeurope", sub: str = SUBSCRIPTION, tags: Optional[dict] = None
    ) -> dict:
        """A resource group as ResourceGroups_Get (2024-03-01) returns it."""
        body = {
            "id": f"/subscriptions/{sub}/resourceGroups/{rg}",
            "name": rg,
            "type": "Microsoft.Resources/resourceGroups",
            "location": location,
            "tags": tags or {},
            "properties": {"provisioningState": "Succeeded"},
        }
        with self.lock:
            self.groups[(sub.lower(), rg.lower())] = body
        return body

    def add_account(
        self,
        rg: str,
        name: str,
        *,
        location: str = "westeurope",
        sub: str = SUBSCRIPTION,
        sku: str = "Standard_LRS",
        kind: str = "StorageV2",
        tags: Optional[dict] = None,
        https_only: bool = True,
        tls: str = "TLS1_2",
        public_blobs: bool = False,
    ) -> dict:
        """A storage account as StorageAccountGetProperties (2024-01-01) returns it."""
        body = {
            "id": f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{name}",
            "name": name,
            "type": "Microsoft.Storage/storageAccounts",
            "location": location,
            "kind": kind,
            "sku": {"name": sku, "tier": sku.split("_")[0]},
            "tags": tags or {},
            "properties": {
                "provisioningState": "Succeeded",
                "supportsHttpsTrafficOnly": https_only,
                "minimumTlsVersion": tls,
                "allowBlobPublicAccess": public_blobs,
                "primaryLocation": location,
                "statusOfPrimary": "available",
                "creationTime": "2026-01-05T09:00:00.0000000Z",
                "primaryEndpoints": {"blob": f"https://{name}.blob.core.windows.net/"},
                "encryption": {
                    "keySource": "Microsoft.Storage",
                    "services": {"blob": {"keyType": "Account", "enabled": True}},
                },
            },
        }
        with self.lock:
            self.accounts[(sub.lower(), rg.lower(), name.lower())] = body
        return body

    def add_container(
        self, rg: str, account: str, name: str, *, sub: str = SUBSCRIPTION, public_access: str = "None"
    ) -> dict:
        """A blob container as BlobContainersList (2024-01-01) lists it."""
        body = {
            "id": f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/"
            f"{account}/blobServices/default/containers/{name}",
            "name": name,
            "type": "Microsoft.Storage/storageAccounts/blobServices/containers",
            "etag": '"0x8D589847D51C7DE"',
            "properties": {
                "publicAccess": public_access,
                "leaseStatus": "Unlocked",
                "leaseState": "Available",
                "lastModifiedTime": "2026-01-05T09:00:00Z",
                "hasImmutabilityPolicy": False,
                "hasLegalHold": False,
            },
        }
        with self.lock:
            self.containers[(sub.lower(), rg.lower(), account.lower(), name)] = body
        return body

    def add_role_assignment(
        self,
        scope: str,
        name: str,
        role_definition_id: str,
        principal_id: str,
        *,
        principal_type: str = "User",
        **optional: str,
    ) -> dict:
        """A role assignment as RoleAssignments_Get (Microsoft.Authorization 2022-04-01) returns it, at
        `{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`. `principal_type` defaults to User, as
        azure-native's RoleAssignment does (Azure would look the principal up; this endpoint cannot);
        `optional`: ASSIGNMENT_OPTIONAL, as sent."""
        unknown = sorted(set(optional) - set(ASSIGNMENT_OPTIONAL))
        if unknown:
            raise TypeError(f"a role assignment has no property {unknown}; it may have {list(ASSIGNMENT_OPTIONAL)}")
        scope = scope.rstrip("/")
        properties = {
            "roleDefinitionId": role_definition_id,
            "principalId": principal_id,
            "principalType": principal_type,
            "scope": scope or "/",
            **{k: optional.get(k) for k in ASSIGNMENT_OPTIONAL},
            "createdOn": ASSIGNED_ON,
            "updatedOn": ASSIGNED_ON,
            "createdBy": None,
            "updatedBy": None,
        }
        body = {
            "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
            "type": "Microsoft.Authorization/roleAssignments",
            "name": name,
            "properties": properties,
        }
        with self.lock:
            self.role_assignments[(scope.lower(), name.lower())] = body
        return body

    def replicate(
        self,
        rg: str,
        gallery: str,
        image: str,
        version: str,
        regions: dict,
        *,
        updating: bool = False,
        sub: str = SUBSCRIPTION,
    ) -> None:
        """Start regions of a served version replicating: {region: armlocal.replication.Region} (progress, step per
        tick, fail_at, details). The version is Creating (Updating with `updating`) until none replicates."""
        from armlocal import replication

        replication.replicate(self, (key(sub, rg, gallery), image.lower(), version), regions, updating=updating)

    def tick(self, times: int = 1) -> None:
        """Time passes: each replicating region moves on by its step (Completed at 100, Failed at its fail_at);
        versions being deleted are gone."""
        from armlocal import replication

        replication.tick(self, times)

    def gallery(self, rg: str, name: str, sub: str = SUBSCRIPTION) -> dict:
        return self.galleries[key(sub, rg, name)]

    def version(self, rg: str, gallery: str, image: str, version: str, sub: str = SUBSCRIPTION) -> dict:
        return self.versions[(key(sub, rg, gallery), image.lower(), version)]

    # -- what Azure says of a version beyond its replication (issue 21) ---------------------------------------

    def validate(
        self,
        rg: str,
        gallery: str,
        image: str,
        version: str,
        results: dict[str, str],
        *,
        sub: str = SUBSCRIPTION,
        **profile: str,
    ) -> dict:
        """Azure ran these validations ({type: Succeeded | Failed | Unknown}): the version's validationsProfile,
        served with `$expand=ValidationProfile` (bodies.validations_profile: etag, executed, version)."""
        body = validations_profile(results, **profile)
        with self.lock:
            self.version(rg, gallery, image, version, sub)["properties"]["validationsProfile"] = body
        return body

    def flag(self, rg: str, gallery: str, image: str, version: str, *violations: dict, sub: str = SUBSCRIPTION) -> None:
        """Azure reports the version for policy violations (bodies.policy_violation(); one by default):
        safetyProfile.reportedForPolicyViolation and policyViolations, on every GET of it."""
        with self.lock:
            safety = self.version(rg, gallery, image, version, sub)["properties"].setdefault("safetyProfile", {})
            safety["reportedForPolicyViolation"] = True
            safety["policyViolations"] = list(violations) or [policy_violation()]

    def soft_delete(
        self,
        rg: str,
        gallery: str,
        image: str,
        version: str,
        *,
        sub: str = SUBSCRIPTION,
        deleted: str = "2026-11-20T08:00:00.0000000+00:00",
    ) -> dict:
        """Delete a served version as Azure does on a gallery with soft delete: it is no longer served, and the
        gallery lists it as a soft-deleted artifact (GallerySoftDeletedResource, 2024-03-03) until restored."""
        with self.lock:
            body = self.versions.pop((key(sub, rg, gallery), image.lower(), version), None)
            return self.add_soft_deleted(
                rg,
                gallery,
                image,
                version,
                sub=sub,
                deleted=deleted,
                location=body["location"] if body else "westeurope",
            )

    def add_soft_deleted(
        self,
        rg: str,
        gallery: str,
        image: str,
        version: str,
        *,
        sub: str = SUBSCRIPTION,
        deleted: str = "2026-11-20T08:00:00.0000000+00:00",
        location: str = "westeurope",
    ) -> dict:
        """A soft-deleted version as SoftDeletedResource_ListByArtifactName lists it."""
        base = gallery_id(sub, rg, gallery)
        body = {
            "id": f"{base}/softDeletedArtifactTypes/Images/artifacts/{image}/versions/{version}",
            "name": version,
            "type": "Microsoft.Compute/galleries/softDeletedArtifactTypes/artifacts/versions",
            "location": DISPLAY.get(location, location),
            "tags": {},
            "properties": {
                "resourceArmId": f"{base}/images/{image}/versions/{version}",
                "softDeletedArtifactType": "Images",
                "softDeletedTime": deleted,
            },
        }
        with self.lock:
            self.soft_deleted[(key(sub, rg, gallery), image.lower(), version)] = body
        return body

    def add_machine(
        self,
        rg: str,
        name: str,
        image_reference: dict,
        *,
        scale_set: bool = False,
        sub: str = SUBSCRIPTION,
        location: str = "westeurope",
    ) -> dict:
        """A VM (or a scale set) as Azure Resource Graph's `resources` table holds it, with the image it was made
        from: `image_reference` as Azure writes it ({"id": a version or definition id, "exactVersion": ...},
        or {"sharedGalleryImageId": ...} / {"communityGalleryImageId": ...})."""
        kind = "virtualMachineScaleSets" if scale_set else "virtualMachines"
        storage = {"storageProfile": {"imageReference": image_reference}}
        body = {
            "id": f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/{kind}/{name}",
            "name": name,
            "type": f"microsoft.compute/{kind.lower()}",
            "location": location,
            "resourceGroup": rg.lower(),
            "subscriptionId": sub,
            "tenantId": "22222222-3333-4444-5555-666666666666",
            "properties": {"virtualMachineProfile": storage} if scale_set else storage,
        }
        with self.lock:
            self.machines[body["id"].lower()] = body
        return body

    # -- what a test arranges and reads back -------------------------------------------------------------

    def fail(
        self,
        method: str,
        path_pattern: str,
        status: int,
        code: str,
        message: str = "",
        *,
        times: int = 1,
        retry_after: Optional[int] = None,
    ) -> None:
        """The next `times` requests of `method` whose path matches `path_pattern` (a regex) get this error."""
        self.faults.append(
            Fault(
                method.upper(),
                re.compile(path_pattern, re.IGNORECASE),
                status,
                code,
                message or f"{code} (injected by the test)",
                times,
                retry_after,
            )
        )

    def calls(self, method: Optional[str] = None, contains: str = "") -> list[Request]:
        return [r for r in self.requests if (method is None or r.method == method) and contains in r.path]

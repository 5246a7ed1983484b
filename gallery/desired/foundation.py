"""The foundation every image lives in: resource group, storage account and containers, gallery, its sharing
and its role assignments."""

from __future__ import annotations

import uuid
from typing import Optional

from gallery.catalog.model import AccessGrant, Catalog
from gallery.catalog.roles import role_definition_id
from gallery.desired import arm, names
from gallery.desired.state import CLIENT, DesiredResource, Options, Wire, compact

SHARING_PERMISSIONS = {"private": "Private", "groups": "Groups", "community": "Community"}

# Namespace of the deterministic role-assignment names (uuid5): any fixed UUID works, it must never change.
ASSIGNMENT_NAMESPACE = uuid.UUID("5b0c1d8e-4f0a-4c1e-9a52-6f3d2b7e9c10")
# A role assignment cannot be updated in place (Azure: RoleAssignmentUpdateNotPermitted), and replacing one
# is harmless: a short gap in one principal's access.
ASSIGNMENT_FIXED = ("principalId", "principalType", "roleDefinitionId", "scope")
# What pulumi-azure-native's RoleAssignment sends when no principalType is given (its SDK fills it in).
DEFAULT_PRINCIPAL_TYPE = "User"


def assignment_name(scope: str, principal_id: str, role_guid: str) -> str:
    """Like Bicep's guid(scope, principal, role): the same grant always gets the same name, so a re-run (or a
    second stack run of a lost state) finds the existing assignment instead of adding one."""
    return str(uuid.uuid5(ASSIGNMENT_NAMESPACE, f"{scope.lower()}|{principal_id.lower()}|{role_guid.lower()}"))


class Foundation:
    """Builds the foundation's resources of one catalog, in the order the program declares them."""

    def __init__(self, catalog: Catalog, subscription: str, component: str):
        self.catalog, self.subscription, self.component = catalog, subscription, component
        self.group = names.group(component)
        self.account = names.storage_account(component)
        self.gallery = names.gallery(component)
        self.tags = dict(catalog.tags)

    def resource(
        self,
        token: str,
        name: str,
        inputs: dict,
        *,
        options: Options = Options(),
        wires: tuple[Wire, ...] = (),
        id_names: Optional[dict] = None,
    ) -> DesiredResource:
        inputs = compact(inputs)
        return DesiredResource(
            token,
            name,
            inputs,
            parent=self.component,
            options=options,
            wires=wires,
            arm_id=arm.arm_id(token, self.subscription, id_names or inputs),
            api_version=arm.KINDS[token].api_version,
        )

    def in_group(self) -> Wire:
        return Wire(("resourceGroupName",), self.group, "name")

    def build(self) -> list[DesiredResource]:
        c = self.catalog
        out = [
            self.resource(
                arm.RESOURCE_GROUP,
                self.group,
                {"resourceGroupName": c.resource_group, "location": c.location, "tags": self.tags},
                # Everything lives in it, and cannot be moved out: deleting it deletes it all.
                options=Options(protect=True),
            )
        ]
        out += self.storage()
        out += self.gallery_and_sharing()
        out += [self.role_assignment(grant) for grant in c.gallery.access]
        return out

    def storage(self) -> list[DesiredResource]:
        c = self.catalog
        account = self.resource(
            arm.STORAGE_ACCOUNT,
            self.account,
            {
                "accountName": c.storage.account,
                "resourceGroupName": c.resource_group,
                "location": c.location,
                # StorageV2: VHDs must be page blobs, which general-purpose v2 accounts hold.
                "kind": "StorageV2",
                "sku": {"name": c.storage.sku},
                "enableHttpsTrafficOnly": True,
                "minimumTlsVersion": "TLS1_2",
                # The VHDs are the images' source of truth: never readable anonymously.
                "allowBlobPublicAccess": False,
                "tags": self.tags,
            },
            # Deleting the account deletes every uploaded VHD: `pulumi destroy` must not do that quietly.
            options=Options(protect=True),
            wires=(self.in_group(),),
        )
        containers = [
            self.resource(
                arm.CONTAINER,
                names.container(family, self.component),
                {
                    "accountName": c.storage.account,
                    "resourceGroupName": c.resource_group,
                    "containerName": container,
                    "publicAccess": "None",
                },
                # A family dropped from the catalog must not take its uploaded VHDs with it: the container leaves
                # the stack but stays in Azure (delete it by hand once it is empty).
                options=Options(retain_on_delete=True),
                wires=(Wire(("accountName",), self.account, "name"), self.in_group()),
            )
            for family, container in sorted(c.containers.items())
        ]
        return [account, *containers]

    def gallery_and_sharing(self) -> list[DesiredResource]:
        c, spec = self.catalog, self.catalog.gallery
        community = spec.community
        out = []
        share = {"subscriptionId": self.subscription, "resourceGroupName": c.resource_group, "galleryName": spec.name}
        share_wires = (Wire(("subscriptionId",), CLIENT, "subscriptionId"), self.in_group())
        guard = None
        if spec.sharing != "groups":
            # Groups sharing is chosen when a gallery is created; the other two may be reached from a shared
            # state, which Azure lets go only after a reset: the guard does it before the gallery's update.
            guard = names.sharing_guard(self.component)
            out.append(self.resource(arm.SHARING_GUARD, guard, {**share, "sharing": spec.sharing}, wires=share_wires))
        info = None
        if community:
            info = {
                "publicNamePrefix": community.public_name_prefix,
                "publisherUri": community.publisher_uri,
                "publisherContact": community.publisher_contact,
                "eula": community.eula,
            }
        identity = None
        if spec.identity:
            # azure-native takes Azure's {id: {}} map as a list of ids
            identity = {
                "type": spec.identity.type,
                "userAssignedIdentities": list(spec.identity.user_assigned_identities) or None,
            }
        out.append(
            self.resource(
                arm.GALLERY,
                self.gallery,
                {
                    "galleryName": spec.name,
                    "resourceGroupName": c.resource_group,
                    "location": c.location,
                    "description": spec.description,
                    "sharingProfile": {"permissions": SHARING_PERMISSIONS[spec.sharing], "communityGalleryInfo": info},
                    "softDeletePolicy": {"isSoftDeleteEnabled": spec.soft_delete},
                    "identity": identity,
                    "tags": self.tags,
                },
                # Deleting the gallery deletes every image consumers boot from. No replace_on_changes either: its
                # fixed settings (sharing: groups...) are blocked by the review diff instead.
                options=Options(protect=True, depends_on=(guard,) if guard else ()),
                wires=(self.in_group(),),
            )
        )
        in_gallery = (*share_wires, Wire(("galleryName",), self.gallery, "name"))
        if spec.sharing == "groups":
            out.append(
                self.resource(
                    arm.SHARING,
                    names.sharing(self.component),
                    {
                        **share,
                        "subscriptions": sorted(s.lower() for s in spec.shared_with.subscriptions),
                        "tenants": sorted(t.lower() for t in spec.shared_with.tenants),
                    },
                    wires=in_gallery,
                )
            )
        elif spec.sharing == "community" and community:
            assert info is not None  # set above whenever there is a community
            out.append(
                self.resource(arm.COMMUNITY, names.community(self.component), {**share, **info}, wires=in_gallery)
            )
        return out

    def role_assignment(self, grant: AccessGrant) -> DesiredResource:
        scope = arm.gallery_id(self.subscription, self.catalog.resource_group, self.catalog.gallery.name)
        inputs = {
            "scope": scope,
            "principalId": grant.principal_id,
            "principalType": grant.principal_type or DEFAULT_PRINCIPAL_TYPE,
            "roleDefinitionId": role_definition_id(self.subscription, grant.role_definition_guid),
            "roleAssignmentName": assignment_name(scope, grant.principal_id, grant.role_definition_guid),
        }
        # roleAssignmentName and roleDefinitionId are derived from the gallery's id and the subscription: the
        # component computes them from those outputs (gallery.components.access).
        wires = (
            Wire(("scope",), self.gallery, "id"),
            Wire(("roleAssignmentName",), self.gallery, "id"),
            Wire(("roleDefinitionId",), CLIENT, "subscriptionId"),
        )
        return self.resource(
            arm.ROLE_ASSIGNMENT,
            names.access(grant, self.component),
            inputs,
            options=Options(replace_on_changes=ASSIGNMENT_FIXED, delete_before_replace=True),
            wires=wires,
        )

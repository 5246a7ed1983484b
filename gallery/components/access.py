"""RBAC on the gallery, from the catalog's `gallery.access` entries."""
from __future__ import annotations

import uuid

import pulumi
from pulumi_azure_native import authorization, compute

from gallery.catalog.model import AccessGrant
from gallery.catalog.roles import role_definition_id

# Namespace of the deterministic role-assignment names (uuid5): any fixed UUID works, it must never change.
ASSIGNMENT_NAMESPACE = uuid.UUID("5b0c1d8e-4f0a-4c1e-9a52-6f3d2b7e9c10")

# A role assignment cannot be updated in place (Azure: RoleAssignmentUpdateNotPermitted), and
# replacing one is harmless: a short gap in one principal's access.
ASSIGNMENT_FIXED = ["principalId", "principalType", "roleDefinitionId", "scope"]


def assignment_name(scope: str, principal_id: str, role_guid: str) -> str:
    """Like Bicep's guid(scope, principal, role): the same grant always gets the same name, so a
    re-run (or a second stack run of a lost state) finds the existing assignment instead of adding one."""
    return str(uuid.uuid5(ASSIGNMENT_NAMESPACE, f"{scope.lower()}|{principal_id.lower()}|{role_guid.lower()}"))


def assignment_logical_name(component: str, grant: AccessGrant) -> str:
    return f"{component}-access-{grant.principal_id.lower()}-{grant.role_definition_guid.lower()}"


def declare_access(name: str, grants: tuple[AccessGrant, ...], gallery: compute.Gallery,
                   subscription_id: pulumi.Input[str],
                   parent: pulumi.Resource) -> dict[str, authorization.RoleAssignment]:
    assignments = {}
    for grant in grants:
        logical = assignment_logical_name(name, grant)
        assignments[logical] = authorization.RoleAssignment(
            logical,
            authorization.RoleAssignmentArgs(
                scope=gallery.id,
                principal_id=grant.principal_id,
                principal_type=(authorization.PrincipalType(grant.principal_type)
                                if grant.principal_type else None),
                role_definition_id=pulumi.Output.from_input(subscription_id).apply(
                    lambda sub, guid=grant.role_definition_guid: role_definition_id(sub, guid)),
                role_assignment_name=gallery.id.apply(
                    lambda scope, g=grant: assignment_name(scope, g.principal_id, g.role_definition_guid)),
            ),
            opts=pulumi.ResourceOptions(parent=parent, replace_on_changes=ASSIGNMENT_FIXED,
                                        delete_before_replace=True),
        )
    return assignments

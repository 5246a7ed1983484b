"""The pulumi-azure-native resources the desired state names, declared with their typed args."""

from __future__ import annotations

from typing import Any, Callable, Mapping

import pulumi
from pulumi_azure_native import authorization, compute, resources, storage

from gallery.catalog.roles import role_definition_id
from gallery.components.typed import options, typed, wired
from gallery.desired import arm
from gallery.desired.foundation import assignment_name
from gallery.desired.state import DesiredResource, Wire

CLASSES: Mapping[str, tuple[type, type]] = {
    arm.RESOURCE_GROUP: (resources.ResourceGroup, resources.ResourceGroupArgs),
    arm.STORAGE_ACCOUNT: (storage.StorageAccount, storage.StorageAccountArgs),
    arm.CONTAINER: (storage.BlobContainer, storage.BlobContainerArgs),
    arm.GALLERY: (compute.Gallery, compute.GalleryArgs),
    arm.DEFINITION: (compute.GalleryImage, compute.GalleryImageArgs),
    arm.VERSION: (compute.GalleryImageVersion, compute.GalleryImageVersionArgs),
    arm.ROLE_ASSIGNMENT: (authorization.RoleAssignment, authorization.RoleAssignmentArgs),
}


def declare_native(
    res: DesiredResource,
    output: Callable[[Wire], Any],
    parent: pulumi.Resource,
    declared: Mapping[str, pulumi.Resource],
) -> pulumi.CustomResource:
    resource_cls, args_cls = CLASSES[res.type]
    inputs = wired(res, output)
    if res.type == arm.ROLE_ASSIGNMENT:
        inputs.update(_assignment_derived(res, output))
    return resource_cls(res.name, typed(args_cls, inputs), opts=options(res, parent, declared))


def _assignment_derived(res: DesiredResource, output: Callable[[Wire], Any]) -> dict:
    """The assignment's name and role definition id, from the outputs they derive from (the gallery's id, the
    subscription): the desired state computed them the same way from its own subscription."""
    principal = res.inputs["principalId"]
    guid = res.inputs["roleDefinitionId"].rsplit("/", 1)[1]
    by_path = {w.path: w for w in res.wires}
    scope = pulumi.Output.from_input(output(by_path[("roleAssignmentName",)]))
    subscription = pulumi.Output.from_input(output(by_path[("roleDefinitionId",)]))
    return {
        "roleAssignmentName": scope.apply(lambda s: assignment_name(s, principal, guid)),
        "roleDefinitionId": subscription.apply(lambda sub: role_definition_id(sub, guid)),
    }

"""armlocal: a local HTTP endpoint on 127.0.0.1 that answers the project's ARM calls as Azure Resource Manager does.

For trying the operate commands (`gallery status`, `promote`, `lifecycle`, `discover`, the sharing calls)
without an Azure account, and for the tests and benchmarks, which talk to it through the real
azure-mgmt-compute client (gallery/azure/client.py, pointed at it by GALLERY_ARM_ENDPOINT). It is not Azure:
it holds what it is given and answers reads, the share action and nothing else (see the README, "A local
ARM endpoint"). Run from a clone, not installed with the `gallery` package:

    python -m armlocal images.yaml [--stack dev] [--port N]

Shaped after Microsoft's REST specs and examples (Microsoft.Compute GalleryRP 2024-03-03, Microsoft.Resources
2024-03-01, Microsoft.Storage 2024-01-01, Microsoft.Authorization 2022-04-01, Microsoft.ResourceGraph 2021-03-01):
resource URLs and api-versions as ARM checks them, bodies as Azure returns them, paged lists with `nextLink`,
`$expand` (a version's ReplicationStatus or ValidationProfile), `$filter=atScope()`, the long-running share
action, policy violations, soft-deleted versions, Resource Graph answers about the VMs and scale sets that use
an image, errors as ARM writes them, injected with `ArmState.fail` (403, 404, 409, 429 with `Retry-After`).

Modules: api (versions), bodies (Azure's shapes), state (what is held), routes with compute, sharing,
resources, authorization and resourcegraph (answering), server (HTTP), served (a plan's resources as Azure
holds them once deployed), example (the example gallery written out by hand).
"""

from __future__ import annotations

from armlocal.api import (
    API_VERSION,
    AUTHORIZATION_API_VERSION,
    RESOURCE_GRAPH_API_VERSION,
    RESOURCES_API_VERSION,
    STORAGE_API_VERSION,
    SUBSCRIPTION,
)
from armlocal.bodies import (
    DISPLAY,
    features,
    image_properties,
    policy_violation,
    validations_profile,
    version_properties,
    vhd,
)
from armlocal.served import catalog_records, serve_catalog, serve_plan
from armlocal.server import ArmEndpoint, running_arm
from armlocal.state import ArmState

__all__ = [
    "API_VERSION",
    "AUTHORIZATION_API_VERSION",
    "DISPLAY",
    "RESOURCES_API_VERSION",
    "RESOURCE_GRAPH_API_VERSION",
    "STORAGE_API_VERSION",
    "SUBSCRIPTION",
    "ArmEndpoint",
    "ArmState",
    "catalog_records",
    "features",
    "image_properties",
    "policy_violation",
    "running_arm",
    "serve_catalog",
    "serve_plan",
    "validations_profile",
    "version_properties",
    "vhd",
]

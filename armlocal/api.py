"""The API versions the endpoint answers, one per provider, and the subscription it serves by default.

Each is the version the project sends: any other is refused as ARM refuses an unknown one
(400 InvalidApiVersionParameter), so a call that drifts to another version fails here first.
"""

from __future__ import annotations

# Microsoft.Compute galleries: what pulumi-azure-native 3.29 declares them at, and what gallery.azure sends.
API_VERSION = "2024-03-03"
# What pulumi-azure-native 3.29 reads these at (resources.ResourceGroup, storage.*, authorization.RoleAssignment).
RESOURCES_API_VERSION = "2024-03-01"
STORAGE_API_VERSION = "2024-01-01"
AUTHORIZATION_API_VERSION = "2022-04-01"
# Microsoft.ResourceGraph: what azure-mgmt-resourcegraph 8.0.1 (gallery.azure.graph) sends.
RESOURCE_GRAPH_API_VERSION = "2021-03-01"

SUBSCRIPTION = "11111111-2222-3333-4444-555555555555"

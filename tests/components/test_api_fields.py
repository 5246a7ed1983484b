"""The keys added for the rest of Azure's gallery API (issue 15) reach the provider exactly in the shape of
Microsoft's REST examples for Compute 2024-03-03 (the example named in each test)."""
from __future__ import annotations

import pytest

from gallery.catalog.loader import load_catalog
from tests.fixtures.paths import CATALOGS
from tests.fixtures.pulumi_mocks import by_name

API_FIELDS = CATALOGS / "program" / "api-fields.yaml"
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"


@pytest.fixture
def declared(pulumi_mocks):
    return by_name(pulumi_mocks.component(load_catalog(API_FIELDS, "dev")))


def test_gallery_identity_as_gallery_create_with_managed_identity(declared):
    g = declared["gallery-gallery"]
    # The example sends {"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": {id: {}}};
    # azure-native takes that map as a list of ids.
    assert g.inputs["identity"] == {
        "type": "SystemAssigned, UserAssigned",
        "userAssignedIdentities": [
            f"{SUB}/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-images"]}, g.urn

"""Role assignments served as Microsoft.Authorization (2022-04-01) serves them, read over plain HTTP (the project
has no authorization client): at their ARM ids, and listed at a scope with ARM's filters."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from armlocal import AUTHORIZATION_API_VERSION, SUBSCRIPTION, catalog_records, serve_plan
from gallery.plan.engine import ARM_IDS
from tests.fixtures.paths import ROOT

ASSIGNMENT = "azure-native:authorization:RoleAssignment"
GROUP_SCOPE = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-images-dev"
GALLERY_SCOPE = f"{GROUP_SCOPE}/providers/Microsoft.Compute/galleries/gal_platform_dev"
READER, CONTRIBUTOR = "acdd72a7-3385-48ef-bd42-f606fba81ae7", "b24988ac-6180-42a0-ab88-20f7382dd24c"
# The example's grants: its AAD group reads, its pipeline's service principal contributes.
CONSUMERS, PIPELINE = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a"


def get(arm, path: str, **query: str) -> tuple[int, dict]:
    query = {"api-version": AUTHORIZATION_API_VERSION, **query}
    return get_url(f"{arm.url}{path}?{urllib.parse.urlencode(query)}")


def get_url(url: str, method: str = "GET") -> tuple[int, dict]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def listed(arm, scope: str, **query: str) -> list[str]:
    """The names a list at `scope` gives, every page followed as a client does (nextLink as given)."""
    status, page = get(arm, f"{scope}/providers/Microsoft.Authorization/roleAssignments", **query)
    names = []
    while True:
        assert status == 200, page
        names += [a["name"] for a in page["value"]]
        if "nextLink" not in page:
            return names
        status, page = get_url(page["nextLink"])


@pytest.fixture(scope="module")
def example_records() -> list[dict]:
    return catalog_records(ROOT / "images.yaml", "dev")


@pytest.fixture
def served(arm, example_records) -> dict[str, str]:
    """The example served; its assignments' names by principal."""
    serve_plan(arm, example_records)
    return {
        r["inputs"]["principalId"]: r["inputs"]["roleAssignmentName"]
        for r in example_records
        if r["type"] == ASSIGNMENT
    }


def test_an_assignment_is_served_at_its_arm_id_in_azures_shape(arm, served):
    name = served[CONSUMERS]
    status, body = get(arm, f"{GALLERY_SCOPE}/providers/Microsoft.Authorization/roleAssignments/{name}")
    assert status == 200
    assert body == {
        "id": f"{GALLERY_SCOPE}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "type": "Microsoft.Authorization/roleAssignments",
        "name": name,
        "properties": {
            "roleDefinitionId": f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/"
            f"roleDefinitions/{READER}",
            "principalId": CONSUMERS,
            "principalType": "Group",
            "scope": GALLERY_SCOPE,
            "condition": None,
            "conditionVersion": None,
            "delegatedManagedIdentityResourceId": None,
            "description": None,
            "createdOn": "2026-01-05T09:00:00.0000000Z",
            "updatedOn": "2026-01-05T09:00:00.0000000Z",
            "createdBy": None,
            "updatedBy": None,
        },
    }


def test_every_assignment_of_the_plan_is_at_the_id_the_plan_gives_it(arm, served, example_records):
    records = [r for r in example_records if r["type"] == ASSIGNMENT]
    assert len(records) == 2
    for r in records:
        arm_id = ARM_IDS[ASSIGNMENT].format(
            **json.loads(json.dumps(r["inputs"]).replace("00000000-0000-0000-0000-000000000000", SUBSCRIPTION))
        )
        status, body = get(arm, arm_id)
        assert (status, body["id"], body["properties"]["principalType"]) == (
            200,
            arm_id,
            r["inputs"]["principalType"],
        ), r["name"]
    status, body = get(arm, f"{GALLERY_SCOPE}/providers/Microsoft.Authorization/roleAssignments/{served[PIPELINE]}")
    assert body["properties"]["roleDefinitionId"].endswith(f"/roleDefinitions/{CONTRIBUTOR}")


def test_at_scope_lists_the_assignments_at_the_scope_and_above_it(arm, served):
    arm.add_role_assignment(
        f"/subscriptions/{SUBSCRIPTION}",
        "subscription-wide",
        f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/{READER}",
        PIPELINE,
    )
    arm.add_role_assignment(
        "/subscriptions/99999999-9999-9999-9999-999999999999",
        "elsewhere",
        f"/providers/Microsoft.Authorization/roleDefinitions/{READER}",
        PIPELINE,
    )
    at_gallery = listed(arm, GALLERY_SCOPE, **{"$filter": "atScope()"})
    assert sorted(at_gallery) == sorted([served[CONSUMERS], served[PIPELINE], "subscription-wide"])
    # The gallery's assignments are below the resource group: atScope() leaves them out, no filter has them.
    assert listed(arm, GROUP_SCOPE, **{"$filter": "atScope()"}) == ["subscription-wide"]
    assert sorted(listed(arm, GROUP_SCOPE)) == sorted(at_gallery)
    assert sorted(listed(arm, GROUP_SCOPE, **{"$filter": f"principalId eq '{PIPELINE}'"})) == sorted(
        [served[PIPELINE], "subscription-wide"]
    )
    assert listed(arm, GALLERY_SCOPE, **{"$filter": f"atScope() and assignedTo('{CONSUMERS}')"}) == [served[CONSUMERS]]


def test_a_list_is_paged_and_its_next_link_keeps_the_filter(arm, served):
    arm.page_size = 1
    assert sorted(listed(arm, GALLERY_SCOPE, **{"$filter": "atScope()"})) == sorted(served.values())
    first = arm.calls("GET", "/roleAssignments")[0]
    nexts = [r.query for r in arm.calls("GET", "/roleAssignments")[1:]]
    assert first.query == {"api-version": AUTHORIZATION_API_VERSION, "$filter": "atScope()"}
    assert nexts == [{"api-version": AUTHORIZATION_API_VERSION, "$filter": "atScope()", "$skiptoken": "1"}]


def test_what_is_refused_is_refused_as_arm_writes_it(arm, served):
    base = f"{GALLERY_SCOPE}/providers/Microsoft.Authorization/roleAssignments"
    assert get(arm, f"{base}/{served[CONSUMERS]}", **{"api-version": "2026-03-03"}) == (
        400,
        {
            "error": {
                "code": "InvalidApiVersionParameter",
                "message": "The api-version '2026-03-03' is invalid. The supported "
                f"versions include '{AUTHORIZATION_API_VERSION}'.",
            }
        },
    )
    assert get(arm, f"{base}/00000000-1111-2222-3333-444444444444") == (
        404,
        {
            "error": {
                "code": "RoleAssignmentNotFound",
                "message": "The role assignment '00000000-1111-2222-3333-444444444444' is not found.",
            }
        },
    )
    status, body = get(arm, base, **{"$filter": "roleDefinitionId eq 'x'"})
    assert (status, body["error"]["code"]) == (400, "UnsupportedFilter")
    status, body = get_url(f"{arm.url}{base}/{served[CONSUMERS]}?api-version={AUTHORIZATION_API_VERSION}", "DELETE")
    assert (status, body["error"]["code"]) == (405, "MethodNotAllowed")
    # Still there: nothing but reads is served.
    assert get(arm, f"{base}/{served[CONSUMERS]}")[0] == 200

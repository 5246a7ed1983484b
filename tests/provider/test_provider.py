"""ImageGallery constructed through the provider interface under the mocks: what another language's program gets.

The inputs travel as the engine sends them (a protobuf Struct, read back by pulumi.provider's own servicer), and
the component the provider constructs registers exactly what the Python program registers, with the program's
stack outputs as its outputs.
"""

from __future__ import annotations

import asyncio

import pulumi
import pytest
from google.protobuf import json_format, struct_pb2
from pulumi.errors import InputPropertyError
from pulumi.provider.server import ProviderServicer

from gallery import program
from gallery.catalog.loader import load_catalog
from gallery.components import TYPE
from gallery.plan.run import records
from gallery.provider.provider import GalleryProvider, catalog_input
from tests.fixtures.paths import CATALOGS, ROOT

EXAMPLE = ROOT / "images.yaml"


def _engine_inputs(inputs: dict) -> dict:
    """The inputs as Construct receives them: serialized by the engine, deserialized by pulumi.provider."""
    message = json_format.ParseDict(inputs, struct_pb2.Struct())
    loop = asyncio.new_event_loop()  # its own loop: asyncio.run would unset the one Pulumi's runtime uses
    try:
        return loop.run_until_complete(ProviderServicer._construct_inputs(message, {}))
    finally:
        loop.close()


def _construct(pulumi_mocks, inputs: dict, stack: str = "dev"):
    received = _engine_inputs(inputs)

    def run() -> None:
        result = GalleryProvider().construct("gallery", TYPE, received, pulumi.ResourceOptions())
        for key, value in result.state.items():
            pulumi.export(key, value)

    return pulumi_mocks.run(run, stack=stack)


@pytest.mark.parametrize("path", [EXAMPLE, CATALOGS / "program" / "community.yaml"], ids=lambda p: p.stem)
def test_the_provider_constructs_what_the_program_declares(pulumi_mocks, path):
    constructed = _construct(pulumi_mocks, {"catalog": path.read_text("utf-8"), "stack": "prod"}, stack="prod")
    declared = pulumi_mocks.run(lambda: program.declare(load_catalog(path, "prod")), stack="prod")
    assert records(constructed) == records(declared)
    assert constructed.outputs == declared.outputs
    assert constructed.outputs["galleryName"] == load_catalog(path, "prod").gallery.name


def test_the_stack_name_defaults_to_the_programs_and_a_path_is_read_by_the_provider(pulumi_mocks):
    run = _construct(pulumi_mocks, {"catalogPath": str(EXAMPLE)}, stack="staging")
    assert run.outputs["resourceGroupName"] == "rg-images-staging"
    assert run.outputs["latestVersions"] == {
        "legacy-erp-app-known-good": "1.0.0",
        "ubuntu-22.04-gen2": "1.1.0",
        "windows-2022-datacenter": "2026.11.0",
    }
    assert run.outputs["versionIds"]["ubuntu-22.04-gen2"]["1.1.0"].endswith(
        "/galleries/gal_platform_staging/images/ubuntu-22.04-gen2/versions/1.1.0"
    )
    given = _construct(pulumi_mocks, {"catalogPath": str(EXAMPLE), "stack": "prod"}, stack="staging")
    assert given.outputs["resourceGroupName"] == "rg-images-prod"


def _refusal(inputs: dict) -> tuple[str, str]:
    with pytest.raises(InputPropertyError) as info:
        catalog_input(inputs)
    return info.value.property_path, info.value.reason


def test_inputs_that_cannot_be_a_catalog_are_refused_by_name():
    one_of = ("catalog", "give the catalog as YAML text (catalog) or as a file (catalogPath), one of the two")
    assert _refusal({}) == one_of
    assert _refusal({"catalog": "a: 1", "catalogPath": str(EXAMPLE)}) == one_of
    assert _refusal({"catalogPath": "images.yaml"}) == (
        "catalogPath",
        "'images.yaml' is not an absolute path: the component runs in a process of its own, not in "
        "the program's directory; pass the file's text as catalog instead",
    )
    assert _refusal({"catalog": pulumi.Output.from_input("x")}) == (
        "catalog",
        "must be known when the component is constructed (plain text, not another resource's output): "
        "the catalog decides which resources exist",
    )
    path, reason = _refusal({"catalog": (CATALOGS / "invalid" / "generation-v1.yaml").read_text(), "stack": "dev"})
    assert (path, reason.splitlines()[:2]) == (
        "catalog",
        [
            "the catalog is invalid:",
            "catalog:13:19: error: images[0].securityType: securityType TrustedLaunchSupported needs hyperVGeneration V2; "
            "use hyperVGeneration: V2, or securityType: Standard",
        ],
    )


def test_only_the_image_gallery_is_constructed(pulumi_mocks):
    with pytest.raises(
        ValueError,
        match="^unknown resource type gallery:index:Other: this package has only gallery:index:ImageGallery$",
    ):
        GalleryProvider().construct("x", "gallery:index:Other", {}, None)

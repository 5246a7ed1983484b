"""The package schema: checked in, served by the entry point as Pulumi runs it, and changed only on purpose."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import fields

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

import gallery
from gallery.catalog.naming import camel
from gallery.components import TYPE, GalleryOutputs
from gallery.provider import schema
from tests.fixtures.paths import ROOT

PROVIDER = ROOT / "provider"


def test_the_checked_in_schema_is_the_generated_one():
    """A change to the component's inputs or outputs changes what every language sees: regenerate the file with
    `python -m gallery.provider.schema` and let the review see the difference."""
    assert schema.SCHEMA_FILE == PROVIDER / "schema.json"
    assert schema.SCHEMA_FILE.read_text("utf-8") == schema.text()


def test_the_outputs_are_the_stack_outputs_with_their_types():
    resource = schema.package_schema()["resources"][TYPE]
    assert list(resource["properties"]) == [camel(f.name) for f in fields(GalleryOutputs)]
    assert set(schema.OUTPUTS) == {f.name for f in fields(GalleryOutputs)}
    props = resource["properties"]
    assert {k: v["type"] for k, v in props.items()} == {
        "resourceGroupName": "string",
        "galleryName": "string",
        "galleryId": "string",
        "storageAccountName": "string",
        "storageAccountId": "string",
        "containers": "object",
        "definitionIds": "object",
        "versionIds": "object",
        "latestVersions": "object",
        "latestVersionIds": "object",
        "latestVersionsByRegion": "object",
        "communitySharingEnabled": "boolean",
        "communityPublicNames": "array",
    }
    assert props["versionIds"]["additionalProperties"] == {"type": "object", "additionalProperties": {"type": "string"}}
    assert set(resource["inputProperties"]) == {"catalog", "catalogPath", "stack"}
    assert resource["isComponent"] is True and resource["requiredInputs"] == []


def test_the_plugin_runs_on_python_from_this_directory():
    plugin = yaml.safe_load((PROVIDER / "PulumiPlugin.yaml").read_text())
    assert plugin["runtime"]["name"] == "python"
    assert (PROVIDER / "requirements.txt").read_text().splitlines()[-1] == "-r ../requirements.txt"


@pytest.fixture
def served():
    """provider/__main__.py started as the engine starts a plugin (its address as the argument): the port it serves."""
    proc = subprocess.Popen(
        [sys.executable, str(PROVIDER), "127.0.0.1:1"], cwd=PROVIDER, stdout=subprocess.PIPE, text=True
    )
    try:
        yield int(proc.stdout.readline())
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_entry_point_serves_the_schema_and_version(served):
    with grpc.insecure_channel(f"127.0.0.1:{served}") as channel:
        stub = provider_pb2_grpc.ResourceProviderStub(channel)
        answer = stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60)
        info = stub.GetPluginInfo(empty_pb2.Empty(), timeout=60)
    assert json.loads(answer.schema) == json.loads(schema.SCHEMA_FILE.read_text("utf-8"))
    assert info.version == gallery.__version__

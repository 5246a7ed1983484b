"""The JSON Schema itself, and the compiled fast path agreeing with jsonschema (the reference)."""

from __future__ import annotations

import datetime as dt

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from gallery.catalog import schema
from gallery.errors import CatalogError
from gallery.catalog.yamlload import load_yaml
from tests.fixtures.paths import CATALOGS, ROOT
from tests.fixtures.strategies import mutated_data


def _walk(node, path="#"):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _walk(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}/{i}")


def test_schema_is_valid_draft_2020_12():
    s = schema.schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(s)


def test_every_object_is_closed_and_every_property_described():
    for path, node in _walk(schema.schema()):
        if node.get("type") == "object" and "properties" in node:
            assert node.get("additionalProperties") is False, path
            for name, prop in node["properties"].items():
                assert prop.get("description"), f"{path}/properties/{name} has no description"


def test_example_catalog_points_editors_at_the_schema():
    first = (ROOT / "images.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=gallery/catalog/schema/catalog.schema.json"
    assert (ROOT / "gallery/catalog/schema/catalog.schema.json").is_file()


def test_fast_path_agrees_with_jsonschema_on_every_test_catalog():
    for path in sorted(CATALOGS.rglob("*.yaml")) + [ROOT / "images.yaml"]:
        try:
            data = load_yaml(path.read_bytes(), str(path)).data
        except CatalogError:
            continue
        assert schema.is_valid_fast(data) == schema._validator().is_valid(data), path


@settings(max_examples=300, deadline=dt.timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow])
@given(mutated_data())
def test_fast_path_agrees_with_jsonschema_on_mutated_catalogs(text):
    data = load_yaml(text, "mutated.yaml").data
    assert schema.is_valid_fast(data) == schema._validator().is_valid(data)


def test_every_pattern_says_its_form_in_words():
    # A pattern without an x-message would be reported as the regular expression itself.
    for path, node in _walk(schema.schema()):
        if "pattern" in node:
            assert node.get("x-message"), f"{path} has a pattern but no x-message"


@pytest.mark.parametrize(
    "uri, valid",
    [
        ("https://contoso.example", True),
        ("https://contoso.example/a%20b?x=1#top", True),
        ("urn:isbn:0451450523", True),
        ("uri", False),
        ("https:///notes", False),
        ("https://contoso example/", False),
        ("https://x/%zz", False),
        ("/relative/path", False),
        ("", False),
    ],
)
@pytest.mark.parametrize(
    "email, email_valid",
    [
        ("images@contoso.example", True),
        ("images at contoso", False),
        ("a@b", False),
        ("a@@b.c", False),
    ],
)
def test_formats_are_asserted_alike_by_both_validators(uri, valid, email, email_valid):
    data = load_yaml((ROOT / "images.yaml").read_bytes(), "images.yaml").data
    data["gallery"].update(
        sharing="community",
        community={"publicNamePrefix": "contoso", "publisherUri": uri, "publisherContact": email, "eula": "e"},
    )
    del data["gallery"]["sharedWith"]
    expected = valid and email_valid and uri != ""
    assert schema._validator().is_valid(data) is expected
    assert schema.is_valid_fast(data) is expected


def test_a_single_value_is_judged_in_the_catalogs_words():
    """check_value: what the policy pack says of a raw input the schema also covers (no document, no location)."""
    from gallery.catalog.schema import check_value

    assert check_value("$defs/targetRegion/properties/replicas", 7) == []
    assert check_value("$defs/targetRegion/properties/replicas", 101) == [
        ("schema.maximum", "must be at most 100 (it is 101)", None)
    ]
    assert check_value("$defs/version/properties/mode", "shallow") == [
        ("schema.enum", "'shallow' is not an allowed value", "did you mean 'Shallow'? allowed: Full, Shallow")
    ]
    assert check_value("$defs/version/properties/version", "v1.0.0") == [
        (
            "schema.pattern",
            "must be Major.Minor.Patch (three whole numbers without leading zeros, e.g. 1.0.0); Azure "
            "accepts no other version syntax",
            None,
        )
    ]

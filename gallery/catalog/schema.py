"""JSON Schema validation of a loaded catalog, with messages a person can act on.

The schema (gallery/catalog/schema/catalog.schema.json, draft 2020-12) is the one editors use. jsonschema
finds every violation; this module turns each into a located Problem: unknown keys get a "did you
mean", enums list their values, and wherever YAML typed an unquoted value as a number, boolean or
null while the catalog wants text, the message shows what YAML read and how to quote it.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator, Optional

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from gallery.catalog.formats import FORMATS
from gallery.catalog.formats import MESSAGES as FORMAT_MESSAGES
from gallery.catalog.yamlload import Document, child_path
from gallery.errors import Problem

SCHEMA_FILE = "schema/catalog.schema.json"
_JSON_TYPES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping (key: value lines)",
    "array": "a list",
    "null": "empty",
}


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(resources.files("gallery.catalog").joinpath(SCHEMA_FILE).read_text("utf-8"))


@lru_cache(maxsize=1)
def defaults() -> dict[str, Any]:
    """The schema's `default` values, by dotted path: "storage.sku", "image.architecture" (a $defs name first).

    The one place defaults are written: build.py applies these, and the catalog reference shows them.
    """
    found: dict[str, Any] = {}

    def walk(node: dict, prefix: str) -> None:
        for key, sub in node.get("properties", {}).items():
            if "default" in sub:
                found[prefix + key] = sub["default"]
            walk(sub, f"{prefix}{key}.")
        for branch in node.get("anyOf", ()):  # the mapping form of a key that is also a list (lifecycle.canary)
            walk(branch, prefix)

    root = schema()
    walk(root, "")
    for name, sub in root["$defs"].items():
        walk(sub, f"{name}.")
    return found


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    checker = jsonschema.FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return jsonschema.Draft202012Validator(schema(), format_checker=checker)


@lru_cache(maxsize=1)
def _fast_validator():
    """fastjsonschema's compiled check of the same schema, or None when it is not installed.

    Only a yes/no fast path: jsonschema (the reference) explains whatever it rejects. Both assert the
    same formats with the same functions (gallery.catalog.formats); the others are dropped here, as
    jsonschema ignores them. The dialect is declared draft-07, whose meaning is the same for every
    keyword this schema uses; test_schema checks that the two agree.
    """
    try:
        import fastjsonschema
    except ImportError:  # pragma: no cover - it is a pinned dependency
        return None
    fast = copy.deepcopy(schema())
    _drop_unasserted_formats(fast)
    fast["$schema"] = "http://json-schema.org/draft-07/schema#"
    # use_default=False: the compiled check must not write the schema's defaults into the document
    # (build.py applies them, and a default written in would look like a value the user gave).
    return fastjsonschema.compile(fast, formats=FORMATS, use_default=False), fastjsonschema.JsonSchemaException


def _drop_unasserted_formats(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") not in FORMATS:
            node.pop("format", None)
        for value in node.values():
            _drop_unasserted_formats(value)
    elif isinstance(node, list):
        for value in node:
            _drop_unasserted_formats(value)


def is_valid_fast(data: Any) -> bool:
    """True when the compiled validator accepts `data`."""
    fast = _fast_validator()
    if fast is None:
        return _validator().is_valid(data)
    check, rejected = fast
    try:
        check(data)
    except rejected:
        return False
    return True


def violations(data: Any) -> Iterator[ValidationError]:
    """Every schema violation in `data`, as jsonschema reports them (empty when it has the right shape)."""
    if is_valid_fast(data):
        return iter(())
    return _validator().iter_errors(data)


def validate_schema(doc: Document) -> list[Problem]:
    """Every schema violation in `doc`, as located problems (empty when the catalog has the right shape)."""
    problems: dict[Problem, None] = {}  # ordered and without repeats (jsonschema may say a thing twice)
    for error in violations(doc.data):
        problems.update(dict.fromkeys(_translate(error, doc)))
    # One error per problem: a value of the wrong type also fails its enum or pattern, and the type error's
    # hint already leads to a valid value (`hyperVGeneration: 2` is one error, not two).
    mistyped = {p.path for p in problems if p.rule == "schema.type"}
    return [p for p in problems if p.rule == "schema.type" or p.path not in mistyped]


def check_value(pointer: str, value: Any) -> list[tuple[str, str, Optional[str]]]:
    """(rule, message, hint) for each way `value` breaks the subschema at `pointer` (e.g.
    `$defs/targetRegion/properties/replicas`).

    The catalog's own words for a value that never was in a catalog: the policy pack judges raw azure-native
    inputs (replica counts, storage types, version names) by the schema the catalog is validated with.
    """
    sub: Any = schema()
    for part in pointer.split("/"):
        sub = sub[part]
    validator = jsonschema.Draft202012Validator({**sub, "$defs": schema()["$defs"]})
    found: list[tuple[str, str, Optional[str]]] = []
    for error in validator.iter_errors(value):
        if error.validator == "enum":
            options = [str(v) for v in error.validator_value]
            close = [o for o in options if o.lower() == str(value).lower()] or difflib.get_close_matches(
                str(value), options, n=1, cutoff=0.5
            )
            hint = (f"did you mean '{close[0]}'? " if close else "") + "allowed: " + ", ".join(options)
            found.append(("schema.enum", f"{_show(value, None, '')} is not an allowed value", hint))
        else:
            sch = error.schema if isinstance(error.schema, dict) else {}
            message = sch.get("x-message") or _generic(error.validator, error, error.instance)
            found.append((f"schema.{error.validator}", message, None))
    return found


def path_of(error: ValidationError) -> str:
    path = ""
    for part in error.absolute_path:
        path = child_path(path, part)
    return path


def describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "the boolean " + str(value).lower()
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _translate(error: ValidationError, doc: Document) -> Iterator[Problem]:
    path = path_of(error)
    keyword = error.validator
    sch = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    custom = sch.get("x-message")

    if keyword == "additionalProperties" and isinstance(value, dict):
        allowed = list(sch.get("properties", {}))
        for key in value:
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6) or [
                a for a in allowed if a.lower() == str(key).lower()
            ]
            hint = f"did you mean '{close[0]}'?" if close else ("allowed keys: " + ", ".join(allowed))
            yield doc.problem(
                child_path(path, key), f"unknown key '{key}'", "schema.unknown-key", hint=hint, at_key=True
            )
        return
    if keyword == "required":
        # jsonschema reports each missing key as an error of its own, naming all required keys
        missing = [
            k for k in error.validator_value if isinstance(value, dict) and k not in value and repr(k) in error.message
        ]
        for key in missing:
            desc = sch.get("properties", {}).get(key, {}).get("description", "")
            yield doc.problem(path, f"missing required key '{key}'", "schema.required", hint=desc or None, at_key=True)
        return
    if keyword == "type":
        yield _type_problem(error, doc, path, sch)
        return
    if keyword == "enum":
        options = [str(v) for v in error.validator_value]
        hint = "allowed: " + ", ".join(options)
        if isinstance(value, str):
            same = [o for o in options if o.lower() == value.lower()]
            close = same or difflib.get_close_matches(value, options, n=1, cutoff=0.5)
            if close:
                hint = f"did you mean '{close[0]}'? {hint}"
        elif path in doc.typed_text:
            hint = f"YAML read `{doc.typed_text[path]}` as {describe(value)}; {_text_hint(doc.typed_text[path], sch)}"
        yield doc.problem(path, f"{_show(value, doc, path)} is not an allowed value", "schema.enum", hint=hint)
        return
    if keyword in ("anyOf", "oneOf"):
        branch = _matching_branch(error)
        if branch:
            for sub in branch:
                yield from _translate(sub, doc)
            return
        yield doc.problem(
            path, custom or f"{describe(value)} is not valid here", f"schema.{keyword}", hint=sch.get("description")
        )
        return
    if keyword == "format" and error.validator_value in FORMAT_MESSAGES:
        yield doc.problem(path, f"{_show(value, doc, path)} {FORMAT_MESSAGES[error.validator_value]}", "schema.format")
        return
    if "propertyNames" in error.relative_schema_path:  # the value is a key of the mapping at `path`
        yield doc.problem(
            child_path(path, value),
            f"{value!r} {custom or _generic(keyword, error, value)}",
            "schema.propertyNames",
            at_key=True,
        )
        return
    yield doc.problem(path, custom or _generic(keyword, error, value), f"schema.{keyword}")


def _matching_branch(error: ValidationError) -> list[ValidationError]:
    """The errors of the anyOf/oneOf branch whose type fits the value (e.g. the mapping form of a region)."""
    branches: dict[object, list[ValidationError]] = {}
    for sub in error.context or ():
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    fitting = [
        errs for errs in branches.values() if not any(e.validator == "type" and not e.relative_path for e in errs)
    ]
    if len(fitting) == 1:
        return fitting[0]
    best = best_match(error.context) if error.context else None
    return [best] if best is not None and isinstance(error.instance, dict) else []


def _show(value: Any, doc: Optional[Document], path: str) -> str:
    return f"'{value}'" if isinstance(value, str) else describe(value)


def _type_problem(error: ValidationError, doc: Document, path: str, sch: dict) -> Problem:
    value = error.instance
    wanted = error.validator_value
    wanted_list: list[str] = wanted if isinstance(wanted, list) else [wanted]  # JSON Schema type names
    expected = " or ".join(_JSON_TYPES.get(w, w) for w in wanted_list)
    typed = doc.typed_text.get(path)
    if "string" in wanted_list and typed is not None:
        if value is None:
            msg = f"is empty, but {expected} is expected"
            hint: str | None = "write a value after the colon, or remove the key"
        else:
            msg = f"YAML read `{typed}` as {describe(value)}, but text is expected"
            hint = _text_hint(typed, sch)
        return doc.problem(path, msg, "schema.type", hint=hint)
    if value is None:
        return doc.problem(
            path,
            f"is empty, but {expected} is expected",
            "schema.type",
            hint="write a value after the colon, or remove the key",
        )
    if "integer" in wanted_list and "minimum" in sch:
        expected = f"a whole number from {sch['minimum']}" + (f" to {sch['maximum']}" if "maximum" in sch else " up")
    hint = None
    if isinstance(value, str) and _unquoted_type(value) in wanted_list:
        hint = f"write it without quotes: {value}"
    return doc.problem(path, f"expected {expected}, got {describe(value)}", "schema.type", hint=hint)


def _text_hint(typed: str, sch: dict) -> str:
    """How to write what YAML typed (`typed`, as written) as text the schema `sch` accepts: quoted when that
    is enough, else the valid value it most likely means (`2` -> V2, `1.2` -> 1.2.0), else what is allowed."""
    if _accepts(sch, typed):
        return f'quote it: "{typed}"'
    options = [str(o) for o in sch.get("enum", ())]
    allowed = f"allowed: {', '.join(options)}" if options else ""
    # A number with parts missing, as a Major.Minor.Patch version or anything else of that form
    completions = [typed + ".0" * n for n in (1, 2)] if re.fullmatch(r"[0-9]+(\.[0-9]+)?", typed) else []
    meant = [c for c in completions if _accepts(sch, c)]
    meant = (
        meant
        or [o for o in options if o.lower() == typed.lower()]
        or [o for o in options if typed and o.lower().endswith(typed.lower())]
        or difflib.get_close_matches(typed, options, n=1, cutoff=0.5)
    )
    if meant:
        value = meant[0] if _unquoted_type(meant[0]) is None and meant[0] not in _YAML_WORDS else f'"{meant[0]}"'
        return f"did you mean {value}?" + (f" ({allowed})" if allowed else "")
    if allowed:
        return allowed
    return sch.get("x-message") or sch.get("description") or "write it as text"


# Plain words YAML 1.1 reads as booleans or null: a suggestion that is one of them must be quoted.
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def _accepts(sch: dict, text: str) -> bool:
    """Whether `text` satisfies the string constraints of `sch` (enum, pattern, lengths, asserted formats)."""
    if "enum" in sch and text not in sch["enum"]:
        return False
    if "pattern" in sch and not re.search(sch["pattern"], text):
        return False
    if not sch.get("minLength", 0) <= len(text) <= sch.get("maxLength", len(text)):
        return False
    return sch.get("format") not in FORMATS or FORMATS[sch["format"]](text)


def _unquoted_type(text: str) -> Optional[str]:
    """The JSON type YAML gives `text` written without quotes (`"0"` -> integer), for plain numbers and booleans."""
    if re.fullmatch(r"[-+]?[0-9]+", text):
        return "integer"
    if text in ("true", "false", "True", "False", "TRUE", "FALSE"):
        return "boolean"
    return "number" if re.fullmatch(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)", text) else None


def _generic(keyword: str, error: ValidationError, value: Any) -> str:
    v = error.validator_value
    if keyword == "minimum":
        return f"must be at least {v} (it is {value})"
    if keyword == "maximum":
        return f"must be at most {v} (it is {value})"
    if keyword == "minLength":
        return "must not be empty" if v == 1 else f"must be at least {v} characters long"
    if keyword == "maxLength":
        return f"must be at most {v} characters long (it has {len(value)})"
    if keyword == "minItems":
        return "must not be an empty list" if v == 1 else f"must have at least {v} items"
    if keyword == "maxItems":
        return f"must have at most {v} items (it has {len(value)})"
    if keyword == "uniqueItems":
        seen, dup = set(), None
        for item in value:
            key = json.dumps(item, sort_keys=True)
            if key in seen:
                dup = item
                break
            seen.add(key)
        return f"lists {dup!r} more than once"
    if keyword == "pattern":  # every pattern of the schema has an x-message; this is for a new one
        return f"{value!r} does not have the form {error.validator_value}"
    if keyword == "propertyNames":
        return "a key is not valid here: " + error.message
    if keyword in ("minProperties", "maxProperties"):
        return error.message
    return error.message

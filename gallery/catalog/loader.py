"""The one loader: images.yaml -> YAML with positions -> JSON Schema -> model -> rules -> Catalog.

The CLI, the Pulumi program, the plan, the diff and the tests all call `load_catalog`, so what
`validate` accepts is exactly what deploys.
"""
from __future__ import annotations

import os
from typing import Optional

from gallery.catalog import rules
from gallery.catalog.build import Builder
from gallery.catalog.inputs import read_input
from gallery.catalog.model import Catalog
from gallery.catalog.partial import well_formed
from gallery.catalog.schema import validate_schema
from gallery.catalog.yamlload import Document, load_yaml
from gallery.errors import CatalogError, Problem

DEFAULT_STACK = "dev"


def load_catalog(path: str | os.PathLike, stack: str = DEFAULT_STACK, *,
                 display_name: Optional[str] = None) -> Catalog:
    """Load and validate a catalog file. Raises CatalogError listing every problem found.

    `display_name` names the file in messages (e.g. `origin/main:images.yaml` for a git revision).
    """
    name = display_name or str(path)
    data = read_input(path, name, missing_hint="give the path of a catalog, e.g. images.yaml")
    return load_catalog_text(data, name, stack)


def load_catalog_text(data: str | bytes, file: str, stack: str = DEFAULT_STACK) -> Catalog:
    """Like load_catalog, for catalog text that is already in memory."""
    doc = load_yaml(data, file)
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else f"a single value ({doc.data!r:.40})"
        raise CatalogError([doc.problem("", f"the catalog must be a mapping of keys (resourceGroup, location, "
                                            f"storage, gallery, images), not {kind}", "schema.type")])
    problems = validate_schema(doc)
    if any(p.severity == "error" for p in problems):
        # The rules need the right shape: they judge the parts that have it, in the same run.
        parts = well_formed(doc)
        if parts is not None:
            _, found = _build(parts.doc, stack, parts.left_out)
            problems += [p for p in found if parts.judges(p.path)]
        raise CatalogError(problems)
    catalog, found = _build(doc, stack)
    problems += found
    if any(p.severity == "error" for p in problems):
        raise CatalogError(problems)
    return _with_warnings(catalog, problems)


def _build(doc: Document, stack: str, left_out: frozenset[str] = frozenset()) -> tuple[Catalog, list[Problem]]:
    """The model of `doc` (without the parts left out) and what the builder and the rules find in it."""
    builder = Builder(doc, stack, skip=left_out)
    catalog = builder.catalog()
    return catalog, builder.problems + rules.check(catalog, doc)


def _with_warnings(catalog: Catalog, problems: list[Problem]) -> Catalog:
    from dataclasses import replace

    from gallery.errors import sort_problems

    return replace(catalog, warnings=tuple(sort_problems(problems))) if problems else catalog

"""The one loader: images.yaml -> YAML with positions -> JSON Schema -> model -> rules -> Catalog.

The CLI, the Pulumi program, the plan, the diff and the tests all call `load_catalog`, so what
`validate` accepts is exactly what deploys.
"""

from __future__ import annotations

import os
from typing import Optional

from gallery.catalog import regions, rules
from gallery.catalog.build import Builder
from gallery.catalog.inputs import read_input
from gallery.catalog.model import Catalog
from gallery.catalog.partial import well_formed
from gallery.catalog.schema import validate_schema
from gallery.catalog.yamlload import Document, load_yaml
from gallery.errors import CatalogError, Problem

DEFAULT_STACK = "dev"
CLOUD_ENV = "ARM_ENVIRONMENT"  # the provider's variable for azure-native:environment


def load_catalog(
    path: str | os.PathLike,
    stack: str = DEFAULT_STACK,
    *,
    display_name: Optional[str] = None,
    cloud: Optional[str] = None,
) -> Catalog:
    """Load and validate a catalog file. Raises CatalogError listing every problem found.

    `display_name` names the file in messages (e.g. `origin/main:images.yaml` for a git revision). `cloud` is the
    Azure cloud whose regions it may name; None: $ARM_ENVIRONMENT, else the stack's azure-native:environment
    (Pulumi.<stack>.yaml of the project the file is in), else public.
    """
    name = display_name or str(path)
    data = read_input(path, name, missing_hint="give the path of a catalog, e.g. images.yaml")
    if cloud is None and display_name is None:
        cloud = stack_cloud(path, stack)
    return load_catalog_text(data, name, stack, cloud=cloud)


def stack_cloud(path: str | os.PathLike, stack: str) -> Optional[str]:
    """The cloud a catalog file deploys to when no --cloud says it: $ARM_ENVIRONMENT, else the stack's
    azure-native:environment (Pulumi.<stack>.yaml of the project the file is in), else None (public)."""
    if os.environ.get(CLOUD_ENV):
        return os.environ[CLOUD_ENV]
    from pathlib import Path

    from gallery.catalog.stackconfig import project_dir, stack_config

    return stack_config(stack, project_dir(Path(path))).get("azure-native:environment")


def load_catalog_text(
    data: str | bytes, file: str, stack: str = DEFAULT_STACK, *, cloud: Optional[str] = None
) -> Catalog:
    """Like load_catalog, for catalog text that is already in memory (`cloud` None: $ARM_ENVIRONMENT, else public)."""
    named = cloud or os.environ.get(CLOUD_ENV) or regions.PUBLIC
    key = regions.cloud_key(named)
    if key is None:
        raise CatalogError(
            [
                Problem(
                    file,
                    0,
                    0,
                    "",
                    f"unknown Azure cloud {named!r} (from --cloud, ARM_ENVIRONMENT or azure-native:environment)",
                    "config.cloud",
                    hint="use one of: " + ", ".join(regions.CLOUDS),
                )
            ]
        )
    doc = load_yaml(data, file)
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else f"a single value ({doc.data!r:.40})"
        raise CatalogError(
            [
                doc.problem(
                    "",
                    f"the catalog must be a mapping of keys (resourceGroup, location, "
                    f"storage, gallery, images), not {kind}",
                    "schema.type",
                )
            ]
        )
    problems = validate_schema(doc)
    if any(p.severity == "error" for p in problems):
        # The rules need the right shape: they judge the parts that have it, in the same run.
        parts = well_formed(doc)
        if parts is not None:
            _, found = _build(parts.doc, stack, key, parts.left_out)
            problems += [p for p in found if parts.judges(p.path)]
        raise CatalogError(problems)
    catalog, found = _build(doc, stack, key)
    problems += found
    if any(p.severity == "error" for p in problems):
        raise CatalogError(problems)
    return _with_warnings(catalog, problems)


def _build(
    doc: Document, stack: str, cloud: str, left_out: frozenset[str] = frozenset()
) -> tuple[Catalog, list[Problem]]:
    """The model of `doc` (without the parts left out) and what the builder and the rules find in it."""
    from dataclasses import replace

    builder = Builder(doc, stack, skip=left_out)
    catalog = replace(builder.catalog(), cloud=cloud)
    return catalog, builder.problems + rules.check(catalog, doc)


def _with_warnings(catalog: Catalog, problems: list[Problem]) -> Catalog:
    from dataclasses import replace

    from gallery.errors import sort_problems

    return replace(catalog, warnings=tuple(sort_problems(problems))) if problems else catalog

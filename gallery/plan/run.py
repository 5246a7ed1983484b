"""The offline plan: the Pulumi program (`gallery.program.declare`) run under the mock engine.

`plan` records every resource registration the engine would receive from `pulumi up` (type, logical
name, parent, inputs as the provider gets them, dependencies and options). Nothing reaches Azure; the
stack's config comes from the project's `Pulumi.<stack>.yaml` when there is one.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from gallery import program
from gallery.catalog.loader import load_catalog
from gallery.catalog.model import Catalog
from gallery.catalog.stackconfig import project_dir, stack_config
from gallery.desired.selection import Selection
from gallery.plan.engine import PROJECT, ProgramRun, Registration, run_program

CATALOG_KEY = f"{PROJECT}:{program.CATALOG_KEY}"


@dataclass
class Plan:
    stack: str
    catalog: str
    resources: list[dict]
    outputs: dict
    warnings: tuple = ()  # the catalog's non-blocking problems
    model: Optional[Catalog] = None  # the validated catalog the program was run on

    def document(self) -> dict:
        return {"stack": self.stack, "catalog": self.catalog, "resources": self.resources, "outputs": self.outputs}


def plan(catalog_path: str | os.PathLike, stack: str = "dev") -> Plan:
    """Validate, then declare under mocks. Raises CatalogError before anything is declared."""
    path = Path(catalog_path)
    catalog = load_catalog(path, stack, display_name=str(catalog_path))
    config = stack_config(stack, project_dir(path))
    config[CATALOG_KEY] = str(path.resolve())
    return plan_catalog(catalog, config=config)


def plan_catalog(catalog: Catalog, *, only: Optional[Selection] = None,
                 config: Optional[dict[str, str]] = None) -> Plan:
    """Declare a catalog already loaded (or the `only` part of it) under mocks: no second load."""
    run = run_program(lambda: program.declare(catalog, only), stack=catalog.stack, config=config)
    return Plan(stack=catalog.stack, catalog=catalog.source_file, resources=records(run), outputs=run.outputs,
                warnings=tuple(catalog.warnings), model=catalog)


def run_plan(catalog_path: str | os.PathLike, stack: str = "dev") -> list[dict]:
    """The plan's resource records, sorted by type then logical name (see `records`)."""
    return plan(catalog_path, stack).resources


def records(run: ProgramRun) -> list[dict]:
    """One JSON-ready record per registered resource, sorted stably so two plans can be compared."""
    names = {r.urn: r.name for r in run.registrations}
    return sorted((_record(r, names) for r in run.registrations), key=lambda r: (r["type"], r["name"]))


def _record(r: Registration, names: dict[str, str]) -> dict:
    return {
        "type": r.type,
        "name": r.name,
        "parent": names.get(r.parent_urn),  # None under the stack itself
        "urn": r.urn,
        "custom": r.custom,
        "inputs": r.inputs,
        "dependsOn": sorted({names[u] for u in r.dependencies if u in names}),
        "protect": r.protect,
        "retainOnDelete": r.retain_on_delete,
        "deleteBeforeReplace": r.delete_before_replace,
        "replaceOnChanges": r.replace_on_changes,
        "ignoreChanges": r.ignore_changes,
        "customTimeouts": r.custom_timeouts,
    }

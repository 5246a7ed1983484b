"""The offline plan: the Pulumi program (`gallery.program.declare`) run under the mock engine.

`plan` records every resource registration the engine would receive from `pulumi up` (type, logical
name, parent, inputs as the provider gets them, dependencies and options). Nothing reaches Azure; the
stack's config comes from the project's `Pulumi.<stack>.yaml` when there is one. A shard's stack is planned with
its config (`image-gallery:shard`, `image-gallery:foundation`), and its StackReference to the main stack is
answered with the main stack's outputs as the desired state knows them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pulumi

from gallery import program
from gallery.catalog.loader import load_catalog
from gallery.catalog.model import MAIN, Catalog
from gallery.catalog.stackconfig import project_dir, stack_config
from gallery.desired.build import desired_state
from gallery.desired.selection import Selection
from gallery.desired.shards import StackPart, foundation_outputs
from gallery.plan.engine import PROJECT, AzureMocks, ProgramRun, Registration, run_program

CATALOG_KEY = f"{PROJECT}:{program.CATALOG_KEY}"


@dataclass
class Plan:
    stack: str
    catalog: str
    resources: list[dict]
    outputs: dict
    warnings: tuple = ()  # the catalog's non-blocking problems
    model: Optional[Catalog] = None  # the validated catalog the program was run on
    part: StackPart = StackPart()  # the stack's part of a sharded catalog

    def document(self) -> dict:
        doc: dict[str, Any] = {
            "stack": self.stack,
            "catalog": self.catalog,
            "resources": self.resources,
            "outputs": self.outputs,
        }
        if self.model is not None and self.model.shards:  # a catalog without shards keeps its plan as it was
            doc.update(shard=self.part.owner, foundation=self.part.foundation)
        return doc


def plan(catalog_path: str | os.PathLike, stack: str = "dev", shard: str = MAIN) -> Plan:
    """Validate, then declare the stack's part (the main one, or `shard`'s) under mocks. Raises CatalogError before
    anything is declared."""
    path = Path(catalog_path)
    catalog = load_catalog(path, stack, display_name=str(catalog_path))
    return plan_catalog(catalog, config=project_config(path, stack, shard), part=StackPart.of(stack, shard))


def project_config(path: Path, stack: str, shard: str = MAIN) -> dict[str, str]:
    """The config the engine would give the program: the main stack's `Pulumi.<stack>.yaml`, and for a shard its own
    stack's file on top when there is one, with the catalog's path."""
    project = project_dir(path)
    config = stack_config(stack, project)
    if shard != MAIN:
        config.update(stack_config(StackPart.of(stack, shard).stack(stack), project))
    config[CATALOG_KEY] = str(path.resolve())
    return config


def plan_catalog(
    catalog: Catalog,
    *,
    only: Optional[Selection] = None,
    config: Optional[dict[str, str]] = None,
    part: StackPart = StackPart(),
    references: Optional[dict[str, dict]] = None,
) -> Plan:
    """Declare a catalog already loaded under mocks, no second load: the stack's `part` of it, read from the stack's
    config as `pulumi up` does; or `only` that selection of it (tests, benchmarks). A shard's StackReference reads
    `references` (by stack name), by default the main stack's outputs as the desired state knows them."""
    if only is not None:
        run = run_program(lambda: program.declare(catalog, only), stack=catalog.stack, config=config)
        return Plan(
            stack=catalog.stack,
            catalog=catalog.source_file,
            resources=records(run),
            outputs=run.outputs,
            warnings=tuple(catalog.warnings),
            model=catalog,
        )
    stack = part.stack(catalog.stack)
    if references is None and part.foundation is not None:  # a shard's StackReference reads the main stack's
        main = desired_state(catalog, Selection(frozenset(), frozenset()), subscription=AzureMocks.subscription)
        references = {part.foundation: foundation_outputs(main)}
    mocks = AzureMocks(references=references)

    def declare() -> None:
        _, declared = program.part(pulumi.Config(), pulumi.get_stack())
        program.declare_part(catalog, declared, pulumi.get_stack())

    run = run_program(declare, stack=stack, config={**(config or {}), **part.config()}, mocks=mocks)
    return Plan(
        stack=stack,
        catalog=catalog.source_file,
        resources=records(run),
        outputs=run.outputs,
        warnings=tuple(catalog.warnings),
        model=catalog,
        part=part,
    )


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

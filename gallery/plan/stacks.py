"""The offline plans of a sharded catalog's stacks, each in a process of its own, `jobs` at a time.

Pulumi's runtime is one per process (and `pulumi up` plans each stack apart anyway), and a stack's plan costs
about 20 ms per resource of Pulumi's own machinery: stacks planned side by side take the wall time of the largest,
and each process holds one stack's resources, not the catalog's. The catalog is loaded and validated once, here;
each process receives it already loaded (a pickle, `{stack}` applied, no second validation) with the main stack's
outputs that a shard's StackReference reads, computed once from the desired state. This module does not import
Pulumi; the processes do.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Mapping, Optional

from gallery.catalog.model import Catalog
from gallery.desired.build import desired_state
from gallery.desired.selection import Selection
from gallery.desired.shards import StackPart, foundation_outputs
from gallery.plan import DEFAULT_JOBS


def plan_stacks(
    catalog: Catalog,
    parts: list[StackPart],
    config: Mapping[str, str],
    *,
    jobs: int = DEFAULT_JOBS,
    overrides: Optional[Mapping[str, Mapping[str, str]]] = None,
) -> list:
    """The plan (gallery.plan.run.Plan) of each part, in the order of `parts`. `config` is every stack's (the main
    stack's file, the catalog's path); `overrides` a stack's own on top, by owner."""
    main = desired_state(catalog, Selection(frozenset(), frozenset()))  # the foundation alone
    references = {p.foundation: foundation_outputs(main) for p in parts if not p.is_main}
    tasks = [(part_catalog(catalog, p), p, {**config, **(overrides or {}).get(p.owner, {})}, references) for p in parts]
    if jobs <= 1 or len(tasks) <= 1:
        plans = [_plan(*task) for task in tasks]
    else:
        # spawn: a fresh interpreter per stack (a forked one would carry this process's memory and threads), and one
        # stack per process, which exits when done and gives its memory back.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=context, max_tasks_per_child=1) as pool:
            plans = [f.result() for f in [pool.submit(_plan, *task) for task in tasks]]
    return [dataclasses.replace(plan, model=catalog) for plan in plans]


def part_catalog(catalog: Catalog, part: StackPart) -> Catalog:
    """What a stack's process needs of the catalog: a shard's own definitions (its plan reads nothing else of
    them: tests/plan/test_stacks.py); the main stack, whose foundation serves every family, all of it."""
    if part.is_main:
        return catalog
    return dataclasses.replace(catalog, images=tuple(i for i in catalog.images if catalog.owner(i) == part.owner))


def _plan(catalog: Catalog, part: StackPart, config: dict[str, str], references: dict):
    from gallery.plan.run import plan_catalog  # Pulumi loads in the process that plans

    plan = plan_catalog(catalog, config=config, part=part, references=references)
    return dataclasses.replace(plan, model=None)  # the caller has the catalog: do not send it back

"""`gallery apply`: `pulumi preview` or `pulumi up` of every stack of a catalog, each in a process of its own.

Pulumi's Automation API runs one program per process, so each stack gets one (spawned, and ended once its stack is
done). A stack starts once the stacks it needs succeeded: the main stack first (the shards read its outputs and live
in its gallery), then the shards, `jobs` at a time. When a stack fails, the stacks that need it are stopped, not
run; the others go on. Which function runs a stack is a parameter (`runner`): gallery.stacks.automation.run_stack
with Pulumi, a stand-in in the tests. This module does not import Pulumi.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable, Mapping, Optional

from gallery.catalog.model import Catalog
from gallery.desired.shards import StackPart, parts
from gallery.stacks import DEFAULT_JOBS

SUCCEEDED, FAILED, STOPPED = "succeeded", "failed", "stopped"


@dataclass(frozen=True)
class StackJob:
    """One stack's run: what a process needs, all plain values (it crosses the process boundary)."""

    stack: str  # as Pulumi names it: dev-linux, or org/dev-linux
    part: StackPart
    work_dir: str  # the Pulumi project (Pulumi.yaml)
    command: str  # preview | up
    refresh: bool = False
    config: Mapping[str, str] = field(default_factory=dict)  # set before the run: a shard's part of the catalog
    # A shard's stack takes the main stack's other config (azure-native:subscriptionId, ...): one place to set it.
    config_from: Optional[str] = None


@dataclass(frozen=True)
class StackResult:
    stack: str
    status: str  # succeeded | failed | stopped
    summary: str  # "2 create, 1 update", the error, or why it did not run
    output: str = ""  # what Pulumi printed


Runner = Callable[[StackJob], StackResult]


def jobs_for(
    catalog: Catalog, environment: str, work_dir: str, command: str, *, org: Optional[str] = None, refresh: bool = False
) -> tuple[list[StackJob], dict[str, set[str]]]:
    """Every stack's job, the main stack first, and what each needs (a shard: the main stack)."""
    out, needs = [], {}
    main = f"{org}/{environment}" if org else environment
    for part in parts(catalog, environment, org):
        name = f"{org}/{part.stack(environment)}" if org else part.stack(environment)
        out.append(StackJob(name, part, work_dir, command, refresh, part.config(), None if part.is_main else main))
        needs[name] = set() if part.is_main else {main}
    return out, needs


def apply_stacks(
    jobs: list[StackJob],
    needs: Mapping[str, set[str]],
    runner: Runner,
    *,
    workers: int = DEFAULT_JOBS,
    on_done: Optional[Callable[[StackResult], None]] = None,
) -> list[StackResult]:
    """Run every job in a process of its own, at most `workers` at a time, each once what it needs succeeded; the
    result of each, in the order of `jobs`. `on_done` hears of each result as it comes."""
    pending = {job.stack: job for job in jobs}
    results: dict[str, StackResult] = {}
    running: dict[Future, StackJob] = {}

    def finish(result: StackResult) -> None:
        results[result.stack] = result
        if on_done:
            on_done(result)

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max(1, min(workers, len(jobs))), mp_context=context, max_tasks_per_child=1) as pool:
        while pending or running:
            for name in list(pending):  # the dependents of a stack that did not succeed do not run
                failed = sorted(d for d in needs.get(name, ()) if d in results and results[d].status != SUCCEEDED)
                if failed:
                    del pending[name]
                    finish(StackResult(name, STOPPED, f"not run: {failed[0]} did not succeed"))
            ready = [
                n for n in pending if all(results.get(d) and results[d].status == SUCCEEDED for d in needs.get(n, ()))
            ]
            for name in ready[: max(0, workers - len(running))]:
                job = pending.pop(name)
                running[pool.submit(runner, job)] = job
            if not running:
                break  # what is left needs a stack that is not among the jobs
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                job = running.pop(future)
                try:
                    finish(future.result())
                except Exception as exc:  # noqa: BLE001 - the process itself failed: that stack failed
                    finish(StackResult(job.stack, FAILED, f"{type(exc).__name__}: {exc}"))
    for name in pending:
        finish(StackResult(name, STOPPED, "not run: a stack it needs is not among the stacks"))
    return [results[job.stack] for job in jobs]


def summary(results: list[StackResult]) -> str:
    counts = {s: sum(r.status == s for r in results) for s in (SUCCEEDED, FAILED, STOPPED)}
    return ", ".join(f"{n} {s}" for s, n in counts.items() if n)

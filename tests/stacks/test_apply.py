"""`gallery apply`'s scheduling: each stack in a process of its own, the main stack first, then the shards `jobs` at
a time; the stacks that need a failed one are stopped, the others go on. Real processes, a stand-in for Pulumi."""

from __future__ import annotations

import json
import os

import pytest

from gallery.catalog.loader import load_catalog
from gallery.stacks.apply import FAILED, STOPPED, SUCCEEDED, StackJob, apply_stacks, jobs_for
from gallery.desired.shards import StackPart
from tests.fixtures.paths import CATALOGS
from tests.stacks import runners


@pytest.fixture
def runs(tmp_path, monkeypatch):
    monkeypatch.setenv("GALLERY_TEST_RUNS", str(tmp_path))
    return tmp_path


def _runs(path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in path.glob("*.json")}


def _jobs(names):
    main, *rest = names
    jobs = [StackJob(n, StackPart(), "/p", "up") for n in names]
    return jobs, {main: set(), **{n: {main} for n in rest}}


def test_the_main_stack_runs_first_then_the_shards_side_by_side_each_in_its_own_process(runs):
    jobs, needs = _jobs(["dev", "dev-a", "dev-b", "dev-c", "dev-d"])
    seen = []
    results = apply_stacks(jobs, needs, runners.recorded, workers=2, on_done=seen.append)
    assert [(r.stack, r.status) for r in results] == [
        (n, SUCCEEDED) for n in ("dev", "dev-a", "dev-b", "dev-c", "dev-d")
    ]
    assert seen[0].stack == "dev" and sorted(r.stack for r in seen) == sorted(j.stack for j in jobs)
    done = _runs(runs)
    assert len({r["pid"] for r in done.values()} | {os.getpid()}) == 6  # one process per stack, none of them this one
    assert all(done["dev"]["end"] <= done[s]["start"] for s in ("dev-a", "dev-b", "dev-c", "dev-d"))
    # At most two at a time, and two did run side by side.
    events = sorted([(r["start"], 1) for r in done.values()] + [(r["end"], -1) for r in done.values()])
    running, most = 0, 0
    for _, step in events:
        running += step
        most = max(most, running)
    assert most == 2


def test_a_failed_main_stack_stops_every_shard(runs, monkeypatch):
    monkeypatch.setenv("GALLERY_TEST_FAIL", "dev")
    jobs, needs = _jobs(["dev", "dev-a", "dev-b"])
    results = apply_stacks(jobs, needs, runners.recorded, workers=2)
    assert [(r.stack, r.status, r.summary) for r in results] == [
        ("dev", FAILED, "the stand-in failed"),
        ("dev-a", STOPPED, "not run: dev did not succeed"),
        ("dev-b", STOPPED, "not run: dev did not succeed"),
    ]
    assert set(_runs(runs)) == {"dev"}


def test_a_failed_shard_stops_no_other_stack(runs, monkeypatch):
    monkeypatch.setenv("GALLERY_TEST_FAIL", "dev-a")
    jobs, needs = _jobs(["dev", "dev-a", "dev-b", "dev-c"])
    results = apply_stacks(jobs, needs, runners.recorded, workers=1)
    assert [r.status for r in results] == [SUCCEEDED, FAILED, SUCCEEDED, SUCCEEDED]
    assert set(_runs(runs)) == {"dev", "dev-a", "dev-b", "dev-c"}


def test_a_process_that_breaks_fails_its_stack_and_stops_its_dependents(runs):
    jobs, needs = _jobs(["dev", "dev-a"])
    results = apply_stacks(jobs, needs, runners.crashing, workers=2)
    assert [(r.stack, r.status, r.summary) for r in results] == [
        ("dev", FAILED, "RuntimeError: dev: the process broke"),
        ("dev-a", STOPPED, "not run: dev did not succeed"),
    ]


def test_a_catalogs_jobs_give_each_shard_its_part_and_the_main_stacks_config():
    catalog = load_catalog(CATALOGS / "shards" / "example.yaml", "prod")
    jobs, needs = jobs_for(catalog, "prod", "/project", "preview", org="contoso", refresh=True)
    assert [(j.stack, j.command, j.refresh, j.config_from) for j in jobs] == [
        ("contoso/prod", "preview", True, None),
        ("contoso/prod-linux", "preview", True, "contoso/prod"),
        ("contoso/prod-windows", "preview", True, "contoso/prod"),
    ]
    assert jobs[1].config == {"image-gallery:shard": "linux", "image-gallery:foundation": "contoso/image-gallery/prod"}
    assert needs == {
        "contoso/prod": set(),
        "contoso/prod-linux": {"contoso/prod"},
        "contoso/prod-windows": {"contoso/prod"},
    }

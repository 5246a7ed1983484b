#!/usr/bin/env python3
"""Benchmark: a 10,000-version catalog in 10 shards against the same catalog in one stack.

    python bench/bench_shards.py [--versions 10000] [--shards 10] [--jobs 2] [--repeat 1]

The catalog is bench/gencatalog.py's (1,000 definitions); the sharded one adds `shards:` that split its definitions
into `--shards` shards by name pattern (`match`), the main stack keeping the foundation. Each side runs in a fresh
process, as `gallery plan` does:
- one stack:  load and validate the catalog, plan it whole (gallery.plan.run.plan_catalog, the main stack);
- sharded:    load and validate the catalog, plan every stack (gallery.plan.stacks.plan_stacks, what
              `gallery plan --all-shards --jobs N` runs): each stack in a spawned process, N at a time.
Measured: wall time; peak RSS of every process (the one-stack process; the sharded run's coordinating process and
its largest stack process, from getrusage); and the largest state one stack would hold: its resources (the
component included) and the bytes of its plan document (`gallery plan --format json`), a stand-in for the bytes its
checkpoint rewrites at every step. Targets (issue 20): no stack above 1,500 resources; all shards planned within
0.6x of the one-stack time; memory per process within 1/5 of the one-stack process's.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
MAX_RESOURCES, TIME_TARGET, MEMORY_TARGET = 1_500, 0.6, 1 / 5


def sharded_text(text: str, definitions: int, shards: int) -> str:
    """`text` with shards that split its definitions (named <kind>-app<NNNN>) into `shards` runs of numbers."""
    width = -(-definitions // shards)
    if (definitions, shards) == (1000, 10):  # the case, by pattern: app0000-0099, app0100-0199, ...
        lines = [f'  - name: part{k}\n    match: "*-app0{k}??"' for k in range(shards)]
    else:  # any other split: explicit names
        names = [f"{'win' if d % 3 == 2 else 'linux'}-app{d:04d}" for d in range(definitions)]
        lines = [
            f"  - name: part{k}\n    definitions: [{', '.join(names[k * width : (k + 1) * width])}]"
            for k in range(shards)
        ]
    return text + "shards:\n" + "\n".join(lines) + "\n"


def _child(mode: str, path: str, jobs: int) -> None:
    """Runs in the measured process: prints its figures as one JSON line."""
    from gallery.catalog.loader import load_catalog
    from gallery.desired.shards import parts

    t0 = time.perf_counter()
    catalog = load_catalog(path, "dev")
    loaded = time.perf_counter() - t0
    if mode == "single":
        from gallery.plan.run import plan_catalog

        plans = [plan_catalog(catalog)]
    else:
        from gallery.plan.stacks import plan_stacks

        plans = plan_stacks(catalog, parts(catalog, "dev"), {}, jobs=jobs)
    seconds = time.perf_counter() - t0
    stacks = [
        {"stack": p.stack, "resources": len(p.resources), "bytes": len(json.dumps(p.document(), indent=2).encode())}
        for p in plans
    ]
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "load": loaded,
                "stacks": stacks,
                "self_mib": me.ru_maxrss / 1024,
                "children_mib": children.ru_maxrss / 1024,
                "cpu": me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime,
                "loadavg": os.getloadavg()[0],
            }
        )
    )


def _measure(mode: str, path: pathlib.Path, jobs: int) -> dict:
    r = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), str(jobs)], capture_output=True, text=True, cwd=ROOT
    )
    if r.returncode:
        raise SystemExit(f"{mode} failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--versions", type=int, default=10_000)
    p.add_argument("--shards", type=int, default=10)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--repeat", type=int, default=1, help="runs of each side, alternating; the best counts")
    p.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        _child(a.child[0], a.child[1], int(a.child[2]))
        return 0
    sys.path.insert(0, str(HERE))
    from gencatalog import generate

    text = generate(a.versions)
    definitions = -(-a.versions // 10)
    with tempfile.TemporaryDirectory() as tmp:
        single_path, sharded_path = pathlib.Path(tmp) / "single.yaml", pathlib.Path(tmp) / "sharded.yaml"
        single_path.write_text(text)
        sharded_path.write_text(sharded_text(text, definitions, a.shards))
        singles, shardeds = [], []
        for _ in range(a.repeat):  # alternate, so a busy moment of the machine hits both sides
            singles.append(_measure("single", single_path, a.jobs))
            shardeds.append(_measure("sharded", sharded_path, a.jobs))
    single = min(singles, key=lambda r: r["seconds"])
    sharded = min(shardeds, key=lambda r: r["seconds"])
    one = single["stacks"][0]
    largest = max(sharded["stacks"], key=lambda s: s["resources"])
    biggest = max(sharded["stacks"], key=lambda s: s["bytes"])
    ratio = sharded["seconds"] / single["seconds"]
    worst_process = max(sharded["self_mib"], sharded["children_mib"])
    memory = worst_process / single["self_mib"]
    print(
        f"catalog: {a.versions:,} versions, {definitions:,} definitions; sharded: {a.shards} shards + the main "
        f"stack, --jobs {a.jobs}; best of {a.repeat}"
    )
    print(f"{'':<34} {'one stack':>12} {'sharded':>12}")
    print(
        f"{'wall time (load + plan), s':<34} {single['seconds']:>12.1f} {sharded['seconds']:>12.1f}   "
        f"ratio {ratio:.2f}x (target <= {TIME_TARGET}x)"
    )
    print(f"{'of which load and validate, s':<34} {single['load']:>12.1f} {sharded['load']:>12.1f}")
    print(
        f"{'CPU, s (every process)':<34} {single['cpu']:>12.1f} {sharded['cpu']:>12.1f}   "
        f"CPU / wall: {single['cpu'] / single['seconds']:.2f} and {sharded['cpu'] / sharded['seconds']:.2f} "
        f"of {os.cpu_count()} cores"
    )
    print(
        f"{'load average at the end (1 min)':<34} {single['loadavg']:>12.2f} {sharded['loadavg']:>12.2f}   "
        "(other work on the machine slows the side that uses both cores more)"
    )
    print(f"{'peak RSS, coordinating process MiB':<34} {single['self_mib']:>12.0f} {sharded['self_mib']:>12.0f}")
    print(
        f"{'peak RSS, largest stack process MiB':<34} {single['self_mib']:>12.0f} {sharded['children_mib']:>12.0f}   "
        f"ratio {memory:.2f} (target <= {MEMORY_TARGET:.2f})"
    )
    print(
        f"{'largest stack: resources':<34} {one['resources']:>12,} {largest['resources']:>12,}   "
        f"({largest['stack']}; target <= {MAX_RESOURCES:,})"
    )
    print(f"{'largest stack: plan bytes':<34} {one['bytes']:>12,} {biggest['bytes']:>12,}   ({biggest['stack']})")
    print("stacks: " + ", ".join(f"{s['stack']} {s['resources']:,}" for s in sharded["stacks"]))
    ok = largest["resources"] <= MAX_RESOURCES and ratio <= TIME_TARGET and memory <= MEMORY_TARGET
    print(f"targets: {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Benchmark: `plan` against its floor, and how both grow with the catalog.

    python bench/bench_plan.py [--sizes 200,2000,5000]

For each size, a synthetic catalog (bench/gencatalog.py) is planned in a fresh process:
- ours:  gallery.plan.run.run_plan(catalog): load and validate the catalog, declare it (gallery.program, the
         ImageGallery component) under the mock engine, record every registration;
- floor: the very same resources (the types, names, inputs, parents, dependencies and options that
         our plan recorded, saved to JSON beforehand) declared directly with the pulumi-azure-native
         classes under the same mock engine, with no catalog logic at all.
Wall time and peak RSS (ru_maxrss) of each process are compared, best of --repeat alternating runs.
Target (issue 7): ours within 1.15x of the floor in time and peak memory at 2,000 versions, and both growing linearly.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pathlib
import re
import resource
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
TARGET = 1.15


def _snake(name: str) -> str:
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)  # hyperVGeneration -> hyperV_Generation
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def _snake_keys(value):
    if isinstance(value, dict):
        return {_snake(k): _snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake_keys(v) for v in value]
    return value


def _class_of(token: str):
    """azure-native:compute:GalleryImageVersion -> pulumi_azure_native.compute.GalleryImageVersion"""
    _, module, cls = token.split(":")
    return getattr(importlib.import_module(f"pulumi_azure_native.{module}"), cls)


def floor_program(records: list[dict]):
    """Declare the recorded resources directly: typed azure-native classes, no catalog logic."""
    import pulumi

    def program():
        by_name: dict[str, pulumi.Resource] = {}
        for rec in records:  # the plan lists parents before children, dependencies before dependents
            opts = pulumi.ResourceOptions(
                parent=by_name.get(rec["parent"]),
                depends_on=[by_name[d] for d in rec["dependsOn"] if d in by_name],
                protect=rec["protect"],
                retain_on_delete=rec["retainOnDelete"],
                custom_timeouts=pulumi.CustomTimeouts(**rec["customTimeouts"]) if rec["customTimeouts"] else None,
            )
            if not rec["type"].startswith("azure-native:"):
                by_name[rec["name"]] = pulumi.ComponentResource(rec["type"], rec["name"], None, opts)
                continue
            by_name[rec["name"]] = _class_of(rec["type"])(rec["name"], **_snake_keys(rec["inputs"]), opts=opts)

    return program


def _child(mode: str, path: str, out: str) -> None:
    """Runs in the measured process: prints seconds and peak RSS (MiB) as JSON."""
    if mode == "ours":
        from gallery.plan.run import run_plan

        t0 = time.perf_counter()
        records = run_plan(path)
        seconds = time.perf_counter() - t0
        pathlib.Path(out).write_text(json.dumps(_in_declaration_order(records)))
        count = len(records)
        extra = {"chain": longest_chain(records), "version_waits": version_waits(records)}
    else:
        from gallery.plan.engine import run_program

        records = json.loads(pathlib.Path(path).read_text())
        t0 = time.perf_counter()
        run = run_program(floor_program(records), stack="dev")
        seconds = time.perf_counter() - t0
        count = len(run.registrations)
        extra = {}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "resources": count, **extra}))


def longest_chain(records: list[dict]) -> int:
    """The most resources one after another along dependsOn (rg -> gallery -> definition -> version = 4)."""
    deps = {r["name"]: r["dependsOn"] for r in records}
    memo: dict[str, int] = {}

    def depth(name: str) -> int:
        if name not in memo:
            memo[name] = 1 + max((depth(d) for d in deps.get(name, ()) if d in deps), default=0)
        return memo[name]

    return max(depth(n) for n in deps)


def version_waits(records: list[dict]) -> int:
    """How many versions wait for another version or for a definition other than their own."""
    kinds = {r["name"]: r["type"].rsplit(":", 1)[1] for r in records}
    bad = 0
    for r in records:
        if kinds[r["name"]] != "GalleryImageVersion":
            continue
        own = r["inputs"].get("galleryImageName")
        for d in r["dependsOn"]:
            if kinds.get(d) == "GalleryImageVersion":
                bad += 1
            elif kinds.get(d) == "GalleryImage" and not d.endswith("-" + own):
                bad += 1
    return bad


def _in_declaration_order(records: list[dict]) -> list[dict]:
    """Parents and dependencies first (the plan sorts by type and name)."""
    done, ordered, pending = set(), [], {r["name"]: r for r in records}
    while pending:
        progressed = False
        for name, rec in list(pending.items()):
            needs = [rec["parent"]] + rec["dependsOn"] if rec["parent"] else rec["dependsOn"]
            if all(n in done or n not in pending and n not in {r["name"] for r in records} for n in needs):
                ordered.append(rec)
                done.add(name)
                del pending[name]
                progressed = True
        if not progressed:
            raise RuntimeError("cycle in the plan's dependencies")
    return [r for r in ordered if r["type"] != "pulumi:pulumi:Stack"]


def _measure(mode: str, path: str, out: str) -> dict:
    r = subprocess.run([sys.executable, __file__, "--child", mode, path, out], capture_output=True, text=True, cwd=ROOT)
    if r.returncode:
        raise SystemExit(f"{mode} failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="200,2000,5000")
    p.add_argument("--repeat", type=int, default=2, help="runs of each side, alternating; the best counts")
    p.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        _child(*a.child)
        return 0
    sys.path.insert(0, str(HERE))
    from gencatalog import generate

    ok = True
    print(
        f"{'versions':>8} {'resources':>9} {'ours s':>8} {'floor s':>8} {'time x':>7} "
        f"{'ours MiB':>9} {'floor MiB':>9} {'mem x':>6} {'ms/resource':>11} {'chain':>5} {'bad waits':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in [int(s) for s in a.sizes.split(",")]:
            cat = pathlib.Path(tmp) / f"c{size}.yaml"
            cat.write_text(generate(size))
            recs = pathlib.Path(tmp) / f"r{size}.json"
            ours_runs, floor_runs = [], []
            for _ in range(a.repeat):  # alternate, so a busy moment of the machine hits both sides
                ours_runs.append(_measure("ours", str(cat), str(recs)))
                floor_runs.append(_measure("floor", str(recs), "-"))
            ours = dict(
                ours_runs[0],
                seconds=min(r["seconds"] for r in ours_runs),
                peak_mib=min(r["peak_mib"] for r in ours_runs),
            )
            floor = dict(
                floor_runs[0],
                seconds=min(r["seconds"] for r in floor_runs),
                peak_mib=min(r["peak_mib"] for r in floor_runs),
            )
            tx, mx = ours["seconds"] / floor["seconds"], ours["peak_mib"] / floor["peak_mib"]
            print(
                f"{size:>8} {ours['resources']:>9} {ours['seconds']:>8.1f} {floor['seconds']:>8.1f} {tx:>6.2f}x "
                f"{ours['peak_mib']:>9.0f} {floor['peak_mib']:>9.0f} {mx:>5.2f}x "
                f"{1000 * ours['seconds'] / ours['resources']:>11.1f} {ours['chain']:>5} {ours['version_waits']:>9}"
            )
            ok = ok and ours["chain"] <= 4 and ours["version_waits"] == 0
            if size == 2000:
                ok = ok and tx <= TARGET and mx <= TARGET
    print(
        f"targets: at 2,000 versions time and peak memory <= {TARGET}x the floor; at every size the longest "
        f"dependsOn chain <= 4 and no version waits for another version or an unrelated definition: "
        f"{'OK' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Benchmark: what each command loads before it starts working (`python -X importtime`).

    python bench/bench_startup.py [--baseline OTHER_CHECKOUT] [--repeat 5]

For `validate`, `diff` (two small catalogs), `discover --help` and `status --help`: the modules imported, whether
the Pulumi SDK is among them, the summed import time and the whole process's wall time (best of --repeat).
With --baseline, the same for another checkout of the project (e.g. `git worktree add /tmp/base <rev>`), and
the ratio. Target (issue 25): no command but `plan` loads Pulumi.
"""

from __future__ import annotations

import argparse
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
COMMANDS = (
    ("validate", ["validate", "tests/catalogs/valid/minimal.yaml"]),
    ("diff", ["diff", "tests/catalogs/diff/base.yaml", "tests/catalogs/diff/version-added.yaml"]),
    ("discover --help", ["discover", "--help"]),
    ("status --help", ["status", "--help"]),
)


def measure(checkout: pathlib.Path, argv: list[str], repeat: int) -> tuple[int, bool, float, float]:
    best_wall, best_imports, modules, pulumi = float("inf"), float("inf"), 0, False
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "gallery", *argv], cwd=checkout, capture_output=True, text=True
        )
        wall = time.perf_counter() - t0
        rows = [line.split("|") for line in r.stderr.splitlines() if line.startswith("import time:")][1:]
        names = [row[2].strip() for row in rows]
        total = sum(int(row[0].split(":")[1]) for row in rows) / 1e6
        modules, pulumi = len(names), any(n.split(".")[0] in ("pulumi", "pulumi_azure_native") for n in names)
        best_wall, best_imports = min(best_wall, wall), min(best_imports, total)
    return modules, pulumi, best_imports, best_wall


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--baseline", type=pathlib.Path, help="another checkout of the project to compare with")
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args()
    ok = True
    for label, argv in COMMANDS:
        mods, pulumi, imports, wall = measure(ROOT, argv, a.repeat)
        ok &= not pulumi
        line = (
            f"{label:<16} {mods:>5} modules, Pulumi {'loaded' if pulumi else 'not loaded'}, "
            f"imports {imports:.3f} s, process {wall:.3f} s"
        )
        if a.baseline:
            bmods, bpulumi, bimports, bwall = measure(a.baseline, argv, a.repeat)
            line += (
                f" | baseline {bmods} modules, Pulumi {'loaded' if bpulumi else 'not loaded'}, "
                f"process {bwall:.3f} s: {wall / bwall:.2f}x"
            )
        print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Benchmark: the catalog-level `diff` of two 10,000-version catalogs that differ in 1% of versions.

    python bench/bench_diff.py [--versions 10000] [--changed 0.01] [--repeat 3]

Baseline: validating both sides (`load_catalog` twice), which the diff has to do anyway. Target
(issue 7): the catalog-level comparison (`diff_catalogs`) within 2x of that baseline, i.e. the whole
`diff --no-plan` within 3x of validation alone. The resource level (two offline plans) is measured by
bench_plan.py, not here.
"""
from __future__ import annotations

import argparse
import datetime as dt
import pathlib
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from gencatalog import generate  # noqa: E402

from gallery.diff.catalog import diff_catalogs  # noqa: E402
from gallery.catalog.loader import load_catalog  # noqa: E402

TARGET = 2.0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--versions", type=int, default=10000)
    p.add_argument("--changed", type=float, default=0.01)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base_path, head_path = pathlib.Path(tmp) / "base.yaml", pathlib.Path(tmp) / "head.yaml"
        base_path.write_text(generate(a.versions))
        head_path.write_text(generate(a.versions, tweak=a.changed))
        validate, compare = [], []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            base, head = load_catalog(base_path), load_catalog(head_path)
            validate.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            findings = diff_catalogs(base, head, today=dt.date(2026, 11, 21))
            compare.append(time.perf_counter() - t0)
    changed = sum(1 for i, j in zip(base.images, head.images) for v, w in zip(i.versions, j.versions) if v != w)
    ratio = min(compare) / min(validate)
    print(f"catalogs: {a.versions} versions each, {changed} versions differ ({changed / a.versions:.1%}), "
          f"{len(findings)} findings")
    print(f"baseline  validate both sides: best {min(validate):.2f} s")
    print(f"ours      catalog-level diff:  best {min(compare):.3f} s")
    print(f"ratio     {ratio:.3f}x the baseline (target <= {TARGET:.1f}x): {'OK' if ratio <= TARGET else 'OVER'}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Benchmark: `validate` of a 10,000-version catalog against its floor, a bare libyaml parse.

    python bench/bench_validate.py [--versions 10000] [--repeat 3]

The floor is `yaml.load(text, Loader=yaml.CSafeLoader)` of the same file: parsing alone, no line
tracking, no schema, no rules, no model. Target (issue 7): the whole validation within 2x of it.
Both are timed in this process, alternately, best of --repeat; the first validation (which also
compiles the schema) is reported too.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile
import time

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from gencatalog import generate  # noqa: E402

from gallery.catalog.loader import load_catalog  # noqa: E402

TARGET = 2.0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--versions", type=int, default=10000)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    text = generate(a.versions)
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "big.yaml"
        path.write_text(text)
        floor, ours, first = [], [], None
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            yaml.load(path.read_text(), Loader=yaml.CSafeLoader)
            floor.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            catalog = load_catalog(path)
            ours.append(time.perf_counter() - t0)
            first = first if first is not None else ours[-1]
    versions = sum(len(i.versions) for i in catalog.images)
    ratio = min(ours) / min(floor)
    print(f"catalog: {versions} versions in {len(catalog.images)} definitions, {text.count(chr(10))} lines")
    print(f"floor  yaml.load(CSafeLoader): best {min(floor):.2f} s")
    print(f"ours   load_catalog (validate): best {min(ours):.2f} s (first run {first:.2f} s)")
    print(f"ratio  {ratio:.2f}x the floor (target <= {TARGET:.1f}x): {'OK' if ratio <= TARGET else 'OVER'}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

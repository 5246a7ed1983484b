#!/usr/bin/env python3
"""Benchmark: `gallery lifecycle` (what the policy does) of a 10,000-version catalog against validating it.

    python bench/bench_lifecycle.py [--versions 10000] [--repeat 3] [--apply]

Both sides load the same file through the one loader; the lifecycle side then runs the policy
(keepEligibleForLatest 3, endOfLifeAfterDays 90, removeAfterDays 30), which is what `gallery lifecycle
--offline` does before it prints. Best of --repeat, alternating. Target (issue 13): within 2x of validating.
--apply also times the in-place edit of every action (ruamel.yaml round trip, validation, atomic write):
reported, not part of the target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import pathlib
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gencatalog import generate  # noqa: E402

from gallery.catalog.loader import load_catalog  # noqa: E402
from gallery.lifecycle.edit import CatalogEditor  # noqa: E402
from gallery.lifecycle.policy import apply_actions, lifecycle_actions  # noqa: E402

TARGET = 2.0
POLICY = "lifecycle:\n  keepEligibleForLatest: 3\n  endOfLifeAfterDays: 90\n  removeAfterDays: 30\nimages:\n"
TODAY = dt.date(2031, 1, 1)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--versions", type=int, default=10000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--apply", action="store_true")
    a = p.parse_args()
    text = generate(a.versions).replace("images:\n", POLICY, 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "big.yaml"
        path.write_text(text)
        validate, lifecycle = [], []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            load_catalog(path)
            validate.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            actions = lifecycle_actions(load_catalog(path), TODAY)
            lifecycle.append(time.perf_counter() - t0)
        ratio = min(lifecycle) / min(validate)
        kinds = {k: sum(x.kind == k for x in actions) for k in ("exclude", "end-of-life", "remove")}
        print(f"catalog: {a.versions} versions; policy keep 3, end of life +90 days, remove +30 days; today {TODAY}")
        print(f"actions: {kinds}")
        print(f"validate:  best {min(validate):.2f} s")
        print(f"lifecycle: best {min(lifecycle):.2f} s (validate + policy)")
        print(f"ratio  {ratio:.2f}x validating (target <= {TARGET:.1f}x): {'OK' if ratio <= TARGET else 'OVER'}")
        if a.apply:
            t0 = time.perf_counter()
            editor = CatalogEditor(path, "dev")
            apply_actions(editor, actions)
            editor.save()
            print(f"--apply: {len(actions)} edits written in {time.perf_counter() - t0:.1f} s (not in the target)")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Benchmark: `gallery status` of a 1,000-version catalog against a local ARM endpoint answering in 100 ms.

    python bench/bench_status.py [--versions 1000] [--delay 0.1] [--workers 16]

The endpoint is armlocal/ (the local ARM endpoint the tests use too), serving the catalog as Azure would hold
it; every request waits --delay seconds before it is answered, like a distant ARM. The baseline (issue 13) is reading
the versions one after another: versions x delay. Target: the wall time at most 1/10 of that.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gencatalog import generate  # noqa: E402

from armlocal import SUBSCRIPTION, running_arm, serve_catalog  # noqa: E402
from gallery.azure.client import compute_client  # noqa: E402
from gallery.azure.target import resolve_target  # noqa: E402
from gallery.catalog.loader import load_catalog_text  # noqa: E402
from gallery.lifecycle.status import read_status  # noqa: E402

TARGET = 0.1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--versions", type=int, default=1000)
    p.add_argument("--delay", type=float, default=0.1)
    p.add_argument("--workers", type=int, default=16)
    a = p.parse_args()
    catalog = load_catalog_text(generate(a.versions), "bench.yaml")
    with running_arm() as arm:
        serve_catalog(arm, catalog)
        arm.delay = a.delay
        os.environ["GALLERY_ARM_ENDPOINT"] = arm.url
        client = compute_client(resolve_target(), SUBSCRIPTION, retry_total=6)
        t0 = time.perf_counter()
        status = read_status(catalog, client, SUBSCRIPTION, workers=a.workers)
        wall = time.perf_counter() - t0
        requests = len(arm.requests)
    versions = sum(len(i.versions) for i in catalog.images)
    assert status.healthy and len(status.versions) == versions, "every version must be read, and healthy"
    assert not any(v.drift for v in status.versions), "what is served is what the catalog says: no drift"
    baseline = versions * a.delay
    ratio = wall / baseline
    print(f"catalog: {versions} versions in {len(catalog.images)} definitions; endpoint delay {a.delay * 1000:.0f} ms")
    print(
        f"requests: {requests} (1 gallery, 1 definition list, {len(catalog.images)} version lists, {versions} "
        "version reads; states, drift and latest per region judged from them)"
    )
    print(f"baseline one by one: {versions} x {a.delay:.2f} s = {baseline:.1f} s")
    print(f"ours ({a.workers} parallel reads): {wall:.1f} s")
    print(f"ratio  {ratio:.3f} of the baseline (target <= {TARGET}): {'OK' if ratio <= TARGET else 'OVER'}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

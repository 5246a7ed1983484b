#!/usr/bin/env python3
"""Benchmark: `gallery discover` of a gallery of 100 definitions x 10 versions on the local ARM endpoint,
every request answered after 100 ms.

    python bench/bench_discover.py [--definitions 100] [--versions 10] [--delay 0.1] [--workers 32] [--repeat 3]

Baseline: the sequential sum, the requests discovery made (counted by the endpoint) times the delay each one
waited: what reading them one after another would cost at least. Target (issue 14): the whole discovery
(reads, catalog, validation, import file) in at most 1/10 of it, with at most --workers requests in flight.
The endpoint runs in a process of its own, as ARM would: served in-process, its own CPU (JSON, HTTP) would
compete with discovery's for the interpreter lock and be counted as discovery's time.
"""

from __future__ import annotations

import argparse
import multiprocessing
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from armlocal import SUBSCRIPTION, features, image_properties, running_arm, version_properties, vhd  # noqa: E402
from gallery.azure.target import resolve_target  # noqa: E402
from gallery.discover import DEFAULT_WORKERS  # noqa: E402
from gallery.discover.read import read_gallery  # noqa: E402
from gallery.discover.run import describe  # noqa: E402

TARGET = 0.1
RG, GALLERY, ACCOUNT = "rg-images-dev", "gal_platform_dev", "stimagesdev001"


def serve(arm, definitions: int, versions: int) -> None:
    arm.add_group(RG)
    account = arm.add_account(RG, ACCOUNT)
    for family in ("linux", "windows"):
        arm.add_container(RG, ACCOUNT, f"{family}-vhds")
    arm.add_gallery(RG, GALLERY, description="Golden images")
    for d in range(definitions):
        os_type = "Linux" if d % 2 else "Windows"
        name = f"{os_type.lower()}-image-{d:03d}"
        arm.add_image(
            RG,
            GALLERY,
            name,
            image_properties(os_type, "Contoso", f"offer-{d:03d}", "sku", features=features("TrustedLaunchSupported")),
        )
        for v in range(versions):
            day = f"2026-{1 + v % 12:02d}-{1 + d % 28:02d}"
            os_disk = vhd(account["id"], ACCOUNT, f"{os_type.lower()}-vhds", f"{name}-os-{day}.vhd", "ReadWrite")
            regions = {"westeurope": 1, "northeurope": 1 + v % 2}
            arm.add_version(RG, GALLERY, name, f"1.{v}.0", version_properties(regions, os_disk=os_disk))


def endpoint(conn, definitions: int, versions: int, delay: float) -> None:
    """The child process: serve the gallery; answer "reset" and "stats" until "stop"."""
    with running_arm() as arm:
        serve(arm, definitions, versions)
        arm.delay = delay
        conn.send(arm.url)
        while True:
            command = conn.recv()
            if command == "reset":
                arm.requests.clear()
                arm.max_in_flight = 0
                conn.send(None)
            elif command == "stats":
                conn.send((len(arm.requests), arm.max_in_flight))
            else:
                return


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--definitions", type=int, default=100)
    p.add_argument("--versions", type=int, default=10)
    p.add_argument("--delay", type=float, default=0.1)
    p.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    runs = []
    conn, child_conn = multiprocessing.Pipe()
    child = multiprocessing.Process(target=endpoint, args=(child_conn, a.definitions, a.versions, a.delay))
    child.start()
    try:
        target = resolve_target(endpoint=conn.recv())
        for _ in range(a.repeat):
            conn.send("reset")
            conn.recv()
            t0 = time.perf_counter()
            found = read_gallery(target, SUBSCRIPTION, RG, GALLERY, workers=a.workers)
            read = time.perf_counter() - t0
            result = describe(found, stack="dev")
            whole = time.perf_counter() - t0
            assert result.catalog is not None, result.problems
            conn.send("stats")
            runs.append((whole, read, *conn.recv(), result))
    finally:
        conn.send("stop")
        child.join()
    whole, read, requests, in_flight, result = min(runs, key=lambda r: r[0])
    sequential = requests * a.delay
    versions = sum(len(i.versions) for i in result.catalog.images)
    print(
        f"gallery: {len(result.catalog.images)} definitions, {versions} versions; {requests} requests, "
        f"{a.delay * 1000:.0f} ms each, at most {in_flight} in flight (--workers {a.workers})"
    )
    print(f"baseline  sequential sum ({requests} x {a.delay:.3f} s):   {sequential:.2f} s")
    print(f"reads     (best of {a.repeat}):                     {read:.2f} s  ({read / sequential:.3f}x)")
    print(
        f"discover  reads + catalog + validation + import: {whole:.2f} s  ({whole / sequential:.3f}x, "
        f"target <= {TARGET}x)"
    )
    print("all runs (s): " + " / ".join(f"{r[0]:.2f}" for r in runs))
    if whole / sequential > TARGET:
        print(f"MISSED: {whole / sequential:.3f}x > {TARGET}x")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Generate a synthetic but valid catalog: definitions x versions x regions, VHD and managed-image
sources mixed, in the style a platform team writes by hand (block style, one key per line).

    python bench/gencatalog.py --versions 10000 [--per-definition 10] [--regions 3] [--seed 1] > big.yaml

Also importable: `generate(versions, per_definition, regions, seed) -> str`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys

REGIONS = [
    "westeurope",
    "northeurope",
    "francecentral",
    "germanywestcentral",
    "swedencentral",
    "uksouth",
    "eastus",
    "eastus2",
    "westus2",
    "centralus",
]


def generate(versions: int, per_definition: int = 10, regions: int = 3, seed: int = 1, tweak: float = 0.0) -> str:
    """A catalog with `versions` versions in ceil(versions / per_definition) definitions.

    `tweak` (0..1) changes that fraction of versions (replicas, regions, exclusion), for diff benchmarks.
    """
    rnd = random.Random(seed)
    change = random.Random(seed + 1000)
    out = [
        "resourceGroup: rg-images-{stack}",
        "location: westeurope",
        "storage:",
        "  account: stbench{stack}001",
        "gallery:",
        "  name: gal_bench_{stack}",
        "replication:",
        f"  regions: [{', '.join(REGIONS[:regions])}]",
        "  replicas: 1",
        "images:",
    ]
    definitions = -(-versions // per_definition)
    made = 0
    for d in range(definitions):
        windows = d % 3 == 2
        name = f"{'win' if windows else 'linux'}-app{d:04d}"
        out += [
            f"  - name: {name}",
            f"    osType: {'Windows' if windows else 'Linux'}",
            "    osState: Generalized",
            "    hyperVGeneration: V2",
            "    securityType: TrustedLaunchSupported",
            f'    identifier: {{publisher: Bench, offer: app{d:04d}, sku: "{"win" if windows else "lnx"}"}}',
            f"    description: Synthetic definition {d}",
            "    versions:",
        ]
        day = dt.date(2025, 1, 1)
        for v in range(min(per_definition, versions - made)):
            day += dt.timedelta(days=rnd.randint(1, 3))
            tweaked = change.random() < tweak
            out += [f"      - version: 1.{v}.0", "        source:"]
            if windows:
                out.append(
                    "          managedImage: /subscriptions/00000000-0000-0000-0000-000000000000/"
                    f"resourceGroups/rg-packer/providers/Microsoft.Compute/images/{name}-{day.isoformat()}"
                )
            elif v % 4 == 0:
                out.append(
                    f"          vhd: {{captured: {day.isoformat()}, dataDisks: [{{lun: 0, caching: ReadOnly}}]}}"
                )
            else:
                out.append(f"          vhd: {{captured: {day.isoformat()}}}")
            if tweaked:
                out += ["        replicas: 2", "        excludeFromLatest: true"]
            elif v % 5 == 0:
                out.append("        regions: [westeurope, {name: northeurope, replicas: 2}]")
            if v % 2 == 0:
                out.append(f"        endOfLife: {(day + dt.timedelta(days=730)).isoformat()}")
            made += 1
    return "\n".join(out) + "\n"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--versions", type=int, default=2000)
    p.add_argument("--per-definition", type=int, default=10)
    p.add_argument("--regions", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tweak", type=float, default=0.0, help="fraction of versions to change (for diff benchmarks)")
    a = p.parse_args()
    sys.stdout.write(generate(a.versions, a.per_definition, a.regions, a.seed, a.tweak))
    return 0


if __name__ == "__main__":
    sys.exit(main())

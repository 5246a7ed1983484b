"""`python -m armlocal [CATALOG] [--stack dev] [--port 0]`: serve a catalog as Azure would hold it once deployed,
for trying `gallery status`, `promote`, `lifecycle` and `discover` without an Azure account."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Optional

from armlocal.api import SUBSCRIPTION
from armlocal.served import catalog_records, serve_plan
from armlocal.server import ArmEndpoint


def main(argv: Optional[list] = None) -> int:
    from gallery.errors import CatalogError, Exit

    p = argparse.ArgumentParser(prog="python -m armlocal", description=__doc__)
    p.add_argument("catalog", nargs="?", default="images.yaml")
    p.add_argument("--stack", default="dev")
    p.add_argument("--port", type=int, default=0, help="the port on 127.0.0.1 (default: a free one)")
    a = p.parse_args(argv)
    try:
        records = catalog_records(a.catalog, a.stack)
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        return Exit.USER
    try:
        endpoint = ArmEndpoint(a.port)
    except OSError as exc:
        print(f"error: cannot listen on 127.0.0.1:{a.port}: {exc.strerror}", file=sys.stderr)
        return Exit.USER
    serve_plan(endpoint, records)
    endpoint.start()
    print(
        f"serving {a.catalog} (stack {a.stack}) as deployed, at {endpoint.url}; in another shell:\n"
        f"  export GALLERY_ARM_ENDPOINT={endpoint.url} AZURE_SUBSCRIPTION_ID={SUBSCRIPTION}\n"
        "Ctrl-C stops it.",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        endpoint.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`python -m armlocal CATALOG`, as the README tells users to run it: it serves the catalog's plan, prints what to
export, and stops on Ctrl-C; a catalog with errors is refused as gallery refuses it."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.request

from armlocal import API_VERSION, SUBSCRIPTION
from tests.fixtures.paths import CATALOGS, ROOT


def test_it_serves_the_catalog_until_interrupted():
    child = subprocess.Popen(
        [sys.executable, "-m", "armlocal", "images.yaml", "--stack", "dev"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [child.stdout.readline() for _ in range(3)]
        url = re.search(r"http://127\.0\.0\.1:\d+", lines[0])[0]
        assert lines == [
            f"serving images.yaml (stack dev) as deployed, at {url}; in another shell:\n",
            f"  export GALLERY_ARM_ENDPOINT={url} AZURE_SUBSCRIPTION_ID={SUBSCRIPTION}\n",
            "Ctrl-C stops it.\n",
        ]
        gallery = (
            f"{url}/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-images-dev/providers/Microsoft.Compute/"
            f"galleries/gal_platform_dev"
        )
        with urllib.request.urlopen(f"{gallery}?api-version={API_VERSION}&$expand=SharingProfile/Groups") as answer:
            profile = json.load(answer)["properties"]["sharingProfile"]
        assert [g["type"] for g in profile["groups"]] == ["AADTenants", "Subscriptions"]
        with urllib.request.urlopen(
            f"{gallery}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()"
        ) as answer:
            assert len(json.load(answer)["value"]) == 2
    finally:
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=30)
    assert (child.returncode, err) == (0, "")


def test_a_catalog_with_errors_is_refused():
    out = subprocess.run(
        [sys.executable, "-m", "armlocal", str(CATALOGS / "invalid" / "regions.yaml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (out.returncode, out.stdout) == (1, "")
    assert (
        "regions.yaml:17:44: error: images[0].versions[0].regions[2]: 'northeurop' is not an Azure region; "
        "did you mean 'northeurope'?"
    ) in out.stderr

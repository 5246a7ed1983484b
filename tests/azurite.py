"""pytest plugin: a real Azurite blob service (the Azure Storage emulator) for the storage tests.

The session-scoped fixture `azurite` starts node_modules/.bin/azurite-blob on a free 127.0.0.1 port
with a temporary --location, waits until it answers, yields its connection string and stops it.
`running_azurite` is the same as a context manager, for the benchmark.
"""
from __future__ import annotations

import contextlib
import pathlib
import socket
import subprocess
import time
import urllib.error
import urllib.request
from typing import Iterator

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
AZURITE = ROOT / "node_modules" / ".bin" / "azurite-blob"
ACCOUNT = "devstoreaccount1"
# Azurite's well-known development key (public, the same in every installation).
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


class AzuriteMissing(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).close()
    except urllib.error.HTTPError:
        return True  # an HTTP answer, even 4xx, means the service is up
    except OSError:
        return False
    return True


@contextlib.contextmanager
def running_azurite(location: pathlib.Path, timeout: float = 30.0) -> Iterator[str]:
    """Run Azurite's blob service while the block runs; yield its connection string."""
    if not AZURITE.exists():
        raise AzuriteMissing(f"{AZURITE} is missing: run ./dev test, which installs Azurite (npm ci)")
    port = _free_port()
    log = open(location / "azurite.log", "wb")
    # --skipApiVersionCheck: the SDK may speak a newer REST API version than this Azurite knows.
    proc = subprocess.Popen([str(AZURITE), "--blobHost", "127.0.0.1", "--blobPort", str(port), "--location",
                             str(location), "--skipApiVersionCheck", "--silent"],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    endpoint = f"http://127.0.0.1:{port}/{ACCOUNT}"
    try:
        deadline = time.monotonic() + timeout
        while not _answers(endpoint + "?comp=list"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Azurite did not start; its log: {(location / 'azurite.log').read_text()}")
            time.sleep(0.1)
        yield (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
               f"BlobEndpoint={endpoint};")
    finally:
        # A graceful stop waits for idle keep-alive connections to time out (seconds); the
        # location is thrown away anyway, so after a short grace the emulator is killed.
        proc.terminate()
        try:
            proc.wait(1)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def azurite(tmp_path_factory) -> Iterator[str]:
    """The connection string of a fresh Azurite blob service, shared by the session."""
    try:
        with running_azurite(tmp_path_factory.mktemp("azurite")) as connection_string:
            yield connection_string
    except AzuriteMissing as exc:
        pytest.fail(str(exc))

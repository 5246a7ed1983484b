"""One upload per blob at a time: a lease on the blob, held while it uploads and renewed in the background.

Two runs of the same upload would otherwise each send everything. The lease is short and renewed (not
infinite) so that an upload killed without a chance to release it (SIGKILL, a power cut) blocks the
blob for at most LEASE_SECONDS.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Iterator

from azure.core.exceptions import AzureError, HttpResponseError
from azure.storage.blob import BlobClient, BlobLeaseClient

LEASE_SECONDS = 60
RENEW_EVERY = 20  # seconds: two renewals may fail before the lease lapses


class Leased(Exception):
    """Someone else holds the blob's lease: another upload of it is running (or was killed moments ago)."""


@contextlib.contextmanager
def held(blob: BlobClient) -> Iterator[BlobLeaseClient]:
    """Hold the blob's lease while the block runs; raise Leased when another holder has it."""
    try:
        lease = blob.acquire_lease(lease_duration=LEASE_SECONDS)
    except HttpResponseError as exc:
        code = getattr(exc, "error_code", None)  # set by azure-storage's error mapping, not azure-core's class
        if getattr(code, "value", code) == "LeaseAlreadyPresent":
            raise Leased(blob.blob_name) from None
        raise
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(RENEW_EVERY):
            try:
                lease.renew()
            except AzureError:
                pass  # a lapsed lease shows up as a refused write, which the upload reports

    threading.Thread(target=renew, name="lease-renewal", daemon=True).start()
    try:
        yield lease
    finally:
        stop.set()
        with contextlib.suppress(AzureError):
            # One attempt: when the service is gone, the lease lapses on its own within LEASE_SECONDS.
            lease.release(retry_total=0)

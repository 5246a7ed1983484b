"""One upload per blob at a time, and the same upload back at once after a kill.

Two runs of the same upload would otherwise each send everything, so the blob is leased while it uploads. The
lease is short and renewed (not infinite), and its id is not random: it is derived from the upload's identity
(this machine, the file's real path, the blob), so the same command run again after a kill (SIGKILL, a lost CI
runner) proposes the same id, which Azure accepts for a lease that id holds, and resumes at once. Another machine,
or another file, proposes another id: Azure refuses it while the lease lasts (at most LEASE_SECONDS after its
holder died). On this machine, a second process running the same command would propose the same id too, so a local
lock (an exclusive flock, which the system releases when its process dies, however it dies) keeps it out.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
import uuid
from typing import Iterator

from azure.core.exceptions import AzureError, HttpResponseError
from azure.storage.blob import BlobClient, BlobLeaseClient

LEASE_SECONDS = 60
RENEW_EVERY = 20  # seconds: two renewals may fail before the lease lapses
_NAMESPACE = uuid.UUID("5f0c1a4e-9c7b-4d1e-8a51-6b0b3f2c9d17")  # this project's, for uuid5


class Leased(Exception):
    """Another upload holds the blob's lease: from another machine or file (or one killed moments ago)."""


class Running(Exception):
    """The same upload is running in another process on this machine."""


def lease_id(origin: str, blob: BlobClient) -> str:
    """The lease id of this upload: the same for the same machine, file and blob, whatever the run."""
    return str(uuid.uuid5(_NAMESPACE, f"{origin}\0{blob.account_name}/{blob.container_name}/{blob.blob_name}"))


@contextlib.contextmanager
def local_lock(name: str) -> Iterator[None]:
    """Hold an exclusive lock named `name` on this machine, or raise Running. The system drops it when the
    process ends, so a killed upload never leaves it behind."""
    path = os.path.join(tempfile.gettempdir(), f"gallery-upload-{hashlib.sha256(name.encode()).hexdigest()[:24]}.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            _lock(fd)
        except OSError:
            raise Running(name) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: a byte-range lock of the same file does the same
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]  # Windows-only names; mypy checks as Linux
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextlib.contextmanager
def held(blob: BlobClient, lease: str) -> Iterator[BlobLeaseClient]:
    """Hold the blob's lease, with id `lease`, while the block runs: a lease this id holds already (a run of this
    upload that was killed) is taken back; raise Leased when another id holds it."""
    try:
        client = blob.acquire_lease(lease_duration=LEASE_SECONDS, lease_id=lease)
    except HttpResponseError as exc:
        code = getattr(exc, "error_code", None)  # set by azure-storage's error mapping, not azure-core's class
        if getattr(code, "value", code) == "LeaseAlreadyPresent":
            raise Leased(blob.blob_name) from None
        raise
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(RENEW_EVERY):
            try:
                client.renew()
            except AzureError:
                pass  # a lapsed lease shows up as a refused write, which the upload reports

    threading.Thread(target=renew, name="lease-renewal", daemon=True).start()
    try:
        yield client
    finally:
        stop.set()
        with contextlib.suppress(AzureError):
            # One attempt: when the service is gone, the lease lapses on its own within LEASE_SECONDS.
            client.release(retry_total=0)

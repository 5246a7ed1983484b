"""Send a disk's non-zero pieces to a page blob, in parallel, stopping at the first failure.

The file is read once: every byte feeds the MD5, the non-zero pieces the blob lacks are put (each
with its Content-MD5, which the service checks), `workers` at a time, the reader at most
2 x workers pieces ahead. When a put fails after its retries, nothing more is sent: the puts still
queued are cancelled, so an unreachable service costs one retry cycle, not one per queued piece.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import os
import threading
from dataclasses import dataclass, field
from typing import Callable, Optional

from azure.storage.blob import BlobClient

from gallery.vhd import diskscan, retries


@dataclass
class Sent:
    md5: bytes = b""  # of the whole disk, zeros included
    ranges: list[tuple[int, int]] = field(default_factory=list)  # the file's non-zero ranges, merged
    data_bytes: int = 0  # bytes of non-zero data in the file
    sent_bytes: int = 0  # bytes this run put, acknowledged by the service


def send(
    blob: BlobClient,
    path: str | os.PathLike,
    size: int,
    present: list[tuple[int, int]],
    *,
    workers: int,
    progress: Optional[Callable[[int, int], None]] = None,
    on_retry: Optional[Callable[[str], None]] = None,
    **request_options,
) -> Sent:
    """Put the non-zero pieces of the first `size` bytes of `path` that `present` (merged ranges the blob
    holds already) does not cover. `progress(done, sent)` follows the work (bytes of the disk dealt with,
    bytes acknowledged by the service); `on_retry(note)` hears of
    each retried request; `request_options` (a lease) go with every put."""
    sent = Sent()
    digest = hashlib.md5()
    lock = threading.Lock()
    # `done` counts bytes dealt with for good: zeros and pages the blob has once their chunk is read,
    # data once the service acknowledges its put. `queued`: data of the chunk being read, sent but not yet.
    done, queued = [0], [0]
    failed = threading.Event()
    slots = threading.BoundedSemaphore(2 * workers)
    if on_retry is not None:
        request_options["retry_hook"] = retries.hook(on_retry)

    def put(piece: diskscan.Piece) -> None:
        try:
            if failed.is_set():  # a put queued before another one failed: not worth a retry cycle of its own
                return
            blob.upload_page(
                piece.data, offset=piece.offset, length=len(piece.data), validate_content=True, **request_options
            )
            with lock:
                sent.sent_bytes += len(piece.data)
                done[0] += len(piece.data)
                if progress:
                    progress(done[0], sent.sent_bytes)
        except BaseException:
            failed.set()
            raise
        finally:
            slots.release()

    def scanned(n: int) -> None:
        with lock:
            done[0] += n - queued[0]
            queued[0] = 0
            if progress:
                progress(done[0], sent.sent_bytes)

    futures: list[cf.Future] = []
    ranges = []
    with cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="put-page") as pool:
        try:
            for piece in diskscan.scan(path, size, digest, scanned):
                ranges.append((piece.offset, piece.end))
                sent.data_bytes += len(piece.data)
                if diskscan.covered(piece.offset, piece.end, present):
                    continue  # sent by an earlier run
                slots.acquire()
                if failed.is_set():
                    break
                with lock:
                    queued[0] += len(piece.data)
                futures.append(pool.submit(put, piece))
                futures = [f for f in futures if not f.done() or f.exception() is not None]
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        if failed.is_set():
            for f in futures:
                f.cancel()
        cf.wait(futures)
    for f in futures:
        error = None if f.cancelled() else f.exception()
        if error is not None:
            raise error
    sent.md5 = digest.digest()
    sent.ranges = diskscan.merge(ranges)
    return sent

"""`gallery upload`: a checked VHD file to its image's container, under the catalog's naming.

Everything before a byte is sent is decided here, and said before anything is sent: the file Azure
would reject, the image the catalog lacks, the version `--add-version` cannot add. Then the upload engine
(upload.py) runs, and what Azure or the file did wrong becomes a CatalogError a user can act on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import os
import signal
import threading
from dataclasses import dataclass
from typing import Callable, ContextManager, Iterator, Optional

from azure.core.exceptions import AzureError

from gallery import interrupts
from gallery.catalog import naming
from gallery.catalog.loader import load_catalog
from gallery.catalog.model import Catalog, ImageDefinition, SemVer
from gallery.errors import CatalogError, Problem
from gallery.vhd import DEFAULT_WORKERS, blobstore, captures, upload
from gallery.vhd.check import inspect_file

# progress(total) -> a context giving (progress(done, sent), on_retry(note)) for the upload's duration.
Progress = Callable[[int], ContextManager[tuple[Optional[Callable[[int, int], None]], Optional[Callable[[str], None]]]]]


@dataclass(frozen=True)
class UploadRequest:
    file: str
    image: str
    catalog: str
    stack: str
    captured: Optional[dt.date] = None  # None: the file's modification date, so a rerun resumes the same blob
    data_disk: Optional[int] = None  # the LUN of a data disk; None: the OS disk
    workers: int = DEFAULT_WORKERS
    verify_download: bool = False
    add_version: Optional[str] = None  # a version to add to the catalog afterwards: checked before sending


@dataclass(frozen=True)
class Uploaded:
    catalog: Catalog
    image: ImageDefinition
    captured: dt.date
    data_disk: Optional[int]
    where: str  # account/container
    result: upload.UploadResult
    os_blob_there: bool  # the OS disk of this capture is in the container (always, for an OS disk)
    data_disks: tuple[int, ...] = ()  # with add_version: the LUNs of this capture's data disks there
    data_disk_sizes: tuple[int, ...] = ()  # with add_version: the bytes of those data disks' page blobs


class Rejected(Exception):
    """The file is not one Azure accepts: nothing was sent. `problems` in the order the check found them."""

    def __init__(self, file: str, problems: tuple[Problem, ...]):
        super().__init__(f"{file}: not uploaded: Azure would reject it")
        self.problems = problems


def upload_file(request: UploadRequest, progress: Optional[Progress] = None) -> Uploaded:
    """Check, name, and upload the file. Raises Rejected or CatalogError; stopped by Ctrl-C or SIGTERM, a
    KeyboardInterrupt (gallery.interrupts.Interrupted) whose line says where the unfinished blob is."""
    report = inspect_file(request.file)
    if not report.ok:
        raise Rejected(request.file, report.problems)
    catalog = load_catalog(request.catalog, request.stack)
    image = _image(catalog, request)
    captured = request.captured or dt.date.fromtimestamp(os.stat(request.file).st_mtime)
    if request.data_disk is None:

        def name_for(seq):
            return naming.os_blob_name(image.name, captured, seq)
    else:

        def name_for(seq):
            return naming.data_disk_blob_name(image.name, request.data_disk, captured, seq)

    service, how = blobstore.service_client(catalog.storage.account)
    container = service.get_container_client(image.container)
    where = f"{service.account_name}/{image.container}"
    # Said whether the upload unwound (its lease let go) or its supervisor ended a put that hung (the lease
    # then stays, but it is this upload's own: the same command on this machine takes it back, gallery.vhd.lease).
    stopped = (
        f"the blob in {where} stays marked unfinished: run the same command again on this machine to resume it at once"
    )
    try:
        with interrupts.explained(stopped), _terminate_as_interrupt():
            # A data disk belongs with the OS disk of its version: both names share date and sequence, so
            # the search starts at the newest OS disk captured that day.
            first = 0 if request.data_disk is None else captures.newest_os_sequence(container, image.name, captured)
            with (progress or _silent)(report.file_size) as (on_progress, on_retry):
                result = upload.upload_vhd(
                    container,
                    name_for,
                    request.file,
                    workers=request.workers,
                    progress=on_progress,
                    on_retry=on_retry,
                    verify_download=request.verify_download,
                    first_sequence=first,
                )
            os_blob_there = request.data_disk is None or captures.has_blob(
                container, naming.os_blob_name(image.name, captured, result.sequence)
            )
    except upload.UploadError as exc:
        raise _failed(request, f"not uploaded to {where}: {exc}", "upload.failed") from None
    except AzureError as exc:
        message = blobstore.explain(exc, how.endswith(blobstore.CONNECTION_STRING), resumable=True)
        if message is None:
            raise
        raise _failed(request, f"not uploaded to {where} ({how}): {message}", "upload.azure") from None
    sizes = (
        {}
        if request.add_version is None
        else captures.data_disk_sizes(container, image.name, captured, result.sequence)
    )
    return Uploaded(
        catalog, image, captured, request.data_disk, where, result, os_blob_there, tuple(sizes), tuple(sizes.values())
    )


def _image(catalog: Catalog, request: UploadRequest) -> ImageDefinition:
    """The catalog's image; with --add-version, one that can take the version. Raises CatalogError."""
    image = catalog.image(request.image)
    if image is None:
        names = [i.name for i in catalog.images]
        near = difflib.get_close_matches(request.image, names, 1)
        raise _refused(
            request,
            f"has no image named {request.image!r}",
            "upload.image",
            hint=f"did you mean {near[0]!r}?" if near else "images: " + ", ".join(names),
        )
    if request.add_version is None:
        return image
    if request.data_disk is not None:
        raise _refused(
            request,
            "--add-version goes with the OS disk",
            "upload.add-version",
            hint="upload the data disks first (--data-disk LUN), then the OS disk with --add-version: "
            "the version gets them all",
        )
    try:
        SemVer.parse(request.add_version)
    except ValueError:
        raise _refused(
            request,
            f"--add-version {request.add_version!r} is not Major.Minor.Patch",
            "upload.add-version",
            hint="e.g. --add-version 1.2.0",
        ) from None
    if image.version(request.add_version) is not None:
        raise _refused(
            request,
            f"image {image.name} already has version {request.add_version}",
            "upload.add-version",
            hint="versions cannot be republished: choose the next version number",
        )
    return image


def _refused(request: UploadRequest, message: str, rule: str, hint: Optional[str] = None) -> CatalogError:
    """Said of the catalog, before anything is sent."""
    return CatalogError([Problem(request.catalog, 0, 0, "", message, rule, hint=hint)])


def _failed(request: UploadRequest, message: str, rule: str) -> CatalogError:
    return CatalogError([Problem(request.file, 0, 0, "", message, rule)])


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a cancelled CI job, `kill`, a container stopping) does what Ctrl-C does while the upload runs: the
    upload stops, lets go of the blob's lease and says how to resume, instead of dying with the lease held. The
    command line handles both signals already (gallery.interrupts); this is for a caller that did not."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) not in (
        signal.SIG_DFL,
        None,
    ):
        yield  # signals reach the main thread only; and a handler in place is the caller's
        return

    def interrupt(signum, frame):
        raise interrupts.Interrupted(signum)

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _silent(total: int) -> ContextManager:
    return contextlib.nullcontext((None, None))

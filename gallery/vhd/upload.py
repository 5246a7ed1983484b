"""The page-blob upload engine: a checked VHD file -> a complete, verified page blob, never overwriting.

It takes plain arguments (a ContainerClient, a function from the -ZZ sequence to the blob name, the
file), so that it knows nothing of catalogs or credentials. What makes it safe:

* Names: the first sequence whose blob is free is used; a complete blob with the same MD5 means the
  file is already uploaded; anything else there (another file, someone else's unfinished upload)
  moves on to the next sequence. The blob is created with If-None-Match: *, so two uploaders racing
  for one name cannot overwrite each other.
* Resume: until the last page and the MD5 are in, the blob's metadata says `gallery_upload:
  incomplete`, with a fingerprint of the source file (size, mtime, device, inode, VHD id). The same
  command again continues that blob and sends only the pages it does not have yet.
* A file that changes while it uploads (a disk still being written) is caught by its fingerprint,
  taken again at the end: the blob is never marked complete. A rerun from the same place (machine
  and path, recorded as a hash) finds a fingerprint that differs and starts the blob over: no page
  of the old content is trusted.
* One at a time: the blob is leased while it uploads, under a lease id derived from this machine, the file's
  path and the blob, and a local lock keeps a second process of the same upload out (lease.py); another upload
  of the blob stops, and the same command run again after a kill resumes at once.
* Verification: every put carries its Content-MD5, which the service checks; at the end the blob's
  page ranges must be exactly the file's non-zero ranges, and the MD5 of the whole disk is recorded
  as the blob's Content-MD5 (and metadata) and read back.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobClient, BlobType, ContainerClient, ContentSettings

from gallery.catalog.naming import MAX_SEQUENCE
from gallery.vhd import DEFAULT_WORKERS, diskscan, lease, sender
from gallery.vhd import vhdfile as vhd
from gallery.vhd.blobstore import check_catalog_blobs, page_ranges, remote_md5  # noqa: F401 - re-exported

STATE = "gallery_upload"  # metadata: "incomplete" until the blob is whole and verified, then "complete"
SOURCE = "gallery_source"  # metadata: fingerprint of the file being uploaded (size, mtime, device, inode, VHD id)
ORIGIN = "gallery_origin"  # metadata: which file on which machine (a hash), to know it again once it changed
MD5 = "gallery_md5"  # metadata: hex MD5 of the whole disk (also the blob's Content-MD5, in base64)


class UploadError(Exception):
    """The upload cannot go on for a reason the user can act on."""


class FileChanged(UploadError):
    """The file changed while it was uploaded: what was sent mixes old and new content."""


@dataclass
class UploadResult:
    blob: str
    sequence: int
    outcome: str  # uploaded | resumed | restarted | already-uploaded
    size: int  # bytes of the page blob (disk + footer)
    data_bytes: int = 0  # bytes of non-zero data in the file
    sent_bytes: int = 0  # bytes sent in this run
    seconds: float = 0.0
    md5: str = ""  # hex
    skipped: list[str] = field(default_factory=list)  # occupied names passed over, with why


def fingerprint(path: str | os.PathLike) -> str:
    """Identifies the file's content without reading it: size, modification time, device and inode (a file
    replaced by another one), VHD unique id. Taken at the start of an upload and again before the blob is
    marked complete; a blob whose pages came from another fingerprint is never resumed."""
    st = os.stat(path)
    report = vhd.inspect(path)
    uid = report.footer.unique_id.hex() if report.footer else "-"
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_dev}:{st.st_ino}:{uid}"


def origin(path: str | os.PathLike) -> str:
    """The file's place (this machine, its real path) as a hash: an unfinished upload from the same place
    with another fingerprint is this file, changed since, and is started over rather than passed over."""
    place = f"{socket.gethostname()}\0{os.path.realpath(path)}"
    return hashlib.sha256(place.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def disk_md5(path: str | os.PathLike) -> str:
    digest = hashlib.md5()
    for _ in diskscan.scan(path, digest=digest):
        pass
    return digest.hexdigest()


def upload_vhd(
    container: ContainerClient,
    name_for: Callable[[int], str],
    path: str | os.PathLike,
    *,
    workers: int = DEFAULT_WORKERS,
    progress: Optional[Callable[[int, int], None]] = None,
    on_retry: Optional[Callable[[str], None]] = None,
    verify_download: bool = False,
    first_sequence: int = 0,
) -> UploadResult:
    """Upload the (already checked) VHD `path` under the first usable name `name_for(first_sequence..99)`.

    `progress(done, sent)` is called as bytes of the disk are dealt with for good (done: zeros once read,
    data once the service acknowledged it) and acknowledged (sent);
    `on_retry(note)` as a put is retried.
    """
    job = _Job(
        path,
        os.stat(path).st_size,
        fingerprint(path),
        origin(path),
        container.account_name,
        workers,
        progress,
        on_retry,
        verify_download,
    )
    local_md5: Optional[str] = None
    skipped: list[str] = []
    for seq in range(first_sequence, MAX_SEQUENCE + 1):
        name = name_for(seq)
        blob = container.get_blob_client(name)
        for _attempt in range(3):  # a lost creation race: look at the name again
            try:
                props = blob.get_blob_properties()
            except ResourceNotFoundError:
                try:
                    blob.create_page_blob(job.size, metadata=job.incomplete, match_condition=MatchConditions.IfMissing)
                except ResourceExistsError:
                    continue
                return _send(job, blob, seq, "uploaded", skipped)
            break
        else:
            raise UploadError(f"{name}: the name keeps changing hands; is another upload running?")
        meta = props.metadata or {}
        if props.blob_type != BlobType.PAGEBLOB:
            skipped.append(f"{name}: a {_kind(props)}, not a page blob")
        elif meta.get(STATE) == "incomplete":
            if meta.get(SOURCE) == job.mark and props.size == job.size:
                return _send(job, blob, seq, "resumed", skipped)
            if meta.get(ORIGIN) == job.origin:  # this file, changed since: none of its pages can be trusted
                return _send(job, blob, seq, "restarted", skipped)
            skipped.append(f"{name}: an unfinished upload of another file (delete it if nobody is uploading it)")
        elif props.size != job.size:
            skipped.append(f"{name}: another disk ({props.size} bytes)")
        else:
            local_md5 = local_md5 or disk_md5(path)
            stored = props.content_settings.content_md5
            if stored and bytes(stored).hex() == local_md5:
                return UploadResult(name, seq, "already-uploaded", job.size, md5=local_md5, skipped=skipped)
            skipped.append(
                f"{name}: another disk of the same size"
                if stored
                else f"{name}: a page blob without an MD5 to compare with"
            )
    raise UploadError(f"every name from {name_for(first_sequence)} to {name_for(MAX_SEQUENCE)} is taken")


@dataclass(frozen=True)
class _Job:
    """What every step of one upload needs to know."""

    path: str | os.PathLike
    size: int
    mark: str
    origin: str
    account: str
    workers: int
    progress: Optional[Callable[[int, int], None]]
    on_retry: Optional[Callable[[str], None]]
    verify_download: bool

    @property
    def incomplete(self) -> dict[str, str]:
        """The metadata of a blob this job is filling."""
        return {STATE: "incomplete", SOURCE: self.mark, ORIGIN: self.origin}


def _send(job: _Job, blob: BlobClient, seq: int, outcome: str, skipped: list[str]) -> UploadResult:
    """Send what the blob lacks and mark it complete, holding this machine's lock and the blob's lease throughout."""
    lease_id = lease.lease_id(job.origin, blob)
    try:
        with lease.local_lock(lease_id), lease.held(blob, lease_id) as held:
            return _send_leased(job, blob, seq, outcome, skipped, held)
    except lease.Running:
        raise UploadError(
            f"{blob.blob_name}: the same upload is already running on this machine (another process): let it finish"
        ) from None
    except lease.Leased:
        raise UploadError(
            f"{blob.blob_name}: another upload of it is in progress from another machine or file (the blob is "
            f"leased): let it finish. If none is running (an upload killed elsewhere holds the lease for up to "
            f"{lease.LEASE_SECONDS} s; the same command on the machine that was uploading resumes at once), run "
            f"the command again in a minute, or break the lease: az storage blob lease break --account-name "
            f"{job.account} --container-name {blob.container_name} --blob-name {blob.blob_name}"
        ) from None


def _send_leased(job: _Job, blob: BlobClient, seq: int, outcome: str, skipped: list[str], held) -> UploadResult:
    started = time.monotonic()
    result = UploadResult(blob.blob_name, seq, outcome, job.size, skipped=skipped)
    if outcome == "restarted":  # pages of the file's old content: clear them all, fit the new size
        blob.set_blob_metadata(job.incomplete, lease=held)
        if blob.get_blob_properties().size != job.size:
            blob.resize_blob(job.size, lease=held)
        blob.clear_page(0, job.size, lease=held)
    # The pages are read under the lease: no other upload can add to them from here on.
    present = page_ranges(blob) if outcome == "resumed" else []
    try:
        sent = sender.send(
            blob,
            job.path,
            job.size,
            present,
            workers=job.workers,
            progress=job.progress,
            on_retry=job.on_retry,
            lease=held,
        )
    except OSError:  # e.g. "shrank while it was read"
        _check_unchanged(job, blob)
        raise
    _check_unchanged(job, blob)  # before the checks below blame the blob for a file that changed
    result.data_bytes, result.sent_bytes = sent.data_bytes, sent.sent_bytes
    md5 = sent.md5
    result.md5 = md5.hex()
    stored = page_ranges(blob)
    if stored != sent.ranges:
        raise UploadError(
            f"{blob.blob_name}: the blob's pages do not match the file's data after the upload "
            f"({len(stored)} ranges stored, {len(sent.ranges)} expected); it stays "
            "marked incomplete: run the same command again, and if this comes back, delete the blob and "
            "upload anew"
        )
    if job.verify_download and remote_md5(blob, job.size) != md5:
        raise UploadError(f"{blob.blob_name}: the MD5 of the downloaded blob differs from the file's")
    _check_unchanged(job, blob)  # and once more just before the blob is called complete
    # The MD5 goes in first, the "complete" mark last: an interruption in between leaves it incomplete.
    blob.set_http_headers(
        ContentSettings(content_type="application/octet-stream", content_md5=bytearray(md5)), lease=held
    )
    blob.set_blob_metadata({STATE: "complete", SOURCE: job.mark, MD5: md5.hex()}, lease=held)
    props = blob.get_blob_properties()
    if bytes(props.content_settings.content_md5 or b"") != md5 or props.metadata.get(STATE) != "complete":
        raise UploadError(f"{blob.blob_name}: the recorded MD5 did not read back as written")
    result.seconds = time.monotonic() - started
    return result


def _check_unchanged(job: _Job, blob: BlobClient) -> None:
    """Raise FileChanged when the file is no longer the one whose fingerprint the upload began with."""
    try:
        now = fingerprint(job.path)
    except OSError:
        now = "gone"
    if now != job.mark:
        raise FileChanged(
            f"{blob.blob_name}: the file changed while it was uploaded (its size, modification time or inode is not "
            "what it was at the start): the disk is still being written. Let it settle (shut the VM down, let the "
            "export or copy finish) and run the same command again; the blob stays marked unfinished, and the rerun "
            "starts it over"
        )


def _kind(props) -> str:
    return getattr(props.blob_type, "value", props.blob_type)  # BlobType.BLOCKBLOB -> BlockBlob


def b64(md5_hex: str) -> str:
    return base64.b64encode(bytes.fromhex(md5_hex)).decode()

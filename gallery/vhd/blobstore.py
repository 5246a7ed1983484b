"""Blob storage access: clients authenticated like Azure tools, page-range reads, and `--check-blobs`."""

from __future__ import annotations

import hashlib
import http
import logging
import os
from typing import Optional

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure.storage.blob import BlobClient, BlobServiceClient, BlobType

from gallery.catalog.model import Catalog, VhdSource
from gallery.errors import CatalogError, Problem
from gallery.vhd import connstr, diskscan, retries
from gallery.vhd import vhdfile as vhd

CONNECTION_STRING = "AZURE_STORAGE_CONNECTION_STRING"


def service_client(account: str) -> tuple[BlobServiceClient, str]:
    """A client for the catalog's storage account, and a phrase saying how it authenticates.

    Like the Azure CLI and azcopy: a connection string in AZURE_STORAGE_CONNECTION_STRING wins (it
    names its own account: CI secrets, Azurite; a malformed one raises CatalogError); otherwise the
    account from the catalog with DefaultAzureCredential (az login, a managed identity, workload
    identity in CI), which needs the "Storage Blob Data Contributor" role on the account. Requests are
    retried as `retries.policy()` says.
    """
    conn = os.environ.get(CONNECTION_STRING)
    if conn:
        wrong = connstr.problem(conn)
        if wrong:
            raise CatalogError(
                [
                    Problem(
                        CONNECTION_STRING,
                        0,
                        0,
                        "",
                        wrong,
                        "storage.connection-string",
                        hint="copy the storage account's connection string again (the portal's Access keys, or "
                        "az storage account show-connection-string --name ACCOUNT), "
                        f"or unset {CONNECTION_STRING} to use your Azure login",
                    )
                ]
            )
        client = BlobServiceClient.from_connection_string(
            conn, retry_policy=retries.policy(), connection_timeout=retries.CONNECT_TIMEOUT
        )
        return client, f"account {client.account_name} from {CONNECTION_STRING}"
    from azure.identity import DefaultAzureCredential  # noqa: PLC0415 - slow to import, needed only here

    # Each credential it tries logs its failure as a warning: one sentence from `explain` says it better.
    logging.getLogger("azure.identity").setLevel(logging.ERROR)
    url = f"https://{account}.blob.core.windows.net"
    client = BlobServiceClient(
        url,
        credential=DefaultAzureCredential(),
        retry_policy=retries.policy(),
        connection_timeout=retries.CONNECT_TIMEOUT,
    )
    return client, f"account {account} with your Azure login"


def explain(exc: Exception, connection_string: bool = False, resumable: bool = False) -> Optional[str]:
    """A sentence a user can act on for an Azure SDK error, or None for one that is our bug.

    `connection_string`: whether the client came from AZURE_STORAGE_CONNECTION_STRING (a refusal then
    means its key or SAS, not a missing role). `resumable`: an upload, which a rerun continues.
    """
    if isinstance(exc, ClientAuthenticationError) and getattr(exc, "status_code", None) is None:
        return f"no Azure credential was found ({str(exc).splitlines()[0]}): run `az login`, or set {CONNECTION_STRING}"
    if isinstance(exc, (ServiceRequestError, ServiceResponseError)):
        return (
            f"the storage service cannot be reached ({retries.reason(exc)}; gave up after {retries.RETRIES} "
            "retries)"
            + (
                "; run the same command again once it can be reached: the upload resumes where it stopped"
                if resumable
                else ""
            )
        )
    if isinstance(exc, HttpResponseError):
        code = getattr(exc, "error_code", None) or exc.reason
        code = getattr(code, "value", code)  # StorageErrorCode.X -> its REST name
        if code == "ContainerNotFound":
            return "the container does not exist: deploy the stack first (pulumi up creates the family containers)"
        if code in ("AuthenticationFailed", "AuthorizationFailure", "AuthorizationPermissionMismatch"):
            if connection_string:
                return (
                    f"access denied ({code}): the key or SAS token in {CONNECTION_STRING} is wrong, expired "
                    "or lacks write permission"
                )
            return (
                f'access denied ({code}): your identity needs the "Storage Blob Data Contributor" role '
                f"on the storage account (and the account's firewall must let this machine in)"
            )
        said = service_message(exc)
        return f"the storage service refused: {code} (HTTP {exc.status_code})" + (f": {said}" if said else "")
    return None


def service_message(exc) -> str:
    """The service's own words for a refusal: the <Message> of the error body, or the status line's reason
    (a HEAD request has no body), without the RequestId/Time lines; "" when it said nothing more."""
    text = (exc.message or "").split("\nRequestId:")[0].split("\nErrorCode:")[0].strip()
    if text.startswith("Operation returned an invalid status"):  # azure-core's words for a body-less error
        text = (exc.reason or "").strip()
    code = getattr(exc, "error_code", None)
    try:
        phrase = http.HTTPStatus(exc.status_code).phrase  # "Bad Request" says nothing the code does not
    except ValueError:
        phrase = ""
    return "" if text in ("", phrase, getattr(code, "value", code)) else text


def page_ranges(blob: BlobClient) -> list[tuple[int, int]]:
    """The blob's written pages as merged [start, end) ranges."""
    # A listed page range always has both ends (the SDK types them optional for other uses of the model).
    return diskscan.merge(
        (r.start, r.end + 1)
        for r in blob.list_page_ranges()
        if not r.cleared and r.start is not None and r.end is not None
    )


def remote_md5(blob: BlobClient, size: int) -> bytes:
    """MD5 of the whole blob, downloading only its written pages (unwritten pages read as zeros)."""
    digest, pos = hashlib.md5(), 0
    for start, end in page_ranges(blob):
        _zeros(digest, start - pos)
        for offset in range(start, end, diskscan.CHUNK):
            n = min(diskscan.CHUNK, end - offset)
            digest.update(blob.download_blob(offset=offset, length=n).readall())
        pos = end
    _zeros(digest, size - pos)
    return digest.digest()


def _zeros(digest, n: int) -> None:
    zero = bytes(diskscan.CHUNK)
    while n > 0:
        digest.update(zero[: min(n, len(zero))])
        n -= len(zero)


def check_catalog_blobs(catalog: Catalog, service: BlobServiceClient) -> list[Problem]:
    """Every VHD blob the catalog references: it exists, is a complete page blob, has a fixed VHD's size
    and a valid footer. One Problem per bad blob, located at the version's source in the catalog."""
    problems = []
    for image in catalog.images:
        for version in image.versions:
            source = version.source
            if not isinstance(source, VhdSource):
                continue
            blobs = [(f"{version.path}.source.vhd", source.os_blob)] + [
                (d.path or f"{version.path}.source.vhd.dataDisks", d.blob) for d in source.data_disks
            ]
            for path, name in blobs:
                message = _blob_problem(
                    service.get_blob_client(source.container, name), by_convention=source.captured is not None
                )
                if message:
                    problems.append(
                        Problem(
                            catalog.source_file,
                            version.pos.line,
                            version.pos.column,
                            path,
                            f"blob {source.container}/{name} {message}",
                            "blob.check",
                        )
                    )
    return problems


def _blob_problem(blob: BlobClient, *, by_convention: bool) -> Optional[str]:
    # `gallery upload` names blobs by the convention (captured:); an explicit name (osDiskBlob, dataDisks[].blob)
    # is one it cannot produce.
    upload = (
        "gallery upload"
        if by_convention
        else "a page-blob upload to this name (gallery upload names blobs by the captured: convention only)"
    )
    try:
        props = blob.get_blob_properties()
    except ResourceNotFoundError:
        return f"does not exist: upload it with {upload}"
    if props.blob_type != BlobType.PAGEBLOB:
        return (
            f"is a {getattr(props.blob_type, 'value', props.blob_type)}, not a page blob: upload it again with {upload}"
        )
    if (props.metadata or {}).get("gallery_upload") == "incomplete":
        return "is an unfinished upload: run the same gallery upload command again to finish it"
    if props.size < vhd.FOOTER_SIZE:
        return f"is {props.size} bytes, too small to be a VHD"
    tail = blob.download_blob(offset=props.size - vhd.FOOTER_SIZE, length=vhd.FOOTER_SIZE).readall()
    head = b""
    if tail[:8] != vhd.COOKIE:  # only a blob that is no fixed VHD needs its head (other formats) and more tail
        head = blob.download_blob(offset=0, length=min(4096, props.size)).readall()
        n = min(vhd.TAIL_SIZE, props.size)
        tail = blob.download_blob(offset=props.size - n, length=n).readall()
    report = vhd.judge(blob.blob_name, head, tail, props.size)
    if not report.ok:
        return report.problems[0].message
    return None

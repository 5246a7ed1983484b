"""`python -m gallery vhd check|convert` and `python -m gallery upload`: get VHDs into the gallery's storage.

    vhd check FILE...                 will Azure accept it? (exit 0 yes, 1 no, with how to fix it)
    vhd convert RAW OUT.vhd           write the fixed-VHD form of a raw image (sparse, 1 MiB aligned)
    upload FILE --image NAME [--captured DATE] [--data-disk LUN] [--catalog PATH] [--stack NAME]
"""
from __future__ import annotations

from typing import Optional

import argparse
import datetime as dt
import difflib
import os
import sys
from pathlib import Path

from gallery import interrupts
from gallery.catalog import naming

from gallery.vhd import vhdfile as vhd
from gallery.cli import output
from gallery.cli.progress import upload_progress
from gallery.cli.arguments import add_stack, file_path, iso_date, lun
from gallery.errors import EXIT_OK, EXIT_USER, Problem
from gallery.catalog.loader import load_catalog
from gallery.catalog.model import VhdSource

FORMATS = ("text", "json", "github")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("vhd", help="check a VHD file, or write one from a raw image",
                       description="Check VHD files against Azure's requirements, or convert a raw image.")
    vsub = p.add_subparsers(dest="vhd_command", metavar="SUBCOMMAND", required=True)
    c = vsub.add_parser("check", help="will Azure accept this VHD? (exit 0 yes, 1 no)",
                        description="Read each file's VHD footer and say whether Azure accepts it: a fixed VHD "
                                    "(not dynamic, not VHDX), valid checksum, file size = virtual size + 512, "
                                    "virtual size a multiple of 1 MiB and under 2 TiB. Other formats get the "
                                    "command that converts them. Exit 0 when every file is fine, 1 when not.")
    c.add_argument("files", nargs="+", metavar="FILE")
    c.add_argument("--format", choices=FORMATS, default="text",
                   help="text lines, a JSON document, or GitHub Actions annotations (default: text)")
    c.set_defaults(func=run_check)
    v = vsub.add_parser("convert", help="write the fixed-VHD form of a raw disk image",
                        description="Write OUT, the fixed VHD form of the raw image RAW: the size rounded up to "
                                    "a multiple of 1 MiB, a VHD footer appended, zero regions left sparse. "
                                    "OUT is never overwritten.")
    v.add_argument("raw", metavar="RAW")
    v.add_argument("out", metavar="OUT")
    v.set_defaults(func=run_convert)
    register_upload(sub)


def run_check(args: argparse.Namespace) -> int:
    problems: list[Problem] = []
    lines = []
    for name in args.files:
        report = _inspect(name)
        if isinstance(report, Problem):
            problems.append(report)
            continue
        problems.extend(report.problems)
        if report.ok:
            lines.append(report.summary())
    if args.format == output.JSON:
        output.emit(output.problems(problems, output.JSON), output.JSON)
    else:
        output.emit("\n".join(lines))
        output.report_problems(problems, args.format)
    return EXIT_USER if problems else EXIT_OK


def run_convert(args: argparse.Namespace) -> int:
    report = _inspect(args.raw)
    if isinstance(report, Problem):
        return _fail(report)
    if report.ok:
        return _fail(Problem(args.raw, 0, 0, "", "is already a fixed VHD that Azure accepts: nothing to convert",
                             "vhd.convert"))
    if report.kind != "raw":
        return _fail(report.problems[0])
    exists = Problem(args.out, 0, 0, "", "exists already; convert never overwrites a file", "vhd.convert",
                     hint="choose another name, or delete it first")
    if Path(args.out).exists():
        return _fail(exists)
    try:
        size = vhd.write_fixed(args.raw, args.out)
    except FileExistsError:  # it appeared meanwhile
        return _fail(exists)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return _fail(Problem(args.out, 0, 0, "", f"could not be written: {reason}", "vhd.convert"))
    print(f"{args.out}: wrote a fixed VHD of {size} bytes (from {report.file_size} bytes of {args.raw}) "
          f"+ 512-byte footer")
    return EXIT_OK


def _inspect(name: str):
    try:
        return vhd.inspect(name)
    except FileNotFoundError:
        return Problem(name, 0, 0, "", "no such file", "file.missing")
    except IsADirectoryError:
        return Problem(name, 0, 0, "", "is a directory, not a disk image", "file.missing")
    except OSError as exc:
        return Problem(name, 0, 0, "", f"cannot be read: {exc.strerror}", "file.unreadable")


def _fail(problem: Problem) -> int:
    print(problem.text(), file=sys.stderr)
    return EXIT_USER


# -- upload ---------------------------------------------------------------------------------------

def register_upload(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("upload", help="check a VHD and upload it as a page blob under the catalog's naming",
                       description="Check FILE, then upload it as a page blob to the image's family container, "
                                   "named <image>-os-YYYY-MM-DD[-ZZ].vhd (or <image>-datadisk-<lun>-...). Only "
                                   "non-zero ranges are sent, in parallel. Never overwrites: the same disk "
                                   "already there is reported, another one moves to the next -ZZ. Interrupted? "
                                   "Run the same command again: it resumes. Auth: "
                                   "AZURE_STORAGE_CONNECTION_STRING, else your Azure login "
                                   "(DefaultAzureCredential) on the catalog's storage account.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--image", required=True, metavar="NAME", help="the image definition in the catalog")
    p.add_argument("--captured", type=iso_date, metavar="YYYY-MM-DD",
                   help="the capture date in the blob name (default: the file's modification date, so that a "
                        "rerun on another day resumes the same blob)")
    p.add_argument("--data-disk", type=lun, metavar="LUN",
                   help="upload a data disk with this LUN (0 to 63), not the OS disk")
    p.add_argument("--catalog", default="images.yaml", metavar="PATH", type=file_path,
                   help="the catalog (default: images.yaml)")
    add_stack(p)
    p.add_argument("--workers", type=_positive, default=8, help="parallel put-page requests (default: 8)")
    p.add_argument("--verify-download", action="store_true",
                   help="also read the blob back (its written pages only) and compare its MD5")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar (for CI): only the result")
    p.add_argument("--add-version", metavar="VERSION",
                   help="after uploading the OS disk, add this version to the catalog (edited in place): its "
                        "capture date, sequence and the data disks already uploaded for that date and sequence")
    p.set_defaults(func=run_upload)


def run_upload(args: argparse.Namespace) -> int:
    # The Azure SDK takes a while to import: only the upload command pays for it.
    from azure.core.exceptions import AzureError  # noqa: PLC0415

    from gallery.vhd import blobstore, upload  # noqa: PLC0415
    report = _inspect(args.file)
    if isinstance(report, Problem):
        return _fail(report)
    if not report.ok:
        output.report_problems(report.problems)
        print(f"{args.file}: not uploaded: Azure would reject it", file=sys.stderr)
        return EXIT_USER
    catalog = load_catalog(args.catalog, args.stack)
    image = catalog.image(args.image)
    if image is None:
        names = [i.name for i in catalog.images]
        near = difflib.get_close_matches(args.image, names, 1)
        return _fail(Problem(args.catalog, 0, 0, "", f"has no image named {args.image!r}", "upload.image",
                             hint=f"did you mean {near[0]!r}?" if near else "images: " + ", ".join(names)))
    if args.add_version is not None:
        refusal = _add_version_refusal(args, image)
        if refusal is not None:  # said before anything is sent
            return _fail(refusal)
    captured = args.captured or dt.date.fromtimestamp(os.stat(args.file).st_mtime)
    if args.data_disk is None:
        def name_for(seq): return naming.os_blob_name(image.name, captured, seq)
    else:
        def name_for(seq): return naming.data_disk_blob_name(image.name, args.data_disk, captured, seq)
    service, how = blobstore.service_client(catalog.storage.account)
    container = service.get_container_client(image.container)
    where = f"{service.account_name}/{image.container}"
    try:
        # A data disk belongs with the OS disk of its version: both names share date and sequence, so
        # the search starts at the newest OS disk captured that day. Stopped by a signal, the command says:
        with interrupts.explained(f"the blob in {where} stays marked unfinished; run the same command again "
                                  "to resume"):
            first = 0 if args.data_disk is None else _newest_os_sequence(container, image.name, captured)
            with upload_progress(args.quiet, report.file_size) as (progress, on_retry):
                result = upload.upload_vhd(container, name_for, args.file, workers=args.workers,
                                           progress=progress, on_retry=on_retry,
                                           verify_download=args.verify_download, first_sequence=first)
            os_blob_there = args.data_disk is None or container.get_blob_client(
                naming.os_blob_name(image.name, captured, result.sequence)).exists()
    except upload.UploadError as exc:
        return _fail(Problem(args.file, 0, 0, "", f"not uploaded to {where}: {exc}", "upload.failed"))
    except AzureError as exc:
        message = blobstore.explain(exc, how.endswith(blobstore.CONNECTION_STRING), resumable=True)
        if message is None:
            raise
        return _fail(Problem(args.file, 0, 0, "", f"not uploaded to {where} ({how}): {message}", "upload.azure"))
    for note in result.skipped:
        print(f"note: passed over {note}", file=sys.stderr)
    print(_outcome(result, where))
    if args.add_version is None:
        print(_catalog_lines(catalog, image, captured, result, args.data_disk, os_blob_there))
        return EXIT_OK
    from gallery.lifecycle.versions import NewVersion, add_version, vhd_source  # noqa: PLC0415
    disks = _data_disks_there(container, image.name, captured, result.sequence)
    _, lines = add_version(args.catalog, args.stack, NewVersion(
        image.name, args.add_version, vhd_source(captured, result.sequence, [(lun, None) for lun in disks])))
    print("\n".join(lines))
    return EXIT_OK


def _add_version_refusal(args: argparse.Namespace, image) -> Optional[Problem]:
    from gallery.catalog.model import SemVer  # noqa: PLC0415
    if args.data_disk is not None:
        return Problem(args.catalog, 0, 0, "", "--add-version goes with the OS disk", "upload.add-version",
                       hint="upload the data disks first (--data-disk LUN), then the OS disk with --add-version: "
                            "the version gets them all")
    try:
        SemVer.parse(args.add_version)
    except ValueError:
        return Problem(args.catalog, 0, 0, "", f"--add-version {args.add_version!r} is not Major.Minor.Patch",
                       "upload.add-version", hint="e.g. --add-version 1.2.0")
    if image.version(args.add_version) is not None:
        return Problem(args.catalog, 0, 0, "", f"image {image.name} already has version {args.add_version}",
                       "upload.add-version", hint="versions cannot be republished: choose the next version number")
    return None


def _data_disks_there(container, image: str, captured: dt.date, sequence: int) -> list[int]:
    """The LUNs whose data disk blob of this capture (date and sequence) is in the container."""
    names = {b.name for b in container.list_blobs(name_starts_with=f"{image}-datadisk-")}
    return [lun for lun in range(64) if naming.data_disk_blob_name(image, lun, captured, sequence) in names]


def _newest_os_sequence(container, image: str, captured: dt.date) -> int:
    seq = 0
    while seq < naming.MAX_SEQUENCE and container.get_blob_client(
            naming.os_blob_name(image, captured, seq + 1)).exists():
        seq += 1
    return seq


def _outcome(r, where: str) -> str:
    from gallery.vhd.upload import b64  # noqa: PLC0415
    if r.outcome == "already-uploaded":
        return f"already uploaded: {where}/{r.blob} holds this disk (same MD5 {b64(r.md5)}); nothing sent"
    verb = {"resumed": "resumed and finished", "restarted": "started over (the file had changed since the "
            "unfinished upload) and uploaded"}.get(r.outcome, "uploaded")
    return (f"{verb} {where}/{r.blob}: {vhd.human_size(r.sent_bytes)} sent ({vhd.human_size(r.data_bytes)} of non-zero "
            f"data in a {vhd.human_size(r.size)} file) in {r.seconds:.1f} s; page blob verified, "
            f"Content-MD5 {b64(r.md5)}")


def _catalog_lines(catalog, image, captured, r, lun, os_blob_there: bool) -> str:
    for version in image.versions:
        if isinstance(version.source, VhdSource) and r.blob in version.source.blobs:
            return f"{catalog.source_file} already references it: {version.path} (version {version.name})"
    seq = f"\n            sequence: {r.sequence}" if r.sequence else ""
    if lun is not None:
        lines = (f"Add the data disk to the version whose source has captured: {captured}"
                 + (f", sequence: {r.sequence}" if r.sequence else "") + f", under source.vhd:\n"
                 f"            dataDisks:\n              - {{lun: {lun}, caching: None}}")
        if not os_blob_there:
            lines += (f"\nwarning: {naming.os_blob_name(image.name, captured, r.sequence)} is not uploaded yet: "
                      "the OS disk of that version must have the same date and sequence")
        return lines
    top = max((v.version for v in image.versions), default=None)
    suggestion = f"{top.major}.{top.minor + 1}.0" if top else "1.0.0"
    return (f"Add the new version to {catalog.source_file}, under images: name: {image.name}, versions:\n"
            f"      - version: {suggestion}" + (f"   # any Major.Minor.Patch above {top}" if top else "") + "\n"
            f"        source:\n          vhd:\n            captured: {captured}{seq}\n"
            f"            osDiskCaching: ReadWrite")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)

"""`python -m gallery vhd check|convert` and `python -m gallery upload`: get VHDs into the gallery's storage.

    vhd check FILE...                 will Azure accept it? (exit 0 yes, 1 no, with how to fix it)
    vhd convert RAW OUT.vhd           write the fixed-VHD form of a raw image (sparse, 1 MiB aligned)
    upload FILE --image NAME [--captured DATE] [--data-disk LUN] [--catalog PATH] [--stack NAME]

Arguments only: checking, converting and uploading are gallery.vhd's (check.py, convert.py, run.py).
"""

from __future__ import annotations

import argparse

from gallery.cli.arguments import add_build_options, add_catalog_option, add_workers, iso_date, lun
from gallery.cli.output import Format, Reporter, add_format
from gallery.errors import Exit
from gallery.vhd import DEFAULT_WORKERS
from gallery.vhd.check import check_files
from gallery.vhd.convert import convert


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "vhd",
        help="check a VHD file, or write one from a raw image",
        description="Check VHD files against Azure's requirements, or convert a raw image.",
    )
    vsub = p.add_subparsers(dest="vhd_command", metavar="SUBCOMMAND", required=True)
    c = vsub.add_parser(
        "check",
        help="will Azure accept this VHD? (exit 0 yes, 1 no)",
        description="Read each file's VHD footer and say whether Azure accepts it: a fixed VHD "
        "(not dynamic, not VHDX), valid checksum, file size = virtual size + 512, "
        "virtual size a multiple of 1 MiB and under 2 TiB. Other formats get the "
        "command that converts them. Exit 0 when every file is fine, 1 when not.",
    )
    c.add_argument("files", nargs="+", metavar="FILE")
    add_format(
        c,
        (Format.TEXT, Format.JSON, Format.GITHUB),
        help="text lines, a JSON document, or GitHub Actions annotations (default: text)",
    )
    c.set_defaults(func=run_check)
    v = vsub.add_parser(
        "convert",
        help="write the fixed-VHD form of a raw disk image",
        description="Write OUT, the fixed VHD form of the raw image RAW: the size rounded up to "
        "a multiple of 1 MiB, a VHD footer appended, zero regions left sparse. "
        "OUT is never overwritten.",
    )
    v.add_argument("raw", metavar="RAW")
    v.add_argument("out", metavar="OUT")
    v.set_defaults(func=run_convert)
    register_upload(sub)


def run_check(args: argparse.Namespace, out: Reporter) -> Exit:
    checked = check_files(args.files)
    out.verdict(checked.problems, found="\n".join(checked.accepted))
    return Exit.USER if checked.problems else Exit.OK


def run_convert(args: argparse.Namespace, out: Reporter) -> Exit:
    out.result(convert(args.raw, args.out).summary())  # a CatalogError says why not, and exits 1
    return Exit.OK


# -- upload ---------------------------------------------------------------------------------------


def register_upload(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "upload",
        help="check a VHD and upload it as a page blob under the catalog's naming",
        description="Check FILE, then upload it as a page blob to the image's family container, "
        "named <image>-os-YYYY-MM-DD[-ZZ].vhd (or <image>-datadisk-<lun>-...). Only "
        "non-zero ranges are sent, in parallel. Never overwrites: the same disk "
        "already there is reported, another one moves to the next -ZZ. Interrupted? "
        "Run the same command again: it resumes. Auth: "
        "AZURE_STORAGE_CONNECTION_STRING, else your Azure login "
        "(DefaultAzureCredential) on the catalog's storage account.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--image", required=True, metavar="NAME", help="the image definition in the catalog")
    p.add_argument(
        "--captured",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="the capture date in the blob name (default: the file's modification date, so that a "
        "rerun on another day resumes the same blob)",
    )
    p.add_argument(
        "--data-disk", type=lun, metavar="LUN", help="upload a data disk with this LUN (0 to 63), not the OS disk"
    )
    add_catalog_option(p)
    add_workers(p, DEFAULT_WORKERS, "parallel put-page requests")
    p.add_argument(
        "--verify-download",
        action="store_true",
        help="also read the blob back (its written pages only) and compare its MD5",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar (for CI): only the result")
    p.add_argument(
        "--add-version",
        metavar="VERSION",
        help="after uploading the OS disk, add this version to the catalog (edited in place): its "
        "capture date, sequence and the data disks already uploaded for that date and sequence, "
        "with where it came from in its tags (the blob, its MD5, the size, the build)",
    )
    add_build_options(p)
    p.set_defaults(func=run_upload)


def run_upload(args: argparse.Namespace, out: Reporter) -> Exit:
    # The Azure SDK takes a while to import: only the upload command pays for it.
    from gallery.vhd import text  # noqa: PLC0415
    from gallery.vhd.run import Rejected, UploadRequest, upload_file  # noqa: PLC0415

    request = UploadRequest(
        args.file,
        args.image,
        args.catalog,
        args.stack,
        captured=args.captured,
        data_disk=args.data_disk,
        workers=args.workers,
        verify_download=args.verify_download,
        add_version=args.add_version,
    )
    try:
        done = upload_file(request, progress=out.progress)
    except Rejected as exc:
        out.problems(exc.problems)
        out.diagnostic(str(exc))
        return Exit.USER
    out.diagnostic(text.notes(done))
    out.result(text.outcome(done))
    if args.add_version is None:
        out.result(text.catalog_lines(done))
        return Exit.OK
    from gallery.lifecycle.provenance import ci_build, upload_tags  # noqa: PLC0415
    from gallery.lifecycle.versions import NewVersion, add_version, vhd_source  # noqa: PLC0415
    from gallery.vhd.upload import b64  # noqa: PLC0415

    source = vhd_source(done.captured, done.result.sequence, [(disk, None) for disk in done.data_disks])
    tags = upload_tags(
        container=done.image.container,
        blob=done.result.blob,
        md5_b64=b64(done.result.md5),
        captured=done.captured,
        disks=(done.result.size, *done.data_disk_sizes),
        build=ci_build(build_id=args.build_id, commit=args.commit),
    )
    _, lines = add_version(args.catalog, args.stack, NewVersion(done.image.name, args.add_version, source, tags=tags))
    out.result("\n".join(lines))
    return Exit.OK

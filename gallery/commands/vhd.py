"""`python -m gallery vhd check|convert` and `python -m gallery upload`: get VHDs into the gallery's storage.

    vhd check FILE...                 will Azure accept it? (exit 0 yes, 1 no, with how to fix it)
    vhd convert RAW OUT.vhd           write the fixed-VHD form of a raw image (sparse, 1 MiB aligned)
    upload FILE --image NAME [--captured DATE] [--data-disk LUN] [--catalog PATH] [--stack NAME]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gallery import vhd
from gallery.errors import EXIT_OK, EXIT_USER, Problem, render

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
    if args.format == "json":
        print(render(problems, "json"))
    else:
        for line in lines:
            print(line)
        if problems:
            print(render(problems, args.format), file=sys.stdout if args.format == "github" else sys.stderr)
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
    if Path(args.out).exists():
        return _fail(Problem(args.out, 0, 0, "", "exists already; convert never overwrites a file",
                             "vhd.convert", hint="choose another name, or delete it first"))
    try:
        size = vhd.write_fixed(args.raw, args.out)
    except (OSError, ValueError) as exc:
        return _fail(Problem(args.out, 0, 0, "", f"could not be written: {exc}", "vhd.convert"))
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

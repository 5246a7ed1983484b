"""VHD files as Azure wants them: read the footer, say what is wrong and how to fix it, write one.

Azure takes only a *fixed* VHD (the README's "Uploading VHDs" gives the requirements): the raw disk
followed by one 512-byte footer (big-endian, cookie `conectix`, disk type 2, a ones'-complement
checksum), the disk's size a multiple of 1 MiB. Everything else a user might hold (VHDX, a dynamic
or differencing VHD, QCOW2, VMDK, a raw image) is recognised from a few bytes at either end, so a
check takes milliseconds whatever the size, and each kind gets the command that converts it.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shlex
import struct
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from gallery import files
from gallery.errors import Problem
from gallery.vhd import diskscan

FOOTER_SIZE = 512
SECTOR = 512
# A footer is looked for this far from the end when it is not the last 512 bytes: a copy padded to a
# block size, or bytes appended by a download tool, leave it a little before the end.
TAIL_SIZE = 64 << 10
MIB = 1 << 20
GIB = 1 << 30
TIB = 1 << 40
# Gallery image versions must be "under 2 TB" (Azure's gallery limits). That is the binding limit
# for this tool: Azure's own disk "TB" are binary (the "4 TB" OS-disk limit is 4,095 GiB), managed
# disks made from VHDs allow up to 4 TiB and page blobs 8 TiB, but a version with Full replication
# (the default, and the only mode outside the home region) fails past 2 TiB, hours after the upload.
# Shallow replication's 32 TB is out of reach anyway: a page blob holds at most 8 TiB.
MAX_VIRTUAL_SIZE = 2 * TIB - MIB  # the largest 1 MiB multiple that is under 2 TiB

COOKIE = b"conectix"
FORMAT_VERSION = b"\x00\x01\x00\x00"  # bytes 12-15 of every footer: version 1.0
DISK_TYPES = {2: "fixed", 3: "dynamic", 4: "differencing"}
_FOOTER = struct.Struct(">8sIIQI4sI4sQQHBBII16sB427s")
MAX_CHS = (65535, 16, 255)
_VHD_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)  # VHD timestamps count from here


@dataclass(frozen=True)
class Footer:
    cookie: bytes
    data_offset: int
    creator_app: bytes
    current_size: int  # the disk's virtual size: what Azure calls the VHD's size
    geometry: tuple[int, int, int]  # cylinders, heads, sectors per track
    disk_type: int
    checksum: int
    unique_id: bytes

    @classmethod
    def parse(cls, raw: bytes) -> "Footer":
        f = _FOOTER.unpack(raw[:FOOTER_SIZE])
        return cls(
            cookie=f[0],
            data_offset=f[3],
            creator_app=f[5],
            current_size=f[9],
            geometry=(f[10], f[11], f[12]),
            disk_type=f[13],
            checksum=f[14],
            unique_id=f[15],
        )


def checksum(raw: bytes) -> int:
    """Ones' complement of the byte sum of the footer, its checksum field (bytes 64-67) counted as 0."""
    return ~(sum(raw[:64]) + sum(raw[68:FOOTER_SIZE])) & 0xFFFFFFFF


def make_footer(size: int, unique_id: Optional[bytes] = None, when: Optional[dt.datetime] = None) -> bytes:
    """The footer of a fixed VHD whose disk is `size` bytes."""
    when = when or dt.datetime.now(dt.timezone.utc)
    stamp = int((when - _VHD_EPOCH).total_seconds()) & 0xFFFFFFFF
    # The geometry is the largest CHS value, as `qemu-img ... force_size=on` writes it: the spec's
    # CHS geometry rounds most sizes down, and readers that trust CHS (Virtual PC, qemu for unknown
    # creators) would see a smaller, unaligned disk. With the maximum they use current_size, like
    # Azure and Hyper-V always do.
    fields = [
        COOKIE,
        2,
        0x00010000,
        0xFFFFFFFFFFFFFFFF,
        stamp,
        b"glry",
        0x00010000,
        b"Wi2k",
        size,
        size,
        *MAX_CHS,
        2,
        0,
        unique_id or uuid.uuid4().bytes,
        0,
        bytes(427),
    ]
    raw = bytearray(_FOOTER.pack(*fields))
    raw[64:68] = struct.pack(">I", checksum(bytes(raw)))
    return bytes(raw)


@dataclass(frozen=True)
class VhdReport:
    """What a file is, and every reason Azure would reject it (empty when it is a good fixed VHD)."""

    path: str
    kind: str  # fixed | dynamic | differencing | vhdx | qcow2 | vmdk | raw | unknown
    file_size: int
    virtual_size: Optional[int]
    footer: Optional[Footer]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok and self.virtual_size is not None:  # a report that is ok has read the footer's size
            return (
                f"{self.path}: ok: fixed VHD, {self.virtual_size} bytes ({human_size(self.virtual_size)}) "
                f"+ 512-byte footer, Azure will accept it"
            )
        return f"{self.path}: rejected: {len(self.problems)} problem{'s' if len(self.problems) > 1 else ''}"


def inspect(path: str | os.PathLike) -> VhdReport:
    """Read the first 4 KiB and the last 64 KiB of `path` and judge it."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        head = f.read(4096)  # seek + read, not os.pread: uploads start on Windows machines too
        f.seek(max(size - TAIL_SIZE, 0))
        tail = f.read(TAIL_SIZE)
    return judge(str(path), head, tail, size, taken=os.path.exists)


def judge(
    name: str, head: bytes, tail: bytes, size: int, taken: Callable[[str], bool] = lambda path: False
) -> VhdReport:
    """The pure part of `inspect`: a verdict from the file's first bytes, its last bytes (at least the
    last 512, up to TAIL_SIZE to recognise a padded file) and its size.

    `taken(path)` says whether a file exists: a hint's command never writes over one (`inspect` asks
    the file system; a blob's check, which shows no hints, need not).
    """
    fixed_name = _free_name(_fixed_name(name), taken)
    fixed_cmd, qemu_cmd = _convert_hint(name, fixed_name)

    def report(kind, message, rule, hint=None, footer=None, virtual=None):
        problem = Problem(name, 0, 0, "", message, rule, hint=hint)
        return VhdReport(name, kind, size, virtual, footer, (problem,))

    if head.startswith(b"vhdxfile"):
        return report("vhdx", "is a VHDX file; Azure accepts only fixed-size VHD", "vhd.vhdx", fixed_cmd("vhdx"))
    if head.startswith(b"QFI\xfb"):
        return report("qcow2", "is a QCOW2 image; Azure accepts only fixed-size VHD", "vhd.qcow2", qemu_cmd("qcow2"))
    if head.startswith(b"KDMV") or head.startswith(b"# Disk DescriptorFile"):
        return report("vmdk", "is a VMDK image; Azure accepts only fixed-size VHD", "vhd.vmdk", qemu_cmd("vmdk"))
    last = tail[-FOOTER_SIZE:] if size >= FOOTER_SIZE else b""
    if last[:8] != COOKIE:
        if head[:8] == COOKIE:
            return report(
                "unknown",
                "starts with a VHD footer but does not end with one: a VHD whose end was "
                "cut off (an interrupted copy?)",
                "vhd.truncated",
                "copy or export the disk again",
            )
        if size < FOOTER_SIZE:
            return report("unknown", f"is {size} bytes, too small to be a disk image", "vhd.too-small")
        # A raw image is whole sectors and has no footer near its end; a VHD cut short or padded (an
        # interrupted copy, a download tool's extra bytes) is neither, and converting it would bury
        # the damage: it needs copying again.
        misplaced = _misplaced_footer(tail)
        if misplaced is not None:
            return report("unknown", *misplaced, "copy or export the disk again")
        if size % SECTOR:
            return report(
                "raw",
                f"is {size} bytes, not a whole number of 512-byte sectors, and has no VHD footer at "
                "its end: a VHD cut short (an interrupted copy?) or a padded file",
                "vhd.cut",
                "copy or export the disk again",
            )
        table = (
            "a GPT partition table"
            if head[512:520] == b"EFI PART"
            else "an MBR partition table"
            if head[510:512] == b"\x55\xaa"
            else "no partition table"
        )
        return report(
            "raw",
            f"has no VHD footer: it looks like a raw disk image ({table} found)",
            "vhd.raw",
            f"write its fixed VHD form (rounded up to a multiple of 1 MiB, sparse) with: "
            f"gallery vhd convert {_q(name)} {_q(fixed_name)}",
        )
    footer = Footer.parse(last)
    kind = DISK_TYPES.get(footer.disk_type, "unknown")
    virtual = footer.current_size
    stored, computed = footer.checksum, checksum(last)
    if stored != computed:
        return report(
            kind,
            f"has a damaged VHD footer (checksum 0x{stored:08x}, expected 0x{computed:08x}): "
            "the file was changed after it was written",
            "vhd.checksum",
            "copy or export the disk again",
            footer,
            virtual,
        )
    if kind == "dynamic":
        return report(
            kind,
            "is a dynamic VHD; Azure accepts only fixed-size VHD",
            "vhd.dynamic",
            fixed_cmd("vpc"),
            footer,
            virtual,
        )
    if kind == "differencing":
        return report(
            kind,
            "is a differencing VHD, which holds only the changes to a parent disk; Azure needs "
            "one self-contained fixed-size VHD",
            "vhd.differencing",
            f"merge it with its parent into a fixed VHD on Windows: Convert-VHD -Path {_q(name)} "
            f"-DestinationPath {_q(fixed_name)} -VHDType Fixed",
            footer,
            virtual,
        )
    if kind == "unknown":
        return report(
            kind,
            f"has disk type {footer.disk_type} in its VHD footer, which is none of 2 (fixed), "
            "3 (dynamic) or 4 (differencing)",
            "vhd.disk-type",
            "copy or export the disk again",
            footer,
            virtual,
        )
    problems = []
    if virtual != size - FOOTER_SIZE:
        problems.append(
            Problem(
                name,
                0,
                0,
                "",
                f"its footer says the disk is {virtual} bytes, but the file holds "
                f"{size - FOOTER_SIZE} bytes before the footer",
                "vhd.size-mismatch",
                hint="the file was cut short or padded after it was written: copy or export it again",
            )
        )
    if virtual == 0:
        problems.append(Problem(name, 0, 0, "", "is an empty disk (virtual size 0)", "vhd.empty"))
    elif virtual % MIB:
        rounded = -(-virtual // MIB) * MIB
        # qemu-img without force_size=on rounds the size down to a CHS geometry: the classic cause.
        cause = (
            "qemu-img wrote it without -o force_size=on: convert the original again with that option, or "
            if footer.creator_app == b"qemu"
            else ""
        )
        raw = _q(_free_name(str(Path(name).with_suffix(".raw")), taken))
        problems.append(
            Problem(
                name,
                0,
                0,
                "",
                f"has a virtual size of {virtual} bytes, not a multiple of 1 MiB",
                "vhd.alignment",
                hint=f"{cause}round it up to {rounded} bytes: Resize-VHD -Path {_q(name)} -SizeBytes {rounded} "
                f"on Windows, or qemu-img convert -f vpc -O raw {_q(name)} {raw} && "
                f"gallery vhd convert {raw} {_q(fixed_name)}",
            )
        )
    if virtual > MAX_VIRTUAL_SIZE:
        problems.append(
            Problem(
                name,
                0,
                0,
                "",
                f"has a virtual size of {virtual} bytes ({human_size(virtual)}); gallery images must be under 2 TiB",
                "vhd.too-large",
                hint="shrink the file systems and the disk below 2 TiB before the upload",
            )
        )
    return VhdReport(name, kind, size, virtual, footer, tuple(problems))


def _misplaced_footer(tail: bytes) -> Optional[tuple[str, str]]:
    """(message, rule) when a VHD footer sits in `tail` (the file's last bytes) but not at its end."""
    at = tail.rfind(COOKIE)
    while at >= 0:
        raw = tail[at : at + FOOTER_SIZE]
        if len(raw) < FOOTER_SIZE:  # the file ends inside it: a cut footer has no checksum to trust
            if FORMAT_VERSION.startswith(raw[12:16]):  # what is left of it reads like a footer
                return (
                    f"ends {len(raw)} bytes into its VHD footer: a VHD whose last {FOOTER_SIZE - len(raw)} "
                    "bytes were cut off (an interrupted copy?)",
                    "vhd.cut",
                )
        elif Footer.parse(raw).checksum == checksum(raw):
            after = len(tail) - at - FOOTER_SIZE
            return (
                f"has its VHD footer {after} bytes before its end: {after} bytes were added after the disk's "
                "footer (a padded copy?)",
                "vhd.padded",
            )
        at = tail.rfind(COOKIE, 0, at)
    return None


def write_fixed(src: str | os.PathLike, dst: str | os.PathLike) -> int:
    """Write the fixed-VHD form of the raw image `src` to the new file `dst`; return its virtual size.

    The size is rounded up to 1 MiB, and zero chunks are skipped (seeked over), so a sparse image
    stays sparse. `dst` must not exist: it is never overwritten (FileExistsError). The VHD is written beside
    it under a temporary name and takes its name once whole (gallery.files.new_file): whatever stops the
    conversion, no half-written VHD is ever left under `dst`, where `vhd check` would take it for a raw disk.
    """
    size = os.stat(src).st_size
    virtual = max(-(-size // MIB) * MIB, MIB)
    if virtual > MAX_VIRTUAL_SIZE:
        raise ValueError(f"{src} is {human_size(size)}; gallery images must be under 2 TiB")
    if Path(dst).exists():
        raise FileExistsError(errno.EEXIST, "File exists", str(dst))
    with files.new_file(Path(dst)) as out:
        out.truncate(virtual)
        for piece in diskscan.scan(src):
            out.seek(piece.offset)
            out.write(piece.data)
        out.seek(virtual)
        out.write(make_footer(virtual))
    return virtual


def _convert_hint(name: str, fixed_name: str):
    src, dst = _q(name), _q(fixed_name)

    def hint(fmt: str) -> str:
        return (
            f"convert it: qemu-img convert -f {fmt} -O vpc -o subformat=fixed,force_size=on {src} {dst}"
            f" (on Windows: Convert-VHD -Path {src} -DestinationPath {dst} -VHDType Fixed)"
        )

    def hint_qemu_only(fmt: str) -> str:
        return f"convert it: qemu-img convert -f {fmt} -O vpc -o subformat=fixed,force_size=on {src} {dst}"

    return hint, hint_qemu_only


def _fixed_name(name: str) -> str:
    p = Path(name)
    return str(p.with_name(p.stem + "-fixed.vhd"))


def _free_name(name: str, taken: Callable[[str], bool]) -> str:
    """`name`, or the first of name-2, name-3, ... (before the extension) that is not `taken`."""
    p, n = Path(name), 2
    candidate = name
    while taken(candidate):
        candidate = str(p.with_name(f"{p.stem}-{n}{p.suffix}"))
        n += 1
    return candidate


def _q(s: str) -> str:
    return shlex.quote(s)


def human_size(n: int) -> str:
    for unit, size in (("TiB", TIB), ("GiB", GIB), ("MiB", MIB)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"

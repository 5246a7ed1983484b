"""The VHD check, the raw-to-fixed conversion and the disk scanner, cross-checked with qemu-img."""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gallery.vhd import diskscan, vhdfile as vhd
from gallery.cli import main

MIB = 1 << 20


@pytest.fixture
def qemu_img() -> str:
    path = shutil.which("qemu-img")
    if path is None:
        pytest.fail("qemu-img is missing: run ./dev test, which installs qemu-utils")
    return path


@pytest.fixture
def here(tmp_path, monkeypatch):
    """Run in a temporary directory, so that messages name files without a varying path."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def sparse_raw(path, size, writes=()) -> bytes:
    with open(path, "wb") as f:
        f.truncate(size)
        for offset, data in writes:
            f.seek(offset)
            f.write(data)
    return open(path, "rb").read()


def fixed_vhd(path, size, footer=None) -> None:
    sparse_raw(path, size, [(size // 2, b"hello")] if size else [])
    with open(path, "ab") as f:
        f.write(footer if footer is not None else vhd.make_footer(size))


def footer_with(size, **changes) -> bytes:
    """A footer with some fields changed and its checksum made right again."""
    raw = bytearray(vhd.make_footer(size))
    if "disk_type" in changes:
        raw[60:64] = struct.pack(">I", changes["disk_type"])
    if "current_size" in changes:
        raw[48:56] = struct.pack(">Q", changes["current_size"])
    raw[64:68] = struct.pack(">I", vhd.checksum(bytes(raw)))
    return bytes(raw)


def messages(name) -> list[str]:
    return [p.text() for p in vhd.inspect(name).problems]


# -- the footer -----------------------------------------------------------------------------------


def test_make_footer_writes_a_footer_that_parses_back():
    raw = vhd.make_footer(5 * MIB, unique_id=b"u" * 16)
    footer = vhd.Footer.parse(raw)
    assert (len(raw), footer.cookie, footer.disk_type, footer.current_size, footer.unique_id) == (
        512,
        b"conectix",
        2,
        5 * MIB,
        b"u" * 16,
    )
    assert footer.checksum == vhd.checksum(raw)
    assert footer.geometry == (65535, 16, 255)


def test_checksum_is_the_ones_complement_of_the_byte_sum_without_the_checksum_field():
    raw = bytes(range(256)) * 2
    assert vhd.checksum(raw) == ~(sum(raw) - sum(raw[64:68])) & 0xFFFFFFFF


# -- what is accepted -----------------------------------------------------------------------------


def test_a_fixed_vhd_is_accepted(here):
    fixed_vhd("disk.vhd", 4 * MIB)
    report = vhd.inspect("disk.vhd")
    assert (report.ok, report.kind, report.virtual_size) == (True, "fixed", 4 * MIB)
    assert (
        report.summary() == "disk.vhd: ok: fixed VHD, 4194304 bytes (4.0 MiB) + 512-byte footer, Azure will accept it"
    )


def test_the_size_limit_is_under_2_tib():
    top = 2 * vhd.TIB - MIB
    assert vhd.judge("big.vhd", b"", vhd.make_footer(top), top + 512).ok
    over = vhd.judge("big.vhd", b"", vhd.make_footer(2 * vhd.TIB), 2 * vhd.TIB + 512)
    assert [p.text() for p in over.problems] == [
        "big.vhd: error: has a virtual size of 2199023255552 bytes (2.0 TiB); gallery images must be under "
        "2 TiB; shrink the file systems and the disk below 2 TiB before the upload"
    ]


# -- every rejected kind, with its message --------------------------------------------------------

CONVERT = (
    "convert it: qemu-img convert -f {fmt} -O vpc -o subformat=fixed,force_size=on {src} {dst}"
    " (on Windows: Convert-VHD -Path {src} -DestinationPath {dst} -VHDType Fixed)"
)


def test_vhdx_is_rejected_with_the_conversion_command(here, qemu_img):
    sparse_raw("disk.raw", 4 * MIB)
    subprocess.run([qemu_img, "convert", "-f", "raw", "-O", "vhdx", "disk.raw", "disk.vhdx"], check=True)
    assert messages("disk.vhdx") == [
        "disk.vhdx: error: is a VHDX file; Azure accepts only fixed-size VHD; "
        + CONVERT.format(fmt="vhdx", src="disk.vhdx", dst="disk-fixed.vhd")
    ]


def test_dynamic_vhd_is_rejected_with_the_conversion_command(here, qemu_img):
    sparse_raw("disk.raw", 4 * MIB)
    subprocess.run(
        [qemu_img, "convert", "-f", "raw", "-O", "vpc", "-o", "subformat=dynamic", "disk.raw", "dyn.vhd"], check=True
    )
    assert vhd.inspect("dyn.vhd").kind == "dynamic"
    assert messages("dyn.vhd") == [
        "dyn.vhd: error: is a dynamic VHD; Azure accepts only fixed-size VHD; "
        + CONVERT.format(fmt="vpc", src="dyn.vhd", dst="dyn-fixed.vhd")
    ]


def test_differencing_vhd_is_rejected(here):
    fixed_vhd("child.vhd", 2 * MIB, footer_with(2 * MIB, disk_type=4))
    assert messages("child.vhd") == [
        "child.vhd: error: is a differencing VHD, which holds only the changes to a parent disk; Azure needs "
        "one self-contained fixed-size VHD; merge it with its parent into a fixed VHD on Windows: "
        "Convert-VHD -Path child.vhd -DestinationPath child-fixed.vhd -VHDType Fixed"
    ]


@pytest.mark.parametrize("fmt, kind", [("qcow2", "QCOW2"), ("vmdk", "VMDK")])
def test_other_formats_are_rejected_with_the_conversion_command(here, qemu_img, fmt, kind):
    sparse_raw("disk.raw", 4 * MIB)
    subprocess.run([qemu_img, "convert", "-f", "raw", "-O", fmt, "disk.raw", f"disk.{fmt}"], check=True)
    assert messages(f"disk.{fmt}") == [
        f"disk.{fmt}: error: is a {kind} image; Azure accepts only fixed-size VHD; convert it: qemu-img convert "
        f"-f {fmt} -O vpc -o subformat=fixed,force_size=on disk.{fmt} disk-fixed.vhd"
    ]


@pytest.mark.parametrize(
    "writes, table",
    [
        ((), "no partition table"),
        (((510, b"\x55\xaa"),), "an MBR partition table"),
        (((510, b"\x55\xaa"), (512, b"EFI PART")), "a GPT partition table"),
    ],
)
def test_raw_image_is_rejected_with_our_convert_command(here, writes, table):
    sparse_raw("disk.img", 3 * MIB, writes)
    assert messages("disk.img") == [
        f"disk.img: error: has no VHD footer: it looks like a raw disk image ({table} found); write its fixed "
        "VHD form (rounded up to a multiple of 1 MiB, sparse) with: gallery vhd convert disk.img "
        "disk-fixed.vhd"
    ]


def test_damaged_footer_is_rejected(here):
    footer = bytearray(vhd.make_footer(2 * MIB))
    footer[100] ^= 0xFF  # a reserved byte: only the checksum notices
    stored, computed = struct.unpack(">I", footer[64:68])[0], vhd.checksum(bytes(footer))
    fixed_vhd("disk.vhd", 2 * MIB, bytes(footer))
    assert messages("disk.vhd") == [
        f"disk.vhd: error: has a damaged VHD footer (checksum 0x{stored:08x}, expected 0x{computed:08x}): the "
        "file was changed after it was written; copy or export the disk again"
    ]


def test_unknown_disk_type_is_rejected(here):
    fixed_vhd("disk.vhd", 2 * MIB, footer_with(2 * MIB, disk_type=7))
    assert messages("disk.vhd") == [
        "disk.vhd: error: has disk type 7 in its VHD footer, which is none of 2 (fixed), 3 (dynamic) or "
        "4 (differencing); copy or export the disk again"
    ]


def test_size_mismatch_is_rejected(here):
    fixed_vhd("disk.vhd", 3 * MIB, vhd.make_footer(2 * MIB))
    assert messages("disk.vhd") == [
        "disk.vhd: error: its footer says the disk is 2097152 bytes, but the file holds 3145728 bytes before "
        "the footer; the file was cut short or padded after it was written: copy or export it again"
    ]


def test_unaligned_size_is_rejected_with_a_way_to_round_it_up(here):
    fixed_vhd("disk.vhd", 2 * MIB + 512)
    assert messages("disk.vhd") == [
        "disk.vhd: error: has a virtual size of 2097664 bytes, not a multiple of 1 MiB; round it up to 3145728 "
        "bytes: Resize-VHD -Path disk.vhd -SizeBytes 3145728 on Windows, or qemu-img convert -f vpc -O raw "
        "disk.vhd disk.raw && gallery vhd convert disk.raw disk-fixed.vhd"
    ]


def test_qemu_without_force_size_gets_its_cause_named(here, qemu_img):
    sparse_raw("disk.raw", 10 * MIB)
    subprocess.run(
        [qemu_img, "convert", "-f", "raw", "-O", "vpc", "-o", "subformat=fixed", "disk.raw", "chs.vhd"], check=True
    )
    assert messages("chs.vhd") == [
        "chs.vhd: error: has a virtual size of 10514432 bytes, not a multiple of 1 MiB; qemu-img wrote it "
        "without -o force_size=on: convert the original again with that option, or round it up to 11534336 "
        "bytes: Resize-VHD -Path chs.vhd -SizeBytes 11534336 on Windows, or qemu-img convert -f vpc -O raw "
        "chs.vhd chs.raw && gallery vhd convert chs.raw chs-fixed.vhd"
    ]


def test_empty_disk_is_rejected(here):
    fixed_vhd("disk.vhd", 0)
    assert messages("disk.vhd") == ["disk.vhd: error: is an empty disk (virtual size 0)"]


def test_truncated_dynamic_vhd_is_rejected(here):
    with open("cut.vhd", "wb") as f:
        f.write(vhd.make_footer(MIB) + bytes(MIB))
    assert messages("cut.vhd") == [
        "cut.vhd: error: starts with a VHD footer but does not end with one: a VHD whose end was cut off "
        "(an interrupted copy?); copy or export the disk again"
    ]


def test_tiny_file_is_rejected(here):
    open("tiny", "wb").write(b"abc")
    assert messages("tiny") == ["tiny: error: is 3 bytes, too small to be a disk image"]


# -- cross-checks with qemu-img -------------------------------------------------------------------


def test_we_accept_what_qemu_img_writes_with_force_size(here, qemu_img):
    sparse_raw("disk.raw", 6 * MIB)
    subprocess.run(
        [qemu_img, "convert", "-f", "raw", "-O", "vpc", "-o", "subformat=fixed,force_size=on", "disk.raw", "q.vhd"],
        check=True,
    )
    report = vhd.inspect("q.vhd")
    assert (report.ok, report.kind, report.virtual_size) == (True, "fixed", 6 * MIB)


def test_qemu_img_reads_our_fixed_vhd_as_the_same_disk(here, qemu_img):
    content = sparse_raw("disk.raw", 5 * MIB + 1000, [(MIB + 3, b"abc"), (5 * MIB + 900, b"end")])
    assert vhd.write_fixed("disk.raw", "disk.vhd") == 6 * MIB
    info = subprocess.run(
        [qemu_img, "info", "-f", "vpc", "--output=json", "disk.vhd"], check=True, capture_output=True, text=True
    ).stdout
    assert '"virtual-size": 6291456' in info
    subprocess.run([qemu_img, "convert", "-f", "vpc", "-O", "raw", "disk.vhd", "back.raw"], check=True)
    assert open("back.raw", "rb").read() == content + bytes(6 * MIB - len(content))
    assert vhd.inspect("disk.vhd").ok


def test_write_fixed_keeps_the_image_sparse_and_never_overwrites(here):
    sparse_raw("disk.raw", 64 * MIB, [(40 * MIB, b"x" * 5000)])
    vhd.write_fixed("disk.raw", "disk.vhd")
    assert os.stat("disk.vhd").st_size == 64 * MIB + 512
    assert os.stat("disk.vhd").st_blocks * 512 <= 1 * MIB
    with pytest.raises(FileExistsError):
        vhd.write_fixed("disk.raw", "disk.vhd")


# -- the CLI --------------------------------------------------------------------------------------


def test_vhd_check_exits_0_for_good_files_and_1_with_every_problem(here, capsys):
    fixed_vhd("good.vhd", MIB)
    sparse_raw("disk.raw", MIB)
    assert main(["vhd", "check", "good.vhd"]) == 0
    assert (
        capsys.readouterr().out == "good.vhd: ok: fixed VHD, 1048576 bytes (1.0 MiB) + 512-byte footer, "
        "Azure will accept it\n"
    )
    assert main(["vhd", "check", "good.vhd", "disk.raw", "missing.vhd"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert [line.split(";")[0] for line in err] == [
        "disk.raw: error: has no VHD footer: it looks like a raw disk image (no partition table found)",
        "missing.vhd: error: no such file",
    ]


def test_vhd_convert_writes_an_accepted_file_and_refuses_to_overwrite(here, capsys):
    sparse_raw("disk.raw", MIB + 1)
    assert main(["vhd", "convert", "disk.raw", "disk.vhd"]) == 0
    assert (
        capsys.readouterr().out == "disk.vhd: wrote a fixed VHD of 2097152 bytes (from 1048577 bytes of "
        "disk.raw) + 512-byte footer\n"
    )
    assert vhd.inspect("disk.vhd").ok
    assert main(["vhd", "convert", "disk.raw", "disk.vhd"]) == 1
    assert (
        capsys.readouterr().err == "disk.vhd: error: exists already; convert never overwrites a file; "
        "choose another name, or delete it first\n"
    )
    assert main(["vhd", "convert", "disk.vhd", "again.vhd"]) == 1
    assert capsys.readouterr().err == "disk.vhd: error: is already a fixed VHD that Azure accepts: nothing to convert\n"


def test_vhd_check_runs_as_a_module(here):
    fixed_vhd("good.vhd", MIB)
    done = subprocess.run(
        [sys.executable, "-m", "gallery", "vhd", "check", "good.vhd"],
        capture_output=True,
        text=True,
        cwd=here,
        env={**os.environ, "PYTHONPATH": str(_root())},
    )
    assert (done.returncode, done.stderr) == (0, "")


def _root():
    import pathlib

    return pathlib.Path(__file__).resolve().parents[2]


# -- the scanner ----------------------------------------------------------------------------------


def test_scan_yields_only_non_zero_blocks_and_hashes_every_byte(tmp_path):
    block = diskscan.BLOCK
    content = sparse_raw(
        tmp_path / "d", 9 * MIB + 1000, [(5, b"a"), (block * 2 + 7, b"b" * (block + 1)), (9 * MIB + 999, b"z")]
    )
    digest = hashlib.md5()
    seen = []
    pieces = list(diskscan.scan(tmp_path / "d", digest=digest, progress=seen.append))
    assert [(p.offset, len(p.data)) for p in pieces] == [(0, block), (2 * block, 2 * block), (9 * MIB, 1000)]
    assert all(p.data == content[p.offset : p.end] for p in pieces)
    assert digest.digest() == hashlib.md5(content).digest()
    assert sum(seen) == len(content)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 63), st.integers(1, 9000), st.sampled_from([b"\x01", b"\x00\x07"])), max_size=8),
    st.integers(1, 64),
)
def test_runs_cover_exactly_the_non_zero_blocks(writes, blocks):
    size = blocks * diskscan.BLOCK - (512 if blocks > 1 else 0)
    chunk = bytearray(size)
    for block, length, pattern in writes:
        start = min(block * diskscan.BLOCK + length % 777, size)
        chunk[start : start + length] = (pattern * length)[: max(0, min(length, size - start))]
    chunk = bytes(chunk)
    pieces = list(diskscan._runs(1 << 30, chunk))
    rebuilt = bytearray(size)
    for p in pieces:
        assert p.offset % 512 == 0 and len(p.data) % 512 == 0
        rebuilt[p.offset - (1 << 30) : p.end - (1 << 30)] = p.data
    assert bytes(rebuilt) == chunk
    zero = bytes(diskscan.BLOCK)
    for p in pieces:  # minimal: no aligned all-zero block is sent
        inner = p.data[(-(p.offset % diskscan.BLOCK)) % diskscan.BLOCK :]
        assert all(
            inner[i : i + diskscan.BLOCK] != zero for i in range(0, len(inner) - diskscan.BLOCK + 1, diskscan.BLOCK)
        )


def test_merge_and_covered():
    ranges = diskscan.merge([(10, 20), (0, 5), (5, 8), (15, 30)])
    assert ranges == [(0, 8), (10, 30)]
    assert (
        diskscan.covered(0, 8, ranges),
        diskscan.covered(11, 30, ranges),
        diskscan.covered(7, 11, ranges),
        diskscan.covered(30, 31, ranges),
    ) == (True, True, False, False)


# -- cut short or padded: never called raw --------------------------------------------------------

COPY_AGAIN = "copy or export the disk again"


def test_a_vhd_cut_short_is_not_called_raw(here):
    fixed_vhd("disk.vhd", 4 * MIB)
    with open("disk.vhd", "rb") as src, open("cut.vhd", "wb") as dst:
        dst.write(src.read(4 * MIB - 456))  # like `head -c`: the footer and the disk's last bytes are gone
    assert messages("cut.vhd") == [
        "cut.vhd: error: is 4193848 bytes, not a whole number of 512-byte sectors, and has no VHD footer at its "
        "end: a VHD cut short (an interrupted copy?) or a padded file; " + COPY_AGAIN
    ]


def test_a_vhd_cut_inside_its_footer_is_named(here):
    fixed_vhd("disk.vhd", 4 * MIB)
    os.truncate("disk.vhd", 4 * MIB + 300)
    assert messages("disk.vhd") == [
        "disk.vhd: error: ends 300 bytes into its VHD footer: a VHD whose last 212 bytes were cut off (an "
        "interrupted copy?); " + COPY_AGAIN
    ]


@pytest.mark.parametrize("extra", [100, 512, 4096])
def test_a_padded_vhd_is_not_called_raw(here, extra):
    fixed_vhd("disk.vhd", 4 * MIB)
    with open("disk.vhd", "ab") as f:
        f.write(b"\0" * extra)
    assert messages("disk.vhd") == [
        f"disk.vhd: error: has its VHD footer {extra} bytes before its end: {extra} bytes were added after the "
        "disk's footer (a padded copy?); " + COPY_AGAIN
    ]


def test_vhd_check_of_a_cut_vhd_does_not_suggest_convert(here, capsys):
    fixed_vhd("disk.vhd", 4 * MIB)
    os.truncate("disk.vhd", 4 * MIB - 456)
    assert main(["vhd", "check", "disk.vhd"]) == 1
    assert capsys.readouterr().err == (
        "disk.vhd: error: is 4193848 bytes, not a whole number of 512-byte sectors, and has no VHD footer at its "
        "end: a VHD cut short (an interrupted copy?) or a padded file; copy or export the disk again\n"
    )


# -- hints never write over a file ----------------------------------------------------------------


def test_a_hint_names_a_free_output_file(here, qemu_img):
    sparse_raw("disk.raw", 4 * MIB)
    subprocess.run([qemu_img, "convert", "-f", "raw", "-O", "qcow2", "disk.raw", "os.qcow2"], check=True)
    for taken in ("os-fixed.vhd", "os-fixed-2.vhd"):
        open(taken, "wb").close()
    assert messages("os.qcow2") == [
        "os.qcow2: error: is a QCOW2 image; Azure accepts only fixed-size VHD; convert it: qemu-img convert -f qcow2 "
        "-O vpc -o subformat=fixed,force_size=on os.qcow2 os-fixed-3.vhd"
    ]


def test_the_alignment_hint_names_free_intermediate_and_output_files(here):
    fixed_vhd("os.vhd", 2 * MIB + 512)
    for taken in ("os-fixed.vhd", "os.raw"):
        open(taken, "wb").close()
    assert messages("os.vhd") == [
        "os.vhd: error: has a virtual size of 2097664 bytes, not a multiple of 1 MiB; round it up to 3145728 "
        "bytes: Resize-VHD -Path os.vhd -SizeBytes 3145728 on Windows, or qemu-img convert -f vpc -O raw "
        "os.vhd os-2.raw && gallery vhd convert os-2.raw os-fixed-2.vhd"
    ]

"""Read a disk image as the runs of non-zero data it holds, hashing every byte on the way.

A captured OS disk is mostly zeros. Azure page blobs read unwritten pages as zeros, so an upload
only needs the non-zero runs, and a conversion only needs to write them. Holes of a sparse file are
found with SEEK_DATA/SEEK_HOLE and never read; data chunks are compared with a zero buffer (a
memcmp, ~30 GiB/s), never byte by byte in Python.
"""

from __future__ import annotations

import bisect
import errno
import os
from dataclasses import dataclass
from typing import Callable, Iterator, Optional

CHUNK = 4 << 20  # a put-page call takes at most 4 MiB
# Zeros are skipped at this granularity inside a chunk: the block size of common file systems (ext4,
# NTFS, XFS), so a file's data is sent without the free blocks around it; a multiple of the 512-byte page.
BLOCK = 4 << 10
_ZERO_CHUNK = bytes(CHUNK)
_ZERO_BLOCK = bytes(BLOCK)


@dataclass(frozen=True)
class Piece:
    """A run of non-zero 4 KiB blocks inside one 4 MiB chunk (the disk's last block may be shorter)."""

    offset: int
    data: bytes

    @property
    def end(self) -> int:
        return self.offset + len(self.data)


def data_extents(fd: int, size: int) -> list[tuple[int, int]]:
    """[start, end) ranges that may hold data; holes between them read as zeros."""
    extents, pos = [], 0
    try:
        while pos < size:
            start = os.lseek(fd, pos, os.SEEK_DATA)
            end = min(os.lseek(fd, start, os.SEEK_HOLE), size)
            extents.append((start, end))
            pos = end
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # no data after pos
            return extents
        return [(0, size)]  # the file system cannot tell: read everything
    except AttributeError:  # a platform without SEEK_DATA
        return [(0, size)]
    return extents


def scan(
    path: str | os.PathLike, size: Optional[int] = None, digest=None, progress: Optional[Callable[[int], None]] = None
) -> Iterator[Piece]:
    """Yield the non-zero pieces of the first `size` bytes of `path` (default: all), in order.

    `digest` (e.g. hashlib.md5()) is fed every byte of the disk, zeros included; `progress` is
    called with the number of bytes dealt with, chunk by chunk.
    """
    with open(path, "rb") as f:
        fd = f.fileno()
        size = os.fstat(fd).st_size if size is None else size
        extents = data_extents(fd, size)
        i = 0
        for offset in range(0, size, CHUNK):
            end = min(offset + CHUNK, size)
            while i < len(extents) and extents[i][1] <= offset:
                i += 1
            if i == len(extents) or extents[i][0] >= end:  # the whole chunk is a hole
                if digest is not None:
                    digest.update(_ZERO_CHUNK if end - offset == CHUNK else bytes(end - offset))
            else:
                f.seek(offset)
                chunk = f.read(end - offset)
                if len(chunk) != end - offset:
                    raise OSError(f"{path} shrank while it was read")
                if digest is not None:
                    digest.update(chunk)
                if chunk != _ZERO_CHUNK:
                    yield from _runs(offset, chunk)
            if progress is not None:
                progress(end - offset)


def _runs(offset: int, chunk: bytes) -> Iterator[Piece]:
    """The runs of `chunk` between its all-zero aligned 4 KiB blocks.

    `bytes.find` of a zero block is a C search that skips ahead on non-zero data, so dense chunks
    cost almost nothing; only the zero runs found are walked block by block.
    """
    size, pos, start = len(chunk), 0, 0
    while True:
        i = chunk.find(_ZERO_BLOCK, pos)
        if i < 0:
            break
        a = -(-i // BLOCK) * BLOCK  # the first aligned block that can be all zeros
        if a + BLOCK > size:
            break
        if chunk[a : a + BLOCK] != _ZERO_BLOCK:  # the zero run at i ends before the next block does
            pos = a
            continue
        e = a + BLOCK
        while e + BLOCK <= size and chunk[e : e + BLOCK] == _ZERO_BLOCK:
            e += BLOCK
        if a > start:
            yield Piece(offset + start, chunk[start:a])
        start = pos = e
    if start < size and chunk[start:] != bytes(size - start):
        yield Piece(offset + start, chunk[start:])


def merge(ranges) -> list[tuple[int, int]]:
    """Sorted [start, end) ranges with overlapping and touching ones joined."""
    out: list[list[int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def covered(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    """Whether [start, end) lies inside one of the merged `ranges`."""
    i = bisect.bisect_right(ranges, (start, float("inf"))) - 1
    return i >= 0 and ranges[i][0] <= start and end <= ranges[i][1]

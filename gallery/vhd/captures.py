"""What a container holds of an image's captures: the blobs of a day, by the catalog's naming.

A version's disks share their capture date and -ZZ sequence, so a data disk is uploaded under the
sequence of the newest OS disk captured that day, and a version added after an upload takes the data
disks already there for its date and sequence.
"""

from __future__ import annotations

import datetime as dt

from azure.storage.blob import ContainerClient

from gallery.catalog import naming, schema


def newest_os_sequence(container: ContainerClient, image: str, captured: dt.date) -> int:
    """The highest sequence of an OS disk captured that day (0 when there is none, or only the first)."""
    seq = 0
    while seq < naming.MAX_SEQUENCE and has_blob(container, naming.os_blob_name(image, captured, seq + 1)):
        seq += 1
    return seq


def data_disks(container: ContainerClient, image: str, captured: dt.date, sequence: int) -> list[int]:
    """The LUNs whose data disk blob of this capture (date and sequence) is in the container."""
    return list(data_disk_sizes(container, image, captured, sequence))


def data_disk_sizes(container: ContainerClient, image: str, captured: dt.date, sequence: int) -> dict[int, int]:
    """{LUN: bytes of its page blob} of this capture's data disks in the container, by LUN (one listing)."""
    sizes = {b.name: b.size for b in container.list_blobs(name_starts_with=f"{image}-datadisk-")}
    bounds = schema.schema()["$defs"]["dataDisk"]["properties"]["lun"]  # every LUN the catalog allows
    return {
        lun: sizes[name]
        for lun in range(bounds["minimum"], bounds["maximum"] + 1)
        if (name := naming.data_disk_blob_name(image, lun, captured, sequence)) in sizes
    }


def has_blob(container: ContainerClient, name: str) -> bool:
    return container.get_blob_client(name).exists()

"""What a container holds of a day's captures, by the catalog's blob names (against Azurite)."""

from __future__ import annotations

import datetime as dt

from gallery.catalog import naming
from gallery.vhd import captures

DAY = dt.date(2026, 11, 21)


def test_a_days_captures_are_found_by_their_names(container):
    for name in (
        naming.os_blob_name("img", DAY, 0),
        naming.os_blob_name("img", DAY, 1),
        naming.os_blob_name("img", DAY, 3),
        naming.data_disk_blob_name("img", 2, DAY, 1),
        naming.data_disk_blob_name("img", 5, DAY, 0),
        naming.data_disk_blob_name("img", 63, DAY, 1),
    ):
        container.get_blob_client(name).create_page_blob(512)
    assert (
        captures.newest_os_sequence(container, "img", DAY) == 1
    )  # uploads take sequences in order: the first gap (-02) ends them
    assert captures.newest_os_sequence(container, "img", DAY + dt.timedelta(days=1)) == 0
    assert captures.data_disks(container, "img", DAY, 1) == [2, 63]
    assert captures.has_blob(container, naming.os_blob_name("img", DAY, 3))

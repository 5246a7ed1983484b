"""An upload's outcome as text: what was sent where, and the lines that put the blob into images.yaml."""

from __future__ import annotations

from gallery.catalog import naming
from gallery.catalog.model import VhdSource
from gallery.vhd.run import Uploaded
from gallery.vhd.upload import b64
from gallery.vhd.vhdfile import human_size


def notes(done: Uploaded) -> str:
    """The names the upload passed over, and why (a line each)."""
    return "\n".join(f"note: passed over {note}" for note in done.result.skipped)


def outcome(done: Uploaded) -> str:
    r, where = done.result, done.where
    if r.outcome == "already-uploaded":
        return f"already uploaded: {where}/{r.blob} holds this disk (same MD5 {b64(r.md5)}); nothing sent"
    verb = {
        "resumed": "resumed and finished",
        "restarted": "started over (the file had changed since the unfinished upload) and uploaded",
    }.get(r.outcome, "uploaded")
    return (
        f"{verb} {where}/{r.blob}: {human_size(r.sent_bytes)} sent ({human_size(r.data_bytes)} of non-zero "
        f"data in a {human_size(r.size)} file) in {r.seconds:.1f} s; page blob verified, "
        f"Content-MD5 {b64(r.md5)}"
    )


def catalog_lines(done: Uploaded) -> str:
    """Where the blob goes in the catalog: the version that references it already, or the lines to add."""
    catalog, image, captured, r, lun = done.catalog, done.image, done.captured, done.result, done.data_disk
    for version in image.versions:
        if isinstance(version.source, VhdSource) and r.blob in version.source.blobs:
            return f"{catalog.source_file} already references it: {version.path} (version {version.name})"
    seq = f"\n            sequence: {r.sequence}" if r.sequence else ""
    if lun is not None:
        lines = (
            f"Add the data disk to the version whose source has captured: {captured}"
            + (f", sequence: {r.sequence}" if r.sequence else "")
            + f", under source.vhd:\n"
            f"            dataDisks:\n              - {{lun: {lun}, caching: None}}"
        )
        if not done.os_blob_there:
            lines += (
                f"\nwarning: {naming.os_blob_name(image.name, captured, r.sequence)} is not uploaded yet: "
                "the OS disk of that version must have the same date and sequence"
            )
        return lines
    top = max((v.version for v in image.versions), default=None)
    suggestion = f"{top.major}.{top.minor + 1}.0" if top else "1.0.0"
    # What `gallery version add` would write: a staged version when the image's lifecycle stages new ones.
    staged = (
        "\n        excludeFromLatest: true   # staged (lifecycle.stageNewVersions): `gallery promote` makes it latest"
        if image.lifecycle.stage_new_versions
        else ""
    )
    return (
        f"Add the new version to {catalog.source_file}, under images: name: {image.name}, versions:\n"
        f"      - version: {suggestion}" + (f"   # any Major.Minor.Patch above {top}" if top else "") + "\n"
        f"        source:\n          vhd:\n            captured: {captured}{seq}\n"
        f"            osDiskCaching: ReadWrite{staged}"
    )

"""`gallery version add IMAGE VERSION SOURCE...`: a new version in images.yaml, edited in place."""

from __future__ import annotations

import argparse
from typing import Optional

from gallery.cli.arguments import add_build_options, add_catalog_option, data_disk, iso_date
from gallery.cli.arm_options import add_arm_options, arm_target, subscription
from gallery.cli.output import Reporter
from gallery.errors import Exit


def add_source_arguments(p: argparse.ArgumentParser, required: bool = True) -> None:
    title = "source (exactly one)" if required else "source (at most one; default: as the catalog's history has it)"
    source = p.add_argument_group(title).add_mutually_exclusive_group(required=required)
    source.add_argument(
        "--vhd-captured",
        type=iso_date,
        metavar="DATE",
        help="VHDs named by the convention, captured on DATE (YYYY-MM-DD)",
    )
    source.add_argument("--managed-image", metavar="ID", help="a managed image id")
    source.add_argument("--snapshot", metavar="ID", help="a snapshot id (the OS disk)")
    source.add_argument("--virtual-machine", metavar="ID", help="a virtual machine id")
    source.add_argument("--gallery-image-version", metavar="ID", help="another gallery image version id")
    p.add_argument("--sequence", type=int, default=0, help="with --vhd-captured: the -ZZ suffix (default 0: none)")
    p.add_argument(
        "--data-disk",
        type=data_disk,
        action="append",
        default=[],
        metavar="LUN[:CACHING]",
        help="with --vhd-captured: a data disk (repeat for each)",
    )


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "version", help="add a version to images.yaml, or restore a soft-deleted one (edited in place, comments kept)"
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="add a version to an image",
        description="Append a version to an image of the catalog, keeping comments, key order and style. The "
        "result is validated before the file is replaced; nothing is written when it is not valid. "
        "With the image's lifecycle policy stageNewVersions, the version starts staged "
        "(excludeFromLatest: true) until `gallery promote`.",
    )
    add.add_argument("image", metavar="IMAGE")
    add.add_argument("version", metavar="VERSION", help="Major.Minor.Patch")
    add_catalog_option(add)
    add_source_arguments(add)
    staged = add.add_mutually_exclusive_group()
    staged.add_argument(
        "--staged",
        dest="staged",
        action="store_true",
        default=None,
        help="start staged (excludeFromLatest: true), whatever the policy says",
    )
    staged.add_argument(
        "--not-staged",
        dest="staged",
        action="store_false",
        help="eligible for latest at once, whatever the policy says",
    )
    add.add_argument("--end-of-life", type=iso_date, metavar="DATE", help="the version's endOfLife")
    add_build_options(add)
    add.set_defaults(func=run_add)
    restore = actions.add_parser(
        "restore",
        help="bring a soft-deleted version back (restore: true in images.yaml)",
        description="Add a version the gallery's soft delete keeps back to the catalog, with restore: true, as the "
        "newest commit of the catalog that has it declared it (or with the source given); the next "
        "deployment restores it (GalleryImageVersion_Update_RestoreSoftDeleted). Azure is asked first "
        "whether it keeps the version. Exit 0 written, 1 nothing to restore or wrong input.",
    )
    restore.add_argument("image", metavar="IMAGE")
    restore.add_argument("version", metavar="VERSION", help="Major.Minor.Patch")
    add_catalog_option(restore)
    add_source_arguments(restore, required=False)
    restore.add_argument(
        "--end-of-life",
        type=iso_date,
        metavar="DATE",
        help="its new endOfLife (default: the old one, dropped when it has passed)",
    )
    restore.add_argument(
        "--offline", action="store_true", help="do not ask Azure whether it keeps the version (said in the output)"
    )
    add_arm_options(restore)
    restore.set_defaults(func=run_restore)


def source_from(args: argparse.Namespace) -> Optional[dict]:
    """The catalog's `source` mapping from the options; None when they do not fit together (or give none)."""
    from gallery.lifecycle.versions import vhd_source

    if args.vhd_captured:
        return vhd_source(args.vhd_captured, args.sequence, args.data_disk)
    if args.sequence or args.data_disk:
        return None
    for option, key in (
        ("managed_image", "managedImage"),
        ("snapshot", "snapshot"),
        ("virtual_machine", "virtualMachine"),
        ("gallery_image_version", "galleryImageVersion"),
    ):
        if getattr(args, option):
            return {key: getattr(args, option)}
    return None


def run_restore(args: argparse.Namespace, out: Reporter) -> Exit:
    from gallery.catalog.loader import load_catalog
    from gallery.lifecycle.restore import restore_version, soft_deleted_version

    given = any(
        getattr(args, o)
        for o in ("vhd_captured", "managed_image", "snapshot", "virtual_machine", "gallery_image_version")
    )
    source = source_from(args)
    if (args.sequence or args.data_disk) and not args.vhd_captured:
        out.error("--sequence and --data-disk go with --vhd-captured")
        return Exit.USER
    deleted = None
    if not args.offline:
        from gallery.azure.client import compute_client

        catalog = load_catalog(args.catalog, args.stack, cloud=args.cloud)
        sub = subscription(args)
        deleted = soft_deleted_version(compute_client(arm_target(args), sub), catalog, args.image, args.version)
    lines = restore_version(
        args.catalog,
        args.stack,
        args.image,
        args.version,
        deleted=deleted,
        source=source if given else None,
        end_of_life=args.end_of_life,
        cloud=args.cloud,
    )
    out.result("\n".join(lines))
    return Exit.OK


def run_add(args: argparse.Namespace, out: Reporter) -> Exit:
    from gallery.lifecycle.provenance import ci_build, source_tags
    from gallery.lifecycle.versions import NewVersion, add_version

    source = source_from(args)
    if source is None:
        out.error("--sequence and --data-disk go with --vhd-captured")
        return Exit.USER
    tags = source_tags(source, ci_build(build_id=args.build_id, commit=args.commit))
    _, lines = add_version(
        args.catalog, args.stack, NewVersion(args.image, args.version, source, args.staged, args.end_of_life, tags)
    )
    out.result("\n".join(lines))
    return Exit.OK

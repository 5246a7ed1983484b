"""`gallery discover --subscription S --resource-group RG --gallery NAME [...]`: adopt an existing gallery.

Reads the gallery from Azure and writes the catalog (images.yaml) and the Pulumi import file (import.json),
both or neither. Exit 0 done; 1 nothing written (the gallery cannot be read, no credential, a file exists
without --force, or what was read does not make a valid catalog); 2 (Exit.ATTENTION) written, but Azure
refused to let some part be read (each refusal is reported, and commented in the catalog).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from gallery.catalog.loader import DEFAULT_STACK, stack_cloud
from gallery.cli.arguments import add_workers
from gallery.cli.arm_options import add_arm_options, arm_target, subscription
from gallery.cli.output import Reporter
from gallery.discover import DEFAULT_WORKERS
from gallery.errors import Exit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "discover",
        help="adopt an existing gallery: write images.yaml and a pulumi import file",
        description="Read a gallery from Azure (sharing, definitions, versions, and the storage "
        "account and its containers) and write the catalog that declares it, with "
        "comments on what the catalog cannot hold, and the file for `pulumi import "
        "--file`. Exit 0 done, 1 nothing written, 2 written but Azure refused to let "
        "some part be read.",
    )
    p.add_argument("--resource-group", required=True, help="the gallery's resource group")
    p.add_argument("--gallery", required=True, help="the gallery's name")
    p.add_argument(
        "--storage-account",
        default=None,
        help="the storage account VHDs are uploaded to (default: the one the VHD sources use)",
    )
    p.add_argument(
        "--stack",
        default=DEFAULT_STACK,
        help=f"the stack whose name the resource names carry, written as {{stack}} (default: {DEFAULT_STACK})",
    )
    p.add_argument("--output", default="images.yaml", help="the catalog to write (default: images.yaml)")
    p.add_argument("--import-file", default="import.json", help="the import file to write (default: import.json)")
    p.add_argument("--force", action="store_true", help="replace the output files if they exist")
    p.add_argument(
        "--check-blobs",
        action="store_true",
        help="also confirm that every VHD blob a version uses exists and is a whole fixed VHD (needs "
        "access to the storage account: AZURE_STORAGE_CONNECTION_STRING or your Azure login); a "
        "missing or broken blob is a broken: note, an account that cannot be read a refused: note",
    )
    p.add_argument(
        "--shards-by",
        choices=["family"],
        default=None,
        help="write a sharded catalog: one shard (a stack of its own) per family, and an import file for "
        "each shard's stack (IMPORT_FILE with -<shard> before its suffix)",
    )
    add_workers(p, DEFAULT_WORKERS, "reads in flight at a time")
    add_arm_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: Reporter) -> Exit:
    # Loaded here, not at start-up: the import file names resources with the Pulumi components' own functions.
    from gallery.discover.run import discover
    from gallery.files import write_all

    # The stack's config (Pulumi.<stack>.yaml beside the catalog to be) may name the cloud and subscription.
    args.catalog = args.output
    target, args.subscription = arm_target(args), subscription(args)
    catalog_path, import_path = Path(args.output), Path(args.import_file)
    existing = [str(p) for p in (catalog_path, import_path) if p.exists()]
    if args.shards_by:  # the shards are known once Azure is read: their import files are checked again then
        existing += [str(p) for p in import_path.parent.glob(f"{import_path.stem}-*{import_path.suffix}")]
    if existing and not args.force:
        out.error(
            f"{' and '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; pass --force to "
            "replace, or choose --output / --import-file"
        )
        return Exit.USER
    # An ArmError (no gallery, no credential, refused) propagates to gallery.cli: message, exit 1, no file.
    # The regions the catalog may name are the cloud's it is read from (a local endpoint: as --cloud or the stack say).
    cloud = target.cloud if not target.local else (args.cloud or stack_cloud(args.output, args.stack))
    result = discover(
        target,
        args.subscription,
        args.resource_group,
        args.gallery,
        storage_account=args.storage_account,
        stack=args.stack,
        file=str(catalog_path),
        workers=args.workers,
        cloud=cloud,
        check_blobs=args.check_blobs,
        shards_by=args.shards_by,
    )
    if result.catalog is None:
        out.problems(result.problems)
        out.error(
            f"what gallery {args.gallery} holds does not make a valid catalog (the problems above are in "
            f"the text discover would write as {catalog_path}); nothing was written. Please report it, with "
            "the problems, if the gallery is one Azure accepts"
        )
        return Exit.USER
    shard_paths = {shard: shard_import_path(import_path, shard) for shard in result.shard_imports}
    write_all(
        {
            catalog_path: result.text,
            import_path: json.dumps(result.imports, indent=2) + "\n",
            **{shard_paths[s]: json.dumps(doc, indent=2) + "\n" for s, doc in result.shard_imports.items()},
        }
    )
    out.problems(result.located(str(catalog_path)))
    out.result(summary(result, catalog_path, import_path, args))
    if shard_paths:
        out.result(shard_steps(result, shard_paths, args))
    return Exit.ATTENTION if result.refused else Exit.OK


def summary(result, catalog_path: Path, import_path: Path, args: argparse.Namespace) -> str:
    catalog = result.catalog
    versions = sum(len(i.versions) for i in catalog.images)
    kinds: dict[str, int] = {}
    for note in result.notes:
        kinds[note.kind] = kinds.get(note.kind, 0) + 1
    noted = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none"
    lines = [
        f"wrote {catalog_path}: {len(catalog.images)} image definitions, {versions} versions, stack "
        f"{catalog.stack} (notes: {noted})",
        f"wrote {import_path}: {len(result.imports['resources']) - 1} resources to import under the component gallery",
        "next: review the comments in the catalog, then",
        f"  gallery validate {catalog_path} --stack {catalog.stack}",
        f"  pulumi stack select {catalog.stack} && pulumi config set azure-native:subscriptionId {args.subscription}",
        f"  pulumi import --file {import_path} --generate-code=false",
        "  pulumi preview --diff    # must show no update or replacement of an imported resource",
    ]
    if result.found.refusals:
        lines.insert(
            2,
            f"incomplete: Azure refused {len(result.found.refusals)} read(s), listed above: the "
            "catalog leaves those parts out",
        )
    if result.blobs_refused:
        lines.insert(2, "incomplete: the VHD blobs could not be checked (see the refused: note above)")
    return "\n".join(lines)


def shard_import_path(import_path: Path, shard: str) -> Path:
    """import.json -> import-linux.json: the import file of the shard's stack."""
    return import_path.with_name(f"{import_path.stem}-{shard}{import_path.suffix}")


def shard_steps(result, paths: dict, args: argparse.Namespace) -> str:
    """Each shard's stack: its import file, and how to create and import it (after the main stack's)."""
    stack = result.catalog.stack
    lines = ["the shards' stacks, after the main stack's import (README: Shards):"]
    for shard, path in paths.items():
        count = len(result.shard_imports[shard]["resources"]) - 1
        lines += [
            f"  wrote {path}: {count} resources for the stack {stack}-{shard}",
            f"  pulumi stack init {stack}-{shard} && pulumi config set image-gallery:shard {shard} && "
            f"pulumi config set image-gallery:foundation {stack} && pulumi config set "
            f"azure-native:subscriptionId {args.subscription}",
            f"  pulumi import --file {path} --generate-code=false",
        ]
    return "\n".join(lines)

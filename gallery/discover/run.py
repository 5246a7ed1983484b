"""Discovery from end to end: read Azure, write the catalog text, validate it with the project's one loader,
and make the import file from the validated catalog. Nothing is written to disk here (see gallery.files.write_all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from gallery.azure.target import ArmTarget
from gallery.catalog.loader import load_catalog_text
from gallery.catalog.model import MAIN, Catalog, VhdSource
from gallery.catalog.yamlload import load_yaml
from gallery.discover.imports import import_file
from gallery.discover.notes import Note
from gallery.discover.read import DEFAULT_WORKERS, AzureGallery, read_gallery
from gallery.discover.translate import draft_catalog
from gallery.discover.write import render
from gallery.errors import CatalogError, Problem


@dataclass
class Discovery:
    found: AzureGallery
    text: str  # the catalog
    notes: list[Note]
    catalog: Optional[Catalog]  # the text, validated; None when it does not validate
    problems: list[Problem] = field(default_factory=list)  # why it does not validate
    imports: Optional[dict[str, Any]] = None  # the import file's document
    blobs_refused: bool = False  # --check-blobs could not read the storage account
    shard_imports: dict[str, dict[str, Any]] = field(default_factory=dict)  # {shard: its stack's import file}

    @property
    def refused(self) -> bool:
        return bool(self.found.refusals) or self.blobs_refused

    def located(self, file: str) -> list[Problem]:
        """The notes as warnings at their place in the written catalog."""
        doc = load_yaml(self.text, file)
        out = []
        for note in self.notes:
            at_key = bool(note.path) and isinstance(note.path[-1], str)
            line, column = doc.locate(note.path_text, at_key=at_key) if note.path else (0, 0)
            out.append(
                Problem(file, line, column, note.path_text, note.comment(), f"discover.{note.kind}", severity="warning")
            )
        return out


SHARDS_BY = ("family",)  # what `--shards-by` can split a discovered catalog by


def discover(
    target: ArmTarget,
    subscription: str,
    resource_group: str,
    gallery: str,
    *,
    storage_account: Optional[str] = None,
    stack: str = "dev",
    file: str = "images.yaml",
    workers: int = DEFAULT_WORKERS,
    cloud: Optional[str] = None,
    check_blobs: bool = False,
    shards_by: Optional[str] = None,
) -> Discovery:
    """Raises ArmError when the gallery cannot be read at all. `cloud`: whose regions the catalog may name;
    `check_blobs`: confirm each VHD source's blobs in the storage account; `shards_by`: family writes a sharded
    catalog, and an import file per stack."""
    found = read_gallery(
        target, subscription, resource_group, gallery, storage_account=storage_account, workers=workers
    )
    return describe(found, stack=stack, file=file, cloud=cloud, check_blobs=check_blobs, shards_by=shards_by)


def describe(
    found: AzureGallery,
    *,
    stack: str = "dev",
    file: str = "images.yaml",
    cloud: Optional[str] = None,
    check_blobs: bool = False,
    shards_by: Optional[str] = None,
) -> Discovery:
    """What was read, as a catalog and an import file (one per stack, with `shards_by`: family)."""
    draft = draft_catalog(found, stack)
    if shards_by == "family":
        draft.document["shards"] = shards_by_family(draft.document)
    header = (
        f"Discovered by `gallery discover` from gallery {found.name} in resource group {found.resource_group}"
        f" (subscription {found.subscription}), for the stack {stack}. Comments starting with left-out:, "
        "changes:, broken: or refused: say what the catalog does not hold as Azure has it; review them "
        "before `pulumi import --file` (README: Adopting an existing gallery)."
    )
    text = render(draft.document, draft.notes, header)
    try:
        catalog = load_catalog_text(text, file, stack, cloud=cloud)
    except CatalogError as exc:
        return Discovery(found, text, draft.notes, None, exc.errors)
    refused = False
    if check_blobs:
        blob_notes, refused = blob_check(catalog)
        if blob_notes:
            draft.notes.extend(blob_notes)
            text = render(draft.document, draft.notes, header)
            catalog = load_catalog_text(text, file, stack, cloud=cloud)
    containers = {c["name"] for c in found.containers} if found.containers is not None else None

    def imports(owner: str) -> dict[str, Any]:
        return import_file(
            catalog,
            found.subscription,
            account_exists=found.account is not None,
            containers=containers,
            assignments=draft.assignment_ids,
            owner=owner,
        )

    return Discovery(
        found,
        text,
        draft.notes,
        catalog,
        [],
        imports(MAIN),
        blobs_refused=refused,
        shard_imports={s.name: imports(s.name) for s in catalog.shards},
    )


def blob_check(catalog: Catalog) -> tuple[list[Note], bool]:
    """`--check-blobs`: each VHD source's blobs exist and are whole fixed VHDs, or a `broken:` note at the version;
    when the storage account cannot be read, a `refused:` note (and True)."""
    from gallery.vhd import blobstore  # the storage SDK loads only when blobs are checked

    if not any(isinstance(v.source, VhdSource) for i in catalog.images for v in i.versions):
        return [], False
    try:
        service, how = blobstore.service_client(catalog.storage.account)
        problems = blobstore.check_catalog_blobs(catalog, service)
    except CatalogError as exc:  # a malformed connection string
        return [Note(("storage",), "refused", f"the VHD blobs could not be checked: {exc}")], True
    except Exception as exc:  # noqa: BLE001 - only what `explain` recognises is the user's to fix
        reason = blobstore.explain(exc, connection_string=how.endswith(blobstore.CONNECTION_STRING))
        if reason is None:
            raise
        return [Note(("storage",), "refused", f"the VHD blobs could not be checked ({how}): {reason}")], True
    notes = []
    for p in problems:
        m = re.match(r"^images\[(\d+)\]\.versions\[(\d+)\]", p.path)
        notes.append(Note(("images", int(m[1]), "versions", int(m[2])) if m else (), "broken", p.message))
    return notes, False


def shards_by_family(document: dict) -> list[dict]:
    """One shard per family of the discovered definitions, named after it (a family is a valid shard name but
    for its length), in alphabetical order."""
    families = sorted({img.get("family", img["osType"].lower()) for img in document["images"]})
    return [{"name": family[:40].rstrip("-"), "families": [family]} for family in families]

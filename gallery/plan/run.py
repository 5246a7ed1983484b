"""The offline plan: run the real Pulumi program (`__main__.py`) under the mock engine, list what it declares.

`run_plan` records every resource registration the engine would receive from `pulumi up` (type,
logical name, parent, inputs as the provider gets them, dependencies and options). Nothing reaches
Azure; the stack's config comes from `Pulumi.<stack>.yaml` when it exists.
"""
from __future__ import annotations

import json
import os
import runpy
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml

from gallery.catalog.loader import load_catalog
from gallery.catalog.model import Catalog
from gallery.plan.engine import PROJECT, ProgramRun, Registration, run_program

PROJECT_DIR = Path(__file__).resolve().parents[2]
PROGRAM = PROJECT_DIR / "__main__.py"
CATALOG_KEY = f"{PROJECT}:catalog"


@dataclass
class Plan:
    stack: str
    catalog: str
    resources: list[dict]
    outputs: dict
    warnings: tuple = ()  # the catalog's non-blocking problems
    model: Optional[Catalog] = None  # the validated catalog the program was run on

    def document(self) -> dict:
        return {"stack": self.stack, "catalog": self.catalog, "resources": self.resources, "outputs": self.outputs}


def stack_config(stack: str, project_dir: Path = PROJECT_DIR) -> dict[str, str]:
    """The stack's config as the engine hands it to the program: full keys, string values."""
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    config = {}
    for key, value in (data.get("config") or {}).items():
        key = key if ":" in key else f"{PROJECT}:{key}"
        if isinstance(value, dict) and "secure" in value:
            value = "<secret>"  # encrypted for the stack's secrets provider: not readable offline
        config[key] = value if isinstance(value, str) else _json(value)
    return config


def _json(value: Any) -> str:
    return json.dumps(value)


def plan(catalog_path: str | os.PathLike, stack: str = "dev") -> Plan:
    """Validate, then run the program under mocks. Raises CatalogError before anything is declared."""
    path = Path(catalog_path).resolve()
    catalog = load_catalog(path, stack, display_name=str(catalog_path))
    config = stack_config(stack)
    config[CATALOG_KEY] = str(path)
    run = run_program(lambda: runpy.run_path(str(PROGRAM), run_name="__main__"), stack=stack, config=config)
    return Plan(stack=stack, catalog=str(catalog_path), resources=records(run), outputs=run.outputs,
                warnings=tuple(catalog.warnings), model=catalog)


def run_plan(catalog_path: str | os.PathLike, stack: str = "dev") -> list[dict]:
    """The plan's resource records, sorted by type then logical name (see `records`)."""
    return plan(catalog_path, stack).resources


def records(run: ProgramRun) -> list[dict]:
    """One JSON-ready record per registered resource, sorted stably so two plans can be compared."""
    names = {r.urn: r.name for r in run.registrations}
    return sorted((_record(r, names) for r in run.registrations), key=lambda r: (r["type"], r["name"]))


def _record(r: Registration, names: dict[str, str]) -> dict:
    return {
        "type": r.type,
        "name": r.name,
        "parent": names.get(r.parent_urn),  # None under the stack itself
        "urn": r.urn,
        "custom": r.custom,
        "inputs": r.inputs,
        "dependsOn": sorted({names[u] for u in r.dependencies if u in names}),
        "protect": r.protect,
        "retainOnDelete": r.retain_on_delete,
        "deleteBeforeReplace": r.delete_before_replace,
        "replaceOnChanges": r.replace_on_changes,
        "ignoreChanges": r.ignore_changes,
        "customTimeouts": r.custom_timeouts,
    }


def markers(record: dict) -> list[str]:
    """What a reviewer should notice about a resource's options."""
    out = []
    if record.get("protect"):
        out.append("protected")
    if record.get("retainOnDelete"):
        out.append("retained on delete")
    if record.get("replaceOnChanges"):
        out.append("replaces on " + ",".join(record["replaceOnChanges"]))
    timeouts = record.get("customTimeouts") or {}
    if timeouts:
        out.append("timeouts " + " ".join(f"{k}={v}" for k, v in timeouts.items()))
    return out


def render_text(records: list[dict], stack: Optional[str] = None) -> str:
    """A tree like `pulumi preview` prints: type, name, markers; then the summary."""
    children: dict[Optional[str], list[dict]] = {}
    for rec in records:
        children.setdefault(rec.get("parent"), []).append(rec)
    rows: list[tuple[str, str, str]] = []

    def walk(parent: Optional[str], prefix: str) -> None:
        kids = sorted(children.get(parent, []), key=_tree_order)
        for i, rec in enumerate(kids):
            last = i == len(kids) - 1
            branch = "" if parent is None and stack is None else ("└─ " if last else "├─ ")
            rows.append((prefix + branch + rec["type"], rec["name"], ", ".join(markers(rec))))
            walk(rec["name"], prefix + ("" if not branch else ("   " if last else "│  ")))

    if stack is not None:
        rows.append(("pulumi:pulumi:Stack", f"{PROJECT}-{stack}", ""))
    walk(None, "")
    width_type = max((len(t) for t, _, _ in rows), default=4)
    width_name = max((len(n) for _, n, _ in rows), default=4)
    lines = [f"     {'Type':<{width_type}}  {'Name':<{width_name}}  Info"]
    for t, n, info in rows:
        lines.append(f" +   {t:<{width_type}}  {n:<{width_name}}  {info}".rstrip())
    count = len(records) + (1 if stack is not None else 0)
    lines += ["", "Resources:", f"    + {count} to create"]
    return "\n".join(lines)


_TYPE_RANK = {"azure-native:resources:ResourceGroup": 0, "azure-native:storage:StorageAccount": 1,
              "azure-native:storage:BlobContainer": 2, "azure-native:compute:Gallery": 3,
              "pulumi-python:dynamic/gallery:GallerySharing": 4, "azure-native:authorization:RoleAssignment": 5,
              "azure-native:compute:GalleryImage": 6, "azure-native:compute:GalleryImageVersion": 6}


def _tree_order(rec: dict) -> tuple:
    # Roughly the order the engine creates them in; each definition followed by its versions,
    # oldest first (versions compared as integers, like `latest`).
    rank = _TYPE_RANK.get(rec["type"], len(_TYPE_RANK))
    inputs = rec.get("inputs") or {}
    version = inputs.get("galleryImageVersionName") if rec["type"].endswith("GalleryImageVersion") else None
    numbers = tuple(int(p) if p.isdigit() else -1 for p in version.split(".")) if version else ()
    return (rank, str(inputs.get("galleryImageName", "")) if rank == 6 else "", numbers, rec["name"])

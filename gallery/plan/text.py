"""The plan as text: a tree like `pulumi preview` prints, with what a reviewer should notice."""

from __future__ import annotations

import json
from typing import Any, Optional

from gallery.catalog.stackconfig import PROJECT
from gallery.desired import arm
from gallery.desired.arm import PLACEHOLDER_SUBSCRIPTION


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


def render_text(
    records: list[dict], stack: Optional[str] = None, outputs: Optional[dict] = None, reads: Optional[str] = None
) -> str:
    """What `pulumi preview` prints: a header naming project and stack (and the main stack a shard's `reads`), the
    tree (type, name, markers), the stack outputs (ids show a placeholder subscription), then the summary."""
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
    lines = (
        []
        if stack is None
        else [
            f"Previewing update ({stack}) of project {PROJECT}, offline: Pulumi's mock engine, nothing reaches Azure",
            "",
        ]
    )
    if reads:
        lines[-1:-1] = [
            f"Reads the main stack {reads} (resource group, storage account, gallery) through a StackReference"
        ]
    lines.append(f"     {'Type':<{width_type}}  {'Name':<{width_name}}  Info")
    for t, n, info in rows:
        lines.append(f" +   {t:<{width_type}}  {n:<{width_name}}  {info}".rstrip())
    if outputs:
        lines += ["", f"Outputs (ids in subscription {PLACEHOLDER_SUBSCRIPTION}, a placeholder):"]
        lines += _mapping(outputs, "    ")
    count = len(records) + (1 if stack is not None else 0)
    lines += ["", "Resources:", f"    + {count} to create"]
    return "\n".join(lines)


def render_stacks(plans: list) -> str:
    """Every stack's plan (gallery.plan.run.Plan) as `render_text` writes it, then one line per stack."""
    texts = [render_text(p.resources, stack=p.stack, outputs=p.outputs, reads=p.part.foundation) for p in plans]
    sizes = ", ".join(f"{p.stack} {len(p.resources) + 1}" for p in plans)
    return "\n\n".join(texts) + f"\n\n{len(plans)} stack(s), resources to create: {sizes}"


def _mapping(values: dict, indent: str) -> list[str]:
    """Keys aligned, nested maps in braces, the way `pulumi preview` prints outputs."""
    width = max((len(k) for k in values), default=0)
    out = []
    for key, value in values.items():
        out += _value(f"{indent}{key:<{width}}: ", value, indent)
    return out


def _value(prefix: str, value: Any, indent: str) -> list[str]:
    if isinstance(value, dict) and value:
        return [prefix + "{", *_mapping(value, indent + "    "), indent + "}"]
    if isinstance(value, list) and value:
        return [prefix + "[", *_mapping({f"[{i}]": v for i, v in enumerate(value)}, indent + "    "), indent + "]"]
    return [prefix + json.dumps(value)]


_TYPE_RANK = {
    arm.RESOURCE_GROUP: 0,
    arm.STORAGE_ACCOUNT: 1,
    arm.CONTAINER: 2,
    arm.GALLERY: 3,
    arm.SHARING_GUARD: 2.5,
    arm.SHARING: 4,
    arm.COMMUNITY: 4,
    arm.ROLE_ASSIGNMENT: 5,
    arm.DEFINITION: 6,
    arm.VERSION: 6,
}


def _tree_order(rec: dict) -> tuple:
    # Roughly the order the engine creates them in; each definition followed by its versions,
    # oldest first (versions compared as integers, like `latest`).
    rank = _TYPE_RANK.get(rec["type"], len(_TYPE_RANK))
    inputs = rec.get("inputs") or {}
    version = inputs.get("galleryImageVersionName") if rec["type"].endswith("GalleryImageVersion") else None
    numbers = tuple(int(p) if p.isdigit() else -1 for p in version.split(".")) if version else ()
    return (rank, str(inputs.get("galleryImageName", "")) if rank == 6 else "", numbers, rec["name"])

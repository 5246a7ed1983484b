"""The review diff's removals with the VMs and scale sets that still use them, when Azure was asked (`--in-use`).

The diff reads no Azure by default: the counts are known only when the command is given a way to ask (the CLI's
`--in-use`, Azure Resource Graph through gallery.azure.graph). Each version.removed* finding then carries how many
machines use the version, and definition.removed how many use the definition (any of its versions, or latest).
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from gallery.azure.graph import SCOPE, InUse, describe
from gallery.catalog.model import Catalog
from gallery.diff.findings import Finding

# (BASE, the images to ask about) -> what Resource Graph says
Ask = Callable[[Catalog, set[str]], InUse]
REMOVED = ("version.removed", "version.removed-retired", "version.removed-after-end-of-life")


def with_in_use(findings: list[Finding], base: Catalog, ask: Ask) -> list[Finding]:
    """`findings`, each removal carrying its count (and naming the first users) from one query."""
    images = {_image(f) for f in findings if f.kind in REMOVED or f.kind == "definition.removed"}
    if not images:
        return findings
    found = ask(base, images)
    out = []
    for f in findings:
        if f.kind in REMOVED:
            image, version = f.subject.rsplit(" ", 1)
            users = found.of_version(image, version)
        elif f.kind == "definition.removed":
            users = found.of_image(_image(f))
        else:
            out.append(f)
            continue
        note = f"; in use by {describe(users)}" if users else "; in use by no VM or scale set"
        out.append(dataclasses.replace(f, message=f.message + note, in_use=len(users)))
    return out


def _image(f: Finding) -> str:
    return (
        f.subject.removeprefix("image ").rsplit(" ", 1)[0]
        if f.kind != "definition.removed"
        else f.subject.removeprefix("image ")
    )


NOTE = f"in-use counts: {SCOPE}"

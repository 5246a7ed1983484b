"""The review diff of a sharded catalog: the stacks a change reaches, and the definitions that change stacks.

A stack's resources are those its owner declares (gallery.desired). A change reaches a stack when one of the
resources it compares belongs there on either side; only those are compared, and the report lists every stack,
reached or not. A definition whose owner changes is a move: nothing changes in Azure, but the old stack's next
deployment would delete it unless its state moved first (`pulumi state move`), so the report gives the commands.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Optional

from gallery.catalog.model import MAIN, Catalog
from gallery.catalog.stackconfig import PROJECT
from gallery.desired import arm, names
from gallery.desired.selection import Selection
from gallery.desired.state import DesiredState
from gallery.diff.findings import ACTION_RANK, Finding
from gallery.diff.resources import ResourceChange

Locate = Callable[[str], tuple[int, int]]
URNS_PER_COMMAND = 100  # a `pulumi state move` rewrites both checkpoints once: a few long commands, not one per URN


@dataclass(frozen=True)
class StackReach:
    """One stack of the catalog (either side), and what the change does to it."""

    stack: str  # dev, dev-linux
    owner: str  # main, or the shard's name
    changes: tuple[ResourceChange, ...] = ()
    reached: bool = False  # False: nothing it holds is touched, and it was not compared


@dataclass(frozen=True)
class Move:
    """Resources whose state goes from one stack to another."""

    source: str
    dest: str
    urns: tuple[str, ...]  # in the source stack

    def commands(self) -> list[str]:
        return [
            f"pulumi state move --source {self.source} --dest {self.dest} "
            + " ".join(f"'{u}'" for u in self.urns[k : k + URNS_PER_COMMAND])
            for k in range(0, len(self.urns), URNS_PER_COMMAND)
        ]


def sharded(base: Catalog, head: Catalog) -> bool:
    return bool(base.shards or head.shards)


def moved_definitions(base: Catalog, head: Catalog) -> dict[str, tuple[str, str]]:
    """{image: (owner in BASE, owner in HEAD)} for the definitions on both sides whose owner changes."""
    before = {i.name: base.owner(i) for i in base.images}
    return {
        i.name: (before[i.name], head.owner(i))
        for i in head.images
        if i.name in before and before[i.name] != head.owner(i)
    }


def shard_findings(base: Catalog, head: Catalog, locate: Optional[Locate]) -> Iterator[Finding]:
    """Shards added or removed, and the definitions that change stacks."""
    env = head.stack
    old = {s.name: s for s in base.shards}
    new = {s.name: s for s in head.shards}
    for shard in head.shards:
        if shard.name not in old:
            line, column = locate(shard.path) if locate else (0, 0)
            yield Finding(
                "shard.added",
                f"shard {shard.name}",
                f"new shard {shard.name}: the stack {names.stack(env, shard.name)} declares the definitions it names",
                head.source_file,
                line,
                column,
                shard.path,
                hint="create the stack with its config (README: Shards)",
            )
    for shard in base.shards:
        if shard.name not in new:
            yield Finding(
                "shard.removed",
                f"shard {shard.name}",
                f"shard {shard.name} leaves the catalog: its stack "
                f"{names.stack(env, shard.name)} is no longer deployed, and whatever it still holds stays in "
                "Azure and in that stack",
                base.source_file,
                0,
                0,
                shard.path,
                hint="remove or move its definitions, and deploy that, before removing the shard",
            )
    images = {i.name: i for i in head.images}
    for name, (was, now) in moved_definitions(base, head).items():
        img = images[name]
        source, dest = names.stack(env, was), names.stack(env, now)
        count = len(img.versions)
        yield Finding(
            "definition.moved",
            f"image {name}",
            f"image {name} and its {count} version{'s' if count != 1 else ''} move from stack {source} to "
            f"{dest}: nothing changes in Azure, but their state must move first, or the deployment of "
            f"{source} deletes them",
            head.source_file,
            img.pos.line,
            img.pos.column,
            img.path,
            hint=f"before deploying, `pulumi state move --source {source} --dest {dest}` with their URNs "
            "(the diff lists the commands); README: Moving a stack to shards",
        )


def place(
    changes: list[ResourceChange], base: DesiredState, head: DesiredState, env: str
) -> tuple[list[ResourceChange], list[Move]]:
    """Each change in the stack that holds it (HEAD's, BASE's for a delete), a resource that changes owner marked as
    moved (a `move` of its own when nothing else changes), and the state moves that needs."""
    by_key = {(c.type, c.name): c for c in changes}
    placed: list[ResourceChange] = []
    moves: dict[tuple[str, str], list[str]] = {}
    for res in head:
        old = base.get(res.name)
        if res.type == arm.COMPONENT or old is None or old.type != res.type or old.owner == res.owner:
            continue
        source, dest = names.stack(env, old.owner), names.stack(env, res.owner)
        moves.setdefault((source, dest), []).append(names.urn(source, PROJECT, [arm.COMPONENT, res.type], res.name))
        note = f"moves from stack {source} to {dest}"
        change = by_key.pop((res.type, res.name), None)
        if change is None:
            placed.append(
                ResourceChange(
                    res.type, res.name, "move", note=note + ": nothing changes in Azure", stack=dest, moved_from=source
                )
            )
        else:
            placed.append(
                dataclasses.replace(
                    change, stack=dest, moved_from=source, note="; ".join(n for n in (change.note, note) if n)
                )
            )
    for change in by_key.values():
        side = base if change.action == "delete" else head
        found = side.get(change.name)
        placed.append(dataclasses.replace(change, stack=names.stack(env, found.owner if found else MAIN)))
    placed.sort(key=lambda c: (ACTION_RANK[c.action], c.type, c.name))
    return placed, [Move(s, d, tuple(u)) for (s, d), u in moves.items()]


def reach(
    base: Catalog, head: Catalog, changes: Iterable[ResourceChange], only: Optional[Selection]
) -> list[StackReach]:
    """Every stack of HEAD (then BASE's that HEAD no longer has): whether the comparison `only` reached it (None:
    everything was compared), and the changes it holds."""
    env = head.stack
    owners = list(head.owners) + [o for o in base.owners if o not in head.owners]
    if only is None:
        compared = set(owners)
    else:
        compared = {MAIN} if only.foundation else set()
        for catalog in (base, head):
            compared |= {
                catalog.owner(i)
                for i in catalog.images
                if only.has_definition(i.name) or any(only.has_version(i.name, v.name) for v in i.versions)
            }
    held: dict[str, list[ResourceChange]] = {}
    for change in changes:
        held.setdefault(change.stack, []).append(change)
    return [StackReach(names.stack(env, o), o, tuple(held.get(names.stack(env, o), ())), o in compared) for o in owners]

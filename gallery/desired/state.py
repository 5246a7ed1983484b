"""The desired state's types: one `DesiredResource` per object the program registers, and the whole `DesiredState`.

Values are plain (str, int, bool, None, dict, list, tuple): a state crosses a process boundary, is compared with
`==`, and is written as JSON. Where the program passes another resource's output (the group's name, the
account's id), the input holds the value that output will have, and a `Wire` records where it comes from, so
the component can pass the output itself (and Pulumi orders the two) while every reader sees the value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Container, Iterator, Mapping, Optional, Sequence

from gallery.catalog.model import MAIN
from gallery.desired import arm
from gallery.desired.names import urn

# What the engine records for a dynamic resource's pickled provider (an opaque, unstable input).
PROVIDER_MARKER = "<pickled dynamic provider>"
CLIENT = "<client config>"  # a wire from `azure-native:authorization:getClientConfig`, not a resource


@dataclass(frozen=True)
class Wire:
    """The input at `path` is the `output` of the resource named `source` (or of the client config).

    The source may be outside the state (a selection without the foundation, a definition not selected): the
    input then holds the value all the same, and nothing waits for it here.
    """

    path: tuple[str, ...]
    source: str  # a logical name in the same state, or CLIENT
    output: str  # name | id | subscriptionId


@dataclass(frozen=True)
class Options:
    protect: bool = False
    retain_on_delete: bool = False
    delete_before_replace: bool = False
    replace_on_changes: tuple[str, ...] = ()
    ignore_changes: tuple[str, ...] = ()
    custom_timeouts: tuple[tuple[str, str], ...] = ()  # (create|update|delete, duration), in that order
    depends_on: tuple[str, ...] = ()  # explicit, by logical name (outputs passed as inputs add their own)


@dataclass(frozen=True)
class DesiredResource:
    type: str
    name: str  # logical name
    inputs: Mapping[str, Any]  # REST / azure-native camelCase; no None values
    parent: Optional[str] = None  # the parent's logical name; None: the stack
    custom: bool = True
    options: Options = Options()
    wires: tuple[Wire, ...] = ()
    arm_id: Optional[str] = None
    api_version: Optional[str] = None
    owner: str = MAIN  # the stack part that declares it: MAIN (the foundation's stack) or a shard's name

    def dependencies(self, present: Container[str]) -> list[str]:
        """Logical names this one waits for among `present`: explicit dependencies and the resources whose
        outputs it takes."""
        return sorted(n for n in set(self.options.depends_on) | {w.source for w in self.wires} if n in present)

    def record(self, stack: str, project: str, parent_types: Sequence[str] = (), present: Container[str] = ()) -> dict:
        """The offline plan's record of this resource: what the engine receives from `pulumi up`."""
        inputs = dict(self.inputs)
        if self.type in arm.DYNAMIC:
            inputs["__provider"] = PROVIDER_MARKER
        o = self.options
        return {
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "urn": urn(stack, project, [*parent_types, self.type], self.name),
            "custom": self.custom,
            "inputs": _sorted(inputs),
            "dependsOn": self.dependencies(present),
            "protect": o.protect,
            "retainOnDelete": o.retain_on_delete,
            "deleteBeforeReplace": o.delete_before_replace,
            "replaceOnChanges": sorted(o.replace_on_changes),
            "ignoreChanges": sorted(o.ignore_changes),
            "customTimeouts": dict(o.custom_timeouts),
        }


@dataclass(frozen=True)
class DesiredState:
    stack: str
    project: str
    subscription: str
    resources: tuple[DesiredResource, ...]
    _index: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update((r.name, r) for r in self.resources)

    def __iter__(self) -> Iterator[DesiredResource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def get(self, name: str) -> Optional[DesiredResource]:
        return self._index.get(name)

    def of_type(self, token: str) -> list[DesiredResource]:
        return [r for r in self.resources if r.type == token]

    def records(self) -> list[dict]:
        """Every resource's plan record, sorted by type then logical name (as the offline plan sorts them)."""
        out = []
        for r in self.resources:
            chain: list[str] = []
            parent = r.parent
            while parent is not None and parent in self._index:
                chain.insert(0, self._index[parent].type)
                parent = self._index[parent].parent
            out.append(r.record(self.stack, self.project, chain, self._index))
        return sorted(out, key=lambda rec: (rec["type"], rec["name"]))


def _sorted(value: Any) -> Any:
    """Keys sorted at every level, tuples as lists: the JSON shape the plan records use."""
    if isinstance(value, Mapping):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [_sorted(v) for v in value]
    return value


def compact(value: Any) -> Any:
    """`value` without the None entries of its mappings (the engine never receives an unset input)."""
    if isinstance(value, Mapping):
        return {k: compact(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [compact(v) for v in value]
    return value

"""Which VMs and scale sets use a gallery's images: one Azure Resource Graph query (azure-mgmt-resourcegraph).

A VM records the image it was made from in `storageProfile.imageReference` (a scale set in its
`virtualMachineProfile`): a version id, a definition id (the version `latest` gave, in `exactVersion`), or, when
the gallery is shared, a `sharedGalleryImageId` / `communityGalleryImageId` naming the same definition. One query
asks for every machine whose reference is under the definitions given, in every subscription the identity can
read (Resource Graph's tenant scope), paged. Resource Graph is eventually consistent: a machine made in the last
minutes may not be there yet.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Iterable, Optional, Sequence

from gallery.azure.client import RETRY_TOTAL, client_options
from gallery.azure.errors import arm_error
from gallery.azure.target import ArmTarget

# Where the answer comes from, said wherever a count is shown.
SCOPE = "Azure Resource Graph, every subscription this identity can read"
PAGE = 1000  # Resource Graph's largest page
SHOWN = 3  # machines named in a line; the rest are counted
_REF = re.compile(r"/images/(?P<image>[^/]+)(?:/versions/(?P<version>[^/]+))?$")
_KINDS = {"microsoft.compute/virtualmachines": "VM", "microsoft.compute/virtualmachinescalesets": "scale set"}


@dataclasses.dataclass(frozen=True)
class Machine:
    id: str
    kind: str  # VM | scale set
    image: str  # the definition's name, lower case (as Resource Graph's answer is compared)
    version: Optional[str]  # the version it uses; None: a scale set that follows the definition's latest

    @property
    def name(self) -> str:
        return self.id.rsplit("/", 1)[-1]


@dataclasses.dataclass(frozen=True)
class InUse:
    """What Resource Graph answered for the definitions asked about."""

    machines: tuple[Machine, ...]

    def of_version(self, image: str, version: str) -> tuple[Machine, ...]:
        return tuple(m for m in self.machines if m.image == image.lower() and m.version == version)

    def of_image(self, image: str) -> tuple[Machine, ...]:
        return tuple(m for m in self.machines if m.image == image.lower())


def query_text(prefixes: Iterable[str]) -> str:
    """The Kusto query: VMs and scale sets whose image reference is one of `prefixes` (definition ids, or their
    shared / community forms) or a version under one. Lower case throughout: ARM ids are case-insensitive."""
    ids = sorted({p.lower().rstrip("/") for p in prefixes})
    quoted = ", ".join(_quote(i) for i in ids)
    under = " or ".join(f"ref startswith {_quote(i + '/versions/')}" for i in ids)
    return "\n".join(
        [
            "resources",
            "| where type in~ ('microsoft.compute/virtualmachines', 'microsoft.compute/virtualmachinescalesets')",
            "| extend reference = iff(type =~ 'microsoft.compute/virtualmachines', "
            "properties.storageProfile.imageReference, properties.virtualMachineProfile.storageProfile.imageReference)",
            "| extend ref = tolower(coalesce(tostring(reference.id), tostring(reference.sharedGalleryImageId), "
            "tostring(reference.communityGalleryImageId))), exactVersion = tostring(reference.exactVersion)",
            f"| where ref in ({quoted}) or {under}",
            "| project id, name, type, subscriptionId, resourceGroup, ref, exactVersion",
            "| order by id asc",
        ]
    )


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def graph_client(target: ArmTarget, *, retry_total: int = RETRY_TOTAL):
    from azure.mgmt.resourcegraph import ResourceGraphClient

    cred, options = client_options(target, retry_total=retry_total)
    options.pop("polling_interval", None)  # no long-running operations here
    return ResourceGraphClient(cred, **options)


def machines_using(client: Any, prefixes: Iterable[str]) -> InUse:
    """Every VM and scale set whose image is under `prefixes`, all pages. Raises ArmError."""
    from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

    prefixes = list(prefixes)
    if not prefixes:
        return InUse(())
    text, token = query_text(prefixes), None
    rows: list[dict] = []
    while True:
        request = QueryRequest(
            query=text, options=QueryRequestOptions(top=PAGE, skip_token=token, result_format="objectArray")
        )
        try:
            answer = client.resources(request)
        except Exception as exc:  # noqa: BLE001 - azure-core's errors, each turned into a message
            raise arm_error(exc, "ask Azure Resource Graph which VMs and scale sets use the images") from None
        rows += answer.data or []
        token = answer.skip_token
        if not token:
            break
    return InUse(tuple(_machine(r) for r in rows if _REF.search(r.get("ref") or "")))


def _machine(row: dict) -> Machine:
    m = _REF.search(row["ref"])
    assert m is not None  # filtered by the caller
    version = m["version"] or row.get("exactVersion") or None
    return Machine(row["id"], _KINDS.get(str(row.get("type", "")).lower(), str(row.get("type"))), m["image"], version)


def describe(machines: Sequence[Machine], shown: int = SHOWN) -> str:
    """`2 VMs and 1 scale set: vm-a, vm-b, ss-c` (the first `shown` by name, then how many more)."""
    counts = {kind: sum(m.kind == kind for m in machines) for kind in ("VM", "scale set")}
    parts = [f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items() if n]
    names = [m.name for m in machines[:shown]] + ([f"{len(machines) - shown} more"] if len(machines) > shown else [])
    return " and ".join(parts) + ": " + ", ".join(names)

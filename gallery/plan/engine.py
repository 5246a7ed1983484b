"""Run a Pulumi program in-process under Pulumi's mock engine and record what the engine would receive.

The offline plan and the Pulumi tests share this module. `RecordingMonitor` sits where the Pulumi
engine would be: every `RegisterResource` request (type, name, parent, serialized inputs,
dependencies, protect, timeouts, ...) is recorded before the stock mock monitor answers it, so what
we record is what `pulumi up` would send, not what our code meant to send.

Each `run_program` call runs in a fresh `contextvars` context: Pulumi keeps its runtime settings,
root stack and config in context variables, so nothing set here leaks into the caller, and the
plan can run many times in one process (the diff plans two catalogs).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import contextvars
import json
import pickle
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.settings import SETTINGS, get_root_resource
from pulumi.runtime.stack import Stack, run_pulumi_func
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from gallery.catalog.stackconfig import PROJECT
from gallery.desired.arm import COMMUNITY, KINDS, PLACEHOLDER_SUBSCRIPTION, STORAGE_ACCOUNT
from gallery.desired.state import PROVIDER_MARKER

FAKE_SUBSCRIPTION = PLACEHOLDER_SUBSCRIPTION
FAKE_TENANT = "11111111-1111-1111-1111-111111111111"
FAKE_CLIENT = "22222222-2222-2222-2222-222222222222"
FAKE_OBJECT = "33333333-3333-3333-3333-333333333333"
# ARM id templates, so that mocked outputs look like what Azure returns; and the input holding each type's
# physical name (azure-native exposes it as the `name` output).
ARM_IDS = {
    k.token: k.id_template.replace("{subscription}", "{sub}") for k in KINDS.values() if k.api_version and k.id_template
}
NAME_INPUTS = {k.token: k.name_input for k in KINDS.values() if k.name_input}


STACK_REFERENCE = "pulumi:pulumi:StackReference"


class AzureMocks(pulumi.runtime.Mocks):
    """Plausible Azure answers: ARM ids built from the inputs, the physical name as `name`; and for a StackReference,
    the outputs `references` gives the stack it names (a shard's stack reads the main stack's)."""

    subscription = FAKE_SUBSCRIPTION  # the client config's, and the one in every id
    references: Mapping[str, dict] = {}

    def __init__(self, subscription: str = FAKE_SUBSCRIPTION, references: Optional[Mapping[str, dict]] = None):
        self.subscription = subscription
        self.references = dict(references or {})

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[Optional[str], dict]:
        if args.typ == STACK_REFERENCE:
            name = args.inputs["name"]
            if name not in self.references:
                raise KeyError(f"the mock engine has no outputs for the stack {name!r} a StackReference reads")
            return name, {"name": name, "outputs": self.references[name], "secretOutputNames": []}
        inputs = {k: v for k, v in args.inputs.items() if k != "__provider"}
        if not args.custom:
            return None, {}
        outputs = dict(inputs)
        template = ARM_IDS.get(args.typ)
        name_key = NAME_INPUTS.get(args.typ)
        if name_key and name_key in inputs:
            outputs["name"] = inputs[name_key]
        if args.typ == STORAGE_ACCOUNT:
            account = inputs.get("accountName", args.name)
            outputs["primaryEndpoints"] = {"blob": f"https://{account}.blob.core.windows.net/"}
        if args.typ == COMMUNITY:
            # What Azure reports once it has published the gallery: its public name is the prefix and a GUID.
            outputs.update(
                communityGalleryEnabled=True, publicNames=[f"{inputs['publicNamePrefix']}-{self.subscription}"]
            )
        identity = inputs.get("identity")
        if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
            # azure-native takes the user-assigned identities as a list of ids, and Azure answers (and the
            # SDK's output type expects) the ARM map {id: {principalId, clientId}}.
            outputs["identity"] = {
                **identity,
                "userAssignedIdentities": {
                    i: {"principalId": FAKE_OBJECT, "clientId": FAKE_CLIENT} for i in identity["userAssignedIdentities"]
                },
            }
        if template:
            try:
                return template.format(sub=self.subscription, **inputs), outputs
            except KeyError:
                pass
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, Optional[list]]:
        if args.token == "azure-native:authorization:getClientConfig":
            return {
                "subscriptionId": self.subscription,
                "tenantId": FAKE_TENANT,
                "clientId": FAKE_CLIENT,
                "objectId": FAKE_OBJECT,
            }, []
        raise NotImplementedError(f"the mock engine has no answer for the invoke {args.token}")


@dataclass
class Registration:
    """One RegisterResource request, as the engine receives it (inputs deserialized, camelCase)."""

    type: str
    name: str
    urn: str
    parent_urn: str
    custom: bool
    inputs: dict
    dependencies: list[str]  # URNs
    protect: bool
    retain_on_delete: bool
    delete_before_replace: bool
    replace_on_changes: list[str]
    ignore_changes: list[str]
    custom_timeouts: dict[str, str]


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """The stock mock monitor, plus a record of every resource registration, in order."""

    def __init__(self, mocks: pulumi.runtime.Mocks):
        super().__init__(mocks)
        self.registrations: list[Registration] = []

    # The stock monitor's methods run in executor threads and give each thread an event loop of its own
    # (`_ensure_event_loop`) that nothing closes: each is closed at exit, before its finalizer would.
    def Invoke(self, request):  # noqa: N802 - the gRPC method name
        try:
            return super().Invoke(request)
        finally:
            _close_at_exit(_ensure_event_loop())

    def ReadResource(self, request):  # noqa: N802
        try:
            return super().ReadResource(request)
        finally:
            _close_at_exit(_ensure_event_loop())

    def RegisterResource(self, request):  # noqa: N802 - the gRPC method name
        try:
            response = super().RegisterResource(request)
        finally:
            _close_at_exit(_ensure_event_loop())
        if request.type != "pulumi:pulumi:Stack":
            inputs = rpc.deserialize_properties(request.object)
            if "__provider" in inputs:
                inputs["__provider"] = PROVIDER_MARKER
            timeouts = request.customTimeouts
            self.registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    parent_urn=request.parent,
                    custom=bool(request.custom),
                    inputs=normalize(inputs),
                    dependencies=list(request.dependencies),
                    protect=bool(request.protect),
                    retain_on_delete=bool(request.retainOnDelete),
                    delete_before_replace=bool(request.deleteBeforeReplace),
                    replace_on_changes=sorted(request.replaceOnChanges),
                    ignore_changes=sorted(request.ignoreChanges),
                    custom_timeouts={
                        k: getattr(timeouts, k) for k in ("create", "update", "delete") if getattr(timeouts, k)
                    },
                )
            )
        return response


def normalize(value: Any) -> Any:
    """JSON-ready values: keys sorted, whole doubles as ints (Pulumi sends every number as a double)."""
    if isinstance(value, Mapping):
        return {str(k): normalize(value[k]) for k in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    return json.loads(json.dumps(value, default=str))


@dataclass
class ProgramRun:
    registrations: list[Registration]
    outputs: dict = field(default_factory=dict)  # the stack outputs, resolved
    stack_urn: str = ""


def run_program(
    program: Callable[[], Any],
    *,
    stack: str,
    project: str = PROJECT,
    config: Optional[Mapping[str, str]] = None,
    mocks: Optional[pulumi.runtime.Mocks] = None,
) -> ProgramRun:
    """Run `program` like `pulumi up` would, against the mock engine; return what it registered.

    Exceptions from the program propagate (after the runtime has settled). `config` maps full keys
    (`image-gallery:catalog`) to string values, like the engine's PULUMI_CONFIG.
    """
    ctx = contextvars.copy_context()
    with _pickler_restored():
        return ctx.run(_run, program, stack, project, dict(config or {}), mocks or AzureMocks())


@contextlib.contextmanager
def _pickler_restored():
    """Put back the methods of pickle's pure-Python pickler that serializing a dynamic provider replaces.

    pulumi.dynamic's serialize_provider wraps `_Pickler._batch_setitems` (to sort dicts) and restores only
    `pickle.Pickler`: each dynamic resource wraps the last wrapper once more. One `pulumi up` declares one or
    two; a process that plans hundreds of catalogs (the test suite, planning shards) would overflow the stack.
    """
    saved = {name: vars(pickle._Pickler)[name] for name in ("_batch_setitems", "save_dict")}
    try:
        yield
    finally:
        for name, method in saved.items():
            setattr(pickle._Pickler, name, method)


def _run(program, stack, project, config, mocks) -> ProgramRun:
    # A fresh context starts from the caller's values: clear the root stack so set_mocks makes ours.
    runtime_settings.ROOT.set(None)
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, monitor=monitor)
    SETTINGS.outputs = set()
    set_all_config(config, [])
    run = ProgramRun(registrations=monitor.registrations)

    async def body() -> None:
        program()
        root = get_root_resource()
        assert isinstance(root, Stack)  # program() ran inside run_pulumi_func, which made the stack
        outputs = dict(getattr(root, "outputs", {}))
        urn = await root.urn.future()
        assert urn is not None  # the mocks give every resource, the stack too, its URN
        run.stack_urn = urn
        # Wait for every exported value, so the plan shows real outputs and nothing is left pending.
        resolved = await pulumi.Output.from_input(outputs).future(with_unknowns=True)
        run.outputs = normalize(resolved or {})
        root._finish()

    _sync_await(run_pulumi_func(body))
    _close_at_exit(_ensure_event_loop())
    return run


_CLOSING: set = set()


def _close_at_exit(loop: asyncio.AbstractEventLoop) -> None:
    """Close an event loop of the runs before the interpreter tears down: left to its finalizer, it may run
    after its own self-pipe socket is gone and print a ValueError traceback (seen on `gallery plan`)."""
    if id(loop) not in _CLOSING:
        _CLOSING.add(id(loop))
        atexit.register(lambda: loop.is_closed() or loop.is_running() or loop.close())

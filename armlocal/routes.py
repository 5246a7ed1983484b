"""One request to one answer: an injected fault first, then the provider the path belongs to."""

from __future__ import annotations

from typing import Any

from armlocal import authorization, compute, resourcegraph, resources
from armlocal.bodies import error
from armlocal.state import ArmState


def answer(state: ArmState, method: str, path: str, query: dict[str, str], body: Any, base: str):
    """(status, headers, body) for one request; `base` is the endpoint's URL, for the links ARM writes."""
    for fault in state.faults:
        if fault.times > 0 and fault.method == method and fault.pattern.search(path):
            fault.times -= 1
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            return fault.status, headers, error(fault.code, fault.message)
    # Role assignments first: the path of one on a gallery begins with the gallery's.
    for provider in (authorization, resources):
        out = provider.answer(state, method, path, query, base)
        if out is not None:
            return out
    out = resourcegraph.answer(state, method, path, query, body, base)
    if out is not None:
        return out
    return compute.answer(state, method, path, query, body, base)

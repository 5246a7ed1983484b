"""From the desired state's plain inputs to the provider's typed `...Args`, with outputs where the state wires them.

The desired state (gallery.desired) says what every input is; this module only changes its form: camelCase
dicts become the typed input classes and enums of pulumi-azure-native (found from each class's own property
table, so no field is written twice), and an input the state wires to another resource becomes that
resource's output, which is how Pulumi learns the order. The plan test holds the result equal to the state.
"""

from __future__ import annotations

import collections.abc
import enum
import typing
from typing import Any, Callable, Mapping

import pulumi
from pulumi import _types  # the SDK's property tables of @input_type classes (pinned: requirements.txt)

from gallery.desired.state import DesiredResource, Wire


def wired(res: DesiredResource, output: Callable[[Wire], Any]) -> dict:
    """`res.inputs`, with each wired value replaced by `output(wire)`."""
    inputs = _copy(res.inputs)
    for wire in res.wires:
        *path, last = wire.path
        node = inputs
        for part in path:
            node = node[part]
        node[last] = output(wire)
    return inputs


def typed(cls: type, inputs: Mapping[str, Any]) -> Any:
    """An instance of the @input_type class `cls` from camelCase `inputs` (nested classes and enums typed too)."""
    py_names = {camel: py for py, camel in _types.input_type_py_to_pulumi_names(cls).items()}
    types = _types.input_type_types(cls)
    kwargs = {}
    for key, value in inputs.items():
        if key not in py_names:
            raise KeyError(f"{cls.__name__} has no input {key!r}")
        kwargs[py_names[key]] = _value(types[key], value)
    return cls(**kwargs)


def _value(hint: Any, value: Any) -> Any:
    if isinstance(value, (pulumi.Output, collections.abc.Awaitable)) or value is None:
        return value
    candidates = typing.get_args(hint) if typing.get_origin(hint) is typing.Union else (hint,)
    for t in candidates:
        origin = typing.get_origin(t)
        if isinstance(value, Mapping) and isinstance(t, type) and _types.is_input_type(t):
            return typed(t, value)
        if isinstance(value, (list, tuple)) and origin is collections.abc.Sequence:
            (item,) = typing.get_args(t)
            return [_value(item, v) for v in value]
        if isinstance(value, str) and isinstance(t, type) and issubclass(t, enum.Enum):
            try:
                return t(value)
            except ValueError:
                return value  # Azure's enums are open: a value the SDK does not list is still sent as text
    return value


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy(v) for v in value]
    return value


def options(
    res: DesiredResource, parent: pulumi.Resource, declared: Mapping[str, pulumi.Resource]
) -> pulumi.ResourceOptions:
    """The resource's options, its explicit dependencies as the resources already declared."""
    o = res.options
    return pulumi.ResourceOptions(
        parent=parent,
        protect=o.protect or None,
        retain_on_delete=o.retain_on_delete or None,
        delete_before_replace=o.delete_before_replace or None,
        replace_on_changes=list(o.replace_on_changes) or None,
        ignore_changes=list(o.ignore_changes) or None,
        custom_timeouts=pulumi.CustomTimeouts(**dict(o.custom_timeouts)) if o.custom_timeouts else None,
        depends_on=[declared[n] for n in o.depends_on if n in declared] or None,
    )

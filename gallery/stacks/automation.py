"""One stack's `pulumi preview` or `pulumi up` through Pulumi's Automation API (a local program: the project's
`__main__.py`, run by the Pulumi CLI), in the process gallery.stacks.apply gives it.

The Automation API drives the Pulumi CLI, which must be installed; without it, the stack fails and says so. `auto`
is the module that provides the API (`pulumi.automation`), a parameter so the tests can stand in for it.
"""

from __future__ import annotations

import importlib
from typing import Any, Optional

from gallery.catalog.stackconfig import PROJECT
from gallery.desired.shards import FOUNDATION_KEY, SHARD_KEY
from gallery.stacks.apply import FAILED, SUCCEEDED, StackJob, StackResult

# A shard's stack takes the main stack's config but these, which say which part a stack is.
PART_KEYS = (f"{PROJECT}:{SHARD_KEY}", f"{PROJECT}:{FOUNDATION_KEY}")


def run_stack(job: StackJob, auto: Optional[Any] = None) -> StackResult:
    auto = auto or importlib.import_module("pulumi.automation")
    output: list[str] = []
    try:
        stack = auto.create_or_select_stack(stack_name=job.stack, work_dir=job.work_dir)
        config = {}
        if job.config_from:
            main = auto.select_stack(stack_name=job.config_from, work_dir=job.work_dir)
            config = {k: v for k, v in main.get_all_config().items() if k not in PART_KEYS}
        config.update({key: auto.ConfigValue(value=value) for key, value in job.config.items()})
        if config:
            stack.set_all_config(config)
        if job.command == "up":
            changes = stack.up(on_output=output.append, refresh=job.refresh).summary.resource_changes
        else:
            changes = stack.preview(on_output=output.append, refresh=job.refresh).change_summary
    except FileNotFoundError as exc:  # the Automation API runs the `pulumi` executable
        return StackResult(
            job.stack,
            FAILED,
            f"the Pulumi CLI cannot be run ({exc.strerror}): install it, https://www.pulumi.com/docs/install/",
            "\n".join(output),
        )
    except Exception as exc:  # noqa: BLE001 - a failed preview or up (auto.CommandError, ...) fails this stack only
        lines = [line for line in str(exc).splitlines() if line.strip()]
        return StackResult(job.stack, FAILED, lines[-1].strip() if lines else type(exc).__name__, "\n".join(output))
    return StackResult(job.stack, SUCCEEDED, counts(changes), "\n".join(output))


def counts(changes: Optional[dict]) -> str:
    """{op: n} (OpType members or their names) as `2 create, 1 update`; unchanged resources are `same`."""
    named = {getattr(op, "value", op): n for op, n in (changes or {}).items() if n}
    return ", ".join(f"{n} {op}" for op, n in sorted(named.items())) or "no changes"

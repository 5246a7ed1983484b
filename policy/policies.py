"""The pack's policies: gallery.raw's judgements in pulumi-policy's forms.

One resource policy per catalog rule that judges a single Gallery, GalleryImage or GalleryImageVersion, one stack
policy per rule that needs several of them, two resource policies for the values the catalog's schema judges
(version-values, vhd-storage-account), and `blocking-changes`, the review diff's blocking rules against a
baseline of what the stack holds. Each policy is named after its rule function, so `--policy-pack-config` can set
any of them to advisory, mandatory or disabled; the rules that only warn are advisory by default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import _DictProxy, _is_unknown, _ListProxy  # private, of the pinned pulumi-policy

from gallery.desired import arm
from gallery.raw import judge, scope
from gallery.raw.changes import blocking, read_baseline
from gallery.raw.resources import UNKNOWN, RawResource, Unjudged, named

PACK = "image-gallery"
TYPES = (arm.GALLERY, arm.DEFINITION, arm.VERSION)
BLOCKING = "blocking-changes"


def plain(value: Any) -> Any:
    """The engine's values without pulumi-policy's proxies; a value not known in this preview is UNKNOWN."""
    if isinstance(value, (_DictProxy, _ListProxy)):
        value = value["__target"]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return UNKNOWN if _is_unknown(value) else value


def raw(args: ResourceValidationArgs) -> RawResource:
    return RawResource(args.resource_type, args.name, args.urn, plain(args.props))


def raw_in_stack(res: PolicyResource) -> RawResource:
    """A stack's resource: its properties with the Azure names filled from its id where only outputs have them,
    and the engine's property dependencies as links."""
    links = {k: tuple(d.urn for d in deps) for k, deps in res.property_dependencies.items()}
    return RawResource(res.resource_type, res.name, res.urn, named(res.resource_type, plain(res.props)), links)


def _types(types: tuple[str, ...]) -> str:
    return ", ".join(t.rsplit(":", 1)[1] for t in types)


def resource_policy(s: scope.Scope) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type in s.types:
            _report(args, report, lambda: judge.judge_alone(s, raw(args)))

    return ResourceValidationPolicy(
        name=s.name,
        description=f"gallery validate's rule {s.name}, on each {_types(s.types)}",
        validate=validate,
        enforcement_level=EnforcementLevel.ADVISORY if s.advisory else None,
    )


def value_policy(name: str, rtype: str, check: scope.Check) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type == rtype:
            _report(args, report, lambda: judge.judge_values(check, raw(args)))

    return ResourceValidationPolicy(
        name=name, description=f"{(check.__doc__ or name).strip()} ({_types((rtype,))})", validate=validate
    )


def _report(args: ResourceValidationArgs, report: ReportViolation, run: Callable[[], list]) -> None:
    try:
        found = run()
    except Unjudged as exc:
        args.not_applicable(str(exc))  # raises: the engine records the policy as not applicable here
        return
    for v in found:
        report(v.text(), args.urn)


def stack_policy(s: scope.Scope) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        resources = [raw_in_stack(r) for r in args.resources if r.resource_type in TYPES]
        for v in judge.judge_stack(s, resources):
            report(v.text(), v.urn)

    return StackValidationPolicy(
        name=s.name,
        description=f"gallery validate's rule {s.name}, across the stack's galleries",
        validate=validate,
        enforcement_level=EnforcementLevel.ADVISORY if s.advisory else None,
    )


def blocking_policy() -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        config = args.get_config()
        if not config.get("baseline"):
            args.not_applicable("no baseline: set this policy's `baseline` to a `pulumi stack export` file")
        baseline = read_baseline(Path(config["baseline"]).read_text("utf-8"))
        current = [raw_in_stack(r) for r in args.resources if r.resource_type in TYPES]
        for v in blocking(baseline, current, today=dt.date.today(), allow=config.get("allow") or ()):
            report(v.text(), v.urn)

    return StackValidationPolicy(
        name=BLOCKING,
        description="gallery diff's blocking rules: the stack's resources now (baseline) -> this preview",
        validate=validate,
        config_schema=PolicyConfigSchema(
            properties={
                "baseline": {
                    "type": "string",
                    "description": "A `pulumi stack export` of the stack (or the records of "
                    "`gallery plan --format json`); an absolute path",
                },
                "allow": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "What `gallery diff --allow` takes: kinds, families or delete/replace/refused",
                },
            }
        ),
    )


def policies() -> list:
    return [
        *(resource_policy(s) for s in scope.RESOURCE),
        *(
            value_policy(name, rtype, check)
            for rtype, checks in scope.VALUE_CHECKS.items()
            for name, check in checks.items()
        ),
        *(stack_policy(s) for s in scope.STACK),
        blocking_policy(),
    ]

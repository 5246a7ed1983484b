"""The gates `gallery promote` passes a version through before it becomes eligible for latest.

After Azure reports it provisioned and replicated everywhere (gallery.lifecycle.status), a version must also:
- validation: have every validation Azure ran on it Succeeded (`$expand=ValidationProfile`:
  validationsProfile.executedValidations; none run is no refusal);
- policy: not be reported for a policy violation (safetyProfile.reportedForPolicyViolation, policyViolations);
- canary: when the image's lifecycle names a canary command, have it exit 0 in each region it runs in.
A refusal names its gate, the region (Azure's gates are about the version in every region) and Azure's words or
the command's last lines. `--skip-gate NAME` skips one, and the skip is recorded in the version's tags like
every gate passed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Callable, Optional, Sequence

from gallery.azure.client import call_options
from gallery.azure.errors import arm_error
from gallery.catalog.model import Catalog, ImageDefinition, ImageVersion
from gallery.desired import arm
from gallery.lifecycle.canary import CanaryRun, run_canaries

VALIDATION, POLICY, CANARY = "validation", "policy", "canary"
GATES = (VALIDATION, POLICY, CANARY)
EVERY_REGION = "every region"  # Azure's validations and policy reports are about the version, wherever it is
TAG_LIMIT = 256  # characters of a tag value


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One gate's verdict (in one region, for the canary)."""

    gate: str
    passed: bool
    region: str = EVERY_REGION
    said: str = ""  # a refusal: Azure's words, or the command and its last lines; a pass: what passed

    def refusal(self) -> str:
        return f"gate {self.gate} refused it in {self.region}: {self.said}"


@dataclasses.dataclass(frozen=True)
class Gates:
    """Every gate's outcome for one version, what was skipped and why, and what was not asked (--offline)."""

    outcomes: tuple[Outcome, ...] = ()
    skipped: tuple[str, ...] = ()  # by --skip-gate
    unasked: tuple[str, ...] = ()  # Azure's gates with --offline
    canary_runs: tuple[CanaryRun, ...] = ()
    not_run: tuple[str, ...] = ()  # the canary, when Azure's gates refused first

    @property
    def refusals(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.passed)

    def lines(self) -> list[str]:
        """What promote prints for the gates (passed, skipped, not asked), one line each."""
        out = []
        for gate in GATES:
            if gate in self.skipped:
                out.append(f"  gate {gate}: skipped (--skip-gate {gate}; recorded in the version's tags)")
            elif gate in self.unasked:
                out.append(f"  gate {gate}: not checked (--offline: Azure was not asked)")
            elif any(o.gate == gate for o in self.outcomes):
                out.append(f"  gate {gate}: passed ({self.record(gate)})")
        return out

    def record(self, gate: str) -> Optional[str]:
        """What the version's tag `gate.<name>` says of this gate; None: nothing to record (no canary)."""
        if gate in self.skipped:
            return f"skipped: --skip-gate {gate}"
        if gate in self.unasked:
            return "not checked: --offline"
        said = [o.said for o in self.outcomes if o.gate == gate]
        if not said:
            return None
        if gate == CANARY:
            return "exit 0 in " + ", ".join(f"{r.region} ({r.seconds:.0f} s)" for r in self.canary_runs)
        return "; ".join(said)

    def tags(self, today: dt.date) -> dict[str, str]:
        """The version's tags that record this promotion: promoted.on and gate.<name> for each gate."""
        out = {"promoted.on": today.isoformat()}
        for gate in GATES:
            text = self.record(gate)
            if text is not None:
                out[f"gate.{gate}"] = text if len(text) <= TAG_LIMIT else text[: TAG_LIMIT - 1] + "…"
        return out


def read_version(client: Any, catalog: Catalog, image: str, version: str) -> Any:
    """The version as Azure has it, with its validation profile (`$expand=ValidationProfile`). Raises ArmError."""
    try:
        return client.gallery_image_versions.get(
            catalog.resource_group, catalog.gallery.name, image, version, expand="ValidationProfile", **call_options()
        )
    except Exception as exc:  # noqa: BLE001
        raise arm_error(exc, f"read the validation profile of {image} {version}") from None


def validation_gate(body: Any) -> list[Outcome]:
    profile = body.validations_profile
    executed = list(profile.executed_validations or ()) if profile else []
    if not executed:
        return [Outcome(VALIDATION, True, said="Azure ran no validation of this version")]
    failed = [v for v in executed if _plain(v.status) != "Succeeded"]
    if failed:
        return [
            Outcome(
                VALIDATION,
                False,
                said=f"Azure's {v.type} validation (version {v.version}, run "
                f"{_when(v.execution_time)}) reports {_plain(v.status) or 'no status'}",
            )
            for v in failed
        ]
    etag = f"; etag {profile.validation_etag}" if profile.validation_etag else ""
    return [Outcome(VALIDATION, True, said="Succeeded: " + ", ".join(str(v.type) for v in executed) + etag)]


def policy_gate(body: Any) -> list[Outcome]:
    safety = body.safety_profile
    violations = list(safety.policy_violations or ()) if safety else []
    if violations:
        return [
            Outcome(POLICY, False, said=f"Azure reports a policy violation: {_plain(v.category)}: {v.details}")
            for v in violations
        ]
    if safety is not None and safety.reported_for_policy_violation:
        return [
            Outcome(
                POLICY,
                False,
                said="Azure reports it for a policy violation (reportedForPolicyViolation: true), without details",
            )
        ]
    return [Outcome(POLICY, True, said="no policy violation reported")]


def canary_gate(
    catalog: Catalog,
    image: ImageDefinition,
    version: ImageVersion,
    subscription: str,
    *,
    cwd: str,
    timeout: Optional[float] = None,
) -> tuple[list[Outcome], tuple[CanaryRun, ...]]:
    """Run the image's canary in its regions: the version's target regions, or those of them the canary lists."""
    canary = image.lifecycle.canary
    assert canary is not None
    targets = [t.name for t in version.target_regions]
    regions = [r for r in canary.regions if r in targets] if canary.regions else targets
    if not regions:
        return [
            Outcome(
                CANARY,
                False,
                ", ".join(canary.regions),
                f"none of the canary's regions ({', '.join(canary.regions)}) is a target region of "
                f"{image.name} {version.name} ({', '.join(targets)})",
            )
        ], ()
    rg, gallery = catalog.resource_group, catalog.gallery.name
    gallery_id = arm.gallery_id(subscription, rg, gallery)
    values = {
        "image": image.name,
        "version": version.name,
        "galleryId": gallery_id,
        "resourceGroup": rg,
        "versionId": f"{gallery_id}/images/{image.name}/versions/{version.name}",
        "stack": catalog.stack,
    }
    runs = run_canaries(
        canary.command,
        {r: {**values, "region": r} for r in regions},
        cwd=cwd,
        timeout=timeout if timeout is not None else canary.timeout_minutes * 60,
    )
    return [
        Outcome(CANARY, r.passed, r.region, f"exit 0 after {r.seconds:.1f} s" if r.passed else r.words()) for r in runs
    ], tuple(runs)


def check_gates(
    catalog: Catalog,
    image: str,
    version: str,
    *,
    client: Optional[Any],
    subscription: Optional[str],
    skip: Sequence[str] = (),
    cwd: str = ".",
    canary_timeout: Optional[float] = None,
) -> Gates:
    """Every gate of the version. `client` None: --offline (Azure's gates are not asked). The canary runs only when
    Azure's gates passed: a version Azure refuses is not worth booting. Raises ArmError."""
    definition = catalog.image(image)
    assert definition is not None
    found = definition.version(version)
    assert found is not None
    outcomes: list[Outcome] = []
    unasked = (VALIDATION, POLICY) if client is None else ()
    azure: dict[str, Callable[[Any], list[Outcome]]] = {VALIDATION: validation_gate, POLICY: policy_gate}
    wanted = [g for g in azure if g not in skip and g not in unasked]
    if wanted:
        body = read_version(client, catalog, image, version)
        for gate in wanted:
            outcomes += azure[gate](body)
    runs: tuple[CanaryRun, ...] = ()
    not_run: tuple[str, ...] = ()
    if definition.lifecycle.canary is not None and CANARY not in skip:
        if not all(o.passed for o in outcomes):
            not_run = (CANARY,)
        else:
            if subscription is None:
                raise ValueError("the canary needs the subscription")  # the CLI asks for one first
            ran, runs = canary_gate(catalog, definition, found, subscription, cwd=cwd, timeout=canary_timeout)
            outcomes += ran
    skipped = tuple(g for g in GATES if g in skip and (g != CANARY or definition.lifecycle.canary is not None))
    return Gates(tuple(outcomes), skipped, unasked, runs, not_run)


def _when(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if hasattr(value, "strftime") else str(value or "at an unknown time")


def _plain(value) -> Optional[str]:
    """The SDK's str enums (ValidationStatus.SUCCEEDED) as Azure's own words ("Succeeded")."""
    return None if value is None else str(getattr(value, "value", value))

"""What an image's lifecycle policy does to its versions today: exclude from latest, set end of life, remove.

Pure: the catalog, a date and (when Azure could be asked) each version's health in, a list of actions
out. The rules, for each image whose policy says so:
- keepEligibleForLatest N: the N highest *good* versions eligible for latest stay eligible; eligible
  versions below the lowest of them are excluded from latest. A version Azure reports failed, still
  replicating or missing is never one of the N (so three failed publishes cannot push out the last good
  version); nothing is excluded while fewer than N good versions exist.
- endOfLifeAfterDays D: a version excluded from latest (now, or earlier without an end of life) gets
  endOfLife = today + D. A staged version (excluded, but above the current latest) is waiting for
  promotion, not retired: it is left alone.
- removeAfterDays R: a version whose endOfLife + R has passed is removed from the catalog, unless it is
  the current latest or would become it, in any region (the policy never removes what `latest` gives; a
  region's own excludeFromLatest may make another version latest there).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Mapping, Optional

from gallery.catalog.model import Catalog, ImageDefinition, ImageVersion, SemVer, latest_per_region

EXCLUDE, END_OF_LIFE, REMOVE = "exclude", "end-of-life", "remove"


@dataclasses.dataclass(frozen=True)
class Health:
    """Whether Azure has the version ready: provisioned, and replication Completed in every region."""

    good: bool
    reason: str = ""  # why not, e.g. "replication failed in eastus"


@dataclasses.dataclass(frozen=True)
class Action:
    kind: str  # exclude | end-of-life | remove
    image: str
    version: str
    reason: str
    end_of_life: Optional[dt.date] = None  # the endOfLife this action writes (None: left as it is)

    def text(self) -> str:
        what = {EXCLUDE: "exclude from latest", END_OF_LIFE: "set end of life", REMOVE: "remove"}[self.kind]
        eol = (
            f", endOfLife {self.end_of_life}"
            if self.end_of_life and self.kind == EXCLUDE
            else (f" {self.end_of_life}" if self.end_of_life else "")
        )
        return f"{what}{eol}: {self.image} {self.version} ({self.reason})"


def lifecycle_actions(
    catalog: Catalog, today: dt.date, health: Optional[Mapping[tuple[str, str], Health]] = None
) -> list[Action]:
    """Every action the policies call for today, image by image, oldest version first."""
    actions: list[Action] = []
    for image in catalog.images:
        actions += _image_actions(image, today, health)
    return actions


def _image_actions(
    image: ImageDefinition, today: dt.date, health: Optional[Mapping[tuple[str, str], Health]]
) -> list[Action]:
    policy = image.lifecycle
    versions = sorted(image.versions, key=lambda v: v.version)
    # The highest version `latest` gives in any region: an excluded version above it is staged, not retired.
    highest = max((SemVer.parse(n) for n in image.latest_by_region().values() if n), default=None)
    good = {v.version: _good(image, v, health) for v in versions}
    excluded = {v.version for v in versions if v.exclude_from_latest}
    out: dict[SemVer, Action] = {}

    new_end = (
        today + dt.timedelta(days=policy.end_of_life_after_days) if policy.end_of_life_after_days is not None else None
    )

    if policy.keep_eligible_for_latest is not None:
        eligible = [v for v in reversed(versions) if not v.exclude_from_latest]
        kept = [v for v in eligible if good[v.version]][: policy.keep_eligible_for_latest]
        if len(kept) == policy.keep_eligible_for_latest:
            floor = kept[-1].version
            names = ", ".join(v.name for v in kept)
            for v in eligible:
                if v.version < floor:
                    excluded.add(v.version)
                    out[v.version] = Action(
                        EXCLUDE,
                        image.name,
                        v.name,
                        f"keepEligibleForLatest {policy.keep_eligible_for_latest}: {names} stay eligible",
                        None if v.end_of_life else new_end,
                    )
    if policy.end_of_life_after_days is not None:
        for v in versions:
            staged = highest is not None and v.version > highest
            if v.exclude_from_latest and v.end_of_life is None and not staged and v.version not in out:
                out[v.version] = Action(
                    END_OF_LIFE,
                    image.name,
                    v.name,
                    f"excluded from latest, endOfLifeAfterDays {policy.end_of_life_after_days}",
                    new_end,
                )
    if policy.remove_after_days is not None:
        # `latest` now and after this run's exclusions, in every region (a region's own excludeFromLatest may
        # give another version there): none of them is removed.
        after = latest_per_region(
            (v.version, v.version in excluded, {t.name: bool(t.exclude_from_latest) for t in v.target_regions})
            for v in versions
        )
        keep = {SemVer.parse(n) for n in (*image.latest_by_region().values(), *after.values()) if n}
        for v in versions:
            end = v.end_of_life or (out[v.version].end_of_life if v.version in out else None)
            if end is None or v.version in keep:
                continue
            if end + dt.timedelta(days=policy.remove_after_days) <= today:
                out[v.version] = Action(
                    REMOVE,
                    image.name,
                    v.name,
                    f"endOfLife {end} + removeAfterDays {policy.remove_after_days} has passed",
                )
    return [out[k] for k in sorted(out)]


def _good(image: ImageDefinition, version: ImageVersion, health: Optional[Mapping[tuple[str, str], Health]]) -> bool:
    if health is None:
        return True  # offline: every version counts as good, and the output says the check was skipped
    state = health.get((image.name, version.name))
    return state is not None and state.good


def apply_actions(editor, actions: list[Action]) -> None:
    """Make `actions` in a CatalogEditor (gallery.lifecycle.edit); the caller saves it."""
    for action in actions:
        if action.kind == REMOVE:
            editor.remove_version(action.image, action.version)
            continue
        node = editor.version(action.image, action.version)
        if action.kind == EXCLUDE:
            editor.set(node, "excludeFromLatest", True)
        if action.end_of_life is not None:
            editor.set(node, "endOfLife", action.end_of_life)

"""The lifecycle policy on edge cases: ties, a failed newest version, staged versions, never the latest."""

from __future__ import annotations

import datetime as dt

from gallery.catalog.loader import load_catalog_text
from gallery.lifecycle.policy import END_OF_LIFE, EXCLUDE, REMOVE, Action, Health, lifecycle_actions

TODAY = dt.date(2026, 12, 1)
HEAD = """\
resourceGroup: rg
location: westeurope
storage: {account: stacct}
gallery: {name: gal}
lifecycle: {POLICY}
images:
  - name: app
    osType: Linux
    osState: Generalized
    hyperVGeneration: V2
    identifier: {publisher: P, offer: O, sku: S}
    versions:
"""


def catalog(policy: str, *versions: str):
    lines = [
        f"      - {{version: {v}, source: {{vhd: {{captured: 2026-01-0{i + 1}}}}}{extra}}}"
        for i, spec in enumerate(versions)
        for v, _, extra in [spec.partition(" ")]
    ]
    return load_catalog_text(HEAD.replace("{POLICY}", policy) + "\n".join(lines) + "\n", "images.yaml")


def kinds(actions):
    return [(a.kind, a.version, a.end_of_life) for a in actions]


def test_keep_two_excludes_the_older_eligible_versions_and_dates_their_end_of_life():
    cat = catalog("{keepEligibleForLatest: 2, endOfLifeAfterDays: 30}", "1.0.0", "1.1.0", "1.2.0", "1.3.0")
    assert kinds(lifecycle_actions(cat, TODAY)) == [
        (EXCLUDE, "1.0.0", dt.date(2026, 12, 31)),
        (EXCLUDE, "1.1.0", dt.date(2026, 12, 31)),
    ]
    assert lifecycle_actions(cat, TODAY)[0].text() == (
        "exclude from latest, endOfLife 2026-12-31: app 1.0.0 (keepEligibleForLatest 2: 1.3.0, 1.2.0 stay eligible)"
    )


def test_exactly_as_many_eligible_as_kept_is_no_change():
    cat = catalog("{keepEligibleForLatest: 2, endOfLifeAfterDays: 30}", "1.0.0", "1.1.0")
    assert lifecycle_actions(cat, TODAY) == []


def test_versions_compare_as_integers():
    cat = catalog("{keepEligibleForLatest: 1}", "1.0.10", "1.0.9")
    assert kinds(lifecycle_actions(cat, TODAY)) == [(EXCLUDE, "1.0.9", None)]


def test_a_failed_newest_version_is_not_one_of_the_good_ones_kept():
    cat = catalog("{keepEligibleForLatest: 2}", "1.0.0", "1.1.0", "1.2.0", "1.3.0")
    health = {
        ("app", "1.0.0"): Health(True),
        ("app", "1.1.0"): Health(True),
        ("app", "1.2.0"): Health(True),
        ("app", "1.3.0"): Health(False, "replication failed in eastus"),
    }
    # 1.2.0 and 1.1.0 are the two good ones: only 1.0.0 goes; the failed 1.3.0 is left for people to look at.
    assert kinds(lifecycle_actions(cat, TODAY, health)) == [(EXCLUDE, "1.0.0", None)]


def test_three_failed_publishes_never_push_out_the_last_good_version():
    cat = catalog("{keepEligibleForLatest: 3}", "1.0.0", "1.1.0", "1.2.0", "1.3.0")
    health = {
        ("app", "1.0.0"): Health(True),
        **{("app", v): Health(False, "failed") for v in ("1.1.0", "1.2.0", "1.3.0")},
    }
    assert lifecycle_actions(cat, TODAY, health) == []


def test_a_version_azure_does_not_report_is_not_good_when_azure_was_asked():
    cat = catalog("{keepEligibleForLatest: 1}", "1.0.0", "1.1.0")
    assert kinds(lifecycle_actions(cat, TODAY, {("app", "1.0.0"): Health(True)})) == []
    assert kinds(lifecycle_actions(cat, TODAY)) == [(EXCLUDE, "1.0.0", None)], "offline, every version counts"


def test_a_staged_version_is_left_for_promotion_and_a_retired_one_gets_its_end_of_life():
    cat = catalog(
        "{endOfLifeAfterDays: 10}", "1.0.0 , excludeFromLatest: true", "1.1.0", "1.2.0 , excludeFromLatest: true"
    )
    assert kinds(lifecycle_actions(cat, TODAY)) == [(END_OF_LIFE, "1.0.0", dt.date(2026, 12, 11))]


def test_removal_after_end_of_life_but_never_before_and_never_the_latest():
    cat = catalog(
        "{removeAfterDays: 30}",
        "1.0.0 , excludeFromLatest: true, endOfLife: 2026-10-01",
        "1.1.0 , excludeFromLatest: true, endOfLife: 2026-11-15",
        "1.2.0 , endOfLife: 2026-01-05",
    )
    assert kinds(lifecycle_actions(cat, TODAY)) == [(REMOVE, "1.0.0", None)]
    # 1.1.0: end of life + 30 days is 2026-12-15; 1.2.0 is past it but is the latest.
    assert kinds(lifecycle_actions(cat, dt.date(2026, 12, 15))) == [(REMOVE, "1.0.0", None), (REMOVE, "1.1.0", None)]


def test_a_version_excluded_today_with_an_old_end_of_life_is_removed_in_the_same_run():
    cat = catalog("{keepEligibleForLatest: 1, removeAfterDays: 0}", "1.0.0 , endOfLife: 2026-02-01", "1.1.0")
    assert lifecycle_actions(cat, TODAY) == [
        Action(REMOVE, "app", "1.0.0", "endOfLife 2026-02-01 + removeAfterDays 0 has passed")
    ]


def test_an_image_override_wins_key_by_key():
    text = HEAD.replace("{POLICY}", "{keepEligibleForLatest: 1, endOfLifeAfterDays: 5}").replace(
        "    versions:\n", "    lifecycle: {keepEligibleForLatest: 2}\n    versions:\n"
    ) + "".join(f"      - {{version: 1.{i}.0, source: {{vhd: {{captured: 2026-01-0{i + 1}}}}}}}\n" for i in range(3))
    cat = load_catalog_text(text, "images.yaml")
    assert kinds(lifecycle_actions(cat, TODAY)) == [(EXCLUDE, "1.0.0", dt.date(2026, 12, 6))]


def test_no_policy_no_action():
    cat = catalog("{}", "1.0.0 , excludeFromLatest: true", "1.1.0")
    assert lifecycle_actions(cat, TODAY) == []


def test_the_latest_of_any_region_is_never_removed():
    """1.1.0 is excluded from latest in northeurope only: there, 1.0.0 is what `latest` gives, so it stays, however
    long past its end of life."""
    cat = catalog(
        "{removeAfterDays: 30}",
        "1.0.0 , excludeFromLatest: false, endOfLife: 2026-02-01, regions: [westeurope, northeurope]",
        "1.1.0 , regions: [westeurope, {name: northeurope, excludeFromLatest: true}]",
    )
    assert cat.images[0].latest_by_region() == {"westeurope": "1.1.0", "northeurope": "1.0.0"}
    assert lifecycle_actions(cat, TODAY) == []
    cat = catalog(
        "{removeAfterDays: 30}",
        "1.0.0 , excludeFromLatest: false, endOfLife: 2026-02-01, regions: [westeurope, northeurope]",
        "1.1.0 , regions: [westeurope, northeurope]",
    )
    assert kinds(lifecycle_actions(cat, TODAY)) == [(REMOVE, "1.0.0", None)]

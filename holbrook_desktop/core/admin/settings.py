"""The administrator's choices that change the rules: due periods, minor versions, retention."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date, timedelta
from typing import TYPE_CHECKING

from holbrook_desktop.core.dates import school_day
from holbrook_desktop.core.errors import Refused
from holbrook_desktop.core.hr.due import DueRules

if TYPE_CHECKING:
    from holbrook_desktop.core.content.handbook import Policy
    from holbrook_desktop.core.records import Store
    from holbrook_desktop.core.records.settings import Settings

DUE_RULES_KEY = "due.rules"
RETENTION_KEY = "retention.years"
ROLLOUT_KEY = "rollout.date"
DEFAULT_RETENTION_YEARS = 6
# Bounds that catch a slip of the keyboard (1200 days for 12) without second-guessing the school.
LIMITS = {"new_starter_days": (1, 365), "refresher_months": (1, 60), "new_version_days": (1, 365),
          "due_soon_days": (0, 180)}
RETENTION_LIMITS = (1, 50)


class SettingRefused(Refused, ValueError):
    """A value the administrator gave that cannot be used; the message says what would be."""


def due_rules(settings: Settings) -> DueRules:
    saved = settings.get(DUE_RULES_KEY, {}) or {}
    known = {f.name for f in fields(DueRules)}
    return DueRules(**{k: int(v) for k, v in saved.items() if k in known})


def set_due_rules(settings: Settings, rules: DueRules) -> None:
    for name, value in asdict(rules).items():
        low, high = LIMITS[name]
        if not isinstance(value, int) or not low <= value <= high:
            raise SettingRefused(f"{name.replace('_', ' ')} must be a whole number from {low} to {high}.")
    settings.set(DUE_RULES_KEY, asdict(rules))


def rollout_date(store: Store) -> date | None:
    """The day the school started using the app, from which the first deadlines run: as set at
    first run (or later), else the day the app first showed a policy; None before either."""
    saved = store.settings.get(ROLLOUT_KEY)
    if saved:
        return date.fromisoformat(saved)
    seen = [v["first_seen"] for v in store.policy_versions.all() if v.get("first_seen")]
    for first in sorted(seen):
        try:
            return school_day(first)
        except ValueError:
            continue
    return None


def set_rollout_date(settings: Settings, day: date, *, today: date) -> None:
    if day > today + timedelta(days=366):
        raise SettingRefused("The rollout date must be within a year from today.")
    if day.year < 2000:
        raise SettingRefused("The rollout date looks wrong: give the day the school started using the app.")
    settings.set(ROLLOUT_KEY, day.isoformat())


def retention_years(settings: Settings) -> int:
    return int(settings.get(RETENTION_KEY, DEFAULT_RETENTION_YEARS))


def set_retention_years(settings: Settings, years: int) -> None:
    low, high = RETENTION_LIMITS
    if not isinstance(years, int) or not low <= years <= high:
        raise SettingRefused(f"The retention period must be a whole number of years from {low} to {high}.")
    settings.set(RETENTION_KEY, years)


def versions_of(store: Store, policy_id: str) -> list[dict]:
    """Every version of the policy the app has shown, oldest first, with its minor-change mark."""
    return store.policy_versions.history(policy_id)


def equivalent_versions(store: Store, policy: Policy) -> frozenset[str]:
    """The current version and, walking back, every earlier one reached through versions marked
    minor: a typo fix keeps the acknowledgements of the version it corrected."""
    history = versions_of(store, policy.id)
    shas = [v["sha256"] for v in history]
    if policy.sha256 not in shas:
        return frozenset({policy.sha256})
    index = shas.index(policy.sha256)
    counted = {policy.sha256}
    while index > 0 and history[index]["minor_change"]:
        index -= 1
        counted.add(history[index]["sha256"])
    return frozenset(counted)


def mark_minor_change(store: Store, policy_id: str, sha256: str, minor: bool) -> None:
    """Mark (or unmark) a version as a minor change of the one before it."""
    history = versions_of(store, policy_id)
    found = next((i for i, v in enumerate(history) if v["sha256"] == sha256), None)
    if found is None:
        raise SettingRefused(f"No version {sha256[:12]}… of {policy_id} is on record.")
    if found == 0 and minor:
        raise SettingRefused("The first version on record has nothing before it to be a minor change of.")
    store.policy_versions.set_minor_change(policy_id, sha256, minor,
                                           previous=history[found - 1]["sha256"] if found else None)

"""Who is due: the school's rules for when each person must acknowledge each policy, in one place."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from holbrook_desktop.core.handbook import Policy
    from holbrook_desktop.core.store import StaffMember
    from holbrook_desktop.core.store.acknowledgements import AcknowledgementRecord


class Status(StrEnum):
    ACKNOWLEDGED = "acknowledged"  # the current version, and in date
    DUE_SOON = "due soon"  # due, and the date has not passed yet
    OVERDUE = "overdue"  # acknowledged before, but not this version or not within the year
    NEVER = "never"  # never acknowledged any version, and the date has passed
    LEAVER = "leaver"


@dataclass(frozen=True)
class DueRules:
    """The defaults the issue gives; the administrator's settings replace them (a later step)."""

    new_starter_days: int = 14  # a new starter acknowledges within this many days of starting
    refresher_months: int = 12  # everyone acknowledges again after this long
    new_version_days: int = 30  # a new version makes everyone due within this many days
    due_soon_days: int = 30  # "due soon" this many days before a refresher falls due


@dataclass(frozen=True)
class PersonStatus:
    member: StaffMember
    policy_id: str
    status: Status
    due: date | None  # None for leavers
    acknowledgement: AcknowledgementRecord | None  # the latest, of any version


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def status_for(member: StaffMember, policy: Policy, acknowledgements: Sequence[AcknowledgementRecord],
               today: date, rules: DueRules = DueRules(),
               equivalent_versions: frozenset[str] = frozenset()) -> PersonStatus:
    """`acknowledgements`: this person's for this policy, newest first. `equivalent_versions`:
    earlier versions whose acknowledgements still count (changes the administrator marked minor)."""
    latest = acknowledgements[0] if acknowledgements else None
    if not member.active or (member.leaving_date and date.fromisoformat(member.leaving_date) <= today):
        return PersonStatus(member, policy.id, Status.LEAVER, None, latest)
    counts = {policy.sha256, *equivalent_versions}
    current = next((a for a in acknowledgements if a.policy_sha256 in counts), None)
    started = date.fromisoformat(member.start_date)
    if current is not None:
        due = add_months(_day(current.acknowledged_at), rules.refresher_months)
        if today > due:
            status = Status.OVERDUE
        elif (due - today).days <= rules.due_soon_days:
            status = Status.DUE_SOON
        else:
            status = Status.ACKNOWLEDGED
        return PersonStatus(member, policy.id, status, due, latest)
    # Not acknowledged this version: a new starter has their days from starting, everyone else
    # from the day the version took effect, whichever is later.
    due = max(date.fromordinal(started.toordinal() + rules.new_starter_days),
              date.fromordinal(policy.meta.effective.toordinal() + rules.new_version_days))
    late = Status.OVERDUE if latest is not None else Status.NEVER
    return PersonStatus(member, policy.id, Status.DUE_SOON if today <= due else late, due, latest)


def _day(utc_iso: str) -> date:
    return datetime.fromisoformat(utc_iso).date()


def statuses_for(store, policies: Sequence[Policy], *, today: date, rules: DueRules,
                 equivalent_versions: dict[str, frozenset[str]],
                 include_leavers: bool = True) -> list[PersonStatus]:
    """Everyone's status on each of `policies`, reading the records once."""
    by_person: dict[tuple[int, str], list] = {}
    for record in reversed(store.acknowledgements.all()):  # newest first within each person
        by_person.setdefault((record.staff_id, record.policy_id), []).append(record)
    return [status_for(member, policy, by_person.get((member.id, policy.id), []), today, rules,
                       equivalent_versions.get(policy.id, frozenset()))
            for member in store.staff.list(include_inactive=include_leavers) for policy in policies]

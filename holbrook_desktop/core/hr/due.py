"""Who is due: the school's rules for when each person must acknowledge each policy, in one place."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from holbrook_desktop.core.dates import has_left, school_day

if TYPE_CHECKING:
    from holbrook_desktop.core.content.handbook import Policy
    from holbrook_desktop.core.records import StaffMember, Store
    from holbrook_desktop.core.records.acknowledgements import AcknowledgementRecord, AcknowledgementSummary

    Acknowledged = AcknowledgementRecord | AcknowledgementSummary


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
    # The latest, of any version. From statuses_for, a summary (id, policy_sha256, version_label,
    # acknowledged_at, method, quiz_attempt_id): the full record is store.acknowledgements.get(id).
    acknowledgement: AcknowledgementSummary | AcknowledgementRecord | None


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
    counts = {policy.sha256, *equivalent_versions}
    latest = acknowledgements[0] if acknowledgements else None
    current = next((a for a in acknowledgements if a.policy_sha256 in counts), None)
    return status_from(member, policy, latest, current, today, rules)


def status_from(member: StaffMember, policy: Policy, latest: Acknowledged | None,
                current: Acknowledged | None, today: date, rules: DueRules = DueRules()) -> PersonStatus:
    """The rules themselves, given the person's newest acknowledgement of any version (`latest`) and
    their newest of a version that still counts (`current`)."""
    if not member.active or has_left(member.leaving_date, today):
        return PersonStatus(member, policy.id, Status.LEAVER, None, latest)
    if current is not None:
        due = add_months(school_day(current.acknowledged_at), rules.refresher_months)
        if today > due:
            status = Status.OVERDUE
        elif (due - today).days <= rules.due_soon_days:
            status = Status.DUE_SOON
        else:
            status = Status.ACKNOWLEDGED
        return PersonStatus(member, policy.id, status, due, latest)
    # Not acknowledged this version: a new starter has their days from starting, everyone else
    # from the day the version took effect, whichever is later.
    started = date.fromisoformat(member.start_date)
    due = max(started + timedelta(days=rules.new_starter_days),
              policy.meta.effective + timedelta(days=rules.new_version_days))
    late = Status.OVERDUE if latest is not None else Status.NEVER
    return PersonStatus(member, policy.id, Status.DUE_SOON if today <= due else late, due, latest)


def statuses_for(store: Store, policies: Sequence[Policy], *, today: date, rules: DueRules,
                 equivalent_versions: dict[str, frozenset[str]],
                 include_leavers: bool = True) -> list[PersonStatus]:
    """Everyone's status on each of `policies`: one query for the staff, one for the records that
    matter (each person's newest, and newest counted, on each policy; no declarations or signatures)."""
    counted = {p.id: frozenset({p.sha256, *equivalent_versions.get(p.id, frozenset())}) for p in policies}
    found = store.acknowledgements.latest_by_person(counted)
    nothing = _NOTHING
    statuses = []
    for member in store.staff.list(include_inactive=include_leavers):
        for policy in policies:
            latest, current = found.get((member.id, policy.id), nothing)
            statuses.append(status_from(member, policy, latest, current, today, rules))
    return statuses


_NOTHING = (None, None)

"""Who is due: the school's rules for when each person must acknowledge each policy, in one place."""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, TypeAlias

from holbrook_desktop.core.dates import has_left, school_day

if TYPE_CHECKING:
    from holbrook_desktop.core.content.handbook import Policy
    from holbrook_desktop.core.records import StaffMember, Store
    from holbrook_desktop.core.records.acknowledgements import AcknowledgementRecord, AcknowledgementSummary

    Acknowledged: TypeAlias = AcknowledgementRecord | AcknowledgementSummary


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


@dataclass(frozen=True)
class VersionStep:
    """A version that changed what people must acknowledge, with the minor corrections made after it
    (their acknowledgements count the same, and they move no date)."""

    shas: frozenset[str]
    label: str
    effective: date  # the day it takes effect: it asks nothing of anybody before then
    installed: date | None = None  # the school day it was first shown (None: not on record yet)


def version_steps(policy: Policy, history: Sequence[Mapping] = (),
                  equivalent_versions: frozenset[str] = frozenset()) -> list[VersionStep]:
    """The policy's versions on record (`store.policy_versions.history`, oldest first), grouped into
    steps: a version marked minor joins the step before it. The policy as it is now closes the list
    if it is not on record yet; `equivalent_versions` join the step of the policy as it is now."""
    steps: list[dict] = []
    for version in history:
        effective = version["effective"]
        effective = date.fromisoformat(effective) if isinstance(effective, str) else effective
        installed = _day_or_none(version.get("first_seen"))
        if version.get("minor_change") and steps:
            steps[-1]["shas"].add(version["sha256"])
        else:
            steps.append({"shas": {version["sha256"]}, "label": version.get("label") or "",
                          "effective": effective, "installed": installed})
    if not any(policy.sha256 in step["shas"] for step in steps):
        steps.append({"shas": {policy.sha256}, "label": getattr(policy.meta, "version", "") or "",
                      "effective": policy.meta.effective, "installed": None})
    if equivalent_versions:
        here = next(step for step in steps if policy.sha256 in step["shas"])
        for step in [s for s in steps if s is not here and s["shas"] & equivalent_versions]:
            steps.remove(step)  # an earlier version the administrator marked as the same text
        here["shas"] |= equivalent_versions
    return [VersionStep(frozenset(s["shas"]), s["label"], s["effective"], s["installed"]) for s in steps]


def _day_or_none(utc_iso: str | None) -> date | None:
    try:
        return school_day(utc_iso) if utc_iso else None
    except ValueError:  # not a time: as if not known
        return None


def status_for(member: StaffMember, policy: Policy, acknowledgements: Sequence[Acknowledged],
               today: date, rules: DueRules = DueRules(),
               equivalent_versions: frozenset[str] = frozenset(), *,
               history: Sequence[Mapping] = (), rollout: date | None = None,
               as_of: bool = False) -> PersonStatus:
    """`acknowledgements`: this person's for this policy (any order). `equivalent_versions`: earlier
    versions whose acknowledgements still count (changes the administrator marked minor).
    `history`: the policy's versions on record; `rollout`: the day the school started using the app;
    `as_of`: `today` is a day in the past, so only what was on record that day counts."""
    steps = version_steps(policy, history, equivalent_versions)
    return judge(member, policy.id, steps, acknowledgements, today, rules, rollout=rollout, as_of=as_of)


def judge(member: StaffMember, policy_id: str, steps: Sequence[VersionStep],
          acknowledgements: Sequence[Acknowledged], today: date, rules: DueRules = DueRules(), *,
          rollout: date | None = None, as_of: bool = False) -> PersonStatus:
    """The rules themselves (README: "Who is due follows one set of rules").

    - A leaver (from the day after their last day) is due nothing.
    - A version asks something of people from its effective date (and, for a report as of a day in
      the past, only once it was installed): until then the version before it is the one in force.
    - Each version in force that the person has not acknowledged (nor a later one) gives a deadline:
      the version period after it took effect (never before the rollout), and never sooner than the
      new-starter period after the person started.
    - Their last acknowledgement, of any version, gives a refresher deadline a year (the refresher
      period) later.
    - The deadline is the EARLIEST of these, so a new version never moves a date later: someone
      overdue stays overdue with their original date. Acknowledged the version in force: only the
      refresher deadline counts.
    """
    acknowledged = [a for a in acknowledgements if not as_of or school_day(a.acknowledged_at) <= today]
    latest = max(acknowledged, key=lambda a: (a.acknowledged_at, getattr(a, "id", 0)), default=None)
    if not member.active or has_left(member.leaving_date, today):
        return PersonStatus(member, policy_id, Status.LEAVER, None, latest)
    in_force = steps_in_force(steps, today, as_of=as_of)
    current = in_force[-1] if in_force else 0
    step_of = {sha: i for i, step in enumerate(steps) for sha in step.shas}
    reached = max((step_of.get(a.policy_sha256, -1) for a in acknowledged), default=-1)
    # The refresher runs from their newest record of the furthest version they reached (of the version
    # in force or a later one, once they reached it): a later record of an older text refreshes nothing.
    def step_reached(record: Acknowledged) -> bool:
        step = step_of.get(record.policy_sha256, -1)
        return step >= current if reached >= current else step == reached

    refreshed = max((school_day(a.acknowledged_at) for a in acknowledged if step_reached(a)), default=None)
    refresher = add_months(refreshed, rules.refresher_months) if refreshed is not None else None
    if refresher is not None and reached >= current:
        if today > refresher:
            status = Status.OVERDUE
        elif (refresher - today).days <= rules.due_soon_days:
            status = Status.DUE_SOON
        else:
            status = Status.ACKNOWLEDGED
        return PersonStatus(member, policy_id, status, refresher, latest)
    started = date.fromisoformat(member.start_date)
    deadlines = [max(started + timedelta(days=rules.new_starter_days),
                     max(steps[i].effective, rollout or steps[i].effective)
                     + timedelta(days=rules.new_version_days))
                 for i in range(reached + 1, current + 1) if i == 0 or i in in_force]
    if refresher is not None:
        deadlines.append(refresher)
    due = min(deadlines)
    late = Status.OVERDUE if latest is not None else Status.NEVER
    return PersonStatus(member, policy_id, Status.DUE_SOON if today <= due else late, due, latest)


def steps_in_force(steps: Sequence[VersionStep], today: date, *, as_of: bool = False) -> list[int]:
    """The steps that have taken effect by `today` (and, as of a past day, been installed by then)."""
    return [i for i, step in enumerate(steps) if step.effective <= today
            and not (as_of and step.installed is not None and step.installed > today)]


def current_step(steps: Sequence[VersionStep], today: date, *, as_of: bool = False) -> int:
    """The step in force on `today`: the last to take effect (the first, before any has)."""
    in_force = steps_in_force(steps, today, as_of=as_of)
    return in_force[-1] if in_force else 0


def statuses_for(store: Store, policies: Sequence[Policy], *, today: date, rules: DueRules,
                 equivalent_versions: dict[str, frozenset[str]],
                 include_leavers: bool = True, rollout: date | None = None,
                 as_of: bool = False) -> list[PersonStatus]:
    """Everyone's status on each of `policies` (by `judge`): one query for the staff, one for the
    records that matter (each person's newest of each version; no declarations or signatures).
    `as_of`: `today` is a day in the past: records made later, people who had not started yet and
    versions installed later are left out."""
    steps = {p.id: version_steps(p, store.policy_versions.history(p.id),
                                 equivalent_versions.get(p.id, frozenset())) for p in policies}
    found = store.acknowledgements.deciding(
        {p.id: {sha: i for i, step in enumerate(steps[p.id]) for sha in step.shas} for p in policies},
        {p.id: current_step(steps[p.id], today, as_of=as_of) for p in policies},
        before=school_day_ends(today) if as_of else None)
    statuses = []
    for member in store.staff.list(include_inactive=include_leavers, today=today):
        if as_of and date.fromisoformat(member.start_date) > today:
            continue  # not on the staff yet on that day
        for policy in policies:
            acknowledged = found.get((member.id, policy.id), ())
            statuses.append(judge(member, policy.id, steps[policy.id], acknowledged, today, rules,
                                  rollout=rollout, as_of=as_of))
    return statuses


def school_day_ends(day: date) -> str:
    """The stored (UTC, ISO 8601) form of the first moment after the school's day `day`."""
    return datetime.combine(day + timedelta(days=1), time()).astimezone(UTC).isoformat()


def overdue_at_once(store: Store, new: Policy, installed: Policy | None, *, today: date,
                    rules: DueRules, rollout: date | None = None) -> list[PersonStatus]:
    """Who would be late today if `new` (a version not installed yet) replaced `installed`, and is
    not late now: the people an install of a back-dated version makes overdue at once."""
    history = list(store.policy_versions.history(new.id))
    if installed is not None and installed.sha256 not in {v["sha256"] for v in history}:
        history.append({"sha256": installed.sha256, "label": installed.meta.version, "minor_change": False,
                        "effective": installed.meta.effective, "first_seen": None})
    old_steps = version_steps(installed, history) if installed is not None else []
    new_steps = version_steps(new, history)
    found = store.acknowledgements.newest_of_each_version([new.id])
    late = []
    for member in store.staff.list(include_inactive=False, today=today):
        acknowledged = found.get((member.id, new.id), ())
        after = judge(member, new.id, new_steps, acknowledged, today, rules, rollout=rollout)
        if after.status not in LATE:
            continue
        if old_steps and judge(member, new.id, old_steps, acknowledged, today, rules,
                               rollout=rollout).status in LATE:
            continue
        late.append(after)
    return late


LATE = (Status.OVERDUE, Status.NEVER)
NEW_STARTER_PERIOD_MONTHS = 12


@dataclass(frozen=True)
class NewStarters:
    """People who started in the period (the 12 months up to the report's day) and their first
    deadline on one policy: how many acknowledged by it."""

    period_start: date  # the first day of the period
    period_end: date  # the report's day
    in_time: int  # acknowledged (any version) on or before their first deadline
    late: int  # acknowledged after it, or not at all and it has passed
    waiting: int  # not acknowledged yet, and their deadline has not passed: not counted either way

    @property
    def judged(self) -> int:
        return self.in_time + self.late

    @property
    def share(self) -> int | None:
        """In time, as a whole percentage of those whose deadline has come (None: nobody's has)."""
        return round(100 * self.in_time / self.judged) if self.judged else None


def new_starters(store: Store, policies: Sequence[Policy], *, today: date, rules: DueRules,
                 equivalent_versions: dict[str, frozenset[str]], rollout: date | None = None,
                 as_of: bool = False) -> dict[str, NewStarters]:
    """For each policy: of the people who started in the 12 months up to `today`, how many
    acknowledged within their first deadline (as `judge` sets it for someone with no record)."""
    period_start = add_months(today, -NEW_STARTER_PERIOD_MONTHS) + timedelta(days=1)
    steps = {p.id: version_steps(p, store.policy_versions.history(p.id),
                                 equivalent_versions.get(p.id, frozenset())) for p in policies}
    firsts = store.acknowledgements.first_acknowledged(
        [p.id for p in policies], before=school_day_ends(today) if as_of else None)
    starters = [m for m in store.staff.list(include_inactive=True)
                if period_start <= date.fromisoformat(m.start_date) <= today]
    figures = {}
    for policy in policies:
        in_time = late = waiting = 0
        for member in starters:
            first = judge(member, policy.id, steps[policy.id], (), today, rules, rollout=rollout, as_of=as_of)
            if first.status is Status.LEAVER:
                continue
            earliest = firsts.get((member.id, policy.id))
            acknowledged = school_day(earliest) if earliest else None
            if acknowledged is not None and first.due is not None and acknowledged <= first.due:
                in_time += 1
            elif acknowledged is not None or (first.due is not None and today > first.due):
                late += 1
            else:
                waiting += 1
        figures[policy.id] = NewStarters(period_start, today, in_time, late, waiting)
    return figures

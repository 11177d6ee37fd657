"""“My record”: the signed-in person's own standing on each policy, in words, for the window to draw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from holbrook_desktop.core.dates import for_people, school_day

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.admin.version_changes import VersionChanges
    from holbrook_desktop.core.content.handbook import Policy
    from holbrook_desktop.core.hr.due import PersonStatus
    from holbrook_desktop.core.records import StaffMember
    from holbrook_desktop.core.records.acknowledgements import AcknowledgementRecord

# "ok" is the only standing drawn green with a tick; "due" amber; "overdue" red.
Standing = Literal["ok", "due", "overdue", "none"]


@dataclass(frozen=True)
class AcknowledgedVersion:
    version_label: str
    policy_sha256: str
    day: date  # the school day it was acknowledged
    current: bool  # this version (or one still counting for it, a minor change) is the one in force
    record: AcknowledgementRecord  # its certificate: app.attestation.pdf(record)


@dataclass(frozen=True)
class PolicyStanding:
    policy_id: str
    title: str
    version_label: str  # in force now
    standing: Standing
    words: str  # "Acknowledged until 6 December 2027", "Due by …", "Overdue since …"
    due: date | None
    next_refresher: date | None  # None until a version in force has been acknowledged
    acknowledged: tuple[AcknowledgedVersion, ...]  # newest first
    changes: VersionChanges | None  # since the version they last acknowledged, when it is not this one

    @property
    def tick(self) -> bool:
        return self.standing == "ok"


@dataclass(frozen=True)
class MyRecord:
    member: StaffMember
    today: date
    policies: tuple[PolicyStanding, ...]


def standing_words(status: PersonStatus) -> tuple[Standing, str]:
    """The status in the person's words, by the due rules (core.hr.due)."""
    from holbrook_desktop.core.hr.due import Status

    due = status.due
    if status.status == Status.LEAVER or due is None:
        return "none", "No longer on the staff list"
    if status.status == Status.ACKNOWLEDGED:
        return "ok", f"Acknowledged until {for_people(due)}"
    if status.status == Status.DUE_SOON:
        return "due", f"Due by {for_people(due)}"
    # Due by the day itself, so overdue from the day after it.
    return "overdue", f"Overdue since {for_people(due + timedelta(days=1))}"


def policy_standing(app: App, member: StaffMember, policy: Policy, today: date) -> PolicyStanding:
    records = app.require_records()
    status = app.hr.status_of(member.id, policy.id, today=today)
    counting = {policy.sha256, *app.admin.equivalent_versions(policy.id)}
    acknowledged = tuple(
        AcknowledgedVersion(a.version_label, a.policy_sha256, school_day(a.acknowledged_at),
                            a.policy_sha256 in counting, a)
        for a in records.acknowledgements.for_person(member.id, policy.id))
    standing, words = standing_words(status)
    next_refresher = status.due if any(a.current for a in acknowledged) and standing != "none" else None
    return PolicyStanding(policy.id, policy.title, policy.meta.version, standing, words, status.due,
                          next_refresher, acknowledged, app.reading.changes_since_acknowledged(policy.id))


def my_record(app: App) -> MyRecord:
    member = app.require_session().member
    today = app.today()
    policies = tuple(policy_standing(app, member, p, today) for p in app.content.policies)
    return MyRecord(member, today, policies)

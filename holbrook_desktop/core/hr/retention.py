"""Leavers' records kept for the school's retention period, then their personal data erased (UK GDPR).

`plan_retention` lists who is due (nothing is written); `apply_retention` erases each of them in a
transaction of their own, with one "retention.erased" audit row each. The erasure itself is SQL in
core/records/erasure.py, and what this module reads and writes is in core/records/retention.py; this
module decides who, deletes the signed PDFs, and has SQLite clear what it keeps of deleted data inside
the file. Backups taken before the erasure still hold it: the result says which, and the app does not
rewrite them.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from holbrook_desktop.core.dates import for_people, school_day
from holbrook_desktop.core.errors import Refused
from holbrook_desktop.core.hr.roles import ROLE_LABELS

if TYPE_CHECKING:
    from holbrook_desktop.core.records import Store

log = logging.getLogger(__name__)

ERASED_ACTION = "retention.erased"


def retention_ends(leaving_date: date, years: int) -> date:
    """The first day their data may be erased: the leaving date `years` calendar years on. Someone
    who left on 29 February is kept until 1 March (the period is never cut short by a day)."""
    try:
        return leaving_date.replace(year=leaving_date.year + years)
    except ValueError:  # 29 February in a year that has none
        return date(leaving_date.year + years, 3, 1)


@dataclass(frozen=True)
class RetentionCandidate:
    """A leaver whose retention period is over, and what is kept about them."""

    staff_id: int
    full_name: str
    role: str
    leaving_date: date
    erase_from: date
    acknowledgements: int
    signed_pdfs: int
    quiz_attempts: int
    reading_progress: int
    # Why they will not be erased, though their period is over (activity after their leaving date).
    refusal: str | None = None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def as_dict(self) -> dict[str, Any]:
        return {"staff_id": self.staff_id, "full_name": self.full_name, "role": self.role,
                "leaving_date": self.leaving_date.isoformat(), "erase_from": self.erase_from.isoformat(),
                "records": {"acknowledgements": self.acknowledgements, "signed_pdfs": self.signed_pdfs,
                            "quiz_attempts": self.quiz_attempts, "reading_progress": self.reading_progress},
                "not_erased_because": self.refusal}


@dataclass(frozen=True)
class RetentionPlan:
    years: int
    today: date
    people: tuple[RetentionCandidate, ...]
    problems: tuple[str, ...] = ()  # records that could not be judged (a leaving date that is not a date)

    def as_dict(self) -> dict[str, Any]:
        return {"retention_years": self.years, "today": self.today.isoformat(),
                "people": [p.as_dict() for p in self.people], "problems": list(self.problems)}


@dataclass(frozen=True)
class ErasedPerson:
    staff_id: int
    acknowledgements: int
    signed_pdfs_deleted: int
    audit_rows_erased: int
    audit_row: int  # the "retention.erased" row that records it

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Refusal:
    staff_id: int
    reason: str


@dataclass(frozen=True)
class RetentionResult:
    erased: tuple[ErasedPerson, ...]
    refused: tuple[Refusal, ...]
    backups: tuple[Path, ...]  # taken before the erasure: they still hold the erased data
    daily_backups_kept: int
    file_cleared: bool  # the database file no longer holds copies of what was erased
    file_note: str | None = None

    def backups_note(self) -> str:
        if not self.erased or not self.backups:
            return ""
        kept = self.daily_backups_kept
        return (f"{len(self.backups)} backup copies of the records, taken before this erasure, still hold "
                f"the erased data (in {self.backups[0].parent}). The app keeps the {kept} newest daily "
                f"backups, so the last daily copy holding it goes once the app has been opened on {kept} "
                "more days; copies made before an upgrade (pre-migration-…) are never removed by the app: "
                "delete those you no longer need. Copies of the backups or of exported PDFs kept "
                "elsewhere are the school's to delete.")

    def as_dict(self) -> dict[str, Any]:
        return {"erased": [p.as_dict() for p in self.erased],
                "refused": [{"staff_id": r.staff_id, "reason": r.reason} for r in self.refused],
                "backups_holding_erased_data": [str(p) for p in self.backups] if self.erased else [],
                "database_file_cleared": self.file_cleared, "database_file_note": self.file_note,
                "note": self.backups_note() or None}


def plan_retention(store: Store, *, years: int, today: date) -> RetentionPlan:
    """Leavers whose leaving date is at least `years` calendar years before `today` and who have
    not been erased yet, oldest leaving date first. Nothing is written."""
    people, problems = [], []
    for leaver in store.retention.leavers_not_erased():
        try:
            leaving = date.fromisoformat(leaver.leaving_date)
        except (TypeError, ValueError):
            problems.append(f"{leaver.full_name} (number {leaver.staff_id}): the leaving date "
                            f"{leaver.leaving_date!r} is not a date written as YYYY-MM-DD, so they are not "
                            "erased; correct it first.")
            continue
        ends = retention_ends(leaving, years)
        if ends <= today:
            people.append(RetentionCandidate(
                leaver.staff_id, leaver.full_name, leaver.role, leaving, ends, leaver.acknowledgements,
                leaver.signed_pdfs, leaver.quiz_attempts, leaver.reading_progress,
                activity_after_leaving(store, leaver.staff_id, leaving)))
    return RetentionPlan(years, today, tuple(people), tuple(problems))


def activity_after_leaving(store: Store, staff_id: int, leaving: date) -> str | None:
    """Why erasing them now would be wrong, if their records show them here after their leaving date
    (an acknowledgement, a quiz attempt or reading dated after it): the date is likely a slip, and
    erasing on it would destroy the record of someone who may still work here. None if not."""
    last = store.staff.last_activity(staff_id)
    after = [(day, words) for at, words in ((last.acknowledgement, "an acknowledgement"),
                                            (last.quiz_attempt, "a quiz attempt"),
                                            (last.reading, "reading the policy"))
             if at and (day := school_day(at)) > leaving]
    if not after:
        return None
    day, words = max(after)
    return (f"their records show activity after their leaving date ({words} on {for_people(day)}; they "
            f"left on {for_people(leaving)}), so the leaving date may be wrong. Check it, correct it "
            "if need be (Edit in the admin area, or 'holbrook staff edit'), then erase")


class _NotErased(Refused):
    """This person is not erased; the message says why (their transaction is rolled back)."""


def apply_retention(store: Store, plan: RetentionPlan) -> RetentionResult:
    """Erase each planned person's personal data, one transaction each: everyone erased before a
    failure stays erased, and the window waits on the records for one person at a time only. Each
    is checked again inside their transaction (still a leaver, not erased, the period over by the
    plan's day under the longer of the plan's and today's retention setting), so a stale or
    hand-made plan cannot erase anyone early."""
    from holbrook_desktop.core.admin.settings import retention_years
    from holbrook_desktop.core.records import StoreError, backups

    held = backups.existing_backups(store.path)
    years = max(plan.years, retention_years(store.settings))
    erased: list[ErasedPerson] = []
    refused: list[Refusal] = []
    if plan.today > date.today():
        refused = [Refusal(p.staff_id, f"the plan was made for {plan.today}, a day still to come")
                   for p in plan.people]
        return RetentionResult((), tuple(refused), tuple(held), _daily_kept(), True)
    with store.retention.secure_delete():
        for person in plan.people:
            try:
                erased.append(_erase_one(store, person.staff_id, years, plan.today))
            except (_NotErased, StoreError) as exc:
                refused.append(Refusal(person.staff_id, str(exc)))
            except sqlite3.DatabaseError as exc:  # a check the records make: reported, the rest go on
                refused.append(Refusal(person.staff_id, f"the records refused the change ({exc}); nothing "
                                                        "of theirs was erased"))
    cleared, note = _clear_deleted_content(store) if erased else (True, None)
    log.info("retention applied: staff %s erased, %d not erased", [p.staff_id for p in erased] or "none",
             len(refused))
    return RetentionResult(tuple(erased), tuple(refused), tuple(held), _daily_kept(), cleared, note)


def _erase_one(store: Store, staff_id: int, years: int, today: date) -> ErasedPerson:
    with store.change(ERASED_ACTION) as change:
        leaving = _check_due(store.retention.leaving_within(change, staff_id), staff_id, years, today)
        activity = activity_after_leaving(store, staff_id, leaving)  # read in the change's transaction
        if activity:
            raise _NotErased(activity)
        counts = store.retention.kept_counts_within(change, staff_id)
        written = store.retention.erase_within(change, staff_id)
        event_id, done = written.event_id, written.person
        deleted = _delete_pdfs(store.data_dir, done.pdf_files)
        change.details = {
            "staff_id": staff_id, "retention_years": years,
            "acknowledgements_erased": done.acknowledgements, "signed_pdfs_deleted": deleted,
            "quiz_attempts_kept": counts[0], "reading_progress_kept": counts[1],
            **{f"redacted_{field}": rows for field, rows in done.audit_rows.items()},
        }
    rows_erased = len(set().union(*done.audit_rows.values()))
    return ErasedPerson(staff_id, done.acknowledgements, deleted, rows_erased, event_id)


def _check_due(row: tuple | None, staff_id: int, years: int, today: date) -> date:
    if row is None:
        raise _NotErased(f"there is no member of staff with number {staff_id}")
    leaving_text, erased_at = row
    if erased_at is not None:
        raise _NotErased(f"their personal data was already erased on {for_people(school_day(erased_at))}")
    if leaving_text is None:
        raise _NotErased("they are not a leaver (no leaving date is recorded)")
    try:
        leaving = date.fromisoformat(leaving_text)
    except ValueError:
        raise _NotErased(f"their leaving date {leaving_text!r} is not a date") from None
    ends = retention_ends(leaving, years)
    if ends > today:
        raise _NotErased(f"they left on {for_people(leaving)}; their records are kept for {years} years, "
                         f"until {for_people(ends)}")
    return leaving


def _delete_pdfs(data_dir: Path, relative_files: tuple[str, ...]) -> int:
    """Inside the person's transaction: if one cannot be deleted, nothing of theirs is erased (a file
    already deleted stays so: it was due to go)."""
    from holbrook_desktop.core.records.acknowledgements import ATTESTATIONS_FOLDER

    folder = (data_dir / ATTESTATIONS_FOLDER).resolve()
    deleted = 0
    for relative in relative_files:
        path = (data_dir / relative).resolve()
        if not path.is_relative_to(folder):
            raise _NotErased(f"the record's PDF {relative!r} is not in the attestations folder; "
                             "nothing of theirs was erased")
        try:
            path.unlink()
            deleted += 1
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise _NotErased(f"their signed PDF {path} could not be deleted ({exc.strerror or exc}); "
                             "nothing of theirs was erased") from exc
    return deleted


def _clear_deleted_content(store: Store) -> tuple[bool, str | None]:
    """The file rewritten from its live content, and its write-ahead log emptied (see Retention.compact)."""
    try:
        emptied = store.retention.compact()
    except sqlite3.Error as exc:
        log.warning("could not compact %s after erasure: %s", store.path, exc)
        return False, (f"The records file could not be compacted ({exc}): old copies of the erased data "
                       "may remain in its free space until it is (the next erasure compacts it).")
    if not emptied:
        return False, ("Another window or computer is reading the records: the file's old copies of the "
                       "erased data are overwritten once every window using them has been closed.")
    return True, None


def _daily_kept() -> int:
    from holbrook_desktop.core.records import backups

    return backups.DEFAULT_DAILY_KEPT

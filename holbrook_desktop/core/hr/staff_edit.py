"""Changing what is on record about a person: the checks an edit and a leaving date go through,
shared by the admin area and the command line."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from holbrook_desktop.core.dates import for_people, school_day
from holbrook_desktop.core.errors import InputRefused, Refused, UnknownStaff

if TYPE_CHECKING:
    from holbrook_desktop.core.records import StaffMember, Store

# A school's records go back no further than this; a date before it is a typing slip (1926 for 2026).
EARLIEST_YEAR = 1950
# How far ahead a start or leaving date may be set: a contract's end is known, a decade is a slip.
YEARS_AHEAD = 5

DATE_WORDS = {"start_date": "start date", "leaving_date": "leaving date"}


class NeedsConfirmation(Refused):
    """Allowed, but only once the person confirms: `question` asks them (the window shows it as a
    question and tries again with `confirmed=True`; the command line needs --yes)."""

    needs_confirmation = True

    def __init__(self, message: str, question: str) -> None:
        super().__init__(message)
        self.question = question


def check_possible(field: str, day: date, today: date) -> None:
    """InputRefused for a year no record here can have: before 1950, or more than 5 years ahead."""
    words = DATE_WORDS.get(field, field)
    if day.year < EARLIEST_YEAR:
        raise InputRefused(f"The {words} {for_people(day)} is before {EARLIEST_YEAR}: is the year mistyped?")
    latest = _years_on(today, YEARS_AHEAD)
    if day > latest:
        raise InputRefused(f"The {words} {for_people(day)} is more than {YEARS_AHEAD} years ahead (after "
                           f"{for_people(latest)}): is the year mistyped?")


def check_leaving_date(store: Store, member: StaffMember, leaving: date, *, today: date,
                       confirmed: bool = False) -> None:
    """A possible year, and, unless `confirmed`, not before the person's last acknowledgement
    (NeedsConfirmation: their record says they were here after it)."""
    check_possible("leaving_date", leaving, today)
    last = store.staff.last_activity(member.id).acknowledgement
    if last is None or confirmed:
        return
    acknowledged = school_day(last)
    if acknowledged > leaving:
        raise NeedsConfirmation(
            f"{member.full_name} acknowledged a policy on {for_people(acknowledged)}, after the leaving "
            f"date {for_people(leaving)}. If they really left then, that acknowledgement was made after "
            "they left.",
            f"Set {for_people(leaving)} as {member.full_name}'s leaving date anyway?")


def update_staff(store: Store, staff_id: int, changes: Mapping[str, Any], *, today: date,
                 confirmed: bool = False) -> StaffMember:
    """Change the fields given ({field: value}; dates as `date`), checked as a new person's would be,
    with possible years, and a leaving date before their last acknowledgement only if `confirmed`.
    One audit row lists every field's old and new value."""
    member = store.staff.get(staff_id)
    if member is None:
        raise UnknownStaff(staff_id)
    for field in DATE_WORDS:
        day = changes.get(field)
        if day is not None and not isinstance(day, date):
            raise InputRefused(f"The {DATE_WORDS[field]} must be a date.")
    start = changes.get("start_date")
    if start is not None and start.isoformat() != member.start_date:
        check_possible("start_date", start, today)
    leaving = changes.get("leaving_date")
    if leaving is not None and leaving.isoformat() != member.leaving_date:
        check_leaving_date(store, member, leaving, today=today, confirmed=confirmed)
    return store.staff.edit(staff_id, changes)


def mark_leaver(store: Store, staff_id: int, leaving: date, *, today: date,
                confirmed: bool = False) -> StaffMember:
    member = store.staff.get(staff_id)
    if member is None:
        raise UnknownStaff(staff_id)
    if leaving.isoformat() != member.leaving_date:
        check_leaving_date(store, member, leaving, today=today, confirmed=confirmed)
    return store.staff.mark_leaver(staff_id, leaving)


def _years_on(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return date(day.year + years, 2, 28)

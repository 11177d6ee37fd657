"""One clock, one rule for school days and leaving, one date format for people, one date parser."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from holbrook_desktop.core.errors import InputRefused

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
EXAMPLE = "01/09/2026"  # shown in messages saying how to write a date


# The clock -------------------------------------------------------------------------------------

class Clock(Protocol):
    """Where the time comes from: the computer's clock, or a fixed one in tests and the demo."""

    def now(self) -> datetime:
        """This moment, timezone-aware, in UTC (as times are stored)."""
        ...

    def today(self) -> date:
        """The school's calendar day: this computer's local date."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return date.today()


class FixedClock:
    """A clock that says what it is told (and moves only when told to)."""

    def __init__(self, moment: datetime) -> None:
        self._now = _aware_utc(moment)

    @classmethod
    def on(cls, day: date, at: time = time(12)) -> FixedClock:
        """At `at` (noon unless told) of the school's day `day`, local time."""
        return cls(datetime.combine(day, at).astimezone())

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.astimezone().date()

    def advance(self, by: timedelta) -> None:
        self._now += by


def _aware_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the clock's time must be timezone-aware")
    return moment.astimezone(UTC)


# The school's days -----------------------------------------------------------------------------

def has_left(leaving_date: date | str | None, today: date) -> bool:
    """Whether someone has left by `today`. A leaving date is the person's last working day: on it
    they are still staff (they sign in, they are due); from the day after, they are a leaver."""
    if not leaving_date:
        return False
    if isinstance(leaving_date, str):
        leaving_date = date.fromisoformat(leaving_date)
    return today > leaving_date


def school_day(utc_iso: str) -> date:
    """The school's calendar day (this computer's local date) of a stored UTC time (ISO 8601): a
    record made at 23:30 UTC in a British summer belongs to the next day at the school."""
    moment = datetime.fromisoformat(utc_iso)
    if moment.tzinfo is None:  # stored times are UTC, whether or not they say so
        moment = moment.replace(tzinfo=UTC)
    return date.fromtimestamp(moment.timestamp())  # local time; twice as quick as astimezone()


# Dates for people ------------------------------------------------------------------------------

def for_people(day: date, *, short: bool = False) -> str:
    """'6 December 2026', the same in any locale; short (for tables and one-line lists): '6 Dec 2026'."""
    month = MONTHS[day.month - 1]
    return f"{day.day} {month[:3] if short else month} {day.year}"


# Dates from people -----------------------------------------------------------------------------

class DateRefused(InputRefused):
    """Text that is not a date, or not a real one; the message says what is wrong and how to write it."""


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date_option(text: str) -> date:
    """A date given on the command line: 2026-12-06, 06/12/2026 or 6/12/2026 (day first, always).
    DateRefused otherwise, saying how to write it."""
    raw = text.strip()
    if found := _ISO_DATE.fullmatch(raw):
        year, month, day = found.groups()
    elif found := _UK_DATE.fullmatch(raw):
        day, month, year = found.groups()
    else:
        raise DateRefused(f"{raw!r} is not a date: write it as DD/MM/YYYY or YYYY-MM-DD, "
                          f"for example {EXAMPLE}")
    return real_date(raw, int(year), int(month), int(day))


def real_date(raw: str, year: int, month: int, day: int) -> date:
    """The date, if the numbers read from `raw` make a real one; DateRefused saying why not."""
    if not 1900 <= year <= 2200:
        raise DateRefused(f"{raw!r}: the year {year} looks wrong")
    if not 1 <= month <= 12:
        american = " (dates are day/month/year)" if 1 <= day <= 12 else ""
        raise DateRefused(f"{raw!r} is not a real date: there is no month {month}{american}")
    days = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day  # its last day
    if not 1 <= day <= days:
        raise DateRefused(f"{raw!r} is not a real date: {MONTHS[month - 1]} {year} has {days} days")
    return date(year, month, day)

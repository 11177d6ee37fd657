"""One home for dates: the clock, who has left, the school's day of a stored time, dates for people
and dates from the command line; and every place that decides these uses that one home."""

import argparse
import os
import re
import sys
import time
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from holbrook_desktop import cli
from holbrook_desktop.cli.common import date_option
from holbrook_desktop.core import dates
from holbrook_desktop.core.dates import (
    Clock,
    DateRefused,
    FixedClock,
    SystemClock,
    for_people,
    has_left,
    parse_date_option,
    school_day,
)
from holbrook_desktop.core.errors import Refused
from holbrook_desktop.core.hr.due import Status, status_for
from holbrook_desktop.core.records import StaffMember
from tests.conftest import REPO

CORE = REPO / "holbrook_desktop" / "core"
TODAY = date(2026, 12, 6)


# The clock --------------------------------------------------------------------------------------

def test_the_system_clock_gives_an_aware_utc_now_and_the_local_day():
    clock: Clock = SystemClock()
    before = datetime.now(UTC)
    now = clock.now()
    assert now.utcoffset() == timedelta(0) and before <= now <= datetime.now(UTC)
    assert clock.today() in (date.today(), date.today() - timedelta(days=1))  # unless midnight passed


def test_a_fixed_clock_says_what_it_is_told_and_moves_only_when_told():
    clock: Clock = FixedClock.on(TODAY)
    assert clock.today() == TODAY and clock.now().tzinfo is UTC
    assert clock.now() == clock.now()
    clock.advance(timedelta(days=1))
    assert clock.today() == TODAY + timedelta(days=1)
    moment = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
    assert FixedClock(moment).now() == moment
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 12, 6, 9, 30))


# Who has left: the leaving date is the last working day -----------------------------------------

@pytest.mark.parametrize(("leaving", "today", "left"), [
    (None, TODAY, False),
    ("", TODAY, False),
    ("2026-12-06", TODAY, False),  # their last day: still staff
    ("2026-12-05", TODAY, True),  # the day after their last day: a leaver
    ("2026-12-07", TODAY, False),  # leaving tomorrow
    (date(2026, 12, 6), TODAY, False),
    (date(2026, 12, 5), TODAY, True),
    ("2026-12-31", date(2027, 1, 1), True),
])
def test_someone_has_left_only_after_their_last_day(leaving, today, left):
    assert has_left(leaving, today) is left


def _member(leaving: str | None) -> StaffMember:
    return StaffMember(1, "Ann Smith", None, "teacher", "T1", "ann@school.uk", "2024-09-01", leaving, True)


POLICY = SimpleNamespace(id="p", sha256="new", meta=SimpleNamespace(effective=date(2026, 9, 1)))


@pytest.mark.parametrize(("days_after_last_day", "leaver"), [(-1, False), (0, False), (1, True), (30, True)])
def test_the_status_table_counts_a_leaver_from_the_day_after_their_last_day(days_after_last_day, leaver):
    today = TODAY + timedelta(days=days_after_last_day)
    status = status_for(_member(TODAY.isoformat()), POLICY, [], today).status
    assert (status is Status.LEAVER) is leaver is has_left(TODAY, today)


@pytest.mark.parametrize("last_day_offset", [-1, 0, 1])
def test_sign_in_the_staff_list_and_statuses_agree_on_the_last_day(tmp_path, last_day_offset):
    """Sign-in, the sign-in list and HR's table (statuses) all decide by has_left."""
    from holbrook_desktop.app import App
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import NewStaffMember, Store
    from tests.conftest import REAL_CONTENT

    today = date.today()
    last_day = today + timedelta(days=last_day_offset)
    left = has_left(last_day, today)
    assert left is (last_day_offset < 0)
    store = Store.open(tmp_path / "data", Actor("x", "window"))
    try:
        service = App(REAL_CONTENT, records=store)
        member = service.hr.add_staff(NewStaffMember("Lee Leaving", "teacher", date(2020, 9, 1)))
        service.hr.mark_leaver(member.id, last_day)
        assert ([m.id for m in service.hr.staff_list()] == []) is left
        assert ([m.id for m in store.staff.list(today=today)] == []) is left
        assert {s.status is Status.LEAVER for s in service.hr.statuses(today=today)} == {left}
        if left:
            with pytest.raises(KeyError):
                service.sign_in(member.id)
        else:
            assert service.sign_in(member.id).member.id == member.id
    finally:
        store.close()


# The school's day of a stored UTC time ----------------------------------------------------------

@pytest.fixture
def zone():
    """Set this process's time zone (the school's) for the test, and put it back after."""
    if sys.platform == "win32":
        pytest.skip("time.tzset is POSIX only")
    before = os.environ.get("TZ")

    def use(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield use
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.parametrize(("zone_name", "stored", "day"), [
    ("Europe/London", "2026-06-30T23:30:00.000000+00:00", date(2026, 7, 1)),  # 00:30 BST
    ("Europe/London", "2026-01-15T23:30:00+00:00", date(2026, 1, 15)),  # GMT: the same day
    ("Europe/London", "2026-06-30T23:30:00", date(2026, 7, 1)),  # stored without a zone: UTC
    ("America/New_York", "2026-07-02T02:00:00+00:00", date(2026, 7, 1)),
    ("UTC", "2026-06-30T23:30:00+00:00", date(2026, 6, 30)),
])
def test_a_stored_time_belongs_to_the_schools_local_day(zone, zone_name, stored, day):
    zone(zone_name)
    assert school_day(stored) == day


def test_due_dates_and_the_filing_export_count_by_the_schools_day(zone, tmp_path):
    from holbrook_desktop.core.attestation.export import plan_attestation_export
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import Store
    from tests.core.test_attestation_export import signed

    zone("Europe/London")
    late_evening = "2026-06-30T23:30:00.000000+00:00"  # 1 July at the school
    ack = SimpleNamespace(policy_sha256="new", acknowledged_at=late_evening)
    assert status_for(_member(None), POLICY, [ack], date(2026, 9, 1)).due == date(2027, 7, 1)
    store = Store.open(tmp_path / "data", Actor("office-pc", "cli"))
    try:
        signed(store, "Ann Smith", at=late_evening)
        plan = plan_attestation_export(store, since=date(2026, 7, 1))
        assert [item.file_name for item in plan.items] == ["smith-ann_social-media_2026-07-01.pdf"]
    finally:
        store.close()


# Dates for people -------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "long", "short"), [
    (date(2026, 12, 6), "6 December 2026", "6 Dec 2026"),
    (date(2024, 9, 1), "1 September 2024", "1 Sep 2024"),
    (date(2027, 5, 31), "31 May 2027", "31 May 2027"),
    (datetime(2026, 11, 24, 14, 5, tzinfo=UTC), "24 November 2026", "24 Nov 2026"),
])
def test_one_date_format_for_people(day, long, short):
    assert for_people(day) == long and for_people(day, short=True) == short


def test_the_cores_date_writers_all_use_it():
    from holbrook_desktop.core.attestation.acknowledgement import PassedQuiz
    from holbrook_desktop.core.attestation.pdf import long_date
    from holbrook_desktop.core.hr.staff_import import shown
    from holbrook_desktop.core.hr.status_report import short_date

    day = date(2026, 12, 6)
    assert long_date(day) == "6 December 2026"
    assert shown(day) == shown("2026-12-06") == short_date(day) == "6 Dec 2026"
    quiz = PassedQuiz(1, "induction", 9, 10, "2026-12-06T10:00:00+00:00")
    assert quiz.summary().endswith("passed on 6 December 2026")


# strftime's %B and %d/%m/%Y depend on the locale and differ from one another: the core says dates
# only through dates.for_people. (Machine formats such as %Y%m%d for file names are not for people.)
_PEOPLE_FORMATS = re.compile(r"%[dB] %[BY]|%d/%m/%Y|%B %Y|:%d |\{\w+\.day\} \{")


def test_no_other_date_format_for_people_in_the_core():
    found = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
             for path in sorted(CORE.rglob("*.py")) if path.name != "dates.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if _PEOPLE_FORMATS.search(line)]
    assert found == []


# Dates from the command line --------------------------------------------------------------------

@pytest.mark.parametrize(("text", "day"), [
    ("2026-12-06", date(2026, 12, 6)),
    ("06/12/2026", date(2026, 12, 6)),
    ("6/12/2026", date(2026, 12, 6)),
    (" 6/12/2026 ", date(2026, 12, 6)),
    ("29/02/2028", date(2028, 2, 29)),
    ("2026-9-1", date(2026, 9, 1)),
])
def test_date_options_read_iso_and_uk_dates(text, day):
    assert parse_date_option(text) == day


@pytest.mark.parametrize(("text", "reason"), [
    ("31/02/2026", "February 2026 has 28 days"),
    ("12/31/2026", "there is no month 31"),
    ("09/13/2026", "no month 13 (dates are day/month/year)"),
    ("29/02/2027", "February 2027 has 28 days"),
    ("01/09/1800", "the year 1800 looks wrong"),
    ("6 Dec 2026", "write it as DD/MM/YYYY or YYYY-MM-DD"),
    ("06-12-2026", "write it as DD/MM/YYYY or YYYY-MM-DD"),
    ("2026/12/06", "write it as DD/MM/YYYY or YYYY-MM-DD"),
    ("06/12/26", "write it as DD/MM/YYYY or YYYY-MM-DD"),
    ("", "write it as DD/MM/YYYY or YYYY-MM-DD"),
])
def test_other_date_options_are_refused_saying_how_to_write_them(text, reason):
    with pytest.raises(DateRefused) as refused:
        parse_date_option(text)
    assert reason in str(refused.value)
    assert isinstance(refused.value, Refused) and isinstance(refused.value, ValueError)


@pytest.mark.parametrize("text", ["2026-12-06", "06/12/2026", "6/12/2026", "2026-9-1", "31/02/2026",
                                  "09/13/2026", "01/09/1800"])
def test_the_staff_import_reads_command_line_dates_the_same_way(text):
    from holbrook_desktop.core.hr.staff_import import parse_uk_date

    try:
        expected = parse_date_option(text)
    except DateRefused as refused:
        with pytest.raises(DateRefused, match=re.escape(str(refused))):
            parse_uk_date(text, today=TODAY)
    else:
        assert parse_uk_date(text, today=TODAY) == expected


def _options(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()):
    """(command words, option, action) for every option of every sub-command."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _options(sub, (*words, name))
        elif action.option_strings:
            yield " ".join(words), action.option_strings[-1], action


def test_every_date_option_on_the_command_line_reads_dates_the_one_way():
    options = list(_options(cli.build_parser()))
    dated = {(words, option) for words, option, action in options
             if re.search(r"date|since|until|before|after", option) or action.metavar == "DATE"}
    assert dated >= {("staff add", "--start-date"), ("export attestations", "--since"),
                     ("staff leave", "--date")}
    assert {(words, option) for words, option, action in options if action.type is date_option} == dated


COMMANDS = {
    "--start-date": (["staff", "add", "--name", "A", "--role", "teacher", "--start-date"], "start_date"),
    "--since": (["export", "attestations", "-o", "out", "--since"], "since"),
    "--date": (["staff", "leave", "1", "--date"], "date"),
}


@pytest.mark.parametrize("option", sorted(COMMANDS))
@pytest.mark.parametrize(("text", "day"), [
    ("2026-12-06", date(2026, 12, 6)), ("06/12/2026", date(2026, 12, 6)), ("6/12/2026", date(2026, 12, 6))])
def test_each_date_option_takes_each_form(option, text, day):
    words, dest = COMMANDS[option]
    assert getattr(cli.build_parser().parse_args([*words, text]), dest) == day


@pytest.mark.parametrize("option", sorted(COMMANDS))
def test_each_date_option_refuses_a_date_that_does_not_exist(option, capsys):
    words, _ = COMMANDS[option]
    with pytest.raises(SystemExit) as stopped:
        cli.build_parser().parse_args([*words, "31/02/2026"])
    assert stopped.value.code == 2
    assert f"argument {option}: '31/02/2026' is not a real date: February 2026 has 28 days" in \
        capsys.readouterr().err


def test_dates_module_is_light():
    """Imported on the way to the first window (render, due): nothing but the standard library."""
    source = (CORE / "dates.py").read_text(encoding="utf-8")
    imports = re.findall(r"^(?:from|import) ([\w.]+)", source, re.MULTILINE)
    assert set(imports) <= {"__future__", "re", "datetime", "typing",
                            "holbrook_desktop.core.errors"}
    assert dates.MONTHS[11] == "December"

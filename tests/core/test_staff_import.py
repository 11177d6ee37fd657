"""Importing HR's staff CSV: headings and dates as schools write them, matching people already on
record, row-by-row reasons, one transaction, and leavers; through the core and the command line."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.hr.due import Status, status_for
from holbrook_desktop.core.hr.staff_import import (
    StaffImportFileError,
    StaffImportStale,
    apply_import,
    parse_uk_date,
    plan_import,
    role_from,
)
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import DuplicateStaff, NewStaffMember, Store, StoreWriteError

TODAY = date(2026, 11, 24)


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "data", Actor("hr", "cli"))
    yield opened
    opened.close()


def write_csv(tmp_path, text: str, name: str = "staff.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def counts(store: Store) -> tuple[int, int]:
    return store.staff.count(), store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def plan_of(store, tmp_path, text: str, **kwargs):
    return plan_import(store, write_csv(tmp_path, text, **kwargs), today=TODAY)


def by_line(plan):
    return {row.line: row for row in plan.rows}


def add(store, name, number=None, email=None, role="teacher", preferred=None):
    return store.staff.add(NewStaffMember(name, role, date(2024, 9, 1), preferred, number, email))


# Headings, dates and roles as HR's spreadsheets write them ---------------------------------------

def test_synonym_headings_uk_and_iso_dates_and_role_names_are_imported(store, tmp_path):
    plan = plan_of(store, tmp_path,
                   "Staff Name ,JOB_ROLE,Payroll No.,Work E-mail,Started,End date,Known as,Phone\n"
                   "Siân O’Brien,Teacher,P1,SIAN@school.uk,01/09/2024,,,0123\n"
                   "Ann Smith,TA,P2,,2024-09-02,31/08/2027,Annie,\n"
                   "Bob Jones,governor,,,3.1.25,,,\n"
                   "Cat Lee,Teaching Assistant,P4,cat@school.uk,1 Sept 2025,,,\n")
    assert plan.summary() == "4 to add"
    assert plan.ignored_columns == ("Phone",)
    assert plan.columns["staff_number"] == "Payroll No." and plan.columns["work_email"] == "Work E-mail"
    result = apply_import(store, plan)
    assert (result.created, result.written) == (4, True)
    people = {m.full_name: m for m in store.staff.list()}
    assert people["Siân O’Brien"].start_date == "2024-09-01"
    assert people["Ann Smith"].role == "teaching-assistant"
    assert (people["Ann Smith"].leaving_date, people["Ann Smith"].preferred_name) == ("2027-08-31", "Annie")
    assert (people["Bob Jones"].role, people["Bob Jones"].start_date) == ("governor", "2025-01-03")
    assert people["Cat Lee"].start_date == "2025-09-01"
    assert store.verify_audit().ok


@pytest.mark.parametrize(("text", "expected"), [
    ("01/09/2026", date(2026, 9, 1)), ("1/9/2026", date(2026, 9, 1)), ("01-09-2026", date(2026, 9, 1)),
    ("01.09.2026", date(2026, 9, 1)), ("2026-09-01", date(2026, 9, 1)), ("01/09/26", date(2026, 9, 1)),
    ("03/02/98", date(1998, 2, 3)), ("12/01/2026", date(2026, 1, 12)), ("1 Sep 2026", date(2026, 9, 1)),
    ("2026-09-01 00:00:00", date(2026, 9, 1)),
])
def test_dates_are_read_day_first(text, expected):
    assert parse_uk_date(text, today=TODAY) == expected


@pytest.mark.parametrize(("text", "reason"), [
    ("31/02/2026", "February 2026 has 28 days"),
    ("09/13/2024", "no month 13 (dates are day/month/year)"),
    ("next week", "write it as dd/mm/yyyy"),
    ("46000", "a spreadsheet's date number"),
])
def test_impossible_or_american_dates_are_refused_with_the_reason(text, reason):
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_uk_date(text, today=TODAY)


def test_roles_by_id_label_or_common_name_and_a_clear_refusal():
    assert [role_from(t) for t in ("teaching-assistant", "Teaching assistant", "ta", "HLTA", " Governor ",
                                   "midday supervisor", "Supply Teacher")] == [
        "teaching-assistant", "teaching-assistant", "teaching-assistant", "teaching-assistant", "governor",
        "lunchtime", "supply"]
    with pytest.raises(ValueError, match="'Caretaker' is not one the handbook knows; use one of: Teacher, "
                                         "Teaching assistant, Office"):
        role_from("Caretaker")


def test_semicolons_tabs_and_a_title_line_above_the_headings(store, tmp_path):
    semicolons = plan_of(store, tmp_path, "Name;Role;Start date\nAnn Smith;Office;01/09/2024\n")
    assert semicolons.delimiter == ";" and semicolons.summary() == "1 to add"
    tabs = plan_of(store, tmp_path, "Staff list, autumn 2026\n\nName\tRole\tStart date\n"
                                    "Ann\tOffice\t1/9/24\n", name="tabs.csv")
    assert tabs.delimiter == "\t" and [(r.line, r.action) for r in tabs.rows] == [(4, "create")]
    assert "Lines before the heading row (line 3) were skipped." in tabs.notes


def test_first_name_and_surname_columns_make_the_name(store, tmp_path):
    plan = plan_of(store, tmp_path, "Forename,Surname,Role,Start date\nZoë,Ndiaye,TA,01/09/2024\n")
    assert plan.rows[0].values.full_name == "Zoë Ndiaye"


# Rejected rows say why; the good rows still go in --------------------------------------------------

def test_each_bad_row_is_rejected_with_its_reason_and_the_good_rows_are_imported(store, tmp_path):
    plan = plan_of(store, tmp_path,
                   "Name,Role,Staff number,Email,Start date,Leaving date\n"
                   "Ann Smith,Teacher,T1,ann@school.uk,01/09/2024,\n"
                   "Ben Ray,Caretaker,T2,,31/02/2026,\n"
                   "Cat Lee,Office,T3,cat at school,01/09/2024,\n"
                   "Dan Roe,Office,T4,,01/09/2024,31/08/2024\n"
                   "Eve Hart,,T5,,,\n"
                   ",Office,T6,,01/09/2024,\n"
                   "Ann Smith again,Teacher,T1,,01/09/2024,\n")
    rows = by_line(plan)
    assert rows[2].action == "create"
    assert "Caretaker" not in rows[3].reason  # an unmapped job title is never the reason
    assert "'31/02/2026' is not a real date: February 2026 has 28 days" in rows[3].reason
    assert "'cat at school' does not look like an email address" in rows[4].reason
    assert "leaving date 31 Aug 2024 is before the start date 1 Sep 2024" in rows[5].reason
    assert rows[6].reason == ("no role given (needed to add someone new); "
                              "no start date given (needed to add someone new)")
    assert rows[7].reason.startswith("no name")
    assert rows[8].reason == "same person as line 2"
    result = apply_import(store, plan)
    assert (result.created, result.rejected, result.written) == (1, 6, True)
    assert [m.full_name for m in store.staff.list()] == ["Ann Smith"]


# Matching people already on record --------------------------------------------------------------

def test_people_on_record_are_updated_not_duplicated_and_blank_cells_erase_nothing(store, tmp_path):
    ann = add(store, "Ann Smith", "T1", "ann@school.uk", preferred="Annie")
    bob = add(store, "Bob Jones", "T2", "bob@school.uk")
    before = counts(store)
    plan = plan_of(store, tmp_path,
                   "Name,Role,Staff number,Email,Preferred name,Start date,Leaving date\n"
                   "Ann Smith,Teaching assistant,T1,ann.smith@school.uk,,,\n"
                   "Bob Jones,teacher,,BOB@School.uk,,01/09/2024,\n"
                   "Ann Smith,TA,T1,,,,31/08/2027\n")
    rows = by_line(plan)
    assert (rows[2].action, rows[2].staff_id, rows[2].matched_by) == ("update", ann.id, "staff number")
    assert [str(c) for c in rows[2].changes] == ["role: Teacher → Teaching assistant",
                                                 "email: ann@school.uk → ann.smith@school.uk"]
    assert (rows[3].action, rows[3].staff_id, rows[3].matched_by) == ("unchanged", bob.id, "email")
    assert rows[4].reason == "same person as line 2"
    assert counts(store) == before  # a plan writes nothing

    result = apply_import(store, plan)
    assert (result.created, result.updated, result.unchanged, result.rejected) == (0, 1, 1, 1)
    assert store.staff.count() == 2
    updated = store.staff.get(ann.id)
    assert (updated.role, updated.work_email, updated.preferred_name) == (
        "teaching-assistant", "ann.smith@school.uk", "Annie")
    actions = [r[0] for r in store.db.execute("SELECT action FROM audit_log WHERE id > ?", (before[1],))]
    assert actions == ["staff.update", "staff.import"]
    assert store.verify_audit().ok


def test_a_number_and_an_email_belonging_to_two_people_is_a_conflict(store, tmp_path):
    ann, bob = add(store, "Ann Smith", "T1", "ann@school.uk"), add(store, "Bob Jones", "T2", "bob@school.uk")
    plan = plan_of(store, tmp_path, "Name,Staff number,Email\n"
                                    "Ann Smith,T1,bob@school.uk\n"
                                    "Bob Jones,T9,bob@school.uk\n")
    rows = by_line(plan)
    assert rows[2].reason == (f"conflicting: staff number T1 is Ann Smith’s (id {ann.id}) "
                              f"but bob@school.uk is Bob Jones’s (id {bob.id})")
    assert rows[3].reason == (f"conflicting: bob@school.uk is Bob Jones’s (id {bob.id}), whose staff "
                              "number is T2, not T9")


def test_someone_who_added_themselves_is_matched_by_name_and_given_their_number(store, tmp_path):
    self_added = add(store, "Siân O’Brien")
    add(store, "Sam Lee"), add(store, "Sam Lee")
    plan = plan_of(store, tmp_path, "Name,Role,Staff number,Start date\n"
                                    "siân o'brien,Teacher,T7,01/09/2024\n"
                                    "Sam Lee,Teacher,T8,01/09/2024\n")
    rows = by_line(plan)
    assert (rows[2].action, rows[2].staff_id, rows[2].matched_by) == ("update", self_added.id, "name")
    assert [str(c) for c in rows[2].changes] == ["staff number: — → T7"]  # the name as it was
    assert rows[3].reason == ("2 people called Sam Lee are on record; give a staff number or email to "
                              "say which")


# Nothing half-written, nothing written by mistake ------------------------------------------------

def test_all_or_nothing_writes_nothing_when_any_row_is_rejected(store, tmp_path):
    plan = plan_of(store, tmp_path, "Name,Role,Start date\nAnn,Office,01/09/2024\nBen,Office,31/02/2024\n")
    before = counts(store)
    result = apply_import(store, plan, all_or_nothing=True)
    assert (result.written, result.refused, result.created, result.rejected) == (False, True, 0, 1)
    assert result.summary() == ("Nothing was imported: 1 row was rejected, and all or nothing was "
                                "asked for.")
    assert counts(store) == before


def test_someone_added_since_the_preview_stops_the_import_rather_than_duplicating(store, tmp_path):
    plan = plan_of(store, tmp_path, "Name,Role,Staff number,Start date\n"
                                    "Ann Smith,Office,T1,01/09/2024\nBen Ray,Office,T2,01/09/2024\n")
    add(store, "Ann Smith", "T1")  # at another PC, after the preview
    before = counts(store)
    with pytest.raises(StaffImportStale, match=r"line 2, Ann Smith: it was to be added, now it would be "
                                               r"updated\)\. Nothing was imported; preview the file again"):
        apply_import(store, plan)
    assert counts(store) == before
    again = apply_import(store, plan_import(store, plan.file, today=TODAY))
    assert (again.created, again.updated) == (1, 1) and store.staff.count() == 2


def test_a_full_disk_part_way_leaves_nothing_imported(store, tmp_path):
    lines = "".join(f"Person {i} {'x' * 80},Teacher,N{i},01/09/2024\n" for i in range(300))
    plan = plan_of(store, tmp_path, "Name,Role,Staff number,Start date\n" + lines)
    before = counts(store)
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 5}")  # room for a few rows, not 300
    with pytest.raises(StoreWriteError, match="the disk is full"):
        apply_import(store, plan)
    assert counts(store) == before
    assert store.verify_audit().ok


# Files that cannot be used -------------------------------------------------------------------------

def test_excel_windows_1252_is_read_and_said_so(store, tmp_path):
    plan = plan_of(store, tmp_path, "Name,Role,Start date\nZoë Ndiaye,Office,01/09/2024\n",
                   encoding="cp1252")
    assert plan.encoding == "Windows-1252"
    assert plan.rows[0].values.full_name == "Zoë Ndiaye"
    assert "it was read as Windows-1252" in plan.notes[0]
    with_bom = plan_of(store, tmp_path, "Name,Role,Start date\nZoë,Office,01/09/2024\n", encoding="utf-8-sig")
    assert (with_bom.encoding, with_bom.rows[0].values.full_name) == ("UTF-8", "Zoë")


@pytest.mark.parametrize(("data", "message"), [
    (b"Name,Role\nAnn,Office\nBen \x81\x8d,Office\n", ":3: the text is neither UTF-8 nor the Windows-1252"),
    (b"Name,Role\nAnn,Office\n\"Ben,Office\nCat,Office\n", ":3: a quoted cell is never closed"),
    (b"Name,Role\nAnn,Office\n\"Ben\" Ray,Office\n", ":3: a \" mark in the middle of a cell"),
    (b"Surname,Job\nAnn,Office\n", ":1: no name column"),
    (b"Name,Full name\nAnn,Ann Smith\n", ":1: two columns mean name"),
    (b"PK\x03\x04rest of a workbook", ": this workbook cannot be read (BadZipFile)"),
    (b"\xd0\xcf\x11\xe0old workbook", ": this is an old Excel workbook (.xls)"),
    (b"", ": the file is empty"),
])
def test_an_unusable_file_is_reported_by_file_and_line(store, tmp_path, data, message):
    path = tmp_path / "staff.csv"
    path.write_bytes(data)
    with pytest.raises(StaffImportFileError) as caught:
        plan_import(store, path, today=TODAY)
    assert str(caught.value).startswith(f"{path}{message}")


# Leavers ------------------------------------------------------------------------------------------

def test_marking_a_leaver_keeps_everything_and_makes_them_a_leaver_after_their_last_day(store):
    ann = add(store, "Ann Smith", "T1", "ann@school.uk")
    before = counts(store)
    future = store.staff.mark_leaver(ann.id, date(2027, 7, 23))
    assert (future.leaving_date, future.full_name, future.work_email, future.active) == (
        "2027-07-23", "Ann Smith", "ann@school.uk", True)
    assert counts(store) == (before[0], before[1] + 1)
    row = store.db.execute("SELECT action, details FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert row[0] == "staff.leaver" and json.loads(row[1])["leaving_date"] == "2027-07-23"
    policy = type("P", (), {"id": "p", "sha256": "s", "meta": type("M", (), {"effective": TODAY})})()
    assert status_for(future, policy, [], TODAY).status is not Status.LEAVER
    assert status_for(future, policy, [], date(2027, 7, 23)).status is not Status.LEAVER  # the last day
    assert status_for(future, policy, [], date(2027, 7, 24)).status is Status.LEAVER
    with pytest.raises(ValueError, match="before the start date"):
        store.staff.mark_leaver(ann.id, date(2020, 1, 1))
    with pytest.raises(KeyError):
        store.staff.mark_leaver(999, date(2027, 7, 23))
    assert store.verify_audit().ok


def test_a_leaving_date_in_the_file_marks_the_leaver_with_its_own_audit_row(store, tmp_path):
    ann = add(store, "Ann Smith", "T1")
    before = counts(store)
    plan = plan_of(store, tmp_path, "Staff no,Name,Leaving date\nT1,,31/08/2027\n")
    assert [str(c) for c in plan.rows[0].changes] == ["leaving date: — → 31 Aug 2027"]
    assert plan.rows[0].name == "Ann Smith"  # the name on record: the cell was blank
    apply_import(store, plan)
    assert store.staff.get(ann.id).leaving_date == "2027-08-31"
    actions = [r[0] for r in store.db.execute("SELECT action FROM audit_log WHERE id > ?", (before[1],))]
    assert actions == ["staff.leaver", "staff.import"]


def test_update_and_lookups(store):
    ann, bob = add(store, "Ann Smith", "T1", "Ann@School.uk"), add(store, "Bob Jones", "T2")
    assert store.staff.find_by_email("ann@school.UK") == ann
    assert store.staff.find_by_staff_number(" T2 ") == bob and store.staff.find_by_staff_number("T3") is None
    before = counts(store)
    assert store.staff.update(ann.id, role="teacher", work_email="ann@school.uk") == ann  # nothing differs
    assert counts(store) == before
    changed = store.staff.update(ann.id, role="office", preferred_name="  ")
    assert (changed.role, changed.preferred_name) == ("office", None)
    with pytest.raises(DuplicateStaff, match="Staff number T2 already belongs to someone else"):
        store.staff.update(ann.id, staff_number="T2")
    assert counts(store) == (before[0], before[1] + 1)


# The command line ---------------------------------------------------------------------------------

def _run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


STAFF_CSV = ("Name,Role,Staff number,Start date\n"
             "Ann Smith,Teacher,T1,01/09/2024\n"
             "Ben Ray,Caretaker,T2,\n")


def test_cli_dry_run_then_import_then_all_or_nothing(tmp_path, capsys):
    data, csv_file = str(tmp_path / "data"), str(write_csv(tmp_path, STAFF_CSV))
    code, out, err = _run(capsys, "--data-dir", data, "staff", "import", csv_file, "--dry-run")
    assert code == 0 and "Dry run: 1 to add, 1 rejected. Nothing was written." in err
    assert "    2  add        Ann Smith" in out and "    3  REJECTED   Ben Ray" in out
    code, out, _ = _run(capsys, "--data-dir", data, "staff", "list", "--json")
    assert json.loads(out)["staff"] == []

    code, out, err = _run(capsys, "--data-dir", data, "staff", "import", csv_file, "--all-or-nothing")
    assert code == 1 and "Nothing was imported: 1 row was rejected" in err
    code, out, err = _run(capsys, "--data-dir", data, "staff", "import", csv_file, "--json")
    assert code == 0 and "1 rejected row was not imported" in err
    report = json.loads(out)
    assert report["result"]["created"] == 1 and [r["action"] for r in report["rows"]] == ["create", "reject"]
    code, out, _ = _run(capsys, "--data-dir", data, "staff", "list", "--json")
    assert [m["full_name"] for m in json.loads(out)["staff"]] == ["Ann Smith"]


def test_cli_bad_file_is_exit_2_and_every_row_rejected_is_exit_1(tmp_path, capsys):
    path = write_csv(tmp_path, "Name,Role\nAnn,\"Office\nBen,Office\n")
    code, out, err = _run(capsys, "--data-dir", str(tmp_path / "data"), "staff", "import", str(path))
    assert code == 2 and out == ""
    assert f"{path}:2: a quoted cell is never closed" in err
    path = write_csv(tmp_path, "Name,Role,Start date\nAnn,Office,31/02/2026\n", name="bad-rows.csv")
    code, out, err = _run(capsys, "--data-dir", str(tmp_path / "data"), "staff", "import", str(path))
    assert code == 1 and "Nothing to import: 0 unchanged, 1 rejected." in err


def test_cli_staff_leave(tmp_path, capsys):
    data = str(tmp_path / "data")
    _run(capsys, "--data-dir", data, "staff", "add", "--name", "Ann Smith", "--role", "office",
         "--start-date", "2024-09-01")
    code, out, _ = _run(capsys, "--data-dir", data, "staff", "leave", "1", "--date", "31/08/2030")
    assert (code, out.strip()) == (0, "Ann Smith (id 1) leaves on 31 Aug 2030.")
    code, out, _ = _run(capsys, "--data-dir", data, "staff", "list", "--json")
    assert json.loads(out)["staff"][0]["leaving_date"] == "2030-08-31"
    assert _run(capsys, "--data-dir", data, "staff", "leave", "7", "--date", "2099-08-31")[0] == 2
    code, _, err = _run(capsys, "--data-dir", data, "staff", "leave", "1", "--date", "31/02/2099")
    assert code == 2 and "February 2099 has 28 days" in err


def test_a_leaver_past_their_last_day_leaves_the_sign_in_list(tmp_path):
    from holbrook_desktop.app import App
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import NewStaffMember, Store
    from tests.conftest import REAL_CONTENT

    store = Store.open(tmp_path / "data", Actor("x", "window"))
    try:
        service = App(REAL_CONTENT, records=store)
        gone = service.hr.add_staff(NewStaffMember("Gone Person", "teacher", date(2020, 9, 1)))
        going = service.hr.add_staff(NewStaffMember("Last Day", "teacher", date(2020, 9, 1)))
        service.hr.mark_leaver(gone.id, date.today() - timedelta(days=1))
        service.hr.mark_leaver(going.id, date.today())
        assert [m.full_name for m in service.hr.staff_list()] == ["Last Day"]  # their last day still counts
        with pytest.raises(KeyError):
            service.sign_in(gone.id)
        assert service.sign_in(going.id).member.id == going.id
        assert len(store.staff.list(include_inactive=True)) == 2
    finally:
        store.close()

"""HR's termly round-trip with the school's MIS (issue 17): the school's job titles mapped to roles
once and remembered, names that arrive intact or are flagged, XLSX straight from Excel, and the
rejected rows saved to fix and import again; through the command line and the core."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.hr.staff_import import (
    StaffImportFileError,
    apply_import,
    plan_import,
    write_rejected,
)
from holbrook_desktop.core.hr.status_report import summarise
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import NewStaffMember, Store
from tests.fixtures.mis_export import UNKNOWN_TITLES, csv_text, staff_rows, write_xlsx

TODAY = date(2026, 11, 24)


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "data", Actor("hr", "cli"))
    yield opened
    opened.close()


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def staff_json(capsys, data):
    code, out, _ = run(capsys, "--data-dir", data, "staff", "list", "--all", "--json")
    assert code == 0
    return {m["full_name"]: m for m in json.loads(out)["staff"]}


# 1. Roles the school actually has -----------------------------------------------------------------

def test_the_68_staff_export_imports_everyone_and_lists_the_titles_to_map(tmp_path, capsys):
    data, export = str(tmp_path / "data"), tmp_path / "mis.csv"
    export.write_text(csv_text(), encoding="utf-8-sig")
    code, out, err = run(capsys, "--data-dir", data, "staff", "import", str(export))
    assert code == 0, err
    assert "Imported: 68 added, 0 updated, 0 unchanged." in err
    assert "REJECTED" not in out
    listed = err[err.index("Job titles not mapped to a role yet:"):]
    for title in UNKNOWN_TITLES:
        assert title in listed
    assert "Cleaner (5)" in listed and "Class Teacher" not in listed.split(".")[0]
    people = staff_json(capsys, data)
    assert len(people) == 68
    assert people["Siân Ó Rourke"]["staff_number"] == "00100"
    others = [p for p in people.values() if p["role"] == "other"]
    assert len(others) == sum(1 for r in staff_rows() if r["Job Title"] in UNKNOWN_TITLES)


def test_a_mapping_is_remembered_audited_and_the_next_import_updates_those_added_as_other(tmp_path, capsys):
    data, export = str(tmp_path / "data"), tmp_path / "mis.csv"
    export.write_text(csv_text(), encoding="utf-8")
    assert run(capsys, "--data-dir", data, "staff", "import", str(export))[0] == 0
    roles_cli = ("--data-dir", data, "admin", "roles")
    assert run(capsys, *roles_cli, "map", "Assistant Headteacher", "Teacher")[0] == 0
    assert run(capsys, "--data-dir", data, "admin", "roles", "map", "cleaner", "contractor")[0] == 0
    assert run(capsys, "--data-dir", data, "admin", "roles", "map", "Cook", "lunchtime")[0] == 0
    code, _, err = run(capsys, "--data-dir", data, "admin", "roles", "map", "Cook", "wizard")
    assert code == 2 and "'wizard' is not a role here" in err
    code, out, _ = run(capsys, "--data-dir", data, "admin", "roles", "list", "--json")
    titles = json.loads(out)["titles"]
    assert titles == {"Assistant Headteacher": "teacher", "cleaner": "contractor", "Cook": "lunchtime"}

    code, out, err = run(capsys, "--data-dir", data, "staff", "import", str(export), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["counts"] == {"create": 0, "update": 9, "unchanged": 59, "reject": 0}
    assert "Cleaner" not in report["unmapped_titles"] and "Caretaker" in report["unmapped_titles"]
    people = staff_json(capsys, data)
    roles = {r["Job Title"]: people[f"{r['Legal Forename']} {r['Legal Surname']}"]["role"]
             for r in staff_rows()}
    assert (roles["Cleaner"], roles["Cook"], roles["Assistant Headteacher"]) == \
        ("contractor", "lunchtime", "teacher")
    # A third import: nothing left to do.
    report = json.loads(run(capsys, "--data-dir", data, "staff", "import", str(export), "--json")[1])
    assert report["counts"]["unchanged"] == 68

    with _closing(Store.open(tmp_path / "data", Actor("hr", "cli"))) as opened:
        mapped = opened.db.execute("SELECT details FROM audit_log WHERE action = 'roles.mapped'").fetchall()
    assert len(mapped) == 3 and '"Cook":"lunchtime"' in mapped[-1][0]
    assert run(capsys, "--data-dir", data, "admin", "roles", "unmap", "COOK")[0] == 0
    assert run(capsys, "--data-dir", data, "admin", "roles", "unmap", "Cook")[0] == 2


class _closing:
    def __init__(self, store):
        self.store = store

    def __enter__(self):
        return self.store

    def __exit__(self, *exc):
        self.store.close()


def test_an_added_role_shows_its_label_on_reports_and_counts_as_a_policy_role_for_the_quiz(tmp_path, capsys):
    data, export = str(tmp_path / "data"), tmp_path / "mis.csv"
    export.write_text(csv_text(), encoding="utf-8")
    roles_cli = ("--data-dir", data, "admin", "roles")
    code, _, err = run(capsys, *roles_cli, "add", "site-team", "--label", "Site team",
                       "--quiz-as", "contractor")
    assert code == 0 and "role site-team added: 'Site team' on reports, the contractor questions" in err
    assert run(capsys, "--data-dir", data, "admin", "roles", "add", "teacher")[0] == 2  # the policy's own
    assert run(capsys, *roles_cli, "add", "early-years", "--label", "Early years")[0] == 0
    for title, role in (("Caretaker", "site-team"), ("Site Manager", "Site team"),
                        ("Nursery Nurse", "early-years")):
        assert run(capsys, "--data-dir", data, "admin", "roles", "map", title, role)[0] == 0
    assert run(capsys, "--data-dir", data, "staff", "import", str(export))[0] == 0
    code, out, _ = run(capsys, "--data-dir", data, "staff", "list", "--all")
    assert "(Site team, from" in out and "(Early years, from" in out

    with _closing(Store.open(tmp_path / "data", Actor("hr", "cli"))) as opened:
        people = {m.full_name: m for m in opened.staff.list(include_inactive=True)}
    caretaker = next(r for r in staff_rows() if r["Job Title"] == "Caretaker")
    member = people[f"{caretaker['Legal Forename']} {caretaker['Legal Surname']}"]
    # The quiz asks by `role` (core/quiz/service.py): the policy's role the added one counts as.
    assert (member.role, member.school_role, member.role_label) == ("contractor", "site-team", "Site team")
    nursery = next(r for r in staff_rows() if r["Job Title"] == "Nursery Nurse")
    nurse = people[f"{nursery['Legal Forename']} {nursery['Legal Surname']}"]
    assert (nurse.role, nurse.role_label) == ("other", "Early years")  # no quiz role: the general questions

    from holbrook_desktop.app import open_app
    from tests.conftest import REAL_CONTENT

    app = open_app(REAL_CONTENT, tmp_path / "data", today=lambda: TODAY)
    app.open_records("cli")
    try:
        summary = summarise(app.hr.statuses(), list(app.content.policies))[0]
    finally:
        app.close()
    groups = {label: sum(counts.values()) for label, counts in summary.by_role}
    assert groups["Site team"] == 2 and groups["Early years"] == 3 and "Contractor" not in groups
    assert list(groups)[-2:] == ["Early years", "Site team"]  # after the policy's own roles


def test_an_update_is_never_rejected_because_of_the_role_column(store, tmp_path):
    ann = store.staff.add(NewStaffMember("Ann Smith", "office", date(2024, 9, 1), None, "00042", None))
    path = tmp_path / "staff.csv"
    path.write_text("Name,Job Title,Staff ID,Start date\nAnn Smith,Wizard,00042,01/09/2024\n"
                    "Ben Ray,Wizard,00043,01/09/2024\n", encoding="utf-8")
    plan = plan_import(store, path, today=TODAY)
    ann_row, ben_row = plan.rows
    assert (ann_row.action, ann_row.staff_id) == ("unchanged", ann.id)
    assert "“Wizard” is not mapped to a role: their role is left as it is" in ann_row.warnings[0]
    assert ben_row.action == "create" and ben_row.values.role == "other"
    assert "added as Other" in ben_row.warnings[0]
    assert plan.unmapped_titles == ("Wizard",)
    apply_import(store, plan)
    assert store.staff.get(ann.id).role == "office"


# 2. Names arrive intact ---------------------------------------------------------------------------

HEADER = "Name,Role,Staff number,Start date\r\n"


def plan_bytes(store, tmp_path, data: bytes, name="staff.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return plan_import(store, path, today=TODAY)


def test_windows_1252_and_utf_16_names_arrive_intact(store, tmp_path):
    text = HEADER + "Siân Ó Rourke,Teacher,00123,01/09/2024\r\nZoë Ní Bhriain,Office,00124,01/09/2024\r\n"
    for encoding, expected in (("cp1252", "Windows-1252"), ("utf-16", "UTF-16"), ("utf-8-sig", "UTF-8")):
        plan = plan_bytes(store, tmp_path, text.encode(encoding))
        assert plan.encoding == expected
        assert [r.name for r in plan.rows] == ["Siân Ó Rourke", "Zoë Ní Bhriain"]
        assert [r.values.staff_number for r in plan.rows] == ["00123", "00124"]
        assert all(not r.warnings for r in plan.rows)


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r", "cp1253", "iso8859_5"])
def test_other_legacy_encodings_are_refused_not_guessed(store, tmp_path, encoding):
    text = HEADER + "Ann Smith,Teacher,1,01/09/2024\r\n"
    text += {"cp1253": "Γιώργος Παπαδόπουλος"}.get(encoding, "Иван Петров") + ",Office,2,01/09/2024\r\n"
    with pytest.raises(StaffImportFileError) as caught:
        plan_bytes(store, tmp_path, text.encode(encoding), name="export.csv")
    message = str(caught.value)
    assert "export.csv:3:" in message and "“CSV UTF-8 (Comma delimited)”" in message
    assert "nothing was read" in message


def test_a_name_with_a_question_mark_or_replacement_character_is_flagged_not_rejected(store, tmp_path):
    text = (HEADER + "?ukasz Nowak,Teacher,1,01/09/2024\r\nSi\ufffdn Jones,Teacher,2,01/09/2024\r\n"
            "Mary Evans,Teacher,3,01/09/2024\r\n")
    plan = plan_bytes(store, tmp_path, text.encode("utf-8"))
    assert [r.action for r in plan.rows] == ["create"] * 3
    assert "“?ukasz Nowak” looks garbled" in plan.rows[0].warnings[0]
    assert "looks garbled" in plan.rows[1].warnings[0] and plan.rows[2].warnings == ()
    assert any(note.startswith("2 names look garbled") for note in plan.notes)
    assert plan.as_dict()["rows"][0]["warnings"]


# 3. XLSX straight from Excel or the MIS -------------------------------------------------------------

def test_the_mis_workbook_is_imported_from_the_sheet_with_the_list_with_sheet_row_numbers(tmp_path, capsys):
    data, workbook = str(tmp_path / "data"), tmp_path / "Staff export.xlsx"
    write_xlsx(workbook, title_rows=2, first_sheet="Cover")
    code, out, err = run(capsys, "--data-dir", data, "staff", "import", str(workbook), "--dry-run", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["counts"]["create"] == 68 and report["encoding"] == "XLSX"
    first = report["rows"][0]
    assert first["line"] == 4  # two title rows, the heading row, then the first person
    assert first["values"]["full_name"] == "Siân Ó Rourke" and first["values"]["staff_number"] == "00100"
    rows = staff_rows()
    assert first["values"]["start_date"] == "-".join(reversed(rows[0]["Employment Start Date"].split("/")))
    assert "read from “Staff”" in report["notes"][0]
    code, _, err = run(capsys, "--data-dir", data, "staff", "import", str(workbook))
    assert code == 0 and "Imported: 68 added" in err


def test_a_workbook_with_dates_as_text_and_a_bad_row_reports_the_sheet_row(store, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Name", "Role", "Start date", "Leaving date"])
    book.active.append(["Ann Smith", "Teacher", "01/09/2024", None])
    book.active.append([None, None, None, None])
    book.active.append(["Ben Ray", "Office", "31/02/2024", None])
    book.save(tmp_path / "list.xlsx")
    plan = plan_import(store, tmp_path / "list.xlsx", today=TODAY)
    assert [(r.line, r.action) for r in plan.rows] == [(2, "create"), (4, "reject")]
    assert plan.rows[0].values.start_date == date(2024, 9, 1)
    assert "February 2024 has 29 days" in plan.rows[1].reason


# 5. Rejected rows saved to fix; exact duplicates are unchanged --------------------------------------

def test_rejected_rows_are_saved_with_their_columns_and_a_problem_and_import_once_fixed(tmp_path, capsys):
    data, export = str(tmp_path / "data"), tmp_path / "mis.csv"
    export.write_text("Staff ID,Name,Job Title,Start date,Notes\r\n"
                      "00001,Ann Smith,Teacher,01/09/2024,keep\r\n"
                      "00002,Ben Ray,Office,31/02/2024,new\r\n"
                      "00003,=Cat Lee,Office,,x\r\n"
                      "00001,Ann Smith,Teacher,01/09/2024,keep\r\n", encoding="utf-8")
    rejected = tmp_path / "rejected.csv"
    code, out, err = run(capsys, "--data-dir", data, "staff", "import", str(export),
                         "--rejected-out", str(rejected))
    assert code == 0 and "The 2 rejected rows are in" in err
    assert "    5  unchanged  Ann Smith" in out and "the same as line 2" in out
    text = rejected.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Staff ID", "Name", "Job Title", "Start date", "Notes", "problem"]
    assert rows[1][:5] == ["00002", "Ben Ray", "Office", "31/02/2024", "new"]
    assert rows[1][5].startswith("line 3: start date:")
    assert rows[2][1] == "'=Cat Lee"  # formula-safe; the import takes the apostrophe off again
    fixed = text.replace("31/02/2024", "28/02/2024")
    fixed = fixed.replace("'=Cat Lee,Office,,", "Cat Lee,Office,01/09/2024,")
    rejected.write_text(fixed, encoding="utf-8-sig")
    code, out, err = run(capsys, "--data-dir", data, "staff", "import", str(rejected))
    assert code == 0 and "Imported: 2 added, 0 updated, 0 unchanged." in err, err
    assert set(staff_json(capsys, data)) == {"Ann Smith", "Ben Ray", "Cat Lee"}


def test_an_exact_duplicate_is_unchanged_and_a_conflicting_one_rejected(store, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text("Name,Role,Staff number,Start date\nAnn Smith,Teacher,T1,01/09/2024\n"
                    "Ann Smith,Teacher,T1,01/09/2024\nAnn Smith,Office,T1,01/09/2024\n", encoding="utf-8")
    plan = plan_import(store, path, today=TODAY)
    assert [r.action for r in plan.rows] == ["create", "unchanged", "reject"]
    assert plan.rows[1].describe() == "the same as line 2"
    assert write_rejected(plan, tmp_path / "out.csv") == 1
    assert apply_import(store, plan).created == 1
    again = plan_import(store, path, today=TODAY)
    assert [r.action for r in again.rows] == ["unchanged", "unchanged", "reject"]


def test_a_database_from_before_school_roles_is_migrated_and_keeps_its_people(tmp_path, monkeypatch):
    from holbrook_desktop.core.records import database
    from holbrook_desktop.core.records import migrations as migration_list

    data = tmp_path / "data"
    monkeypatch.setattr(database, "MIGRATIONS", migration_list.MIGRATIONS[:5])
    with _closing(Store.open(data, Actor("office-pc", "cli"))) as old:
        old.staff.add(NewStaffMember("Ann Smith", "office", date(2020, 9, 1), staff_number="00042"))
        assert "school_role" not in {row[1] for row in old.db.execute("PRAGMA table_info(staff)")}
    monkeypatch.setattr(database, "MIGRATIONS", migration_list.MIGRATIONS)
    with _closing(Store.open(data, Actor("office-pc", "cli"))) as store:
        [ann] = store.staff.list()
        assert (ann.role, ann.school_role, ann.role_label) == ("office", None, "Office")
        assert ann.staff_number == "00042"
        assert any(p.name.startswith("pre-migration-0006") for p in (data / "backups").iterdir())
        assert store.verify_audit().ok


def test_a_staff_number_whose_zeros_a_spreadsheet_dropped_still_finds_the_person(store, tmp_path):
    from openpyxl import Workbook

    ann = store.staff.add(NewStaffMember("Ann Smith", "office", date(2020, 9, 1), staff_number="00042"))
    book = Workbook()
    book.active.append(["Staff ID", "Name", "Job Title", "Start date", "Notes"])
    book.active.append([42, "Ann Smith", "Office Manager", date(2020, 9, 1), None])
    book.active.append([43, "Ben Ray", "Office Manager", date(2021, 9, 1), None])
    book.active.cell(3, 1).number_format = "00000"  # shown as 00043 in Excel
    book.save(tmp_path / "list.xlsx")
    plan = plan_import(store, tmp_path / "list.xlsx", today=TODAY)
    ann_row, ben_row = plan.rows
    assert (ann_row.action, ann_row.staff_id, ann_row.matched_by) == ("unchanged", ann.id, "staff number")
    assert ben_row.action == "create" and ben_row.values.staff_number == "00043"
    apply_import(store, plan)
    assert store.staff.get(ann.id).staff_number == "00042" and store.staff.count() == 2


def test_a_change_to_a_role_the_school_added_reads_as_one_change_of_role(store, tmp_path):
    from holbrook_desktop.core.hr.roles import add_role, map_title

    ann = store.staff.add(NewStaffMember("Ann Smith", "other", date(2020, 9, 1), staff_number="7"))
    path = tmp_path / "staff.csv"
    path.write_text("Name,Job Title,Staff ID,Email\nAnn Smith,Caretaker,7,ann@school.uk\n", encoding="utf-8")
    add_role(store.settings, "site-team", label="Site team", quiz_as="contractor")
    map_title(store.settings, "Caretaker", "site-team")
    [row] = plan_import(store, path, today=TODAY).rows
    assert row.describe() == "role: Other → Site team; email: — → ann@school.uk"
    apply_import(store, plan_import(store, path, today=TODAY))
    changes = store.db.execute("SELECT details FROM audit_log WHERE action = 'staff.update'").fetchone()[0]
    assert '"school_role":[null,"site-team"]' in changes and '"role":["other","contractor"]' in changes
    assert store.staff.get(ann.id).role_label == "Site team"

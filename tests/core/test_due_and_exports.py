"""Who is due (the rules in core.due) and HR's export: statuses, CSV for Excel, XLSX, formula safety."""

import csv
import io
from datetime import date
from types import SimpleNamespace

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.hr.due import DueRules, Status, add_months, status_for
from holbrook_desktop.core.records import StaffMember
from tests.conftest import as_admin, set_admin_password

TODAY = date(2026, 11, 24)
POLICY = SimpleNamespace(id="social-media", sha256="new", meta=SimpleNamespace(effective=date(2026, 9, 1)))


def _member(start="2024-09-01", leaving=None, active=True):
    return StaffMember(1, "Ann Smith", None, "teacher", "T1", "ann@school.uk", start, leaving, active)


def _ack(sha="new", at="2026-09-10T10:00:00+00:00"):
    return SimpleNamespace(policy_sha256=sha, acknowledged_at=at)


@pytest.mark.parametrize(("acks", "member", "expected", "due"), [
    ([_ack()], _member(), Status.ACKNOWLEDGED, date(2027, 9, 10)),
    ([_ack(at="2025-12-01T10:00:00+00:00")], _member(), Status.DUE_SOON, date(2026, 12, 1)),
    ([_ack(at="2025-11-01T10:00:00+00:00")], _member(), Status.OVERDUE, date(2026, 11, 1)),
    ([_ack(sha="old", at="2026-03-01T10:00:00+00:00")], _member(), Status.OVERDUE, date(2026, 10, 1)),
    ([], _member(), Status.NEVER, date(2026, 10, 1)),
    ([], _member(start="2026-11-20"), Status.DUE_SOON, date(2026, 12, 4)),  # a new starter: 14 days
    ([], _member(start="2026-11-01"), Status.NEVER, date(2026, 11, 15)),
    ([_ack()], _member(leaving="2026-10-31"), Status.LEAVER, None),
    ([], _member(active=False), Status.LEAVER, None),
])
def test_each_status_and_its_due_date(acks, member, expected, due):
    found = status_for(member, POLICY, acks, TODAY)
    assert (found.status, found.due) == (expected, due)


def test_a_minor_change_keeps_earlier_acknowledgements_valid():
    found = status_for(_member(), POLICY, [_ack(sha="old")], TODAY, equivalent_versions=frozenset({"old"}))
    assert found.status is Status.ACKNOWLEDGED


def test_rules_are_configurable_and_months_end_sensibly():
    rules = DueRules(new_starter_days=30)
    assert status_for(_member(start="2026-11-01"), POLICY, [], TODAY, rules).status is Status.DUE_SOON
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


# The export, through the command line -------------------------------------------------------

def _run(capsys, *args):
    code = main(as_admin(list(args)))  # the administrator password given, where a command needs it
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def school(tmp_path, capsys, password_on_stdin):
    data = str(tmp_path / "data")
    assert _run(capsys, "--data-dir", data, "staff", "list")[0] == 0
    set_admin_password(data)
    people = (("=HYPERLINK(\"http://x\",\"y\")", "-1"), ("Zoë Łukasiewicz", "T2"), ("Ann Smith", "T3"))
    for name, number in people:
        assert _run(capsys, "--data-dir", data, "staff", "add", "--name", name, "--role", "volunteer",
                    "--staff-number", number, "--start-date", "2024-09-01")[0] == 0
    # In use since 2024 (a first day today would give everyone the version period from today).
    assert _run(capsys, "--data-dir", data, "admin", "settings", "set", "rollout-date", "2024-09-01")[0] == 0
    assert _run(capsys, "--data-dir", data, "acknowledgement", "record", "--staff", "2", "--policy",
                "social-media", "--note", "Signed on paper")[0] == 0
    return data


def test_csv_has_a_bom_every_person_and_no_formula(school, tmp_path, capsys):
    out = tmp_path / "acks.csv"
    code, _, err = _run(capsys, "--data-dir", school, "export", "acknowledgements", "-o", str(out))
    assert code == 0 and "wrote 3 rows" in err
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_name = {r["Name"]: r for r in rows}
    assert by_name["'=HYPERLINK(\"http://x\",\"y\")"]["Staff number"] == "'-1"
    zoe = by_name["Zoë Łukasiewicz"]
    assert zoe["Status"] == "acknowledged" and zoe["Record id"] == "1"
    assert len(zoe["SHA-256 acknowledged"]) == 64
    assert by_name["Ann Smith"]["Status"] == "never" and by_name["Ann Smith"]["Record id"] == ""


def test_status_filter_and_bad_input(school, tmp_path, capsys):
    out = tmp_path / "never.csv"
    assert _run(capsys, "--data-dir", school, "export", "acknowledgements", "-o", str(out),
                "--status", "never")[0] == 0
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 3  # header and two people
    export = ("--data-dir", school, "export", "acknowledgements")
    assert _run(capsys, *export, "-o", str(tmp_path / "x.txt"))[0] == 2
    assert _run(capsys, *export, "-o", str(out), "--policy", "nope")[0] == 2
    code, _, err = _run(capsys, "--data-dir", school, "export", "acknowledgements",
                        "-o", str(tmp_path / "missing" / "x.csv"))
    assert code == 2 and "cannot write" in err


def test_xlsx_has_a_frozen_header_real_dates_and_no_formula(school, tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "acks.xlsx"
    assert _run(capsys, "--data-dir", school, "export", "acknowledgements", "-o", str(out))[0] == 0
    sheet = load_workbook(out).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].value == "Name" and sheet["A1"].font.bold
    assert sheet.column_dimensions["H"].width == 66
    values = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    hostile = values["'=HYPERLINK(\"http://x\",\"y\")"]
    assert hostile[0].data_type == "s"
    zoe = values["Zoë Łukasiewicz"]
    assert zoe[8].is_date and zoe[11].is_date and zoe[12].value == 1
    assert zoe[4].value == "Social Media Policy"  # the title, not the id

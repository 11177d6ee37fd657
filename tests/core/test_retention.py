"""Leavers' records kept for the retention period, then their personal data erased (UK GDPR)."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import date, timedelta

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.admin.settings import set_retention_years
from holbrook_desktop.core.hr.retention import apply_retention, plan_retention, retention_ends
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.reading.progress import SectionKey
from holbrook_desktop.core.records import NewStaffMember, Store
from holbrook_desktop.core.records.acknowledgements import NewAcknowledgement
from tests.conftest import as_admin, set_admin_password
from tests.core.test_attestation_flow import _acknowledged, _installation
from tests.core.test_quiz_records import content as content  # a fixture

TODAY = date.today()
LONG_AGO = date(2015, 7, 31)  # well past any retention period the tests use
PNG = b"\x89PNG\r\n\x1a\n" + b"SIGNATURE-OF-QUENTIN" * 40


def open_records(data_dir, **kwargs) -> Store:
    """The records, with the one policy version the tests' acknowledgements are of."""
    opened = Store.open(data_dir, Actor("office-pc", "window"), **kwargs)
    opened.db.execute("INSERT OR IGNORE INTO policy_versions (policy_id, sha256, label, title, effective, "
                      "first_seen) VALUES ('p', 'v1', 'first', 'P', '2014-09-01', '2014-09-01T07:00:00')")
    opened.db.conn.commit()
    return opened


@pytest.fixture
def store(tmp_path):
    opened = open_records(tmp_path / "data")
    yield opened
    opened.close()


def add_person(store, name, role="teacher", *, email=None, number=None, left=None) -> int:
    member = store.staff.add(NewStaffMember(name, role, date(2010, 9, 1), staff_number=number,
                                            work_email=email))
    if left is not None:
        leave(store, member.id, left)
    return member.id


def leave(store, staff_id, day: date) -> None:
    store.db.execute("UPDATE staff SET leaving_date = ?, active = 0 WHERE id = ?",
                     (day.isoformat(), staff_id))
    store.db.conn.commit()


def _pdf(stamp):
    return f"%PDF-1.7 record {stamp.record_id} anchor {stamp.audit_anchor}".encode()


def acknowledge(store, staff_id, method="drawn", note=None):
    """As the person would (signed in, so the audit row is theirs), or on their behalf."""
    name = store.staff.get(staff_id).full_name
    attempt = None
    if method != "on-behalf":
        attempt = store.db.execute(
            "INSERT INTO quiz_attempts (staff_id, policy_id, policy_sha256, mode, seed, questions, answers, "
            "total, status, started_at) VALUES (?, 'p', 'v1', 'induction', 1, '[]', '[]', 0, 'finished', "
            "'2015-01-01')", (staff_id,)).lastrowid
        store.db.conn.commit()
    new = NewAcknowledgement(
        staff_id=staff_id, policy_id="p", policy_sha256="v1", version_label="first", quiz_attempt_id=attempt,
        declaration_text="I confirm.", declaration_sha256="d" * 64, typed_name=name, method=method,
        signature_png=PNG if method == "drawn" else None,
        signature_strokes='[[[1,2],[3,4]]]' if method == "drawn" else None, on_behalf_note=note,
        os_user="quentin-login" if method != "on-behalf" else "office-pc", machine="STAFFROOM-PC",
        app_version="0.1.0", certificate_fingerprint="f" * 64)
    store.acting_as(staff_id if method != "on-behalf" else None)
    try:
        return store.acknowledgements.record(new, _pdf)
    finally:
        store.acting_as(None)


def quentin(store, left=LONG_AGO) -> int:
    """A leaver with everything: a drawn and an on-behalf acknowledgement, reading progress, all
    before they left (activity after it would stop the erasure)."""
    staff_id = add_person(store, "Quentin Zebedee", email="quentin.zebedee@holbrook.example",
                          number="QZ-1971")
    clock = store.clock
    store.clock = lambda: f"{left - timedelta(days=60)}T09:00:00.000000+00:00"
    try:
        acknowledge(store, staff_id, "drawn")
        acknowledge(store, staff_id, "on-behalf", note="Quentin signed the paper form")
        store.acting_as(staff_id)
        store.progress_for(staff_id).mark_opened(SectionKey("p", "v1", "1"))
        store.acting_as(None)
    finally:
        store.clock = clock
    leave(store, staff_id, left)
    return staff_id


def counts_by_version_role_year(store):
    return store.db.execute(
        "SELECT a.policy_sha256, s.role, substr(a.acknowledged_at, 1, 4), count(*) FROM acknowledgements a "
        "JOIN staff s ON s.id = a.staff_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").fetchall()


def audit_count(store):
    return store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]


# --- who is due ---------------------------------------------------------------------------------


def test_the_period_is_calendar_years_and_a_leap_day_waits_for_1_march():
    assert retention_ends(date(2019, 7, 31), 6) == date(2025, 7, 31)
    assert retention_ends(date(2020, 2, 29), 6) == date(2026, 3, 1)
    assert retention_ends(date(2020, 2, 29), 4) == date(2024, 2, 29)


def test_the_plan_lists_leavers_past_the_period_and_writes_nothing(store):
    due = add_person(store, "Ann Old", left=date(2018, 8, 31))
    leap = add_person(store, "Ben Leap", "office", left=date(2020, 2, 29))
    add_person(store, "Cat Recent", left=date(2023, 7, 20))
    add_person(store, "Dan Current")
    before = audit_count(store)

    plan = plan_retention(store, years=6, today=date(2026, 2, 28))
    assert [p.staff_id for p in plan.people] == [due]
    assert plan.people[0].erase_from == date(2024, 8, 31) and plan.people[0].full_name == "Ann Old"

    plan = plan_retention(store, years=6, today=date(2026, 3, 1))
    assert [(p.staff_id, p.role) for p in plan.people] == [(due, "teacher"), (leap, "office")]
    assert plan.as_dict()["people"][1]["leaving_date"] == "2020-02-29"
    assert audit_count(store) == before


def test_the_plan_counts_what_is_held_and_names_a_leaving_date_it_cannot_read(store):
    staff_id = quentin(store)
    odd = add_person(store, "Eve Odd")
    store.db.execute("UPDATE staff SET leaving_date = '31/07/2015' WHERE id = ?", (odd,))
    store.db.conn.commit()
    [person] = plan_retention(store, years=6, today=TODAY).people
    assert (person.staff_id, person.acknowledgements, person.signed_pdfs, person.quiz_attempts,
            person.reading_progress) == (staff_id, 2, 2, 1, 1)
    [problem] = plan_retention(store, years=6, today=TODAY).problems
    assert "Eve Odd" in problem and "'31/07/2015' is not a date" in problem


# --- erasing ------------------------------------------------------------------------------------


def test_erasure_removes_what_identifies_them_and_keeps_the_counts(store):
    staff_id = quentin(store)
    kept = add_person(store, "Rhian Stays", "office", email="rhian@holbrook.example")
    acknowledge(store, kept, "typed")
    counts = counts_by_version_role_year(store)
    pdfs = [store.acknowledgements.pdf_path(r) for r in store.acknowledgements.for_person(staff_id)]
    assert all(p.exists() for p in pdfs)

    result = apply_retention(store, plan_retention(store, years=6, today=TODAY))

    [erased] = result.erased
    assert (erased.staff_id, erased.acknowledgements, erased.signed_pdfs_deleted) == (staff_id, 2, 2)
    assert result.refused == () and result.file_cleared
    row = store.db.execute("SELECT full_name, preferred_name, staff_number, work_email, role, start_date, "
                           "leaving_date, erased_at FROM staff WHERE id = ?", (staff_id,)).fetchone()
    assert row[:7] == (f"Erased person #{staff_id}", None, None, None, "teacher", "2010-09-01", "2015-07-31")
    assert row[7] is not None
    for record in store.acknowledgements.for_person(staff_id):
        assert (record.typed_name, record.signature_png, record.signature_strokes, record.on_behalf_note,
                record.os_user, record.machine) == ("[erased]", None, None, None, "[erased]", "[erased]")
        assert record.policy_sha256 == "v1" and record.pdf_file  # what was acknowledged, and when, stays
    assert not any(p.exists() for p in pdfs)
    # The anonymous counts: acknowledgements per policy version, role and year are unchanged.
    assert counts_by_version_role_year(store) == counts
    attempts = store.db.execute("SELECT count(*) FROM quiz_attempts WHERE staff_id = ?", (staff_id,))
    assert attempts.fetchone()[0] == 1
    # Nothing about them is left in the audit log's text; the chain still verifies.
    text = " ".join(r[0] + r[1] for r in store.db.execute("SELECT os_user, details FROM audit_log"))
    for gone in ("Quentin", "Zebedee", "QZ-1971", "quentin-login", "paper form"):
        assert gone not in text
    report = store.verify_audit()
    assert report.ok, report.problem
    assert report.erased_rows == erased.audit_rows_erased > 0
    # The one audit row that records it, with no personal data in it.
    action, details = store.db.execute("SELECT action, details FROM audit_log WHERE id = ?",
                                       (erased.audit_row,)).fetchone()
    assert action == "retention.erased"
    recorded = json.loads(details)
    assert recorded["staff_id"] == staff_id and recorded["signed_pdfs_deleted"] == 2
    assert set(recorded["redacted_details"]) >= set(recorded["redacted_os_user"]) != set()
    # Everyone else is untouched.
    assert store.staff.get(kept).work_email == "rhian@holbrook.example"
    assert store.acknowledgements.for_person(kept)[0].typed_name == "Rhian Stays"
    assert "Rhian Stays" in text


def test_the_erased_data_is_gone_from_the_database_file_itself(store):
    # Off, as in the SQLite that Python for Windows ships (Debian's build has it on by default):
    # deleted text would otherwise stay in the file's free space.
    store.db.execute("PRAGMA secure_delete = OFF")
    staff_id = quentin(store)
    store.staff.update(staff_id, work_email="q.zebedee@holbrook.example")  # an old value left in free space
    result = apply_retention(store, plan_retention(store, years=6, today=TODAY))
    assert [p.staff_id for p in result.erased] == [staff_id]
    store.close()
    files = [store.path, store.path.with_name(store.path.name + "-wal")]
    raw = b"".join(p.read_bytes() for p in files if p.exists())
    for gone in ("Zebedee", "zebedee@holbrook", "QZ-1971", "quentin-login", "SIGNATURE-OF-QUENTIN"):
        assert gone.encode() not in raw, gone
    assert b"Erased person #" in raw  # the file was read, and holds what replaced it


def test_only_leavers_past_the_period_are_erased_whatever_the_plan_says(store):
    staff_id = quentin(store, left=TODAY - timedelta(days=400))
    current = add_person(store, "Dan Current")
    plan = plan_retention(store, years=1, today=TODAY)
    assert [p.staff_id for p in plan.people] == [staff_id]
    forged = dataclasses.replace(plan, people=(*plan.people, dataclasses.replace(plan.people[0],
                                                                                  staff_id=current)))
    set_retention_years(store.settings, 6)  # changed after the plan was made: the longer period wins
    before = audit_count(store)

    result = apply_retention(store, forged)

    assert result.erased == ()
    reasons = {r.staff_id: r.reason for r in result.refused}
    assert "kept for 6 years" in reasons[staff_id]
    assert "not a leaver" in reasons[current]
    assert store.staff.get(staff_id).full_name == "Quentin Zebedee"
    assert audit_count(store) == before
    records = store.acknowledgements.for_person(staff_id)
    assert all(store.acknowledgements.pdf_path(r).exists() for r in records)


def test_a_plan_cannot_be_applied_twice_or_for_a_day_to_come(store):
    quentin(store)
    plan = plan_retention(store, years=6, today=TODAY)
    assert len(apply_retention(store, plan).erased) == 1
    again = apply_retention(store, plan)
    assert again.erased == () and "already erased" in again.refused[0].reason
    add_person(store, "Ann Old", left=LONG_AGO)
    future = plan_retention(store, years=6, today=TODAY + timedelta(days=1))
    assert "a day still to come" in apply_retention(store, future).refused[0].reason
    assert plan_retention(store, years=6, today=TODAY).people[0].full_name == "Ann Old"


def test_the_result_names_the_backups_that_still_hold_the_data(tmp_path):
    data = tmp_path / "data"
    first = Store.open(data, Actor("office-pc", "cli"), today=lambda: TODAY - timedelta(days=1))
    add_person(first, "Ann Old", left=LONG_AGO)
    first.close()
    store = Store.open(data, Actor("office-pc", "cli"))  # the day's first open takes a backup
    try:
        result = apply_retention(store, plan_retention(store, years=6, today=TODAY))
    finally:
        store.close()
    assert [p.name for p in result.backups] == [f"daily-holbrook-{TODAY.isoformat()}.db"]
    assert "still hold the erased data" in result.backups_note() and "14" in result.backups_note()
    with sqlite3.connect(result.backups[0]) as backup:
        assert backup.execute("SELECT full_name FROM staff").fetchone() == ("Ann Old",)  # as the note says


def test_through_the_facade_a_signed_pdf_hr_kept_still_verifies_after_erasure(tmp_path, content):
    """The real flow: a drawn signature, a signed PDF; HR keeps a copy; the person leaves and is erased."""
    service, store = _installation(tmp_path / "data", content)
    try:
        store.clock = lambda: f"{LONG_AGO - timedelta(days=60)}T09:00:00.000000+00:00"  # before leaving
        member, record = _acknowledged(service, store)
        kept_by_hr = service.attestation.pdf(record)
        service.sign_out()
        store.db.execute("UPDATE staff SET start_date = '2010-09-01', leaving_date = ?, active = 0 "
                         "WHERE id = ?", (LONG_AGO.isoformat(), member.id))
        # All they did, done before they left (activity after leaving would stop the erasure).
        before = f"{LONG_AGO - timedelta(days=60)}T08:00:00+00:00"
        store.db.execute("UPDATE quiz_attempts SET started_at = ?, finished_at = ?", (before, before))
        store.db.execute("UPDATE reading_progress SET first_opened = ?, completed_at = ?", (before, before))
        store.db.conn.commit()
        plan = service.hr.retention_plan()
        assert [p.staff_id for p in plan.people] == [member.id]
        assert [p.staff_id for p in service.hr.apply_retention(plan).erased] == [member.id]
        assert not store.acknowledgements.pdf_path(record).exists()
        check = service.attestation.verify(kept_by_hr)
        assert check.ok, check.problems  # the record it names is still there, with its PDF's hash
        assert check.record.typed_name == "[erased]" and check.record.signature_png is None
        assert store.verify_audit().ok
    finally:
        store.close()


# --- the command line ---------------------------------------------------------------------------


def _run(capsys, *args):
    code = main(as_admin(list(args)))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_retention_show_and_apply_from_the_command_line(tmp_path, capsys, monkeypatch, password_on_stdin):
    data = tmp_path / "data"
    store = open_records(data)
    staff_id = quentin(store)
    store.close()
    set_admin_password(data)

    code, out, err = _run(capsys, "--data-dir", str(data), "retention", "show", "--json")
    assert code == 0 and "Nothing was written" in err
    assert [p["staff_id"] for p in json.loads(out)["people"]] == [staff_id]

    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = _run(capsys, "--data-dir", str(data), "retention", "apply")
    assert code == 2 and "--yes" in err and "Nothing was erased" in err

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    code, _, err = _run(capsys, "--data-dir", str(data), "retention", "apply")
    assert code == 1 and "Nothing was erased" in err

    monkeypatch.setattr("builtins.input", lambda prompt: "erase")
    code, out, err = _run(capsys, "--data-dir", str(data), "retention", "apply")
    assert code == 0 and f"{staff_id:>5}  erased (Quentin Zebedee)" in out
    assert "backup copies of the records" in err

    code, out, _ = _run(capsys, "--data-dir", str(data), "audit", "verify", "--json")
    assert code == 0 and json.loads(out)["ok"]
    code, out, err = _run(capsys, "--data-dir", str(data), "retention", "apply", "--yes", "--json")
    assert code == 0 and json.loads(out)["result"] is None and "Nobody is due" in err

"""Limits on what people type: one table (core/limits.py), checked at every door, with a message
naming the field and the limit; a long name never reaches a PDF that cannot be laid out."""

from __future__ import annotations

import json
import time
from datetime import date

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.admin.password import problem_with
from holbrook_desktop.core.admin.school_profile import SchoolProfileRefused
from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementRefused
from holbrook_desktop.core.hr.due import PersonStatus, Status
from holbrook_desktop.core.hr.status_report import status_report_pdf
from holbrook_desktop.core.limits import LIMITS, TextTooLong
from holbrook_desktop.core.records import NewStaffMember, StaffMember
from tests.core.test_attestation_flow import SIGNATURE, _passed
from tests.core.test_attestation_flow import school as school  # a fixture
from tests.core.test_attestation_pdf import page_count, page_text
from tests.core.test_quiz_records import content as content  # a fixture
from tests.core.test_retention import open_records
from tests.core.test_retention import store as store  # a fixture
from tests.core.test_status_report import SOCIAL, TODAY

LONGEST_NAME = "W" * LIMITS["full_name"].max_chars  # allowed, and no space to wrap at


def _run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _audit_rows(store) -> int:
    return store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def test_one_table_holds_every_limit():
    assert {field: limit.max_chars for field, limit in LIMITS.items()} == {
        "full_name": 100, "preferred_name": 100, "typed_name": 100, "staff_number": 40, "work_email": 254,
        "role": 60, "on_behalf_note": 500, "school_name": 120, "admin_password": 256}


@pytest.mark.parametrize(("field", "words"), [
    ("full_name", "full name"), ("preferred_name", "preferred name"), ("staff_number", "staff number"),
    ("work_email", "email")])
def test_adding_or_changing_a_person_refuses_text_over_its_limit(store, field, words):
    limit = LIMITS[field].max_chars

    def text(length: int, letter: str) -> str:
        return letter * (length - 11) + "@school.org" if field == "work_email" else letter * length

    too_long = text(limit + 1, "a")
    values = {"full_name": "Ann Smith", "role": "teacher", "start_date": date(2024, 9, 1), field: too_long}
    before = _audit_rows(store)
    with pytest.raises(TextTooLong) as refused:
        store.staff.add(NewStaffMember(**values))
    assert str(refused.value) == f"The {words} can be at most {limit} characters; this one has {limit + 1}."
    ann = store.staff.add(NewStaffMember("Ann Smith", "teacher", date(2024, 9, 1)))
    with pytest.raises(TextTooLong, match=f"The {words} can be at most {limit} characters"):
        store.staff.update(ann.id, **{field: too_long})
    assert store.staff.get(ann.id) == ann and _audit_rows(store) == before + 1
    # Exactly the limit is fine (counted as stored: spaces run together first).
    store.staff.update(ann.id, **{field: text(limit, "b")})
    store.staff.add(NewStaffMember(**{**values, field: text(limit, "c") + "  "}))


def test_the_command_line_names_the_field_and_the_limit(tmp_path, capsys):
    data = tmp_path / "data"
    code, _, err = _run(capsys, "--data-dir", data, "staff", "add", "--name", "N" * 5000, "--role", "teacher")
    assert code == 2
    assert "holbrook staff add: The full name can be at most 100 characters; this one has 5000." in err
    assert "Traceback" not in err
    assert _run(capsys, "--data-dir", data, "staff", "add", "--name", "Ann", "--role", "volunteer")[0] == 0
    code, _, err = _run(capsys, "--data-dir", data, "acknowledgement", "record", "--staff", 1, "--policy",
                        "social-media", "--note", "paper " * 100)
    assert code == 2 and "The note can be at most 500 characters; this one has 599." in err
    code, _, err = _run(capsys, "--data-dir", data, "signing", "create", "--school", "S" * 121)
    assert code == 1 and "The school's name can be at most 120 characters; this one has 121." in err


def test_an_import_rejects_each_row_over_a_limit_by_its_line(tmp_path, capsys):
    data = tmp_path / "data"
    csv = tmp_path / "staff.csv"
    csv.write_text("Name,Role,Email,Staff number,Start date\n"
                   "Ann Smith,Teacher,ann@school.org,T1,01/09/2024\n"
                   f"{'N' * 101},Teacher,,,01/09/2024\n"
                   f"Ben Jones,{'Teacher ' * 20},{'b' * 250}@school.org,{'9' * 41},01/09/2024\n",
                   encoding="utf-8")
    code, out, _ = _run(capsys, "--data-dir", data, "staff", "import", csv, "--json")
    assert code == 0  # Ann is imported; the rest are reported
    rows = {row["line"]: row for row in json.loads(out)["rows"]}
    assert rows[2]["action"] == "create"
    assert rows[3]["action"] == "reject"
    assert rows[3]["reason"] == "the full name can be at most 100 characters; this one has 101"
    assert rows[4]["action"] == "reject"
    assert rows[4]["reason"] == ("the staff number can be at most 40 characters; this one has 41; the email "
                                 "can be at most 254 characters; this one has 261")
    # A role cell too long is never the reason (issue 17): a warning, and the title is not echoed.
    assert rows[4]["warnings"] == ["the role can be at most 60 characters; this one has 159"]
    assert "Teacher Teacher" not in out and "bbbb" not in out  # never echoed back
    _, out, _ = _run(capsys, "--data-dir", data, "staff", "import", csv, "--dry-run")
    assert "    3  REJECTED" in out and "the full name can be at most 100 characters" in out


def test_acknowledging_refuses_a_typed_name_or_note_over_its_limit(school):
    service, store = school
    member = _passed(service, store, name="Ann Smith")
    with pytest.raises(AcknowledgementRefused) as refused:
        service.attestation.acknowledge("social-media", typed_name="Ann Smith " * 20, declared=True,
                                        signature=SIGNATURE)
    assert refused.value.field == "name"
    assert str(refused.value) == "The typed name can be at most 100 characters; this one has 199."
    with pytest.raises(AcknowledgementRefused, match="The note can be at most 500 characters"):
        service.attestation.acknowledge_on_behalf(member.id, "social-media", note="n" * 501)
    assert store.acknowledgements.count() == 0


def test_the_longest_name_without_a_space_is_signed_on_one_page_quickly(school, tmp_path):
    service, _store = school
    member = service.hr.add_staff(NewStaffMember(LONGEST_NAME, "volunteer", date(2026, 9, 1)))
    started = time.perf_counter()
    record = service.attestation.acknowledge_on_behalf(member.id, "social-media", note="Signed on paper")
    assert time.perf_counter() - started < 30  # the whole signing, key included; in practice ~1 s
    pdf = service.attestation.pdf(record)
    assert page_count(pdf, tmp_path) == 1
    assert "W" * 20 in page_text(pdf, tmp_path)


def test_a_name_stored_before_the_limits_is_refused_before_the_records_are_locked(school):
    service, store = school
    member = service.hr.add_staff(NewStaffMember("Ann Smith", "volunteer", date(2026, 9, 1)))
    store.db.execute("UPDATE staff SET full_name = ? WHERE id = ?", ("W" * 20_000, member.id))
    store.db.conn.commit()
    started = time.perf_counter()
    with pytest.raises(AcknowledgementRefused, match="Ask the office to shorten it"):
        service.attestation.acknowledge_on_behalf(member.id, "social-media", note="Signed on paper")
    assert time.perf_counter() - started < 5
    assert not store.db.conn.in_transaction and store.acknowledgements.count() == 0


def _late(name: str) -> PersonStatus:
    member = StaffMember(1, name, None, "teacher", None, None, "2024-09-01", None, True)
    return PersonStatus(member, "social-media", Status.OVERDUE, date(2026, 10, 1), None)


@pytest.mark.parametrize("name", [LONGEST_NAME, "W" * 20_000, "Ann " * 5_000])
def test_the_governors_report_lays_out_any_name(name, tmp_path):
    pdf = status_report_pdf([_late(name)], school="Holbrook Primary", policies=[SOCIAL], today=TODAY)
    text = page_text(pdf, tmp_path)
    assert page_count(pdf, tmp_path) == 1
    assert ("…" in text) == (len(name) > 100)  # wrapped when allowed; cut with an ellipsis past it
    assert name.split()[0][:12] in text  # the name is there, wrapped or not


def test_the_governors_report_lays_out_any_school_name(tmp_path):
    pdf = status_report_pdf([_late("Ann Smith")], school="S" * 20_000, policies=[SOCIAL], today=TODAY)
    assert page_count(pdf, tmp_path) == 1 and "S" * 40 in page_text(pdf, tmp_path)


def test_the_school_name_and_the_password_have_their_limits_too(tmp_path):
    assert problem_with("p4ssw0rd!" * 29) == "The password can be at most 256 characters; this one has 261."
    assert problem_with("p4ssw0rd!" * 28) is None
    store = open_records(tmp_path / "data")
    try:
        from holbrook_desktop.core.admin.school_profile import set_school_name

        with pytest.raises(SchoolProfileRefused, match="The school's name can be at most 120 characters"):
            set_school_name(store.settings, "Holbrook " * 20)
    finally:
        store.close()

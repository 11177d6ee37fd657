"""Editing a person (issue 17, point 4) and leaving dates that make sense (point 8)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from holbrook_desktop.app import App
from holbrook_desktop.cli import main
from holbrook_desktop.core.errors import InputRefused
from holbrook_desktop.core.hr.staff_edit import NeedsConfirmation
from holbrook_desktop.core.limits import TextTooLong
from holbrook_desktop.core.records.errors import DuplicateStaff
from tests.conftest import REAL_CONTENT
from tests.core.test_retention import acknowledge, add_person
from tests.core.test_retention import store as store  # a fixture

TODAY = date.today()


@pytest.fixture
def app(store):
    return App(REAL_CONTENT, records=store)


def _audit(store):
    rows = store.db.execute("SELECT action, details FROM audit_log ORDER BY id").fetchall()
    return [(action, json.loads(details)) for action, details in rows]


def test_an_edit_changes_each_field_and_the_audit_lists_each_old_and_new_value(app, store):
    staff_id = add_person(store, "Ann Archer", number="T1", email="ann@school.org")
    member = app.hr.update_staff(staff_id, {
        "full_name": "Ann Baker", "preferred_name": "Annie", "role": "office", "staff_number": "T2",
        "work_email": "annie@school.org", "start_date": date(2011, 1, 4)})
    assert (member.full_name, member.preferred_name, member.role, member.staff_number, member.work_email,
            member.start_date) == ("Ann Baker", "Annie", "office", "T2", "annie@school.org", "2011-01-04")
    action, details = _audit(store)[-1]
    assert action == "staff.update"
    assert details == {"staff_id": staff_id, "changes": {
        "full_name": ["Ann Archer", "Ann Baker"], "preferred_name": [None, "Annie"],
        "role": ["teacher", "office"], "staff_number": ["T1", "T2"],
        "work_email": ["ann@school.org", "annie@school.org"], "start_date": ["2010-09-01", "2011-01-04"]}}


def test_the_audit_rows_personal_text_is_sealed_and_the_chain_verifies(app, store):
    staff_id = add_person(store, "Ann Archer")
    app.hr.update_staff(staff_id, {"full_name": "Ann Baker"})
    salt, digest = store.db.execute("SELECT details_salt, details_sha256 FROM audit_log ORDER BY id DESC "
                                    "LIMIT 1").fetchone()
    assert salt and len(digest) == 64
    assert store.verify_audit().ok


def test_nothing_different_writes_nothing(app, store):
    staff_id = add_person(store, "Ann Archer")
    before = len(_audit(store))
    app.hr.update_staff(staff_id, {"full_name": "  Ann   Archer ", "role": "teacher"})
    assert len(_audit(store)) == before


def test_bad_values_are_refused_and_nothing_is_changed(app, store):
    staff_id = add_person(store, "Ann Archer", number="T1")
    add_person(store, "Ben Baker", number="T2")
    with pytest.raises(TextTooLong):
        app.hr.update_staff(staff_id, {"full_name": "A" * 101})
    with pytest.raises(InputRefused, match="email"):
        app.hr.update_staff(staff_id, {"work_email": "not an email"})
    with pytest.raises(InputRefused, match="Role"):
        app.hr.update_staff(staff_id, {"role": "headmaster"})
    with pytest.raises(DuplicateStaff):
        app.hr.update_staff(staff_id, {"full_name": "Ann Zed", "staff_number": "T2"})
    with pytest.raises(InputRefused, match="1950"):
        app.hr.update_staff(staff_id, {"start_date": date(1926, 9, 1)})
    assert store.staff.get(staff_id).full_name == "Ann Archer"


@pytest.mark.parametrize("day", [date(1949, 12, 31), TODAY + timedelta(days=5 * 366 + 2)])
def test_an_impossible_leaving_year_is_refused(app, store, day):
    staff_id = add_person(store, "Ann Archer")
    with pytest.raises(InputRefused, match="mistyped"):
        app.hr.mark_leaver(staff_id, day)
    with pytest.raises(InputRefused, match="mistyped"):
        app.hr.update_staff(staff_id, {"leaving_date": day})
    assert store.staff.get(staff_id).leaving_date is None


def test_a_leaving_date_before_the_last_acknowledgement_needs_confirming(app, store):
    staff_id = add_person(store, "Ann Archer")
    acknowledge(store, staff_id)  # today
    earlier = TODAY - timedelta(days=30)
    with pytest.raises(NeedsConfirmation) as refused:
        app.hr.mark_leaver(staff_id, earlier)
    assert refused.value.needs_confirmation and "anyway" in refused.value.question
    assert "acknowledged a policy on" in str(refused.value)
    assert store.staff.get(staff_id).leaving_date is None
    with pytest.raises(NeedsConfirmation):
        app.hr.update_staff(staff_id, {"leaving_date": earlier})
    assert app.hr.mark_leaver(staff_id, earlier, confirmed=True).leaving_date == earlier.isoformat()
    assert app.hr.mark_leaver(staff_id, TODAY).leaving_date == TODAY.isoformat()  # on or after: no question


def test_staff_edit_from_the_command_line(tmp_path, capsys, admin_cli):
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "staff", "add", "--name", "Ann Archer", "--role", "teacher",
                 "--start-date", "2020-09-01"]) == 0
    capsys.readouterr()
    assert admin_cli(data, "staff", "edit", "1", "--name", "Ann Baker", "--email", "ann@school.org",
                     "--role", "office", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["full_name"] == "Ann Baker" and out["changed"]["full_name"] == {"old": "Ann Archer",
                                                                               "new": "Ann Baker"}
    assert admin_cli(data, "staff", "edit", "1", "--leaving-date", "01/01/1930") == 2
    assert "mistyped" in capsys.readouterr().err
    assert admin_cli(data, "staff", "edit", "9", "--name", "X") == 2
    assert admin_cli(data, "staff", "edit", "1") == 2


def test_staff_leave_before_the_last_acknowledgement_needs_yes(tmp_path, capsys, admin_cli, monkeypatch):
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import Store
    from tests.core.test_retention import open_records

    data = tmp_path / "data"
    records = open_records(data)
    staff_id = add_person(records, "Ann Archer")
    acknowledge(records, staff_id)
    records.close()
    earlier = (TODAY - timedelta(days=10)).isoformat()
    assert admin_cli(data, "staff", "leave", str(staff_id), "--date", earlier) == 2
    assert "--yes" in capsys.readouterr().err
    assert admin_cli(data, "staff", "leave", str(staff_id), "--date", earlier, "--yes") == 0
    reopened = Store.open(data, Actor("x", "cli"))
    assert reopened.staff.get(staff_id).leaving_date == earlier
    reopened.close()

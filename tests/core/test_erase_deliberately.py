"""Erasing is deliberate (issue 17, point 7): nobody is erased whose records show them here after
their leaving date; the plan says so beforehand, the erasure refuses it, the command line explains."""

from __future__ import annotations

import json
from datetime import timedelta

from holbrook_desktop.cli import main
from holbrook_desktop.core.hr.retention import apply_retention, plan_retention
from holbrook_desktop.core.reading.progress import SectionKey
from tests.core.test_retention import LONG_AGO, TODAY, acknowledge, open_records, quentin
from tests.core.test_retention import store as store  # a fixture


def test_an_acknowledgement_after_the_leaving_date_stops_the_erasure(store):
    staff_id = quentin(store)
    acknowledge(store, staff_id, "on-behalf", note="signed again, today")  # dated today: after they left
    plan = plan_retention(store, years=6, today=TODAY)
    [person] = plan.people
    assert person.refusal and "activity after their leaving date" in person.refusal
    assert "an acknowledgement on" in person.refusal and "31 July 2015" in person.refusal
    result = apply_retention(store, plan)
    assert not result.erased
    [refusal] = result.refused
    assert refusal.staff_id == staff_id and "the leaving date may be wrong" in refusal.reason
    assert store.staff.get(staff_id).full_name == "Quentin Zebedee"


def test_reading_after_the_leaving_date_stops_it_too_and_before_does_not(store):
    staff_id = quentin(store)
    assert plan_retention(store, years=6, today=TODAY).people[0].refusal is None
    store.acting_as(staff_id)
    store.progress_for(staff_id).mark_opened(SectionKey("p", "v1", "2"))  # today
    store.acting_as(None)
    assert "reading the policy on" in plan_retention(store, years=6, today=TODAY).people[0].refusal


def test_a_quiz_attempt_the_day_after_leaving_counts(store):
    staff_id = quentin(store)
    store.db.execute("INSERT INTO quiz_attempts (staff_id, policy_id, policy_sha256, mode, seed, questions, "
                     "answers, total, status, started_at) VALUES (?, 'p', 'v1', 'induction', 1, '[]', '[]', "
                     "0, 'abandoned', ?)", (staff_id, f"{LONG_AGO + timedelta(days=1)}T12:00:00+00:00"))
    store.db.conn.commit()
    assert "a quiz attempt on 1 August 2015" in plan_retention(store, years=6, today=TODAY).people[0].refusal


def test_the_command_line_shows_and_refuses_it(tmp_path, capsys, admin_cli):
    data = tmp_path / "data"
    records = open_records(data)
    staff_id = quentin(records)
    acknowledge(records, staff_id, "on-behalf", note="signed again, today")
    records.close()
    assert main(["--data-dir", str(data), "retention", "show", "--json"]) == 0
    [person] = json.loads(capsys.readouterr().out)["people"]
    assert "activity after their leaving date" in person["not_erased_because"]
    assert admin_cli(data, "retention", "apply", "--yes") == 1
    out = capsys.readouterr().out
    assert "NOT erased (Quentin Zebedee): their records show activity after their leaving date" in out

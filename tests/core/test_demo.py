"""`holbrook demo`: a sample school made through the real acknowledgement path, never over real records."""

import json
from datetime import date

import pytest

from holbrook_desktop.app import App
from holbrook_desktop.cli import main
from holbrook_desktop.core.demo import DEMO_SETTING, DemoRefused, build_demo
from holbrook_desktop.core.hr.due import Status
from holbrook_desktop.core.hr.roles import ROLES
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import NewStaffMember, Store
from tests.conftest import REAL_CONTENT

TODAY = date(2026, 11, 24)


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample") / "data"
    seen = []
    summary = build_demo(folder, REAL_CONTENT, staff=12, today=TODAY,
                         progress=lambda done, total: seen.append((done, total)))
    store = Store.open(folder, Actor("office-pc", "window"))
    yield summary, App(REAL_CONTENT, records=store), store, seen
    store.close()


def test_every_status_appears_and_the_summary_says_so(school):
    summary, service, store, seen = school
    statuses = service.hr.statuses(today=TODAY)
    assert {s.status for s in statuses} == set(Status)
    assert summary.by_status == {str(s): sum(x.status is s for x in statuses) for s in Status}
    assert summary.staff == len(statuses) == 12 and summary.leavers == 1
    assert seen[-1][0] == seen[-1][1] and len(seen) == seen[-1][1]
    members = service.hr.staff_list() + [s.member for s in statuses if s.status is Status.LEAVER]
    assert {m.role for m in members} == set(ROLES) - {"other"}
    names = " ".join(m.full_name for m in members)
    assert all(part in names for part in ("Zoë", "Siobhán", "Łukasz", "O'Brien"))
    assert store.settings.get(DEMO_SETTING)["staff"] == 12


def test_the_history_is_in_the_past_in_order_and_the_chain_verifies(school):
    _summary, _service, store, _seen = school
    assert store.verify_audit().ok
    times = [row[0] for row in store.db.execute("SELECT at FROM audit_log ORDER BY id")]
    assert times == sorted(times) and times[-1] < TODAY.isoformat()
    assert (date.fromisoformat(times[-1][:10]) - date.fromisoformat(times[0][:10])).days > 365
    methods = {row[0] for row in store.db.execute("SELECT method FROM acknowledgements")}
    assert methods == {"drawn", "typed", "on-behalf"}
    actions = {row[0] for row in store.db.execute("SELECT action FROM audit_log")}
    assert {"progress.read", "quiz.answered", "quiz.finished", "acknowledgement.recorded"} <= actions


def test_each_acknowledgement_has_a_signed_pdf_that_verifies(school):
    summary, service, store, _seen = school
    records = store.acknowledgements.all()
    assert len(records) == summary.acknowledgements > 0
    for record in records[:3]:
        check = service.attestation.verify(service.attestation.pdf(record))
        assert check.ok, check.problems
        assert check.record == record


def test_a_folder_with_a_real_person_is_refused_and_left_alone(tmp_path):
    store = Store.open(tmp_path / "data", Actor("office-pc", "window"))
    App(REAL_CONTENT, records=store).hr.add_staff(
        NewStaffMember("Ann Smith", "teacher", date(2024, 9, 1)))
    before = store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    store.close()
    with pytest.raises(DemoRefused, match="holds a school's records"):
        build_demo(tmp_path / "data", REAL_CONTENT, staff=10, today=TODAY)
    store = Store.open(tmp_path / "data", Actor("office-pc", "window"))
    try:
        assert store.staff.count() == 1
        assert store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
        assert store.settings.get(DEMO_SETTING) is None
    finally:
        store.close()
    assert not (tmp_path / "data" / "signing").exists()


def test_the_command_makes_one_school_and_refuses_a_second_or_no_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("HOLBROOK_DATA_DIR", raising=False)
    folder = str(tmp_path / "sample")
    assert main(["--data-dir", folder, "demo", "--staff", "10", "--json"]) == 0
    out, err = capsys.readouterr()
    made = json.loads(out)
    assert made["staff"] == 10 and sum(made["by_status"].values()) == 10
    assert f"holbrook --data-dir {folder}" in err
    assert main(["--data-dir", folder, "demo"]) == 2
    assert "a sample school already" in capsys.readouterr().err
    assert main(["demo"]) == 2
    assert "say which new folder" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path / "tiny"), "demo", "--staff", "3"]) == 2
    assert "10 to 2000 staff" in capsys.readouterr().err

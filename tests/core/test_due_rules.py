"""The due rules (core.hr.due), one table of scenarios → status and date; then the same rules through
the façade and the command line: new versions, minor versions, effective dates, day one (rollout and
paper acknowledgements), reports as of a date, new starters."""

from __future__ import annotations

import re
import shutil
import zlib
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from holbrook_desktop.app import App
from holbrook_desktop.cli import main
from holbrook_desktop.core.hr.due import DueRules, Status, VersionStep, judge, version_steps
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import NewStaffMember, StaffMember, Store
from tests.conftest import REAL_CONTENT
from tests.core.test_quiz_records import content  # noqa: F401 (a fixture: real content with a quiz bank)

TODAY = date(2026, 12, 6)


def _step(sha, effective, installed=None, *, also=()):
    return VersionStep(frozenset({sha, *also}), sha, date.fromisoformat(effective),
                       date.fromisoformat(installed) if installed else None)


V1 = _step("v1", "2025-09-01")
V2_NEW = _step("v2", "2026-11-25")  # installed a few days ago
V2_PAST = _step("v2", "2026-09-01")  # effective long enough ago that its 30 days are over
V2_FUTURE = _step("v2", "2027-01-01")  # takes effect next term
V1_WITH_MINOR = _step("v1", "2025-09-01", also=("v1-typo-fixed",))


def _member(start="2020-09-01", leaving=None):
    return StaffMember(1, "Ann Smith", None, "teacher", "T1", "ann@school.uk", start, leaving, True)


def _ack(sha, day, number=1):
    return SimpleNamespace(id=number, policy_sha256=sha, acknowledged_at=f"{day}T12:00:00+00:00")


def _d(text):
    return date.fromisoformat(text)


# (what it shows, start, steps, acknowledgements, today, rollout, as_of, expected status, expected due date)
SCENARIOS = [
    ("in date", "2020-09-01", [V1], [("v1", "2026-03-01")], TODAY, None, False,
     Status.ACKNOWLEDGED, "2027-03-01"),
    ("refresher within 30 days", "2020-09-01", [V1], [("v1", "2025-12-20")], TODAY, None, False,
     Status.DUE_SOON, "2026-12-20"),
    ("refresher passed", "2020-09-01", [V1], [("v1", "2025-11-01")], TODAY, None, False,
     Status.OVERDUE, "2026-11-01"),
    ("never, no rollout set: from the first version", "2020-09-01", [V1], [], TODAY, None, False,
     Status.NEVER, "2025-10-01"),
    # 1. A new version never moves an existing deadline later
    ("1: overdue stays overdue with the original date", "2020-09-01", [V1, V2_NEW],
     [("v1", "2025-11-01")], TODAY, None, False, Status.OVERDUE, "2026-11-01"),
    ("1: never stays never with the original date", "2020-09-01", [V1, V2_NEW], [], TODAY, None, False,
     Status.NEVER, "2025-10-01"),
    ("1: in date becomes due within the version period", "2020-09-01", [V1, V2_NEW],
     [("v1", "2026-03-01")], TODAY, None, False, Status.DUE_SOON, "2026-12-25"),
    ("1: a refresher sooner than the version period stays", "2020-09-01", [V1, V2_NEW],
     [("v1", "2025-12-10")], TODAY, None, False, Status.DUE_SOON, "2026-12-10"),
    ("1: a skipped version's date is kept after the next one", "2020-09-01",
     [V1, _step("v2", "2026-06-01"), _step("v3", "2026-11-25")], [("v1", "2026-03-01")], TODAY, None, False,
     Status.OVERDUE, "2026-07-01"),
    ("1: the new version acknowledged", "2020-09-01", [V1, V2_NEW],
     [("v1", "2025-11-01"), ("v2", "2026-12-01")],
     TODAY, None, False, Status.ACKNOWLEDGED, "2027-12-01"),
    ("1: a later record of the older text refreshes nothing", "2020-09-01",
     [_step("v1", "2024-09-01"), _step("v2", "2025-09-01")], [("v2", "2025-12-20"), ("v1", "2026-06-01")],
     TODAY, None, False, Status.DUE_SOON, "2026-12-20"),
    # 2. A minor version changes no dates
    ("2: a minor version's record counts, dates unchanged", "2020-09-01", [V1_WITH_MINOR],
     [("v1", "2026-03-01")], TODAY, None, False, Status.ACKNOWLEDGED, "2027-03-01"),
    ("2: the minor version's own record counts too", "2020-09-01", [V1_WITH_MINOR],
     [("v1-typo-fixed", "2026-04-01")], TODAY, None, False, Status.ACKNOWLEDGED, "2027-04-01"),
    # 3. A version counts from its effective date
    ("3: a future version asks nothing before it takes effect", "2020-09-01", [V1, V2_FUTURE],
     [("v1", "2026-03-01")], TODAY, None, False, Status.ACKNOWLEDGED, "2027-03-01"),
    ("3: once in effect, its version period runs", "2020-09-01", [V1, V2_FUTURE], [("v1", "2026-03-01")],
     _d("2027-01-15"), None, False, Status.DUE_SOON, "2027-01-31"),
    ("3: acknowledging the future version early counts", "2020-09-01", [V1, V2_FUTURE],
     [("v2", "2026-12-01")], TODAY, None, False, Status.ACKNOWLEDGED, "2027-12-01"),
    ("3: a back-dated version makes people overdue at once", "2020-09-01", [V1, V2_PAST],
     [("v1", "2026-03-01")], TODAY, None, False, Status.OVERDUE, "2026-10-01"),
    # 4. Day one: the rollout date
    ("4: never, rollout in the last month", "2020-09-01", [V1], [], TODAY, _d("2026-11-20"), False,
     Status.DUE_SOON, "2026-12-20"),
    ("4: a new starter after rollout: the later of the two", "2026-12-01", [V1], [], TODAY, _d("2026-11-20"),
     False, Status.DUE_SOON, "2026-12-20"),
    ("4: rollout long ago", "2020-09-01", [V1], [], TODAY, _d("2026-09-01"), False,
     Status.NEVER, "2026-10-01"),
    ("4: a paper form from before rollout counts", "2020-09-01", [V1], [("v1", "2026-06-01")], TODAY,
     _d("2026-11-20"), False, Status.ACKNOWLEDGED, "2027-06-01"),
    ("new starter, within 14 days", "2026-11-30", [V1], [], TODAY, None, False,
     Status.DUE_SOON, "2026-12-14"),
    ("new starter, past 14 days", "2026-11-10", [V1], [], TODAY, None, False, Status.NEVER, "2026-11-24"),
    # 5. As of a date
    ("5: a record made after the day does not count", "2020-09-01", [V1],
     [("v1", "2025-10-01"), ("v1", "2026-12-01")], _d("2026-11-15"), None, True,
     Status.OVERDUE, "2026-10-01"),
    ("5: a version installed after the day asks nothing", "2020-09-01",
     [V1, _step("v2", "2026-09-01", installed="2026-12-01")], [("v1", "2026-03-01")], _d("2026-11-01"), None,
     True, Status.ACKNOWLEDGED, "2027-03-01"),
    ("5: ...but today it does", "2020-09-01",
     [V1, _step("v2", "2026-09-01", installed="2026-12-01")], [("v1", "2026-03-01")], TODAY, None,
     False, Status.OVERDUE, "2026-10-01"),
]


@pytest.mark.parametrize(("start", "steps", "acks", "today", "rollout", "as_of", "expected", "due"),
                         [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS])
def test_each_rule(start, steps, acks, today, rollout, as_of, expected, due):
    records = [_ack(sha, day, number) for number, (sha, day) in enumerate(acks, start=1)]
    found = judge(_member(start), "social-media", steps, records, today, DueRules(), rollout=rollout,
                  as_of=as_of)
    assert (found.status, found.due) == (expected, _d(due))


# 6. One rule for "has left": the last day is a working day
@pytest.mark.parametrize(("leaving", "expected"),
                         [("2026-12-05", Status.LEAVER), ("2026-12-06", Status.NEVER)])
def test_the_last_day_is_still_a_working_day(leaving, expected):
    assert judge(_member(leaving=leaving), "social-media", [V1], [], TODAY).status is expected


def test_version_steps_group_minor_versions_with_the_one_before():
    policy = SimpleNamespace(id="social-media", sha256="c", meta=SimpleNamespace(effective=_d("2026-09-01"),
                                                                                  version="2026b"))
    history = [
        {"sha256": "a", "label": "2025", "effective": "2025-09-01", "first_seen": "2025-09-01T08:00:00+00:00",
         "minor_change": False},
        {"sha256": "b", "label": "2026", "effective": "2026-09-01", "first_seen": "2026-08-20T08:00:00+00:00",
         "minor_change": False},
        {"sha256": "c", "label": "2026b", "effective": "2026-09-01",
         "first_seen": "2026-10-01T08:00:00+00:00",
         "minor_change": True},
    ]
    steps = version_steps(policy, history)
    assert [s.shas for s in steps] == [frozenset({"a"}), frozenset({"b", "c"})]
    assert steps[1].installed == _d("2026-08-20")  # the major version's install; the minor moves nothing
    unseen = SimpleNamespace(id="social-media", sha256="d", meta=SimpleNamespace(effective=_d("2027-01-01"),
                                                                                  version="2027"))
    assert [s.shas for s in version_steps(unseen, history)][-1] == frozenset({"d"})


# Through the façade and the command line ------------------------------------------------------

@pytest.fixture
def school(tmp_path):
    """Real content; four staff: Ann in date, Ben overdue on his refresher, Cat never, Dee new."""
    folder = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, folder)
    store = Store.open(tmp_path / "data", Actor("office-pc", "window"))
    app = App(folder, records=store, today=lambda: TODAY)
    hr = app.hr
    ann = hr.add_staff(NewStaffMember("Ann Smith", "teacher", date(2020, 9, 1), staff_number="T1"))
    ben = hr.add_staff(NewStaffMember("Ben Jones", "office", date(2021, 9, 1), work_email="ben@school.uk"))
    hr.add_staff(NewStaffMember("Cat Brown", "volunteer", date(2022, 9, 1)))
    hr.add_staff(NewStaffMember("Dee Patel", "teaching-assistant", date(2026, 11, 30)))
    app.admin.set_rollout_date(date(2026, 9, 1))
    app.attestation.acknowledge_on_behalf(ann.id, "social-media", note="Paper form", on=date(2026, 10, 1))
    app.attestation.acknowledge_on_behalf(ben.id, "social-media", note="Paper form", on=date(2026, 9, 2))
    yield SimpleNamespace(app=app, content=folder, store=store, data=tmp_path / "data", ann=ann, ben=ben)
    store.close()


def _statuses(app, **kwargs):
    return {s.member.full_name: (s.status, s.due) for s in app.hr.statuses("social-media", **kwargs)}


def _new_version(folder, *, effective: str | None = None, old="must decline", new="must politely decline"):
    policy_file = folder / "policies" / "social-media" / "policy.md"
    text = policy_file.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new).replace('version = "', 'version = "revised ', 1)
    if effective:
        text = re.sub(r"(?m)^effective = .*$", f"effective = {effective}", text)
    policy_file.write_text(text, encoding="utf-8")


def _page_text(pdf: bytes) -> str:
    streams = re.findall(rb"/FlateDecode.*?stream\r?\n(.*?)endstream", pdf, re.S)
    return b"\n".join(zlib.decompress(s) for s in streams if s[:1] == b"x").decode("latin-1")


def test_a_new_version_leaves_the_late_late_and_the_report_says_so(school):
    app = school.app
    before = _statuses(app)
    assert before["Cat Brown"] == (Status.NEVER, date(2026, 10, 1))  # rollout + 30 days
    # Ben's paper form of 2 September is a refresher due 2 September 2027: put him on an older one.
    school.store.db.execute("UPDATE acknowledgements SET "
                            "acknowledged_at = '2025-10-01T11:00:00.000000+00:00' "
                            "WHERE staff_id = ?", (school.ben.id,))
    school.store.db.conn.commit()
    assert _statuses(app)["Ben Jones"] == (Status.OVERDUE, date(2026, 10, 1))  # the rollout's deadline
    _new_version(school.content, effective="2026-12-01")
    revised = App(school.content, records=school.store, today=lambda: TODAY)
    after = _statuses(revised)
    assert after["Cat Brown"] == (Status.NEVER, date(2026, 10, 1))
    assert after["Ben Jones"] == (Status.OVERDUE, date(2026, 10, 1))
    assert after["Ann Smith"] == (Status.DUE_SOON, date(2026, 12, 31))
    assert after["Dee Patel"] == (Status.DUE_SOON, date(2026, 12, 14))  # her 14 days, unchanged
    text = _page_text(revised.hr.status_report_pdf(revised.hr.statuses("social-media")))
    assert "Nobody is overdue" not in text and "Cat Brown" in text and "Ben Jones" in text


def test_a_minor_version_moves_no_date(school):
    before = _statuses(school.app)
    _new_version(school.content)
    revised = App(school.content, records=school.store, today=lambda: TODAY)
    revised.admin.policy_versions("social-media")  # the administrator's versions page records it
    revised.admin.mark_minor_change("social-media", revised.content.policy("social-media").sha256)
    assert _statuses(revised) == before


def test_a_future_version_keeps_the_current_acknowledgements_until_it_takes_effect(school):
    before = _statuses(school.app)
    _new_version(school.content, effective="2027-01-04")
    revised = App(school.content, records=school.store, today=lambda: TODAY)
    assert _statuses(revised) == before
    later = _statuses(revised, today=date(2027, 1, 10))
    assert later["Ann Smith"] == (Status.DUE_SOON, date(2027, 2, 3))


def test_installing_a_back_dated_version_warns_how_many_become_overdue(school, tmp_path, capsys):
    new = tmp_path / "new-content"
    shutil.copytree(school.content, new)
    _new_version(new, effective="2026-09-01")
    assert school.app.content.overdue_if_installed(new) == [("Social Media Policy", 2)]  # Ann and Ben
    data = str(school.data)
    school.store.close()
    assert main(["--data-dir", data, "content", "install", str(new)]) == 1
    err = capsys.readouterr().err
    assert "2 people become overdue at once" in err and "--yes" in err
    assert main(["--data-dir", data, "content", "install", str(new), "--yes"]) == 0
    assert "2 people become overdue" in capsys.readouterr().err
    _new_version(new, effective="2027-09-01", old="must politely decline", new="must kindly decline")
    assert main(["--data-dir", data, "content", "install", str(new)]) == 0  # nobody late at once
    assert "overdue at once" not in capsys.readouterr().err


def test_rollout_date_from_the_command_line(tmp_path, capsys):
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "admin", "settings", "set", "rollout-date", "01/09/2026"]) == 0
    assert main(["--data-dir", data, "admin", "settings", "show", "--json"]) == 0
    assert '"rollout_date": "2026-09-01"' in capsys.readouterr().out
    assert main(["--data-dir", data, "admin", "settings", "set", "--rollout-date", "2026-10-01"]) == 0
    assert main(["--data-dir", data, "admin", "settings", "set", "rollout-date", "31/02/2026"]) == 2
    assert "February 2026 has 28 days" in capsys.readouterr().err
    assert main(["--data-dir", data, "admin", "settings", "set", "rollout", "2026-10-01"]) == 2


def test_paper_acknowledgements_in_bulk(school, tmp_path, capsys):
    sheet = tmp_path / "paper.csv"
    sheet.write_text(
        "person,policy,version,date,note\n"
        "T1,social-media,the version in force then,01/09/2026,Induction pack\n"  # 2: Ann by staff number
        "ben@school.uk,Social Media Policy,,2026-09-03,\n"  # 3: Ben by email, by title
        "Cat Brown,social-media,1999 edition,2026-09-05,\n"  # 4: no such version
        "Zed Nobody,social-media,,2026-09-05,\n"  # 5: unknown person
        "Cat Brown,social-media,,2030-01-01,\n"  # 6: future
        "Dee Patel,social-media,,2026-09-05,\n"  # 7: before she started
        "cat brown,social-media,2026 edition,2026-09-08,Signed at the staff meeting\n",  # 8: good
        encoding="utf-8")
    data = str(school.data)
    school.store.close()
    count = Store.open(school.data, Actor("x", "cli")).acknowledgements.count()
    assert main(["--data-dir", data, "acknowledgement", "import", str(sheet), "--dry-run", "--json"]) == 1
    captured = capsys.readouterr()
    assert [r["line"] for r in __import__("json").loads(captured.out)["rejected"]] == [4, 5, 6, 7]
    for reason in ("4: not recorded: version unknown", "5: not recorded: unknown person",
                   "6: not recorded: the date 1 January 2030 is in the future", "7: not recorded: the date 5 "
                   "September 2026 is before Dee Patel started"):
        assert reason in captured.err
    store = Store.open(school.data, Actor("x", "cli"))
    assert store.acknowledgements.count() == count  # a dry run writes nothing
    store.close()
    assert main(["--data-dir", data, "acknowledgement", "import", str(sheet)]) == 1
    assert "recorded 3 paper acknowledgements" in capsys.readouterr().err
    store = Store.open(school.data, Actor("x", "cli"))
    cat = next(m for m in store.staff.list() if m.full_name == "Cat Brown")
    [record] = store.acknowledgements.for_person(cat.id)
    assert record.acknowledged_at.startswith("2026-09-08") and record.method == "on-behalf"
    assert record.on_behalf_note == "Signed at the staff meeting"
    audit = store.db.execute("SELECT at, details FROM audit_log WHERE action = 'acknowledgement.recorded' "
                             "ORDER BY id DESC LIMIT 1").fetchone()
    assert '"acknowledged_at":"2026-09-08' in audit[1] and not audit[0].startswith("2026-09-08")
    assert store.verify_audit().ok
    text = _page_text(store.acknowledgements.pdf_bytes(record))
    assert "from a paper form dated 8" in text  # "… September 2026" on the next line
    pdf_path = store.acknowledgements.pdf_path(record)
    store.close()
    assert main(["--data-dir", data, "verify", str(pdf_path)]) == 0  # signed now, for the form's date
    capsys.readouterr()
    # Run again: every line is already on record, or still wrong; nothing is recorded twice.
    assert main(["--data-dir", data, "acknowledgement", "import", str(sheet), "--json"]) == 1
    assert '"recorded": []' in capsys.readouterr().out


def test_the_report_as_of_a_past_day(school, tmp_path, capsys):
    app = school.app
    on_15_october = _statuses(app, as_of=date(2026, 10, 15))
    assert on_15_october["Cat Brown"] == (Status.NEVER, date(2026, 10, 1))
    assert "Dee Patel" not in on_15_october  # she had not started
    on_15_september = _statuses(app, as_of=date(2026, 9, 15))
    assert on_15_september["Ann Smith"] == (Status.DUE_SOON, date(2026, 10, 1))  # her form was 1 October
    assert on_15_september["Ben Jones"][0] is Status.ACKNOWLEDGED
    data = str(school.data)
    school.store.close()
    out = tmp_path / "report.pdf"
    assert main(["--data-dir", data, "export", "report", "-o", str(out), "--as-of", "15/09/2026"]) == 0
    text = _page_text(out.read_bytes())
    assert "15 September 2026" in text and "Cat Brown" not in text  # not overdue yet on that day
    csv_out = tmp_path / "acks.csv"
    assert main(["--data-dir", data, "export", "acknowledgements", "-o", str(csv_out), "--as-of",
                 "2026-10-15", "--status", "never"]) == 0
    assert "Cat Brown" in csv_out.read_text(encoding="utf-8-sig")
    assert main(["--data-dir", data, "export", "report", "-o", str(out), "--as-of",
                 (date.today() + timedelta(days=400)).isoformat()]) == 2


def test_the_report_counts_new_starters_within_their_deadline(school):
    from holbrook_desktop.core.hr.due import new_starters

    app = school.app
    eve = app.hr.add_staff(NewStaffMember("Eve Okafor", "teacher", date(2026, 9, 1)))
    fay = app.hr.add_staff(NewStaffMember("Fay Nowak", "office", date(2026, 9, 10)))
    app.attestation.acknowledge_on_behalf(eve.id, "social-media", note="Paper form", on=date(2026, 9, 20))
    app.attestation.acknowledge_on_behalf(fay.id, "social-media", note="Paper form", on=date(2026, 11, 1))
    figures = new_starters(school.store, list(app.content.policies), today=TODAY, rules=DueRules(),
                           equivalent_versions={}, rollout=date(2026, 9, 1))["social-media"]
    # Eve: due 1 October (rollout + 30), on time; Fay: due 1 October, late; Dee: still within hers.
    assert (figures.in_time, figures.late, figures.waiting, figures.share) == (1, 1, 1, 50)
    assert figures.period_start == date(2025, 12, 7)
    text = _page_text(app.hr.status_report_pdf(app.hr.statuses("social-media")))
    assert "New starters who acknowledged within their deadline" in text
    assert r"1 of 2 \(50%\)" in text and "still within it" in text  # PDF strings escape brackets


def test_a_minor_version_keeps_the_staff_members_reading_and_acknowledgement(tmp_path, content):  # noqa: F811
    from tests.core.test_attestation_flow import SIGNATURE, _passed

    store = Store.open(tmp_path / "data", Actor("office-pc", "window"))
    app = App(content, records=store)
    member = _passed(app, store)
    app.attestation.acknowledge("social-media", typed_name=member.full_name, declared=True,
                                signature=SIGNATURE)
    assert app.reading.next_step("social-media").kind == "done"
    total = app.reading.progress("social-media").total
    app.sign_out()
    _new_version(content)  # clause 5.6 changes
    revised = App(content, records=store)
    revised.sign_in(member.id)
    new_sha = revised.content.policy("social-media").sha256
    changed = revised.content.policy("social-media").section("5").number
    # A major change: only the sections whose clauses did not change since the version acknowledged
    # carry over (issue 15 point 8); the changed one is read again and the acknowledgement is due.
    major = revised.reading.progress("social-media")
    assert (major.read, major.total) == (total - 1, total) and changed not in major.read_sections
    assert revised.reading.next_step("social-media").kind == "read"
    assert revised.attestation.last_acknowledgement("social-media") is None
    revised.admin.policy_versions("social-media")
    revised.admin.mark_minor_change("social-media", new_sha)
    progress = revised.reading.progress("social-media")
    assert (progress.read, progress.total) == (total - 1, total) and changed not in progress.read_sections
    step = revised.reading.next_step("social-media")
    assert step.kind == "done" and step.acknowledgement is not None
    assert revised.attestation.last_acknowledgement("social-media").policy_sha256 != new_sha
    assert revised.attestation.offer("social-media").quiz is not None  # the pass on the same text counts
    assert {s.status for s in revised.hr.statuses("social-media")} == {Status.ACKNOWLEDGED}
    store.close()

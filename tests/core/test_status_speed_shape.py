"""The status table and HR's export stay lean for a big school: the same answers as the plain rules, in a
fixed number of queries that never read declarations or signatures; XLSX written without openpyxl."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from holbrook_desktop.core.hr.due import DueRules, Status, status_for, statuses_for
from holbrook_desktop.core.hr.exports import AcknowledgementRow, rows_for, write_csv, write_xlsx
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import NewStaffMember, Store
from holbrook_desktop.core.records.acknowledgements import NewAcknowledgement

TODAY = date(2026, 11, 24)
SOCIAL = SimpleNamespace(id="social", sha256="s3", meta=SimpleNamespace(effective=date(2026, 9, 1)))
PHONES = SimpleNamespace(id="phones", sha256="p1", meta=SimpleNamespace(effective=date(2025, 9, 1)))
VERSIONS = [("social", "s1"), ("social", "s2"), ("social", "s3"), ("phones", "p1")]


class Clock:
    """The store's clock, set by the test: each record made on the day the test says."""

    at = "2024-09-02T08:00:00.000000+00:00"

    def __call__(self) -> str:
        return self.at


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "data", Actor("office-pc", "window"), now=Clock())
    opened.db.conn.executemany(
        "INSERT INTO policy_versions (policy_id, sha256, label, title, effective, first_seen) "
        "VALUES (?, ?, ?, 'A policy', '2024-09-01', 'x')",
        [(policy_id, sha, f"edition {sha}") for policy_id, sha in VERSIONS])
    opened.db.conn.commit()
    yield opened
    opened.close()


def _acknowledge(store, member, policy_id, sha, day, *, correct=None):
    attempt = None
    if correct is not None:
        attempt = store.db.execute(
            "INSERT INTO quiz_attempts (staff_id, policy_id, policy_sha256, mode, seed, questions, answers, "
            "correct, total, passed, status, started_at) "
            "VALUES (?, ?, ?, 'induction', 1, '[]', '[]', ?, 15, 1, 'finished', 'x')",
            (member.id, policy_id, sha, correct)).lastrowid
        store.db.conn.commit()
    new = NewAcknowledgement(
        staff_id=member.id, policy_id=policy_id, policy_sha256=sha, version_label=f"edition {sha}",
        quiz_attempt_id=attempt, declaration_text="I confirm. " * 80, declaration_sha256="d" * 64,
        typed_name=member.full_name, method="typed" if attempt else "on-behalf", signature_png=None,
        signature_strokes=None, on_behalf_note=None if attempt else "Signed on paper", os_user="office-pc",
        machine="PC-1", app_version="0.1.0", certificate_fingerprint="f" * 64)
    store.clock.at = f"{day}T10:00:00.000000+00:00"
    return store.acknowledgements.record(new, lambda stamp: b"%PDF-1.7 test")


def _school(store):
    """People whose newest record is not their newest counted one, and every other shape."""
    add = store.staff.add
    ann = add(NewStaffMember("Ann Smith", "teacher", date(2020, 9, 1)))
    ben = add(NewStaffMember("Ben Jones", "office", date(2021, 9, 1)))
    cai = add(NewStaffMember("Cai Evans", "governor", date(2022, 9, 1)))
    add(NewStaffMember("Dee Patel", "volunteer", date(2026, 11, 20)))  # a new starter, no records
    eve = add(NewStaffMember("Eve Okafor", "teaching-assistant", date(2019, 9, 1)))
    fay = add(NewStaffMember("Fay Nowak", "lunchtime", date(2019, 9, 1)))
    _acknowledge(store, ann, "social", "s1", "2024-10-01", correct=13)
    _acknowledge(store, ann, "social", "s3", "2025-12-10", correct=14)  # due in 16 days
    _acknowledge(store, ann, "social", "s2", "2026-02-01", correct=15)  # newest, of an earlier version
    _acknowledge(store, ann, "phones", "p1", "2026-03-01")
    _acknowledge(store, ben, "social", "s2", "2026-02-01", correct=12)
    _acknowledge(store, cai, "social", "s3", "2026-10-01", correct=15)
    _acknowledge(store, eve, "social", "s3", "2026-10-01", correct=15)
    _acknowledge(store, fay, "social", "s3", "2025-06-01", correct=13)  # over a year ago
    store.db.execute("UPDATE staff SET leaving_date = '2026-10-31', active = 0 WHERE id = ?", (eve.id,))
    store.db.conn.commit()


@pytest.mark.parametrize("equivalent", [frozenset(), frozenset({"s2"})])
def test_the_lean_statuses_agree_with_the_plain_rules(store, equivalent):
    _school(store)
    rules = DueRules()
    lean = statuses_for(store, [SOCIAL, PHONES], today=TODAY, rules=rules,
                        equivalent_versions={"social": equivalent})
    plain = [status_for(member, policy, store.acknowledgements.for_person(member.id, policy.id), TODAY, rules,
                        equivalent if policy is SOCIAL else frozenset(),
                        history=store.policy_versions.history(policy.id))
             for member in store.staff.list(include_inactive=True) for policy in (SOCIAL, PHONES)]
    assert [(s.member, s.policy_id, s.status, s.due) for s in lean] == \
        [(s.member, s.policy_id, s.status, s.due) for s in plain]
    assert [s.acknowledgement and s.acknowledgement.id for s in lean] == \
        [s.acknowledgement and s.acknowledgement.id for s in plain]
    ann_social = lean[0]
    assert ann_social.acknowledgement.version_label == "edition s2"  # the newest, of any version
    assert ann_social.acknowledgement.acknowledged_at.startswith("2026-02-01")  # the store's own clock
    assert {s.status for s in lean} >= {Status.ACKNOWLEDGED, Status.OVERDUE, Status.DUE_SOON, Status.NEVER,
                                       Status.LEAVER}


def test_statuses_and_rows_take_a_fixed_number_of_queries_and_never_read_signatures(store):
    _school(store)
    statements = []
    store.db.conn.set_trace_callback(statements.append)
    statuses = statuses_for(store, [SOCIAL, PHONES], today=TODAY, rules=DueRules(), equivalent_versions={})
    rows = rows_for(store, statuses)
    store.db.conn.set_trace_callback(None)
    on_records = [s for s in statements if "acknowledgements" in s]
    on_attempts = [s for s in statements if "quiz_attempts" in s]
    # Records: each person's newest of each version, from an index; then the few records chosen.
    assert len(on_records) == 2 and len(on_attempts) == 1, statements
    assert not any(word in s for s in statements for word in ("signature", "declaration", "SELECT *"))
    scores = {(r.name, r.policy_id): r.quiz_score for r in rows}
    assert scores[("Ann Smith", "social")] == "15/15" and scores[("Ben Jones", "social")] == "12/15"
    assert scores[("Ann Smith", "phones")] is None and scores[("Dee Patel", "social")] is None


def test_the_store_clock_stamps_changes_and_defaults_to_now(tmp_path):
    stamp = "2024-09-02T08:00:00+00:00"
    store = Store.open(tmp_path / "data", Actor("office-pc", "window"), now=lambda: stamp)
    store.staff.add(NewStaffMember("Ann Smith", "teacher", date(2020, 9, 1)))
    assert store.db.execute("SELECT at FROM audit_log").fetchall() == [(stamp,)]
    store.close()
    store = Store.open(tmp_path / "data", Actor("office-pc", "window"))
    store.staff.add(NewStaffMember("Ben Jones", "teacher", date(2020, 9, 1)))
    latest = store.db.execute("SELECT at FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert abs((datetime.fromisoformat(latest) - datetime.now(UTC)).total_seconds()) < 60
    store.close()


def _row(name, **changes):
    values = dict(name=name, role="Teacher", staff_number="T1", email=None, policy_id="social",
                  status="acknowledged", version_label="2026 edition", policy_sha256="a" * 64,
                  acknowledged_at=datetime(2026, 9, 10, 10, 5, tzinfo=UTC), quiz_score="14/15",
                  due=date(2027, 9, 10), record_id=7)
    values.update(changes)
    return AcknowledgementRow(**values)


def test_xlsx_keeps_awkward_text_readable_and_safe(tmp_path):
    from openpyxl import load_workbook

    awkward = ["Zoë & Łukasz <O'Brien>", "  spaced  ", "=SUM(A1)", "bell\x07 and nul\x00 dropped",
               "line one\nline two", "emoji 🎓"]
    rows = (_row(name) for name in awkward)  # a generator: written as it goes
    assert write_xlsx(rows, tmp_path / "awkward.xlsx") == len(awkward)
    sheet = load_workbook(tmp_path / "awkward.xlsx").active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert names == ["Zoë & Łukasz <O'Brien>", "  spaced  ", "'=SUM(A1)", "bell and nul dropped",
                     "line one\nline two", "emoji 🎓"]
    first = next(sheet.iter_rows(min_row=2))
    assert first[8].value == datetime(2026, 9, 10, 10, 5) and first[8].number_format == "yyyy-mm-dd hh:mm"
    assert (first[9].value, first[10].value) == (14, 15)  # the score as two numbers, never a date
    assert first[11].value == datetime(2027, 9, 10) and first[11].number_format == "yyyy-mm-dd"
    assert first[12].value == 7 and first[3].value is None
    assert sheet.max_column == 13 and sheet["M1"].value == "Record id"


def test_csv_text_is_as_before(tmp_path):
    rows = [_row("-minus"), _row("Plain", acknowledged_at=None, due=None, record_id=None)]
    write_csv(rows, tmp_path / "a.csv")
    lines = (tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == ("'-minus,Teacher,T1,,social,acknowledged,2026 edition," + "a" * 64
                        + ",2026-09-10 10:05,14,15,2027-09-10,7")
    assert lines[2].endswith(",,14,15,,")

"""Quiz attempts in the records: locked until read, every answer saved, retakes, refreshers."""

import shutil
from datetime import UTC, date, datetime

import pytest

from holbrook_desktop.app import App
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.quiz.session import QuizNotReady
from holbrook_desktop.core.reading.progress import SectionKey
from holbrook_desktop.core.records import NewStaffMember, Store
from holbrook_desktop.core.records import migrations as migration_list
from tests.conftest import REAL_CONTENT

CLAUSES = ["1.1", "2.1", "3.2", "4.4", "5.1", "5.4", "5.6", "5.7", "5.8", "5.10", "5.11", "5.12",
           "5.14", "5.15", "5.16", "7.1", "8.1", "9.1", "A.2", "A.3.6", "A.5"]


def _bank_text(per_clause: int = 2) -> str:
    parts = ["[settings]\npass_mark = 0.8\ninduction_questions = 15\nrefresher_questions = 10\n"]
    for clause in CLAUSES:
        for n in range(per_clause):
            qid = f"q-{clause.replace('.', '-').lower()}-{n}"
            parts.append(f'''
[[question]]
id = "{qid}"
kind = "single"
clauses = ["{clause}"]
scenario = "A situation about clause {clause}."
prompt = "What should you do?"
options = [
  {{ text = "The right thing", correct = true }},
  {{ text = "A wrong thing", correct = false }},
  {{ text = "Another wrong thing", correct = false }},
]
explanation = "Clause {clause} says so."
''')
    return "".join(parts)


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, root)
    (root / "policies" / "social-media" / "quiz.toml").write_text(_bank_text(), encoding="utf-8")
    return root


@pytest.fixture
def signed_in(tmp_path, content):
    store = Store.open(tmp_path / "data", Actor("office-pc", "window"))
    service = App(content, records=store)
    ann = service.hr.add_staff(NewStaffMember("Ann Smith", "teacher", date(2026, 9, 1)))
    service.sign_in(ann.id)
    yield service, store, ann
    store.close()


def _read_everything(service, store, staff_id):
    policy = service.content.policy("social-media")
    progress = store.progress_for(staff_id)
    for section in policy.reading_sections():
        progress.mark_read(SectionKey(policy.id, policy.sha256, section.number), datetime.now(UTC))


def _right(presented):
    return next(i for i, option in enumerate(presented.options) if option.correct)


def _wrong(presented):
    return next(i for i, option in enumerate(presented.options) if not option.correct)


def test_the_induction_opens_only_after_every_section_is_read(signed_in):
    service, store, ann = signed_in
    with pytest.raises(QuizNotReady):
        service.quiz.start("social-media", "induction")
    _read_everything(service, store, ann.id)
    session = service.quiz.start("social-media", "induction", seed=1)
    assert len(session.questions) == 15
    attempt = store.quiz_attempts.get(session.attempt_id)
    assert attempt.status == "in-progress" and attempt.mode == "induction"
    assert attempt.policy_sha256 == service.content.policy("social-media").sha256
    assert attempt.question_ids == [p.question.id for p in session.questions]


def test_each_answer_is_saved_and_a_half_done_attempt_is_kept_to_resume(signed_in):
    service, store, ann = signed_in
    _read_everything(service, store, ann.id)
    session = service.quiz.start("social-media", "induction", seed=2)
    feedback = session.answer(0, _right(session.questions[0]))
    assert feedback.correct and feedback.explanation.startswith("Clause")
    assert not session.answer(1, _wrong(session.questions[1])).correct
    service.sign_out()
    attempt = store.quiz_attempts.get(session.attempt_id)
    assert attempt.status == "in-progress"  # resumable for a day (issue 15), then abandoned
    assert [a and a["correct"] for a in attempt.answers[:3]] == [True, False, None]
    # stored by the bank's own option order: index 0 is "The right thing" in every question
    assert attempt.answers[0]["answer"] == 0


def test_a_fail_then_a_retake_with_different_questions_then_a_pass(signed_in):
    service, store, ann = signed_in
    _read_everything(service, store, ann.id)
    first = service.quiz.start("social-media", "induction", seed=3)
    for i, presented in enumerate(first.questions):
        first.answer(i, _wrong(presented) if i < 4 else _right(presented))
    result = first.finish()
    assert (result.correct, result.passed) == (11, False)
    assert len(result.clauses_to_reread()) == 4
    retake = service.quiz.start("social-media", "induction", seed=4)
    asked_first = {p.question.id for p in first.questions}
    assert not asked_first & {p.question.id for p in retake.questions}  # 42 questions: room for both
    for i, presented in enumerate(retake.questions):
        retake.answer(i, _right(presented))
    assert retake.finish().passed
    statuses = [(a.status, a.passed) for a in store.quiz_attempts.history(ann.id, "social-media")]
    assert statuses == [("finished", True), ("finished", False)]
    assert store.verify_audit().ok


def test_the_refresher_avoids_last_years_set_and_remembers_wrong_clauses(signed_in):
    service, store, ann = signed_in
    first = service.quiz.start("social-media", "refresher", seed=5)
    assert len(first.questions) == 10
    for i, presented in enumerate(first.questions):
        first.answer(i, _wrong(presented) if i == 0 else _right(presented))
    first.finish()
    second = service.quiz.start("social-media", "refresher", seed=6)
    assert not {p.question.id for p in first.questions} & {p.question.id for p in second.questions}
    bank = service.quiz.bank("social-media")
    wrong = store.quiz_attempts.wrong_by_clause(ann.id, "social-media",
                                                {q.id: q.clauses for q in bank.questions})
    assert wrong == {first.questions[0].question.clauses[0]: 1}


def test_clauses_changed_between_versions_are_found(tmp_path, content):
    from holbrook_desktop.core.content.folder import load_content

    store = Store.open(tmp_path / "data", Actor("office-pc", "cli"))
    old = load_content(content).handbook.policy("social-media")
    store.policy_versions.record_seen(old)
    policy_file = content / "policies" / "social-media" / "policy.md"
    policy_file.write_text(policy_file.read_text("utf-8").replace(
        "Staff members must decline", "Staff members must always decline"), encoding="utf-8")
    new = load_content(content).handbook.policy("social-media")
    assert new.sha256 != old.sha256
    assert store.policy_versions.changed_clauses(new, old.sha256) == {"5.6"}
    assert store.policy_versions.changed_clauses(new, "never-recorded") == set()
    store.close()


def test_a_version_1_database_is_migrated_with_a_backup_first(tmp_path, monkeypatch):
    from holbrook_desktop.core.records import database

    data = tmp_path / "data"
    monkeypatch.setattr(database, "MIGRATIONS", migration_list.MIGRATIONS[:1])
    old = Store.open(data, Actor("office-pc", "cli"))
    old.staff.add(NewStaffMember("Ann Smith", "teacher", date(2026, 9, 1)))
    old.close()
    monkeypatch.setattr(database, "MIGRATIONS", migration_list.MIGRATIONS)
    store = Store.open(data, Actor("office-pc", "cli"))
    numbers = [row[0] for row in store.db.execute("SELECT number FROM schema_migrations ORDER BY number")]
    assert numbers == list(range(1, len(migration_list.MIGRATIONS) + 1))
    assert "quiz_attempts" in store.db.table_names()
    assert [m.full_name for m in store.staff.list()] == ["Ann Smith"]
    assert any(p.name.startswith("pre-migration-0002") for p in (data / "backups").iterdir())
    store.close()


def test_sign_out_happens_even_when_the_records_cannot_be_written(signed_in):
    from holbrook_desktop.core.records import StoreWriteError

    service, store, _ann = signed_in
    session = service.quiz.start("social-media", "refresher", seed=9)
    store.db.execute("PRAGMA query_only = ON")
    try:
        service.sign_out()  # nothing to write: the unfinished quiz stays as it is, to be resumed
    except StoreWriteError:
        pytest.fail("signing out needs no write")
    finally:
        store.db.execute("PRAGMA query_only = OFF")
    assert service.signed_in is None and store.actor.staff_id is None
    assert store.quiz_attempts.get(session.attempt_id).status == "in-progress"


def test_a_role_with_no_questions_is_refused_before_anything_is_saved(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, root)
    text = _bank_text(1).replace('kind = "single"', 'kind = "single"\nroles = ["governor"]')
    (root / "policies" / "social-media" / "quiz.toml").write_text(text, encoding="utf-8")
    store = Store.open(tmp_path / "data", Actor("office-pc", "window"))
    service = App(root, records=store)
    ben = service.hr.add_staff(NewStaffMember("Ben Jones", "volunteer", date(2026, 9, 1)))
    service.sign_in(ben.id)
    with pytest.raises(QuizNotReady):
        service.quiz.start("social-media", "refresher")
    assert store.db.execute("SELECT count(*) FROM quiz_attempts").fetchone()[0] == 0
    store.close()


def test_time_on_the_quiz_does_not_count_as_reading(tmp_path):
    from holbrook_desktop.core.content.render import Location

    class Clock:
        now = 0.0

        def __call__(self):
            return self.now

    clock = Clock()
    service = App(REAL_CONTENT, reading_clock=clock)
    service.reading.open_section(Location("social-media", "5"))
    service.reading.close_section()
    clock.now += 600
    assert service.reading.end_of_section_seen() is False
    assert service.reading.progress("social-media").read == 0


def test_the_last_outcome_is_remembered_across_sign_ins(signed_in):
    service, _store, ann = signed_in
    assert service.quiz.last_outcome("social-media") is None
    session = service.quiz.start("social-media", "refresher", seed=12)
    for i, presented in enumerate(session.questions):
        session.answer(i, _right(presented))
    session.finish()
    service.sign_out()
    service.sign_in(ann.id)
    outcome = service.quiz.last_outcome("social-media")
    assert (outcome.mode, outcome.correct, outcome.total, outcome.passed) == ("refresher", 10, 10, True)

"""Issue 15 (7–9): a person's own record, what changed since they signed, and the refresher when due —
through the façade (`app.reading.my_record()`, `app.reading.next_step`), without Qt."""

from datetime import date, timedelta

import pytest

from holbrook_desktop.app import App
from holbrook_desktop.core.dates import for_people
from holbrook_desktop.core.hr.due import add_months
from holbrook_desktop.core.reading.progress import SectionKey
from holbrook_desktop.core.records import NewStaffMember
from tests.core.test_attestation_flow import _acknowledged, school  # noqa: F401 (a fixture)
from tests.core.test_quiz_records import content  # noqa: F401 (a fixture)

TODAY = date.today()


def _later(store, content, days, member_id):  # noqa: F811
    """The same records and content, `days` on; the person signed in again."""
    later = App(content, records=store, today=lambda: TODAY + timedelta(days=days))
    later.sign_in(member_id)
    return later


def _change_clause_56(content):  # noqa: F811
    policy_file = content / "policies" / "social-media" / "policy.md"
    text = policy_file.read_text(encoding="utf-8")
    assert "5.6 Staff members must decline" in text
    policy_file.write_text(text.replace("5.6 Staff members must decline", "5.6 Staff must always decline"),
                           encoding="utf-8")


def test_just_acknowledged_is_green_until_the_refresher_with_the_certificate(school):  # noqa: F811
    service, store = school
    member, record = _acknowledged(service, store)
    mine = service.reading.my_record()
    assert mine.member.id == member.id
    [policy] = mine.policies
    until = add_months(TODAY, 12)
    assert (policy.standing, policy.tick) == ("ok", True)
    assert policy.words == f"Acknowledged until {for_people(until)}"
    assert policy.next_refresher == until
    [version] = policy.acknowledged
    assert (version.version_label, version.day, version.current) == (record.version_label, TODAY, True)
    assert version.record.id == record.id
    assert service.attestation.pdf(version.record).startswith(b"%PDF")
    assert policy.changes is None


def test_due_soon_is_amber_with_no_tick_and_the_refresher_is_offered(school, content):  # noqa: F811
    service, store = school
    member, _record = _acknowledged(service, store)
    later = _later(store, content, 350, member.id)
    [policy] = later.reading.my_record().policies
    assert (policy.standing, policy.tick) == ("due", False)
    assert policy.words == f"Due by {for_people(add_months(TODAY, 12))}"
    step = later.reading.next_step("social-media")
    assert (step.kind, step.quiz_mode, step.quiz_length) == ("quiz", "refresher", 10)
    assert step.refresher_due


def test_overdue_is_red_never_ticked_and_says_since_when(school, content):  # noqa: F811
    service, store = school
    member, _record = _acknowledged(service, store)
    later = _later(store, content, 400, member.id)
    [policy] = later.reading.my_record().policies
    due = add_months(TODAY, 12)
    assert (policy.standing, policy.tick) == ("overdue", False)
    assert policy.words == f"Overdue since {for_people(due + timedelta(days=1))}"
    assert policy.next_refresher == due  # the refresher that was missed
    assert later.reading.next_step("social-media").quiz_mode == "refresher"


def test_a_refresher_pass_can_be_acknowledged_and_turns_green_again(school, content):  # noqa: F811
    service, store = school
    member, _record = _acknowledged(service, store)
    later = _later(store, content, 400, member.id)
    session = later.quiz.start("social-media", "refresher", seed=2)
    assert len(session.questions) == 10
    for index, presented in enumerate(session.questions):
        session.answer(index, presented.correct_answer())
    assert session.finish().passed
    assert later.reading.next_step("social-media").kind == "acknowledge"


def test_someone_who_never_acknowledged_is_offered_the_induction(school):  # noqa: F811
    service, _store = school
    newcomer = service.hr.add_staff(NewStaffMember("Priya Shah", "teacher", TODAY - timedelta(days=60)))
    service.sign_in(newcomer.id)
    [policy] = service.reading.my_record().policies
    assert policy.standing == "overdue" and not policy.tick and policy.next_refresher is None
    assert policy.acknowledged == ()
    step = service.reading.next_step("social-media")
    assert (step.kind, step.quiz_mode, step.quiz_length) == ("read", "induction", 15)


def test_after_a_new_version_only_the_changed_section_is_read_again(school, content):  # noqa: F811
    service, store = school
    member, record = _acknowledged(service, store)
    _change_clause_56(content)
    later = _later(store, content, 1, member.id)
    policy = later.content.policy("social-media")
    assert policy.sha256 != record.policy_sha256
    changes = later.reading.changes_since_acknowledged("social-media")
    assert changes.previous_label == record.version_label
    [clause] = changes.clauses
    assert (clause.number, clause.kind) == ("5.6", "changed")
    assert ("removed", "members") in clause.word_diff() and ("added", "always") in clause.word_diff()
    progress = later.reading.progress("social-media")
    assert progress.total - progress.read == 1 and "5" not in progress.read_sections
    assert progress.unchanged_sections == progress.read_sections
    assert later.reading.first_unread().section_number == "5"
    step = later.reading.next_step("social-media")
    assert (step.kind, step.quiz_mode) == ("read", "refresher")
    from holbrook_desktop.core.quiz.session import QuizNotReady

    with pytest.raises(QuizNotReady, match="changed since you acknowledged"):
        later.quiz.start("social-media", "refresher", seed=1)
    later.records.progress_for(member.id).mark_read(SectionKey(policy.id, policy.sha256, "5"), _now())
    assert later.reading.complete("social-media")
    assert later.reading.next_step("social-media").kind == "quiz"
    later.quiz.start("social-media", "refresher", seed=1)
    [standing] = later.reading.my_record().policies
    assert standing.changes is not None and standing.changes.clauses[0].number == "5.6"
    assert [v.current for v in standing.acknowledged] == [False]


def test_next_unread_section_moves_on_and_wraps(school):  # noqa: F811
    service, store = school
    newcomer = service.hr.add_staff(NewStaffMember("Priya Shah", "teacher", TODAY))
    service.sign_in(newcomer.id)
    policy = service.content.policy("social-media")
    first, second, third = (s.number for s in policy.reading_sections()[:3])
    store.progress_for(newcomer.id).mark_read(SectionKey(policy.id, policy.sha256, second), _now())
    at_first = service.reading.first_unread()
    assert at_first.section_number == first
    assert service.reading.next_unread_after(at_first).section_number == third
    last = policy.reading_sections()[-1].number
    from holbrook_desktop.core.content.render import Location

    assert service.reading.next_unread_after(Location(policy.id, last)).section_number == first


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


# Issue 15 (10): an unfinished quiz is kept for a day ------------------------------------------------

def _part_way(service, store, member_id):
    service.sign_in(member_id)
    from tests.core.test_quiz_records import _read_everything

    _read_everything(service, store, member_id)
    session = service.quiz.start("social-media", "induction", seed=5)
    session.answer(0, session.questions[0].correct_answer())
    wrong = next(i for i, o in enumerate(session.questions[1].options) if not o.correct)
    session.answer(1, wrong)
    return session


def test_a_quiz_left_at_sign_out_resumes_with_the_same_questions_and_answers(school):  # noqa: F811
    service, store = school
    member = service.hr.add_staff(NewStaffMember("Priya Shah", "teacher", TODAY))
    left = _part_way(service, store, member.id)
    service.sign_out()
    assert store.quiz_attempts.get(left.attempt_id).status == "in-progress"
    service.sign_in(member.id)
    assert service.quiz.unfinished().id == left.attempt_id
    resumed = service.quiz.resume()
    assert resumed.attempt_id == left.attempt_id and resumed.mode == "induction"
    assert [(p.question.id, p.option_order) for p in resumed.questions] == [
        (p.question.id, p.option_order) for p in left.questions]
    assert resumed.answers[:2] == left.answers[:2] and resumed.answers[2] is None
    assert resumed.first_unanswered == 2
    for index in range(2, len(resumed.questions)):
        resumed.answer(index, resumed.questions[index].correct_answer())
    result = resumed.finish()
    assert (result.correct, result.total) == (14, 15)
    assert service.quiz.unfinished() is None


def test_a_quiz_left_more_than_a_day_is_marked_abandoned_at_the_next_sign_in(school):  # noqa: F811
    service, store = school
    member = service.hr.add_staff(NewStaffMember("Priya Shah", "teacher", TODAY))
    left = _part_way(service, store, member.id)
    service.sign_out()
    store.db.execute("UPDATE quiz_attempts SET started_at = '2020-01-01T08:00:00+00:00' WHERE id = ?",
                     (left.attempt_id,))  # set-up only: as if started long ago
    service.sign_in(member.id)
    attempt = store.quiz_attempts.get(left.attempt_id)
    assert attempt.status == "abandoned" and attempt.answers[0]["correct"] is True
    assert service.quiz.unfinished() is None and service.quiz.resume() is None


def test_a_quiz_on_an_earlier_version_is_not_resumed(school, content):  # noqa: F811
    service, store = school
    member = service.hr.add_staff(NewStaffMember("Priya Shah", "teacher", TODAY))
    _part_way(service, store, member.id)
    service.sign_out()
    _change_clause_56(content)
    later = _later(store, content, 0, member.id)
    assert later.quiz.unfinished() is None


# Issue 15 (10): what it takes for a section to count as read ------------------------------------------

def test_the_section_hint_says_scroll_to_the_end_and_the_time_left(school):  # noqa: F811
    _service, store = school
    clock = [1000.0]
    from holbrook_desktop.core.content.render import Location

    service = App(_content_dir(school), records=store, reading_clock=lambda: clock[0],
                  seconds_for=lambda _words: 40.0)
    member = service.hr.add_staff(NewStaffMember("Priya Shah", "teacher", TODAY))
    service.sign_in(member.id)
    assert service.reading.section_hint() is None  # nothing open yet
    service.reading.open_section(Location("social-media", "2"))
    assert service.reading.section_hint().text() == "Scroll to the end; about 40 s more"
    clock[0] += 3.5
    assert service.reading.section_hint().text() == "Scroll to the end; about 40 s more"  # 36.5 → 40
    clock[0] += 30
    assert service.reading.section_hint().text() == "Scroll to the end; about 7 s more"
    assert not service.reading.end_of_section_seen()
    assert service.reading.section_hint().text() == "About 7 s more"
    clock[0] += 7
    assert service.reading.poll()
    assert service.reading.section_hint().text() == "This section counts as read"


def _content_dir(school):  # noqa: F811
    service, _store = school
    return service.content.content_dir

"""The quiz as a person takes it: locked until read, one question at a time by keyboard, feedback
with the clause behind it, the result and its review, a retake, and a pass, all kept in the records."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox, QWidget

from holbrook_desktop.app import App
from holbrook_desktop.core.reading.progress import SectionKey
from holbrook_desktop.ui.main_window import MainWindow
from holbrook_desktop.ui.preferences import Preferences
from tests.conftest import REAL_CONTENT
from tests.ui.conftest import show_active

CLAUSES = ["1.1", "2.1", "3.2", "4.4", "5.1", "5.4", "5.6", "5.7", "5.8", "5.10", "5.11", "5.12",
           "5.14", "5.15", "5.16", "7.1", "8.1", "9.1", "A.2", "A.3.6", "A.5"]
KINDS = ("single", "multiple", "true-false")


def _answers(kind: str, n: int) -> str:
    if kind == "true-false":
        return f"answer = {'true' if n % 2 else 'false'}\n"
    if kind == "multiple":
        return ('options = [\n  { text = "Tell the Child Protection lead", correct = true },\n'
                '  { text = "Post about it", correct = false },\n'
                '  { text = "Decline the request", correct = true },\n'
                '  { text = "Message the pupil", correct = false },\n]\n')
    return ('options = [\n  { text = "The right thing", correct = true },\n'
            '  { text = "A wrong thing", correct = false },\n'
            '  { text = "Another wrong thing", correct = false },\n]\n')


def bank_text(kinds=KINDS, per_clause: int = 2) -> str:
    """42 questions over 21 clauses: every kind, a scenario each can be told apart by."""
    parts = ["[settings]\npass_mark = 0.8\ninduction_questions = 15\nrefresher_questions = 10\n"]
    for c, clause in enumerate(CLAUSES):
        for n in range(per_clause):
            kind = kinds[(c * per_clause + n) % len(kinds)]
            qid = f"q-{clause.replace('.', '-').lower()}-{n}"
            parts.append(f'''
[[question]]
id = "{qid}"
kind = "{kind}"
clauses = ["{clause}"]
scenario = "Scenario {qid}: something happens that clause {clause} is about."
prompt = "What does the policy ask of you in {qid}?"
{_answers(kind, n)}explanation = "Clause {clause} says so."
''')
    return "".join(parts)


@pytest.fixture
def make_quiz_content(tmp_path):
    def build(kinds=KINDS):
        root = tmp_path / f"content-{'-'.join(kinds)}"
        shutil.copytree(REAL_CONTENT, root)
        (root / "policies" / "social-media" / "quiz.toml").write_text(bank_text(kinds), encoding="utf-8")
        return root

    return build


@pytest.fixture
def open_quiz_window(qtbot, data_dir, store, staff, make_quiz_content):
    def build(kinds=KINDS, idle_timeout_ms: int = 60_000) -> MainWindow:
        service = App(make_quiz_content(kinds), records=store, seconds_for=lambda _words: 0.3)
        assert service.quiz.bank("social-media") is not None and service.content.ok
        window = MainWindow(service, Preferences(data_dir), idle_timeout_ms=idle_timeout_ms)
        return show_active(qtbot, window)

    return build


@pytest.fixture
def quiz_window(open_quiz_window):
    return open_quiz_window()


# What a person does ------------------------------------------------------------------------

def _sign_in(window, qtbot, typed: str = "sian") -> None:
    qtbot.keyClicks(window.start_screen.field, typed)
    qtbot.keyClick(window.start_screen.field, Qt.Key.Key_Return)
    assert window.service.signed_in is not None


def _mark_read(window, store, staff_id: int, *, except_sections=()) -> None:
    policy = window.service.content.policy("social-media")
    store.policy_versions.record_seen(policy)
    progress = store.progress_for(staff_id)
    for section in policy.reading_sections():
        if section.number not in except_sections:
            progress.mark_read(SectionKey(policy.id, policy.sha256, section.number), datetime.now(UTC))


def _press(qtbot, key) -> None:
    """A key, to whichever control has the keyboard: as a person types."""
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, key)


def _digit(position: int):
    return getattr(Qt.Key, f"Key_{position + 1}")


def _shown_question(window):
    """The bank's question for the scenario on screen (the person reads the story)."""
    bank = window.service.quiz.bank("social-media")
    return next(q for q in bank.questions if q.scenario == window.quiz_view.scenario.text())


def _right_positions(window) -> set[int]:
    question = _shown_question(window)
    if question.kind == "true-false":
        return {0 if question.answer else 1}
    right = {option.text for option in question.options if option.correct}
    return {i for i, text in enumerate(window.quiz_view.option_texts()) if text in right}


def _answer(window, qtbot, *, right: bool) -> None:
    view = window.quiz_view
    positions = _right_positions(window)
    if right:
        chosen = sorted(positions)
    else:
        chosen = [next(i for i in range(len(view.option_texts())) if i not in positions)]
    for position in chosen:
        _press(qtbot, _digit(position))
    _press(qtbot, Qt.Key.Key_Return)
    assert view.feedback_shown()
    assert view.verdict.text() == ("✔ Right." if right else "✘ Not right.")


def _next(qtbot) -> None:
    _press(qtbot, Qt.Key.Key_Return)


def _visible_boxes(window) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def _attempts(store, staff_id):
    return [(a.status, a.passed) for a in store.quiz_attempts.history(staff_id, "social-media")]


# The whole way through ---------------------------------------------------------------------

def test_locked_until_read_then_a_fail_a_reread_a_retake_and_a_pass(quiz_window, qtbot, store, staff):
    window, view = quiz_window, quiz_window.quiz_view
    siân = staff["Siân O’Brien"]
    _mark_read(window, store, siân.id, except_sections={"1"})  # all but the first section
    _sign_in(window, qtbot)

    # Before section 1 is read, the quiz says why it is not open.
    assert "12 of 13 read" in window.quiz_bar.text.text()
    assert not window.quiz_bar.take_button.isVisible()
    window.commands.take_quiz.trigger()
    boxes = _visible_boxes(window)
    assert len(boxes) == 1
    assert boxes[0].text() == "Read every section of the policy first; then the quiz opens."
    assert "12 of 13" in boxes[0].informativeText()
    boxes[0].accept()
    window.activateWindow()  # as the desktop does when a message box closes
    qtbot.waitUntil(window.isActiveWindow)
    assert not window.is_showing_quiz()

    # Section 1 is read on screen; the quiz is offered above the text.
    qtbot.waitUntil(lambda: window.quiz_bar.take_button.isVisible(), timeout=3000)
    assert "read every section" in window.quiz_bar.text.text()
    qtbot.mouseClick(window.quiz_bar.take_button, Qt.MouseButton.LeftButton)
    assert window.is_showing_quiz()
    assert view.progress_label.text() == "Question 1 of 15"
    assert view.scenario.text().startswith("Scenario ")
    first_ids = [p.question.id for p in view.session.questions]

    # Four wrong, the rest right: 11 of 15 is under the 80% pass mark.
    for number in range(15):
        assert view.progress_label.text() == f"Question {number + 1} of 15"
        _answer(window, qtbot, right=number >= 4)
        if number == 1:
            # Read the clause behind a wrong answer, then come back to the same place.
            question = _shown_question(window)
            verdicts = view.option_verdicts()
            clause_button = view.clause_buttons[0]
            assert clause_button.text() == f"Read clause {question.clauses[0]}"
            qtbot.mouseClick(clause_button, Qt.MouseButton.LeftButton)
            assert not window.is_showing_quiz()
            shown = window.service.content.locate(f"social-media/{question.clauses[0]}")
            assert window.reader.location() == shown
            if shown.clause_number:  # (a number may name a whole section, such as A.5)
                assert window.reader.highlighted_text()  # the clause is shaded
            assert window.quiz_bar.back_button.isVisible()
            assert "Question 2 of 15" in window.quiz_bar.text.text()
            qtbot.mouseClick(window.quiz_bar.back_button, Qt.MouseButton.LeftButton)
            assert window.is_showing_quiz()
            assert view.progress_label.text() == "Question 2 of 15"
            assert view.feedback_shown() and view.verdict.text() == "✘ Not right."
            assert view.option_verdicts() == verdicts
            assert view.next_button.hasFocus()
        _next(qtbot)

    assert view.is_showing_result()
    result = view.result_page
    assert result.score.text() == "11 of 15 — 73%"
    assert result.outcome.text() == "✘ Not passed. The pass mark is 80% (12 of 15)."
    review = result.review_text()
    for presented in view.session.questions:
        assert presented.question.prompt in review
    assert review.count("Your answer:") == 15
    assert review.count("Correct answer:") == 4  # only where the answer was not right
    assert "Read these clauses again" in review
    assert result.retake_button.isVisible() and result.retake_button.hasFocus()

    # The first "Read clause" link, by keyboard: Tab into the review, Tab to the link, Enter.
    wrong_clause = view.result.clauses_to_reread()[0]
    result.review.setFocus()
    _press(qtbot, Qt.Key.Key_Tab)
    _press(qtbot, Qt.Key.Key_Return)
    assert not window.is_showing_quiz()
    assert window.reader.location() == window.service.content.locate(f"social-media/{wrong_clause}")
    assert "result" in window.quiz_bar.text.text()
    window.commands.back_to_quiz.trigger()
    assert view.is_showing_result() and window.is_showing_quiz()

    # Retake: a new attempt, with questions not asked the first time.
    qtbot.mouseClick(result.retake_button, Qt.MouseButton.LeftButton)
    assert view.progress_label.text() == "Question 1 of 15"
    second_ids = [p.question.id for p in view.session.questions]
    assert not set(first_ids) & set(second_ids)
    for _number in range(15):
        _answer(window, qtbot, right=True)
        _next(qtbot)
    assert result.score.text() == "15 of 15 — 100%"
    assert result.outcome.text().startswith("✔ Passed.")
    assert result.next_step.text().startswith("Next: acknowledge the policy.")
    assert not result.retake_button.isVisible()
    assert "Correct answer:" not in result.review_text()
    assert result.acknowledge_button.hasFocus()  # the next step is one key away
    qtbot.mouseClick(result.back_to_policy_button, Qt.MouseButton.LeftButton)
    assert not window.is_showing_quiz()
    assert "You passed the quiz: 15 of 15" in window.quiz_bar.text.text()

    assert _attempts(store, siân.id) == [("finished", True), ("finished", False)]
    assert store.verify_audit().ok


def test_select_all_needs_every_right_box_and_no_wrong_one(open_quiz_window, qtbot, store, staff):
    window = open_quiz_window(kinds=("multiple",))
    view = window.quiz_view
    _mark_read(window, store, staff["Siân O’Brien"].id)
    _sign_in(window, qtbot)
    assert window.take_quiz()
    assert view.instruction.text().startswith("Select all that apply")
    assert all(type(view.option_button(i)).__name__ == "QCheckBox" for i in range(4))
    right = sorted(_right_positions(window))
    assert len(right) == 2

    _press(qtbot, _digit(right[0]))  # one of the two right boxes only
    _press(qtbot, Qt.Key.Key_Return)
    assert view.verdict.text() == "✘ Not right."
    verdicts = view.option_verdicts()
    assert verdicts[right[0]] == "✔ Your answer: right"
    assert verdicts[right[1]] == "✔ Right: not ticked"
    assert "The right answer: " in view.next_button.accessibleDescription()
    _next(qtbot)

    # Both right boxes, after ticking and unticking a wrong one: right.
    right = sorted(_right_positions(window))
    wrong = next(i for i in range(4) if i not in right)
    _press(qtbot, _digit(wrong))
    _press(qtbot, _digit(wrong))
    for position in right:
        _press(qtbot, _digit(position))
    assert view.checked() == [i in right for i in range(4)]
    _press(qtbot, Qt.Key.Key_Return)
    assert view.verdict.text() == "✔ Right."
    attempt = store.quiz_attempts.get(view.session.attempt_id)
    assert [a["correct"] for a in attempt.answers[:2]] == [False, True]


def test_keyboard_only_space_tab_and_enter(open_quiz_window, qtbot, store, staff):
    window = open_quiz_window(kinds=("multiple", "true-false", "single"))
    view = window.quiz_view
    _mark_read(window, store, staff["Siân O’Brien"].id)
    _sign_in(window, qtbot)
    window.reader.setFocus()
    # Alt+T: the "Take the quiz" button in the bar above the text.
    qtbot.keyClick(window.reader, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(window.is_showing_quiz)  # a button's shortcut clicks it after a short animation

    _press(qtbot, Qt.Key.Key_Return)  # nothing chosen yet: a reminder, not a wrong answer
    assert view.notice_text().startswith("Choose an answer first")
    assert not view.feedback_shown()

    for _number in range(15):
        kind = _shown_question(window).kind
        right = sorted(_right_positions(window))
        if kind == "multiple":
            # A number ticks and focuses a box; Space unticks it; Tab moves on; Space ticks.
            _press(qtbot, _digit(0))
            assert view.option_button(0).isChecked() and view.option_button(0).hasFocus()
            _press(qtbot, Qt.Key.Key_Space)
            assert not view.option_button(0).isChecked()
            for position in range(4):
                if position > 0:
                    _press(qtbot, Qt.Key.Key_Tab)
                assert view.option_button(position).hasFocus()
                if position in right:
                    _press(qtbot, Qt.Key.Key_Space)
        elif kind == "true-false":
            assert view.option_texts() == ["True", "False"]
            _press(qtbot, _digit(right[0]))
        else:
            _press(qtbot, _digit(right[0]))
            assert view.option_button(right[0]).isChecked()
        _press(qtbot, Qt.Key.Key_Return)
        assert view.verdict.text() == "✔ Right."
        assert view.next_button.hasFocus()
        _press(qtbot, Qt.Key.Key_Return)
    assert view.is_showing_result() and view.result_page.outcome.text().startswith("✔ Passed.")


def test_a_failed_save_is_told_and_the_answer_can_be_given_again(quiz_window, qtbot, store, staff):
    window, view = quiz_window, quiz_window.quiz_view
    _mark_read(window, store, staff["Siân O’Brien"].id)
    _sign_in(window, qtbot)
    window.take_quiz()
    for position in _right_positions(window):
        _press(qtbot, _digit(position))
    store.db.execute("PRAGMA query_only = ON")  # as a read-only folder or a full disk would
    try:
        _press(qtbot, Qt.Key.Key_Return)
        assert "could not be saved" in view.notice_text() and "read-only" in view.notice_text()
        assert not view.feedback_shown()
    finally:
        store.db.execute("PRAGMA query_only = OFF")
    _press(qtbot, Qt.Key.Key_Return)
    assert view.feedback_shown() and view.notice_text() == ""
    attempt = store.quiz_attempts.get(view.session.attempt_id)
    assert attempt.answers[0]["correct"] is True


def test_switching_person_mid_quiz_keeps_the_attempt(quiz_window, qtbot, store, staff):
    window, view = quiz_window, quiz_window.quiz_view
    siân = staff["Siân O’Brien"]
    _mark_read(window, store, siân.id)
    _sign_in(window, qtbot)
    window.take_quiz()
    _answer(window, qtbot, right=True)
    _next(qtbot)
    _answer(window, qtbot, right=False)
    attempt_id = view.session.attempt_id
    qtbot.mouseClick(window.switch_person_button, Qt.MouseButton.LeftButton)
    assert window.is_showing_start_screen()
    assert not view.has_session()
    attempt = store.quiz_attempts.get(attempt_id)
    assert attempt.status == "in-progress"  # kept for a day, to be resumed (issue 15)
    assert [a and a["correct"] for a in attempt.answers[:3]] == [True, False, None]

    _sign_in(window, qtbot, "zoe")  # the next person sees nothing of it
    assert not window.is_showing_quiz()
    assert "0 of 13 read" in window.quiz_bar.text.text()
    assert not window.commands.back_to_quiz.isEnabled()

    window.switch_person()  # Siân comes back: her quiz is where she left it
    _sign_in(window, qtbot)
    assert "part-way (2 of 15 answered)" in window.quiz_bar.text.text()
    assert window.commands.back_to_quiz.isEnabled()
    qtbot.mouseClick(window.quiz_bar.back_button, Qt.MouseButton.LeftButton)
    assert window.is_showing_quiz() and view.session.attempt_id == attempt_id
    assert view.progress_label.text() == "Question 3 of 15"
    assert [p.question.id for p in view.session.questions] == attempt.question_ids


def test_a_sign_out_that_cannot_be_written_still_signs_out(quiz_window, qtbot, store, staff):
    window, view = quiz_window, quiz_window.quiz_view
    _mark_read(window, store, staff["Siân O’Brien"].id)
    _sign_in(window, qtbot)
    window.take_quiz()
    _answer(window, qtbot, right=True)
    attempt_id = view.session.attempt_id
    store.db.execute("PRAGMA query_only = ON")
    try:
        qtbot.mouseClick(window.switch_person_button, Qt.MouseButton.LeftButton)
    finally:
        store.db.execute("PRAGMA query_only = OFF")
    assert window.is_showing_start_screen() and not view.has_session()
    assert window.start_screen.note_text() == ""  # signing out writes nothing: the quiz waits as it is
    assert store.quiz_attempts.get(attempt_id).answers[0]["correct"] is True
    assert store.quiz_attempts.get(attempt_id).status == "in-progress"


def test_the_idle_sign_out_leaves_the_quiz_kept(open_quiz_window, qtbot, store, staff):
    window = open_quiz_window(idle_timeout_ms=400)
    siân = staff["Siân O’Brien"]
    _mark_read(window, store, siân.id)
    _sign_in(window, qtbot)
    window.take_quiz()
    _answer(window, qtbot, right=True)
    attempt_id = window.quiz_view.session.attempt_id
    qtbot.waitUntil(window.is_showing_start_screen, timeout=3000)
    assert store.quiz_attempts.get(attempt_id).status == "in-progress"
    assert store.quiz_attempts.get(attempt_id).answers[0]["correct"] is True
    _sign_in(window, qtbot)  # back within the day: carried on where it was left
    window.take_quiz()
    assert window.is_showing_quiz() and window.quiz_view.session.attempt_id == attempt_id
    assert window.quiz_view.progress_label.text() == "Question 2 of 15"


def test_the_refresher_is_there_for_anyone_signed_in(quiz_window, qtbot):
    window, view = quiz_window, quiz_window.quiz_view
    _sign_in(window, qtbot)
    assert window.commands.refresher_quiz.isEnabled()
    window.commands.refresher_quiz.trigger()
    assert window.is_showing_quiz()
    assert view.progress_label.text() == "Question 1 of 10"
    assert "Refresher quiz" in view.title.text()
    assert not window.commands.take_quiz.isEnabled()  # one quiz at a time
    assert not window.commands.print.isEnabled()  # the reading tools wait for the reader


def test_taking_the_quiz_again_mid_way_goes_back_to_it(quiz_window, qtbot, store, staff):
    window, view = quiz_window, quiz_window.quiz_view
    _mark_read(window, store, staff["Siân O’Brien"].id)
    _sign_in(window, qtbot)
    window.take_quiz()
    attempt_id = view.session.attempt_id
    _answer(window, qtbot, right=True)
    qtbot.mouseClick(view.clause_buttons[0], Qt.MouseButton.LeftButton)
    assert window.commands.take_quiz.isEnabled() and window.commands.back_to_quiz.isEnabled()
    window.commands.take_quiz.trigger()  # not a second attempt: the one under way
    assert window.is_showing_quiz() and view.session.attempt_id == attempt_id
    assert view.feedback_shown() and view.progress_label.text() == "Question 1 of 15"
    assert "part-way" in window.statusBar().currentMessage()
    assert _attempts(store, staff["Siân O’Brien"].id) == [("in-progress", None)]


def test_closing_the_window_mid_quiz_keeps_the_attempt(quiz_window, qtbot, store, staff):
    window, view = quiz_window, quiz_window.quiz_view
    _mark_read(window, store, staff["Siân O’Brien"].id)
    _sign_in(window, qtbot)
    window.take_quiz()
    _answer(window, qtbot, right=False)
    attempt_id = view.session.attempt_id
    window.close()
    attempt = store.quiz_attempts.get(attempt_id)
    assert attempt.status == "in-progress" and attempt.answers[0]["correct"] is False


def test_no_quiz_menu_or_bar_without_someone_signed_in(quiz_window):
    assert not quiz_window.quiz_bar.isVisible()
    assert not quiz_window.commands.take_quiz.isEnabled()
    assert not quiz_window.commands.quiz_menu.menuAction().isVisible()


def _unnamed(window) -> list[str]:
    viewports = {window.quiz_view.result_page.review.viewport(), window.quiz_view.scroll.viewport()}
    return [
        f"{type(widget).__name__} {getattr(widget, 'text', lambda: '')()!r}"
        for widget in window.quiz_view.findChildren(QWidget) + window.quiz_bar.findChildren(QWidget)
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        and widget.isVisibleTo(window)
        and widget not in viewports
        and not widget.accessibleName()
        and not (isinstance(widget, QAbstractButton) and widget.text())
    ]


def test_every_control_on_the_quiz_has_an_accessible_name(open_quiz_window, qtbot, store, staff):
    window = open_quiz_window(kinds=("multiple", "true-false", "single"))
    view = window.quiz_view
    _mark_read(window, store, staff["Siân O’Brien"].id)
    _sign_in(window, qtbot)
    assert _unnamed(window) == []
    window.take_quiz()
    assert _unnamed(window) == []
    assert all(view.option_button(i).accessibleName().startswith(f"{i + 1}. ")
               for i in range(len(view.option_texts())))
    _answer(window, qtbot, right=False)
    assert _unnamed(window) == []
    assert "Not right" in view.next_button.accessibleDescription()
    for _number in range(15):
        if not view.feedback_shown():
            _answer(window, qtbot, right=True)
        _next(qtbot)
    assert view.is_showing_result()
    assert _unnamed(window) == []


def test_a_pass_on_record_is_shown_when_the_person_comes_back(quiz_window, qtbot, store, staff):
    window = quiz_window
    siân = staff["Siân O’Brien"]
    _mark_read(window, store, siân.id)
    _sign_in(window, qtbot)
    session = window.service.quiz.start("social-media", "induction", seed=5)
    for index, presented in enumerate(session.questions):
        session.answer(index, presented.correct_answer())
    session.finish()
    window.switch_person()
    _sign_in(window, qtbot)  # a new sign-in: nothing of the last one is left in the window
    window.show_location(window.service.content.first_location())
    assert window.quiz_bar.isVisible()
    assert "You passed the quiz: 15 of 15" in window.quiz_bar.text.text()

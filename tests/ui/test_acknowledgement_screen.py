"""Acknowledging the policy as a person does: from the passed quiz to a signed certificate, by mouse
or by keyboard alone, with what to put right said plainly, and nothing left for the next person."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.test_quiz_screen import (  # noqa: F401 (the two fixtures)
    _mark_read,
    _sign_in,
    make_quiz_content,
    open_quiz_window,
)
from tests.ui.test_signature_pad import draw

ZIGZAG = [(30 + 12 * i, 60 + (35 if i % 2 else -25)) for i in range(26)]


def _pass_quiz_on_record(service, staff_id: int) -> None:
    """A pass already on record (an earlier day, say): signed in and out through the core."""
    service.sign_in(staff_id)
    session = service.quiz.start("social-media", "induction", seed=2)
    for index, presented in enumerate(session.questions):
        session.answer(index, presented.correct_answer())
    assert session.finish().passed
    service.sign_out()


@pytest.fixture
def passed_window(open_quiz_window, qtbot, store, staff):  # noqa: F811
    window = open_quiz_window()
    siân = staff["Siân O’Brien"]
    _mark_read(window, store, siân.id)
    _pass_quiz_on_record(window.service, siân.id)
    _sign_in(window, qtbot)
    return window


def _press(qtbot, key) -> None:
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, key)


def test_after_a_pass_a_drawn_signature_makes_a_certificate_that_checks_out(passed_window, qtbot, store,
                                                                             tmp_path):
    window = passed_window
    bar = window.quiz_bar
    assert "You passed the quiz" in bar.text.text() and bar.acknowledge_button.isVisible()
    qtbot.mouseClick(bar.acknowledge_button, Qt.MouseButton.LeftButton)
    view = window.acknowledgement_view
    assert window.is_showing_acknowledgement() and not window.commands.toolbar.isVisible()
    assert "Version: 2026 edition" in view.details.text()
    assert "Induction quiz: 15 of 15" in view.details.text()
    assert view.declaration.text().startswith("I confirm that I have read and understood the Social Media")
    assert view.name_field.hasFocus()
    view.name_field.insert("SIÂN  o’brien")  # QTest can only type ASCII; as an input method would
    view.declare_box.setChecked(True)
    draw(view.signature_field.pad, ZIGZAG)
    assert view.signature_field.is_acceptable()
    qtbot.mouseClick(view.sign_button, Qt.MouseButton.LeftButton)

    [record] = store.acknowledgements.all()
    assert (record.method, record.typed_name) == ("drawn", "SIÂN o’brien")
    assert view.pages.currentWidget() is view.done_page
    assert "Your acknowledgement is recorded" in view.done_heading.text()
    assert f"Record number {record.id}" in view.done_text.text()
    copy = tmp_path / "my copy"
    assert view.save_copy(copy)
    assert (tmp_path / "my copy.pdf").read_bytes() == store.acknowledgements.pdf_path(record).read_bytes()
    assert window.check_attestation(tmp_path / "my copy.pdf").ok

    qtbot.mouseClick(view.done_back_button, Qt.MouseButton.LeftButton)
    assert not window.is_showing_acknowledgement()
    assert "You acknowledged this version" in bar.text.text() and not bar.acknowledge_button.isVisible()
    assert not window.commands.acknowledge.isEnabled() or not window.service.attestation.offer(
        "social-media").ready


def test_a_keyboard_user_confirms_with_the_typed_name_alone(passed_window, qtbot, store):
    window = passed_window
    assert window.acknowledge_policy()
    view = window.acknowledgement_view
    view.name_field.insert("Siân O’Brien")
    _press(qtbot, Qt.Key.Key_Return)  # Enter in the name moves on to the declaration
    assert view.declare_box.hasFocus()
    _press(qtbot, Qt.Key.Key_Space)
    assert view.declare_box.isChecked()
    view.typed_only_box.setFocus()
    _press(qtbot, Qt.Key.Key_Space)
    assert view.typed_only_box.isChecked() and not view.signature_field.isEnabled()
    view.sign_button.setFocus()
    _press(qtbot, Qt.Key.Key_Return)
    [record] = store.acknowledgements.all()
    assert record.method == "typed" and record.signature_png is None


def test_what_to_put_right_is_said_and_nothing_is_recorded(passed_window, qtbot, store):
    window = passed_window
    window.acknowledge_policy()
    view = window.acknowledgement_view
    qtbot.keyClicks(view.name_field, "Sian OBrian")
    view.declare_box.setChecked(True)
    draw(view.signature_field.pad, ZIGZAG)
    assert not view.sign()
    assert view.problem.isVisible() and "“Siân O’Brien”" in view.problem.text()
    assert view.name_field.hasFocus()
    view.name_field.setText("Siân O’Brien")
    view.signature_field.clear()
    assert not view.sign()
    assert "Draw your signature" in view.problem.text()
    draw(view.signature_field.pad, [(40, 60), (46, 62)])  # a flick
    assert not view.sign() and "too short" in view.problem.text()
    assert store.acknowledgements.all() == []


def test_signing_stays_shut_before_the_quiz_is_passed(open_quiz_window, qtbot, store, staff):  # noqa: F811
    window = open_quiz_window()
    _mark_read(window, store, staff["Siân O’Brien"].id)
    _sign_in(window, qtbot)
    assert not window.quiz_bar.acknowledge_button.isVisible()
    assert not window.acknowledge_policy()
    view = window.acknowledgement_view
    assert "Pass the quiz" in view.problem.text() and not view.sign_button.isEnabled()
    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
    assert not window.is_showing_acknowledgement()


def test_signing_out_leaves_nothing_of_the_last_person_on_the_page(passed_window, qtbot, store):
    window = passed_window
    window.acknowledge_policy()
    view = window.acknowledgement_view
    view.name_field.insert("Siân O’Brien")
    view.declare_box.setChecked(True)
    draw(view.signature_field.pad, ZIGZAG)
    window.switch_person()
    assert window.is_showing_start_screen()
    assert view.name_field.text() == "" and not view.declare_box.isChecked()
    assert view.signature_field.signature().is_empty
    assert store.acknowledgements.all() == []


def test_a_signing_key_that_cannot_be_read_is_explained_and_nothing_is_recorded(passed_window, qtbot, store):
    window = passed_window
    key_file = store.data_dir / "signing" / "school-key.pem"
    key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_file.write_text("-----BEGIN PRIVATE KEY-----\ndamaged\n-----END PRIVATE KEY-----\n")
    window.acknowledge_policy()
    view = window.acknowledgement_view
    view.name_field.insert("Siân O’Brien")
    view.declare_box.setChecked(True)
    view.typed_only_box.setChecked(True)
    assert not view.sign()
    assert "could not be recorded" in view.problem.text() and "school-key.pem" in view.problem.text()
    assert store.acknowledgements.all() == []
    assert key_file.read_text().count("damaged") == 1  # never replaced behind the school's back

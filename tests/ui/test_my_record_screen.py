"""Issue 15 (7–10), as a member of staff sees it: "My record", what changed since they signed, the
refresher offered when due (and no tick then), the next unread section, and the place kept at sign-in."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from holbrook_desktop.app import App
from holbrook_desktop.ui.main_window import MainWindow
from holbrook_desktop.ui.preferences import Preferences
from tests.ui.conftest import show_active
from tests.ui.test_quiz_screen import _mark_read, _sign_in, make_quiz_content  # noqa: F401 (a fixture)

TODAY = date.today()


def _acknowledge_on_record(service, store, staff_id: int) -> None:
    """Read, passed and acknowledged (typed name) through the core, an earlier day as it were."""
    service.sign_in(staff_id)
    policy = service.content.policy("social-media")
    store.policy_versions.record_seen(policy)
    from datetime import UTC, datetime

    from holbrook_desktop.core.reading.progress import SectionKey

    for section in policy.reading_sections():
        store.progress_for(staff_id).mark_read(SectionKey(policy.id, policy.sha256, section.number),
                                               datetime.now(UTC))
    session = service.quiz.start("social-media", "induction", seed=2)
    for index, presented in enumerate(session.questions):
        session.answer(index, presented.correct_answer())
    assert session.finish().passed
    service.attestation.acknowledge("social-media", typed_name=service.signed_in.full_name, declared=True,
                                    signature=None)
    service.sign_out()


@pytest.fixture
def record_window(qtbot, data_dir, store, staff, make_quiz_content):  # noqa: F811
    made = {}

    def content_folder():
        if "content" not in made:
            made["content"] = make_quiz_content()
        return made["content"]

    def build(days_on: int = 0, content=None) -> MainWindow:
        content = content or content_folder()
        service = App(content, records=store, seconds_for=lambda _words: 0.3,
                      today=lambda: TODAY + timedelta(days=days_on))
        window = MainWindow(service, Preferences(data_dir), idle_timeout_ms=60_000)
        return show_active(qtbot, window)

    build.content = content_folder
    return build


def _acknowledged_siân(record_window, store, staff):
    siân = staff["Siân O’Brien"]
    first = record_window()
    _acknowledge_on_record(first.service, store, siân.id)
    first.close()
    return siân


def test_my_record_shows_green_until_the_refresher_and_saves_the_certificate(record_window, qtbot, store,
                                                                              staff, tmp_path, monkeypatch):
    _acknowledged_siân(record_window, store, staff)
    window = record_window()
    _sign_in(window, qtbot)
    assert "✔ You acknowledged this version" in window.quiz_bar.text.text()
    assert window.quiz_bar.record_button.isVisible()
    qtbot.mouseClick(window.quiz_bar.record_button, Qt.MouseButton.LeftButton)
    view = window.my_record_view
    assert window.pages.currentWidget() is view
    label = view.status_labels["social-media"]
    assert label.objectName() == "standing-ok" and label.text().startswith("✔  Acknowledged until")
    [(version, button)] = view.save_buttons
    target = tmp_path / "my-certificate.pdf"
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), "PDF (*.pdf)"))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert target.read_bytes() == window.service.attestation.pdf(version.record)
    assert "was saved" in view.message_text()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is window.reading_page


def test_my_record_is_a_keyboard_shortcut_and_a_menu_item(record_window, qtbot, store, staff):
    window = record_window()
    assert not window.commands.my_record.isEnabled()  # nobody signed in
    _sign_in(window, qtbot)
    assert window.commands.my_record in window.commands.quiz_menu.actions()
    qtbot.keyClick(window.reader, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert window.pages.currentWidget() is window.my_record_view
    label = window.my_record_view.status_labels["social-media"]
    assert label.objectName() == "standing-overdue" and "Overdue since" in label.text()  # started 2024
    assert "None yet." in [w.text() for w in window.my_record_view.findChildren(type(label))]


def test_an_overdue_person_sees_red_no_tick_and_the_refresher_offered(record_window, qtbot, store, staff):
    _acknowledged_siân(record_window, store, staff)
    window = record_window(days_on=400)
    _sign_in(window, qtbot)
    bar = window.quiz_bar
    assert "✔" not in bar.text.text() and "overdue" in bar.text.text()
    assert bar.take_button.isVisible()
    assert bar.take_button.text() == "&Take the refresher quiz (10 questions)"
    window.commands.my_record.trigger()
    label = window.my_record_view.status_labels["social-media"]
    assert label.objectName() == "standing-overdue" and "✔" not in label.text()
    assert "Overdue since" in label.text()
    window.my_record_view.backRequested.emit()
    qtbot.mouseClick(bar.take_button, Qt.MouseButton.LeftButton)
    assert window.is_showing_quiz()
    assert "Refresher quiz" in window.quiz_view.title.text()
    assert window.quiz_view.progress_label.text() == "Question 1 of 10"


def test_due_soon_has_no_tick_either(record_window, qtbot, store, staff):
    _acknowledged_siân(record_window, store, staff)
    window = record_window(days_on=350)
    _sign_in(window, qtbot)
    assert "✔" not in window.quiz_bar.text.text() and "due by" in window.quiz_bar.text.text()
    assert window.quiz_bar.take_button.text() == "&Take the refresher quiz (10 questions)"


def test_a_first_timer_is_offered_the_induction_by_name_and_length(record_window, qtbot, store, staff):
    window = record_window()
    _mark_read(window, store, staff["Siân O’Brien"].id)
    _sign_in(window, qtbot)
    assert window.quiz_bar.take_button.text() == "&Take the induction quiz (15 questions)"
    qtbot.mouseClick(window.quiz_bar.take_button, Qt.MouseButton.LeftButton)
    assert "Induction quiz" in window.quiz_view.title.text()


def test_what_changed_since_signing_and_only_that_section_to_read(record_window, qtbot, store, staff):
    _acknowledged_siân(record_window, store, staff)
    content = record_window.content()
    policy_file = content / "policies" / "social-media" / "policy.md"
    text = policy_file.read_text(encoding="utf-8")
    policy_file.write_text(text.replace("5.6 Staff members must decline", "5.6 Staff must always decline"),
                           encoding="utf-8")
    window = record_window(days_on=1)
    _sign_in(window, qtbot)
    assert window.reader.location().section_number == "5"  # sign-in opens the first unread section
    assert "read again the 1 of 13 sections" in window.quiz_bar.text.text()
    window.commands.my_record.trigger()
    view = window.my_record_view
    changes = view.changes_views["social-media"].toPlainText()
    assert "5.6: changed" in changes and "[removed: members]" in changes and "[added: always]" in changes
    assert view.status_labels["social-media"].objectName() != "standing-ok"
    qtbot.mouseClick(view.read_buttons["social-media"], Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.reading_page
    assert window.reader.location().section_number == "5"


def test_next_unread_section_and_the_place_kept_at_sign_in(record_window, qtbot, store, staff):
    window = record_window()
    siân = staff["Siân O’Brien"]
    policy = window.service.content.policy("social-media")
    numbers = [s.number for s in policy.reading_sections()]
    _mark_read(window, store, siân.id, except_sections=(numbers[2], numbers[5]))
    _sign_in(window, qtbot)
    assert window.reader.location().section_number == numbers[2]
    qtbot.keyClick(window.reader, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert window.reader.location().section_number == numbers[5]
    window.commands.next_unread.trigger()
    assert window.reader.location().section_number == numbers[2]  # round to the start
    assert window.commands.next_unread in window.commands.toolbar.actions()


def test_a_hint_says_what_the_section_needs_to_count_as_read(open_staff_window, qtbot):
    window = open_staff_window(seconds=30)
    qtbot.keyClicks(window.start_screen.field, "sean")
    qtbot.keyClick(window.start_screen.field, Qt.Key.Key_Return)
    hint = window.reading_controller.section_hint
    assert hint.isVisible()
    assert hint.text() == "Scroll to the end; about 30 s more"
    window.switch_person()
    assert not hint.isVisible()


def test_the_hint_turns_to_read_once_the_section_counts(open_staff_window, qtbot):
    window = open_staff_window(seconds=0.3, size=(1200, 2400))  # tall: the end of section 1 is on screen
    qtbot.keyClicks(window.start_screen.field, "sean")
    qtbot.keyClick(window.start_screen.field, Qt.Key.Key_Return)
    hint = window.reading_controller.section_hint
    qtbot.waitUntil(lambda: hint.text() == "This section counts as read", timeout=5000)

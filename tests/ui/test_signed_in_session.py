"""A signed-in session on a shared PC: switching person, the idle sign-out, whose progress is shown,
and reading that goes on when the records cannot be written."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from holbrook_desktop.core.content.render import Location
from holbrook_desktop.core.reading.progress import SectionKey


def _sign_in(window, qtbot, typed: str) -> None:
    qtbot.keyClicks(window.start_screen.field, typed)
    qtbot.keyClick(window.start_screen.field, Qt.Key.Key_Return)
    assert window.service.signed_in is not None


def test_not_you_is_one_click_back_to_the_start_screen(staff_window, qtbot):
    _sign_in(staff_window, qtbot, "sian")
    qtbot.keyClicks(staff_window.search_panel.field, "photographs")
    qtbot.mouseClick(staff_window.switch_person_button, Qt.MouseButton.LeftButton)
    assert staff_window.is_showing_start_screen()
    assert staff_window.service.signed_in is None
    assert staff_window.start_screen.field.hasFocus()
    assert staff_window.start_screen.field.text() == ""
    assert staff_window.search_panel.field.text() == ""  # nothing of the last person's left about
    assert not staff_window.switch_person_button.isVisible()
    assert not staff_window.commands.print.isEnabled()
    _sign_in(staff_window, qtbot, "zoe")
    assert staff_window.signed_in_label.text() == "Signed in as Zoë Ndiaye"


def test_the_window_signs_out_after_the_idle_time(open_staff_window, qtbot):
    window = open_staff_window(idle_timeout_ms=200)
    _sign_in(window, qtbot, "sean")
    qtbot.waitUntil(window.is_showing_start_screen, timeout=3000)
    assert window.service.signed_in is None
    assert window.start_screen.note_text() == "Signed out after 1 second without use."
    _sign_in(window, qtbot, "jo")  # the next person starts afresh; the note goes with the screen
    assert not window.start_screen.note.isVisible()


def test_a_key_press_puts_the_idle_sign_out_off(open_staff_window, qtbot):
    window = open_staff_window(idle_timeout_ms=600)
    _sign_in(window, qtbot, "sean")
    qtbot.wait(350)
    qtbot.keyClick(window.reader, Qt.Key.Key_Down)
    qtbot.wait(350)  # 700 ms since sign-in, 350 since the key
    assert not window.is_showing_start_screen()
    assert window.service.signed_in is not None
    qtbot.waitUntil(window.is_showing_start_screen, timeout=3000)


def test_a_warning_comes_before_the_idle_sign_out_and_goes_with_a_key(open_staff_window, qtbot):
    window = open_staff_window(idle_timeout_ms=800)  # shorter than two minutes: warned half-way
    assert window.idle_lock.warning_ms == 400
    _sign_in(window, qtbot, "sean")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Still there?"), timeout=3000)
    assert window.service.signed_in is not None
    assert "signed out in 400 ms" not in window.statusBar().currentMessage()
    assert "quiz answers are kept" in window.statusBar().currentMessage()
    qtbot.keyClick(window.reader, Qt.Key.Key_Down)
    assert window.statusBar().currentMessage() == ""
    assert window.service.signed_in is not None


def test_the_warning_is_a_minute_before_a_ten_minute_lock():
    from holbrook_desktop.ui.session.idle_lock import IdleLock

    lock = IdleLock(10 * 60 * 1000)
    assert lock.warning_ms == 60 * 1000


def test_the_idle_lock_ignores_the_start_screen(open_staff_window, qtbot):
    window = open_staff_window(idle_timeout_ms=100)
    qtbot.wait(300)
    assert window.is_showing_start_screen()
    assert window.start_screen.note_text() == ""


def test_progress_marks_are_the_signed_in_persons(staff_window, qtbot, store, staff):
    policy = staff_window.service.content.policy("social-media")
    siân = staff["Siân O’Brien"]
    store.policy_versions.record_seen(policy)
    store.progress_for(siân.id).mark_read(SectionKey("social-media", policy.sha256, "2"),
                                          datetime.now(UTC))
    _sign_in(staff_window, qtbot, "sian")
    assert staff_window.contents.is_marked_read("social-media", "2")
    assert not staff_window.contents.is_marked_read("social-media", "3")
    assert staff_window.progress_label.text() == "1 of 13 sections read"

    qtbot.mouseClick(staff_window.switch_person_button, Qt.MouseButton.LeftButton)
    _sign_in(staff_window, qtbot, "zoe")
    assert not staff_window.contents.is_marked_read("social-media", "2")
    assert staff_window.progress_label.text() == "0 of 13 sections read"
    # Zoë reads section 1; it is kept for her, in the records.
    qtbot.waitUntil(lambda: staff_window.contents.is_marked_read("social-media", "1"), timeout=3000)
    zoë = staff["Zoë Ndiaye"]
    assert store.progress_for(zoë.id).read_sections("social-media", policy.sha256) == {"1"}
    assert store.progress_for(siân.id).read_sections("social-media", policy.sha256) == {"2"}


def test_a_write_error_while_reading_is_told_and_reading_goes_on(staff_window, qtbot, store):
    _sign_in(staff_window, qtbot, "sian")
    store.db.execute("PRAGMA query_only = ON")  # as a read-only folder or a full disk would
    try:
        qtbot.waitUntil(lambda: "could not be saved" in staff_window.statusBar().currentMessage(),
                        timeout=3000)
        assert "read-only" in staff_window.statusBar().currentMessage()
        boxes = [box for box in staff_window.findChildren(QMessageBox) if box.isVisible()]
        assert len(boxes) == 1 and "could not be saved" in boxes[0].text()
        boxes[0].accept()
        assert not staff_window.contents.is_marked_read("social-media", "1")
        staff_window.show_location(Location("social-media", "2"))  # the reader still works
        assert staff_window.reader.location() == Location("social-media", "2")
        qtbot.wait(400)
        assert not [box for box in staff_window.findChildren(QMessageBox) if box.isVisible()]  # once
        assert staff_window.service.signed_in is not None
    finally:
        store.db.execute("PRAGMA query_only = OFF")


def test_a_write_error_while_adding_is_shown_in_the_form(staff_window, qtbot, store):
    screen = staff_window.start_screen
    qtbot.mouseClick(screen.new_button, Qt.MouseButton.LeftButton)
    form = screen.form
    qtbot.keyClicks(form.full_name, "Priya Shah")
    form.role.setFocus()
    qtbot.keyClicks(form.role, "Gov")
    store.db.execute("PRAGMA query_only = ON")
    try:
        qtbot.keyClick(form.role, Qt.Key.Key_Return)
    finally:
        store.db.execute("PRAGMA query_only = OFF")
    assert "The change was not saved" in form.error_text()
    assert form.isVisible()
    assert staff_window.service.signed_in is None

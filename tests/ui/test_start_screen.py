"""“Who are you?” on a shared PC, as a member of staff uses it: type, arrow keys, Enter; or add yourself."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from holbrook_desktop.core.content.render import Location
from holbrook_desktop.ui.session.staff_list_model import fold


def type_text(widget, text: str) -> None:
    """Key presses carrying any character, as a keyboard layout with accents sends them."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, char))


def _type(qtbot, field, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def test_the_start_screen_comes_first_with_everyone_listed(staff_window):
    screen = staff_window.start_screen
    assert staff_window.is_showing_start_screen()
    assert not staff_window.reader.isVisible()
    assert not staff_window.commands.toolbar.isVisible()
    assert screen.field.hasFocus()
    assert screen.shown_names() == [  # in the order people read names, accents or not
        "Joanna Smith (Jo)", "Seán Murphy", "Siân O’Brien", "Zoë Ndiaye (Zo)",
    ]
    assert "logged in as" in screen.account.text()


def test_enter_before_typing_signs_no_one_in_but_down_chooses_the_first(staff_window, qtbot):
    screen = staff_window.start_screen
    assert screen.current_name() is None
    assert not screen.sign_in_button.isEnabled()
    qtbot.keyClick(screen.field, Qt.Key.Key_Return)
    assert staff_window.service.signed_in is None
    assert staff_window.is_showing_start_screen()
    qtbot.keyClick(screen.field, Qt.Key.Key_Down)
    assert screen.current_name() == "Joanna Smith (Jo)"
    qtbot.keyClick(screen.field, Qt.Key.Key_Return)
    assert staff_window.signed_in_label.text() == "Signed in as Joanna Smith"


def test_typing_part_of_a_name_filters_without_minding_accents_case_or_apostrophes(staff_window, qtbot):
    screen = staff_window.start_screen
    field = screen.field
    _type(qtbot, field, "sian")
    assert screen.shown_names() == ["Siân O’Brien"]
    field.clear()
    type_text(field, "Siân")
    assert screen.shown_names() == ["Siân O’Brien"]
    assert "1 person matches" in screen.count.text()
    _type(qtbot, field, "O'BRIEN")
    assert screen.shown_names() == ["Siân O’Brien"]
    _type(qtbot, field, "zoe")
    assert screen.shown_names() == ["Zoë Ndiaye (Zo)"]
    _type(qtbot, field, "jo")  # the preferred name counts too
    assert screen.shown_names() == ["Joanna Smith (Jo)"]
    _type(qtbot, field, "s mur")  # every word typed must appear somewhere in the name
    assert screen.shown_names() == ["Seán Murphy"]
    _type(qtbot, field, "nobody like this")
    assert screen.shown_names() == []
    assert "No one matches" in screen.count.text()
    assert not screen.sign_in_button.isEnabled()
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert field.text() == ""
    assert len(screen.shown_names()) == 4


def test_fold_treats_names_as_people_type_them():
    assert fold("Siân O’Brien") == "sian obrien"
    assert fold("Søren Ærø-Straße") == "soren aero strasse"
    assert fold("ZOË") == fold("zoe")


def test_arrow_keys_then_enter_sign_in_the_highlighted_person(staff_window, qtbot, staff):
    screen = staff_window.start_screen
    qtbot.keyClicks(screen.field, "s")
    assert screen.current_name() == screen.shown_names()[0]  # the best guess is highlighted at once
    qtbot.keyClick(screen.field, Qt.Key.Key_Down)
    qtbot.keyClick(screen.field, Qt.Key.Key_Down)
    qtbot.keyClick(screen.field, Qt.Key.Key_Up)
    chosen = screen.shown_names()[1]
    assert screen.current_name() == chosen
    assert screen.field.hasFocus()  # still typing-ready
    qtbot.keyClick(screen.field, Qt.Key.Key_Return)

    member = staff_window.service.signed_in
    assert member is not None and chosen.startswith(member.full_name)
    assert not staff_window.is_showing_start_screen()
    assert staff_window.reader.isVisible()
    assert staff_window.reader.location() == Location("social-media", "1")
    assert staff_window.signed_in_label.text() == f"Signed in as {member.full_name}"
    assert staff_window.switch_person_button.isVisible()
    assert staff_window.commands.toolbar.isVisible()


def test_typing_a_name_and_pressing_enter_is_enough(staff_window, qtbot):
    qtbot.keyClicks(staff_window.start_screen.field, "sian")
    qtbot.keyClick(staff_window.start_screen.field, Qt.Key.Key_Enter)
    assert staff_window.signed_in_label.text() == "Signed in as Siân O’Brien"


def test_a_new_person_adds_themselves_with_the_keyboard_and_is_signed_in(staff_window, qtbot, store):
    screen = staff_window.start_screen
    qtbot.keyClicks(screen.field, "Priya Shah")
    assert screen.shown_names() == []
    qtbot.keyClick(screen.field, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # “I’m new – add me”
    form = screen.form
    qtbot.waitUntil(form.isVisible)  # a button's shortcut clicks it after a short animation
    assert form.full_name.hasFocus()
    assert form.full_name.text() == "Priya Shah"  # what was typed is not typed twice
    assert form.start_date.date().toPython() == date.today()
    qtbot.keyClick(form.full_name, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "Priya")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert form.role.hasFocus()
    qtbot.keyClicks(form.role, "Teach")
    assert form.role.currentData() == "teacher"
    qtbot.keyClick(form.role, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # past the start date: today
    assert form.staff_number.hasFocus()
    qtbot.keyClicks(form.staff_number, "T042")
    qtbot.keyClick(form.staff_number, Qt.Key.Key_Return)

    member = staff_window.service.signed_in
    assert member is not None and member.full_name == "Priya Shah"
    assert staff_window.signed_in_label.text() == "Signed in as Priya Shah"
    stored = {m.full_name: m for m in store.staff.list()}["Priya Shah"]
    assert (stored.preferred_name, stored.role, stored.staff_number) == ("Priya", "teacher", "T042")
    assert stored.start_date == date.today().isoformat()


def _open_form(window, qtbot):
    screen = window.start_screen
    qtbot.mouseClick(screen.new_button, Qt.MouseButton.LeftButton)
    assert screen.form.isVisible()
    return screen.form


def test_the_form_says_what_is_missing_and_keeps_what_was_typed(staff_window, qtbot, store):
    form = _open_form(staff_window, qtbot)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert form.error_text() == "Please choose your role."
    assert form.role.hasFocus()
    qtbot.keyClicks(form.role, "Office")
    qtbot.keyClick(form.role, Qt.Key.Key_Return)
    assert form.error_text() == "A full name is needed."
    assert form.full_name.hasFocus()
    assert staff_window.service.signed_in is None
    assert len(store.staff.list()) == 4


def test_a_staff_number_that_is_taken_is_explained_in_the_form(staff_window, qtbot, store):
    form = _open_form(staff_window, qtbot)
    qtbot.keyClicks(form.full_name, "Another Person")
    form.role.setFocus()
    qtbot.keyClicks(form.role, "Vol")
    form.staff_number.setFocus()
    qtbot.keyClicks(form.staff_number, "T001")
    qtbot.mouseClick(form.add_button, Qt.MouseButton.LeftButton)
    assert "Staff number T001 already belongs to someone else" in form.error_text()
    assert form.staff_number.hasFocus()
    assert form.full_name.text() == "Another Person"
    assert staff_window.service.signed_in is None
    assert staff_window.is_showing_start_screen()


def test_escape_leaves_the_form_for_the_list(staff_window, qtbot):
    form = _open_form(staff_window, qtbot)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Escape)
    assert not form.isVisible()
    assert staff_window.start_screen.field.hasFocus()


def test_ten_thousand_staff_are_a_model_not_ten_thousand_widgets(open_staff_window, store, qtbot):
    # Set-up only: written straight into the table; the window itself adds people one at a time.
    with store.db.conn:
        store.db.conn.executemany(
            "INSERT INTO staff (full_name, role, start_date, active, created_at, created_by) "
            "VALUES (?, 'supply', '2024-09-01', 1, '2024-09-01T00:00:00+00:00', 'tester')",
            [(f"Member {number:05d} Example",) for number in range(10_000)] + [("Ëlodie Zäpfel",)],
        )
    window = open_staff_window()
    screen = window.start_screen
    assert screen.proxy.rowCount() == 10_005
    assert len(screen.findChildren(QWidget)) < 100
    qtbot.keyClicks(screen.field, "elodie zap")
    assert screen.shown_names() == ["Ëlodie Zäpfel"]
    qtbot.keyClick(screen.field, Qt.Key.Key_Backspace)
    qtbot.keyClick(screen.field, Qt.Key.Key_Backspace)
    type_text(screen.field, "äp")  # QTest's keyClicks knows only ASCII
    assert screen.shown_names() == ["Ëlodie Zäpfel"]
    screen.field.clear()
    qtbot.keyClicks(screen.field, "09999")
    assert screen.shown_names() == ["Member 09999 Example"]
    qtbot.keyClick(screen.field, Qt.Key.Key_Return)
    assert window.signed_in_label.text() == "Signed in as Member 09999 Example"


def _unnamed_controls(window) -> list[str]:
    from PySide6.QtWidgets import QAbstractScrollArea

    # A scroll area's inner viewport is announced through its view, which carries the name.
    viewports = {view.viewport() for view in window.findChildren(QAbstractScrollArea)}
    return [
        f"{type(widget).__name__} {widget.objectName()}"
        for widget in window.findChildren(QWidget)
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        and widget.isVisibleTo(window)
        and widget not in viewports
        and not widget.accessibleName()
        # The editor inside a date box is announced through the date box, which carries the name.
        and not (widget.focusProxy() and widget.focusProxy().accessibleName())
        and not (isinstance(widget, QAbstractButton) and widget.text())
    ]


def test_every_control_on_the_start_screen_and_form_has_an_accessible_name(staff_window, qtbot):
    assert _unnamed_controls(staff_window) == []
    _open_form(staff_window, qtbot)
    assert _unnamed_controls(staff_window) == []
    qtbot.keyClick(staff_window.start_screen.form.full_name, Qt.Key.Key_Escape)
    staff_window.sign_in(staff_window.service.hr.staff_list()[0].id)
    assert _unnamed_controls(staff_window) == []


def test_a_similar_name_on_the_list_is_offered_before_a_second_record(staff_window, qtbot, store):
    form = _open_form(staff_window, qtbot)
    qtbot.keyClicks(form.full_name, "sian o'brien")  # no accent, straight apostrophe, lower case
    form.role.setFocus()
    qtbot.keyClicks(form.role, "Teach")
    qtbot.mouseClick(form.add_button, Qt.MouseButton.LeftButton)
    assert "Already on the list with this name" in form.similar_text_shown()
    [button] = form.similar_buttons
    existing = next(m for m in store.staff.list() if m.full_name == "Siân O’Brien")
    assert "Siân O’Brien" in button.text() and existing.role_label in button.text()
    assert "started" in button.text()
    assert button.hasFocus()
    assert len(store.staff.list()) == 4  # nothing added yet
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert staff_window.service.signed_in.id == existing.id
    assert len(store.staff.list()) == 4


def test_a_person_who_is_not_the_similar_name_adds_themselves_on_a_second_press(staff_window, qtbot, store):
    form = _open_form(staff_window, qtbot)
    qtbot.keyClicks(form.full_name, "SEAN MURPHY")
    form.role.setFocus()
    qtbot.keyClicks(form.role, "Teach")
    qtbot.mouseClick(form.add_button, Qt.MouseButton.LeftButton)
    assert "Seán Murphy" in form.similar_buttons[0].text()
    assert staff_window.service.signed_in is None
    qtbot.mouseClick(form.add_button, Qt.MouseButton.LeftButton)
    assert staff_window.service.signed_in.full_name == "SEAN MURPHY"
    assert len(store.staff.list()) == 5


def test_a_name_with_no_likeness_is_added_at_once(staff_window, qtbot, store):
    form = _open_form(staff_window, qtbot)
    qtbot.keyClicks(form.full_name, "Priya Shah")
    form.role.setFocus()
    qtbot.keyClicks(form.role, "Teach")
    qtbot.mouseClick(form.add_button, Qt.MouseButton.LeftButton)
    assert form.similar_text_shown() == ""
    assert staff_window.service.signed_in.full_name == "Priya Shah"

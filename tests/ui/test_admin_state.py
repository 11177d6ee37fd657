"""The admin area: editing a person, leaving dates that open on the date on record, a deliberate
erase dialog, pressed filters that look pressed, and the table following changes made elsewhere."""

from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QPushButton

from holbrook_desktop.core.hr.due import Status
from holbrook_desktop.ui import theme
from tests.ui.test_accessibility import contrast
from tests.ui.test_accessibility import restore_app_look as restore_app_look  # a fixture
from tests.ui.test_admin_area import _unlock
from tests.ui.test_admin_area import admin_window as admin_window  # a fixture


def _select(view, name):
    table = view.table
    row = next(r for r in range(table.proxy.rowCount()) if table.proxy.index(r, 0).data() == name)
    table.view.selectRow(row)
    assert view._selected_member().full_name == name


def _last_audit(store):
    action, details = store.db.execute("SELECT action, details FROM audit_log ORDER BY id DESC LIMIT 1"
                                       ).fetchone()
    return action, json.loads(details)


def test_the_selected_person_is_edited_and_each_change_audited(admin_window, staff, store, qtbot):
    _unlock(admin_window)
    view = admin_window.admin.view
    assert not view.edit_button.isEnabled()
    _select(view, "Seán Murphy")
    assert view.edit_button.isEnabled()
    dialog = view.edit_staff_dialog()
    assert dialog.full_name.text() == "Seán Murphy" and dialog.staff_number.text() == "O007"
    assert dialog.role.currentData() == "office" and not dialog.leaving_date.isEnabled()
    dialog.full_name.setText("Seán Ó Murchú")
    dialog.email.setText("sean@holbrook.example")
    dialog.role.setCurrentIndex(dialog.role.findData("teacher"))
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.result() == dialog.DialogCode.Accepted
    action, details = _last_audit(store)
    assert action == "staff.update"
    assert details["changes"] == {"full_name": ["Seán Murphy", "Seán Ó Murchú"],
                                  "role": ["office", "teacher"],
                                  "work_email": [None, "sean@holbrook.example"]}
    assert "Seán Ó Murchú" in [s.member.full_name for s in view.table.model.statuses()]
    assert "saved" in view.note.text()


def test_a_bad_edit_is_explained_in_the_dialog_and_nothing_saved(admin_window, staff, store):
    _unlock(admin_window)
    view = admin_window.admin.view
    _select(view, "Seán Murphy")
    dialog = view.edit_staff_dialog()
    dialog.staff_number.setText("T001")  # Siân's
    assert not dialog.save()
    assert dialog.problem.isVisibleTo(dialog) and "already belongs to someone else" in dialog.problem.text()
    assert store.staff.get(staff["Seán Murphy"].id).staff_number == "O007"


def test_a_leaving_date_before_the_last_acknowledgement_is_asked_about(admin_window, staff, store,
                                                                        monkeypatch):
    from holbrook_desktop.ui.admin import staff_edit_dialog

    _unlock(admin_window)
    view = admin_window.admin.view
    _select(view, "Zoë Ndiaye")  # acknowledged today (on paper)
    dialog = view.edit_staff_dialog()
    dialog.has_leaving_date.setChecked(True)
    dialog.leaving_date.setDate(date(2025, 7, 18))
    answers = [False, True]
    asked = []
    monkeypatch.setattr(staff_edit_dialog, "ask_to_confirm",
                        lambda _parent, _title, message, question: asked.append(message) or answers.pop(0))
    assert not dialog.save()  # No: nothing changed
    assert store.staff.get(staff["Zoë Ndiaye"].id).leaving_date is None
    assert "acknowledged a policy on" in asked[0]
    assert dialog.save()  # Yes
    assert store.staff.get(staff["Zoë Ndiaye"].id).leaving_date == "2025-07-18"
    assert _last_audit(store)[0] == "staff.leaver"


def test_the_leaving_date_dialog_opens_on_the_date_on_record(admin_window, staff, store):
    _unlock(admin_window)
    view = admin_window.admin.view
    store.staff.mark_leaver(staff["Seán Murphy"].id, date(2027, 7, 23))
    view.reload_statuses()
    _select(view, "Seán Murphy")
    dialog = view.mark_leaver_dialog()
    assert dialog.leaving_date() == date(2027, 7, 23)
    dialog.reject()
    _select(view, "Siân O’Brien")
    assert view.mark_leaver_dialog().leaving_date() == date.today()
    assert not view.mark_leaver(staff["Siân O’Brien"].id, date(1925, 7, 23))
    assert "mistyped" in view.note.text()


def test_the_erase_dialog_cancels_on_enter_and_needs_the_word(admin_window, staff, store, qtbot):
    _unlock(admin_window)
    view = admin_window.admin.view
    admin_window.service.admin.set_retention_years(1)
    store.staff.mark_leaver(staff["Seán Murphy"].id, date(2024, 12, 20))
    dialog = view.retention_dialog()
    qtbot.waitExposed(dialog)
    assert dialog.cancel_button.isDefault() and dialog.focusWidget() is dialog.word
    qtbot.keyClicks(dialog.word, "eras")
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClicks(dialog.word, "e")
    assert dialog.erase_button.isEnabled()
    qtbot.keyClick(dialog.word, Qt.Key.Key_Return)  # Enter is Cancel's, even with the word typed
    assert dialog.result() == dialog.DialogCode.Rejected and not dialog.isVisible()
    assert store.staff.get(staff["Seán Murphy"].id).full_name == "Seán Murphy"


@pytest.mark.parametrize("name", ["light", "dark", "high-contrast"])
def test_a_pressed_filter_looks_pressed_in_every_theme(name, qtbot, restore_app_look):
    theme.apply_theme(restore_app_look, name)
    buttons = []
    for checked in (False, True):
        button = QPushButton("Overdue: 3")
        button.setCheckable(True)
        button.setChecked(checked)
        qtbot.addWidget(button)
        button.show()
        qtbot.waitExposed(button)
        buttons.append(button)
    off, on = (b.grab().toImage() for b in buttons)
    middle = (4, off.height() // 2)  # inside the border, left of the text
    highlight = QColor(theme.colours().highlight)
    assert contrast(QColor(on.pixel(*middle)), highlight) < 1.2
    assert contrast(QColor(off.pixel(*middle)), QColor(on.pixel(*middle))) > 1.5


def test_the_table_follows_changes_made_elsewhere(admin_window, staff, store, data_dir, qtbot):
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import NewStaffMember, Store

    _unlock(admin_window)
    view = admin_window.admin.view
    assert view.poll.isActive()
    assert not view.reload_if_changed()
    elsewhere = Store.open(data_dir, Actor("hr-laptop", "cli"))  # another window, or the command line
    try:
        elsewhere.staff.add(NewStaffMember("Nadia Okafor", "teacher", date(2026, 9, 1)))
    finally:
        elsewhere.close()
    view.poll.setInterval(50)
    qtbot.waitUntil(lambda: "Nadia Okafor" in [s.member.full_name for s in view.table.model.statuses()])
    assert view.table.count_buttons[Status.NEVER].text() == "Never: 4"
    assert not view.reload_if_changed()
    admin_window.admin.lock()
    assert not view.poll.isActive()

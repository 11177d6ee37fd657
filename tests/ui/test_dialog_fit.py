"""Dialogs on a 1024×768 screen with text at 200%: the buttons stay in sight, the content scrolls."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QFont, QScreen
from PySide6.QtWidgets import QPushButton, QScrollArea

from holbrook_desktop.app import App
from holbrook_desktop.core.hr.due import Status
from holbrook_desktop.ui.admin.admin_view import LeavingDateDialog, OnBehalfDialog
from holbrook_desktop.ui.admin.attestation_export_dialog import AttestationExportDialog
from holbrook_desktop.ui.admin.erase_dialog import EraseDialog
from holbrook_desktop.ui.admin.reminder_dialog import ReminderDialog
from holbrook_desktop.ui.admin.staff_edit_dialog import StaffEditDialog
from holbrook_desktop.ui.admin.staff_import_dialog import StaffImportDialog
from tests.conftest import REAL_CONTENT
from tests.ui.test_hr_export_dialogs import _status
from tests.ui.test_staff_import_dialog import STAFF_CSV

SMALL = QRect(0, 0, 1024, 768)
TINY = QRect(0, 0, 1024, 420)  # a projector's panel, or the window of a remote session


@pytest.fixture(params=[SMALL, TINY], ids=["1024x768", "1024x420"])
def small_screen_big_text(qapp, monkeypatch, request):
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(request.param))
    saved = QFont(qapp.font())
    bigger = QFont(saved)
    bigger.setPointSizeF(saved.pointSizeF() * 2)
    qapp.setFont(bigger)
    yield request.param
    qapp.setFont(saved)


def _dialogs(store, staff, tmp_path):
    service = App(REAL_CONTENT, records=store)
    member = store.staff.list()[0]
    csv = tmp_path / "staff.csv"
    csv.write_text(STAFF_CSV, encoding="utf-8")
    return {
        "edit person": StaffEditDialog(service, member),
        "leaving date": LeavingDateDialog(member.full_name, current=date(2026, 7, 22)),
        "on behalf": OnBehalfDialog(member.full_name, "Social Media Policy", date(2026, 12, 6)),
        "staff import": StaffImportDialog(service, csv),
        "attestation export": AttestationExportDialog(service),
        "erase": EraseDialog(SimpleNamespace(years=6, people=[  # the plan's fields the dialog shows
            SimpleNamespace(full_name=f"Leaver {n}", role_label="Teacher", leaving_date=date(2018, 7, 20),
                            refusal=None if n % 4 else "a quiz is still open") for n in range(1, 30)])),
        "reminders": ReminderDialog(service, [_status(n, f"Person {n}", Status.OVERDUE, None)
                                              for n in range(1, 40)]),
    }


def test_each_dialog_keeps_its_buttons_on_a_small_screen_and_scrolls(qtbot, store, staff, tmp_path,
                                                                     small_screen_big_text):
    screen = small_screen_big_text
    scrolled = []
    for name, dialog in _dialogs(store, staff, tmp_path).items():
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.wait(50)  # the scroll bars settle once the layout has run
        scroll = dialog.findChild(QScrollArea, "dialog-scroll")
        assert scroll is not None, f"{name}: its content does not scroll"
        buttons = [button for button in dialog.findChildren(QPushButton)
                   if button.isVisible() and not scroll.widget().isAncestorOf(button)]
        assert buttons, f"{name}: the buttons scroll away with the content"
        assert dialog.height() <= screen.height() and dialog.width() <= screen.width(), name
        for button in buttons:
            bottom = button.mapTo(dialog, button.rect().bottomLeft()).y()
            assert 0 < bottom <= dialog.height(), f"{name}: {button.text()} is off the dialog"
        if scroll.widget().minimumSizeHint().height() > scroll.viewport().height():  # (a table shrinks)
            assert scroll.verticalScrollBar().maximum() > 0, f"{name}: taller than the room, yet no scroll"
            scrolled.append(name)
        dialog.close()
    if screen == TINY:
        assert "edit person" in scrolled, "the tallest form should need scrolling at 200% on 420 pixels"

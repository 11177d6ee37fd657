"""HR's dialogs: signed PDFs copied on a worker thread (progress, stop, close), and the reminder list."""

import threading
import time
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

from holbrook_desktop.app import App
from holbrook_desktop.core.hr.due import PersonStatus, Status
from holbrook_desktop.core.records import StaffMember
from holbrook_desktop.ui import operation
from holbrook_desktop.ui.admin import attestation_export_dialog
from holbrook_desktop.ui.admin.attestation_export_dialog import AttestationExportDialog
from holbrook_desktop.ui.admin.reminder_dialog import ReminderDialog
from tests.conftest import REAL_CONTENT
from tests.core.test_attestation_export import signed


@pytest.fixture
def opened_urls(monkeypatch):
    """What the dialogs ask the desktop to open, instead of opening it."""
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    return opened


@pytest.fixture
def export_dialog(qtbot, store):
    dialog = AttestationExportDialog(App(REAL_CONTENT, records=store))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


class Copying:
    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.returned = threading.Event()


def _pause_after(monkeypatch, count: int) -> Copying:
    """The copy waits after `count` files until it is told to stop (as a slow network drive would
    give someone time to press Stop), so that stopping part-way is tested without a race."""
    copy = attestation_export_dialog.copy_attestations
    copying = Copying()

    def paused(plan, folder, *, progress, cancelled):
        copying.threads.append(threading.current_thread())

        def report(done: int, total: int) -> None:
            progress(done, total)
            deadline = time.monotonic() + 5
            while done == count and not cancelled() and time.monotonic() < deadline:
                time.sleep(0.005)

        try:
            return copy(plan, folder, progress=report, cancelled=cancelled)
        finally:
            copying.returned.set()

    monkeypatch.setattr(attestation_export_dialog, "copy_attestations", paused)
    return copying


def test_the_export_runs_to_the_end_and_offers_the_folder(qtbot, store, export_dialog, tmp_path, opened_urls):
    for name in ("Ann Smith", "Bob Jones", "Cat Brown"):
        signed(store, name)
    qtbot.mouseClick(export_dialog.start_button, Qt.MouseButton.LeftButton)
    assert "Choose the folder" in export_dialog.message.text() and not export_dialog.running

    out = tmp_path / "hr"
    export_dialog.set_folder(out)
    with qtbot.waitSignal(export_dialog.exportFinished, timeout=5000) as finished:
        qtbot.mouseClick(export_dialog.start_button, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert result.copied == 3 and not result.cancelled
    assert sorted(p.name for p in out.iterdir()) == ["brown-cat_social-media_2026-09-10.pdf",
                                                     "jones-bob_social-media_2026-09-10.pdf",
                                                     "smith-ann_social-media_2026-09-10.pdf"]
    assert (export_dialog.progress_bar.value(), export_dialog.progress_bar.maximum()) == (3, 3)
    assert export_dialog.message.text() == f"Copied 3 files to {out}, 0 already there, 0 missing."
    assert export_dialog.start_button.isEnabled() and not export_dialog.cancel_button.isEnabled()

    qtbot.mouseClick(export_dialog.open_button, Qt.MouseButton.LeftButton)
    assert [url.toLocalFile() for url in opened_urls] == [str(out)]

    # Again, only those since a later day: nothing new, nothing copied twice.
    export_dialog.set_since(date(2026, 9, 1))
    with qtbot.waitSignal(export_dialog.exportFinished, timeout=5000) as finished:
        qtbot.mouseClick(export_dialog.start_button, Qt.MouseButton.LeftButton)
    assert (finished.args[0].copied, finished.args[0].skipped_identical) == (0, 3)


def test_stop_part_way_keeps_what_is_copied(qtbot, store, export_dialog, tmp_path, monkeypatch):
    for n in range(6):
        signed(store, f"Person{n} Smith")
    copied_on = _pause_after(monkeypatch, 2)
    export_dialog.set_folder(tmp_path / "out")
    with qtbot.waitSignal(export_dialog.exportFinished, timeout=5000) as finished:
        qtbot.mouseClick(export_dialog.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: export_dialog.progress_bar.value() == 2)
        assert export_dialog.running and not export_dialog.start_button.isEnabled()
        qtbot.mouseClick(export_dialog.cancel_button, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert result.cancelled and result.copied == 2
    assert len(list((tmp_path / "out").iterdir())) == 2  # two whole PDFs, no part-written file
    assert export_dialog.message.text().startswith("Stopped after 2 of 6.")
    # Copied off the window's thread, so the window stayed responsive.
    assert copied_on.threads and copied_on.threads[0] is not threading.main_thread()


def test_closing_while_copying_stops_and_waits(qtbot, store, export_dialog, tmp_path, monkeypatch):
    for n in range(4):
        signed(store, f"Person{n} Smith")
    copying = _pause_after(monkeypatch, 1)
    export_dialog.set_folder(tmp_path / "out")
    qtbot.mouseClick(export_dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: export_dialog.progress_bar.value() == 1)

    qtbot.mouseClick(export_dialog.close_button, Qt.MouseButton.LeftButton)

    assert not export_dialog.isVisible() and copying.returned.is_set()  # waited for, not left running
    assert [p.suffix for p in (tmp_path / "out").iterdir()] == [".pdf"]
    qtbot.waitUntil(lambda: export_dialog.result is not None)
    assert export_dialog.result.cancelled and export_dialog.result.copied == 1


def test_a_destination_inside_the_data_folder_is_refused(qtbot, store, export_dialog):
    signed(store, "Ann Smith")
    export_dialog.set_folder(store.data_dir / "copies")
    with qtbot.waitSignal(export_dialog.exportFailed, timeout=5000) as failed:
        qtbot.mouseClick(export_dialog.start_button, Qt.MouseButton.LeftButton)
    assert "is inside the data folder" in failed.args[0] == export_dialog.message.text()
    assert not (store.data_dir / "copies").exists() and export_dialog.start_button.isEnabled()


# The reminder list -------------------------------------------------------------------------

def _status(number: int, name: str, status: Status, email: str | None) -> PersonStatus:
    member = StaffMember(number, name, None, "teacher", None, email, "2024-09-01", None, True)
    return PersonStatus(member, "social-media", status, date(2026, 10, 1), None)


def _reminder_dialog(qtbot, statuses) -> ReminderDialog:
    dialog = ReminderDialog(App(REAL_CONTENT), statuses)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_reminder_list_copies_and_opens_in_the_mail_program(qtbot, opened_urls):
    statuses = [_status(1, "Ann Smith", Status.OVERDUE, "ann@school.uk"),
                _status(2, "Bob Jones", Status.NEVER, "bob@school.uk"),
                _status(3, "Siân O’Brien", Status.DUE_SOON, None),
                _status(4, "Cat Brown", Status.ACKNOWLEDGED, "cat@school.uk")]
    dialog = _reminder_dialog(qtbot, statuses)
    assert dialog.list_view.toPlainText().splitlines() == [
        "Ann Smith <ann@school.uk> — overdue, was due 1 Oct 2026",
        "Bob Jones <bob@school.uk> — never acknowledged, was due 1 Oct 2026"]
    assert dialog.no_email_view.isVisible()
    assert dialog.no_email_view.toPlainText() == "Siân O’Brien — due by 1 Oct 2026"

    qtbot.mouseClick(dialog.copy_list_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("Ann Smith <ann@school.uk>") and "remind in person:\nSiân O’Brien" in copied
    assert "Cat Brown" not in copied
    qtbot.mouseClick(dialog.copy_emails_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "ann@school.uk; bob@school.uk"

    qtbot.mouseClick(dialog.mail_button, Qt.MouseButton.LeftButton)
    (url,) = opened_urls
    assert url.scheme() == "mailto"
    assert parse_qs(urlsplit(url.toString(QUrl.ComponentFormattingOption.FullyEncoded)).query)["bcc"] == [
        "ann@school.uk,bob@school.uk"]
    assert dialog.note.text() == "A new email is open in your mail program."


def test_a_long_reminder_list_says_how_many_emails_will_open(qtbot, opened_urls):
    statuses = [_status(n, f"Person {n}", Status.OVERDUE, f"person.number.{n}@holbrook-primary.school.uk")
                for n in range(1, 101)]
    dialog = _reminder_dialog(qtbot, statuses)
    count = len(dialog.urls)
    assert count > 1 and dialog.note.text().startswith(f"The list is long: {count} emails will open, each "
                                                       "with up to ")
    qtbot.mouseClick(dialog.mail_button, Qt.MouseButton.LeftButton)
    assert len(opened_urls) == count
    assert dialog.note.text() == f"{count} new emails are open in your mail program."


def test_nobody_to_remind(qtbot):
    dialog = _reminder_dialog(qtbot, [_status(1, "Ann Smith", Status.ACKNOWLEDGED, "ann@school.uk")])
    assert dialog.summary.text().startswith("Nobody needs a reminder")
    assert not dialog.mail_button.isEnabled() and not dialog.copy_emails_button.isEnabled()
    assert not dialog.no_email_view.isVisible()


def test_the_dialog_destroyed_mid_copy_stops_the_copy_without_a_crash(qtbot, store, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QWidget

    for n in range(4):
        signed(store, f"Person{n} Smith")
    copying = _pause_after(monkeypatch, 1)
    admin_area = QWidget()  # locked while the copy runs: it and its dialogs are deleted
    dialog = AttestationExportDialog(App(REAL_CONTENT, records=store), admin_area)
    dialog.set_folder(tmp_path / "out")
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress_bar.value() == 1)

    admin_area.deleteLater()
    qtbot.waitUntil(lambda: copying.returned.is_set() and operation.unfinished() == 0, timeout=3000)
    assert [p.suffix for p in (tmp_path / "out").iterdir()] == [".pdf"]

"""Damage met in the records while the window runs: one message, nothing written, the backup offered."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QTimer

from holbrook_desktop.core.content.render import Location
from holbrook_desktop.ui import crash_report
from holbrook_desktop.ui.records_damage import RecordsDamage
from tests.core.test_store_safety import garble_the_middle
from tests.ui.test_records_startup import _records_with_a_backup, _start, answer_boxes  # noqa: F401


@pytest.fixture
def file_when_told(monkeypatch, data_dir):
    """The records file as it is when the person is told (before a restore sets it aside)."""
    seen: list[bytes] = []
    ask = RecordsDamage._ask

    def asking(self, damage):
        seen.append((data_dir / "holbrook.db").read_bytes())
        return ask(self, damage)

    monkeypatch.setattr(RecordsDamage, "_ask", asking)
    return seen


@pytest.fixture
def last_resort(monkeypatch):
    """The app's own last resort for errors no handler caught (a read in a slot meets the damage)."""
    report = crash_report.CrashReport()
    monkeypatch.setattr(sys, "excepthook", report.excepthook)
    return report


def _signed_in_then_damaged(qtbot, data_dir):
    _records_with_a_backup(data_dir)
    window = _start(qtbot, data_dir)
    member = window.service.records.staff.list()[0]
    assert window.sign_in(member.id)
    garble_the_middle(data_dir / "holbrook.db")
    # A big file is never all in memory: drop the pages held, so the next statement goes to the disk.
    window.service.records.db.conn.execute("PRAGMA shrink_memory")
    return window, (data_dir / "holbrook.db").read_bytes()


def _read_on(window) -> None:
    """Moving to the next section records the place read: a write into the damaged file (from the
    event loop, as a click would: what no handler catches goes to the app's last resort)."""
    QTimer.singleShot(0, lambda: window.show_location(Location("social-media", "2")))
    QTimer.singleShot(0, window.reading_controller.on_end_of_page_visible)


@pytest.mark.qt_no_exception_capture
def test_damage_met_while_reading_signs_out_explains_and_restores_the_backup(
        qtbot, data_dir, answer_boxes, last_resort, file_when_told):  # noqa: F811
    shown, answers = answer_boxes
    window, damaged = _signed_in_then_damaged(qtbot, data_dir)
    answers.append("Restore the newest backup")
    _read_on(window)
    qtbot.waitUntil(lambda: len(shown) == 1)

    assert last_resort.box is None, "damage is no crash"
    assert shown[0]["title"] == "The staff records are damaged"
    assert "nothing more will be written" in shown[0]["text"]
    assert shown[0]["buttons"] == ["Restore the newest backup", "Continue reading without saving"]
    assert file_when_told == [damaged], "the damaged file was written to"
    assert any(p.name.startswith("holbrook.db.damaged-") for p in data_dir.iterdir()), "kept, renamed"
    assert window.service.signed_in is None
    assert window.is_showing_start_screen()
    assert window.start_screen.shown_names() == ["Siân O’Brien"]
    assert "restored from the backup daily-holbrook-" in window.start_screen.note_text()
    assert not window.service.records.damaged
    window.service.records.close()


@pytest.mark.qt_no_exception_capture
def test_continuing_without_saving_leaves_the_file_alone_and_reads_on(
        qtbot, data_dir, answer_boxes, last_resort, file_when_told):  # noqa: F811
    shown, answers = answer_boxes
    window, damaged = _signed_in_then_damaged(qtbot, data_dir)
    answers.append("Continue reading without saving")
    _read_on(window)
    qtbot.waitUntil(lambda: len(shown) == 1)
    _read_on(window)  # more reading: no second message, nothing written
    qtbot.wait(50)

    assert len(shown) == 1, "one message, no crash report"
    assert last_resort.box is None
    assert file_when_told == [damaged], "the damaged file was written to"
    assert not any(p.name.startswith("holbrook.db.damaged-") for p in data_dir.iterdir())
    assert window.service.records is None and window.service.signed_in is None
    assert window.start_screen is None
    assert window.records_note.text().startswith("Reading only: the staff records could not be opened")
    assert window.pages.currentWidget() is window.reading_page

"""An error nobody caught: logged with its traceback, and one plain message at a time."""

from __future__ import annotations

import contextlib
import logging
import sys
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from holbrook_desktop.core import logs
from holbrook_desktop.ui import crash_report


@pytest.fixture
def log_file(tmp_path):
    return logs.configure_logging(tmp_path)


@contextlib.contextmanager
def installed():
    """The hooks as the window sets them, put back after (pytest-qt has its own in place)."""
    saved = sys.excepthook, threading.excepthook
    try:
        yield crash_report.install()
    finally:
        sys.excepthook, threading.excepthook = saved


def _messages() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def _logged(path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def boom() -> None:
    raise RuntimeError("a fault in a slot")


def test_the_window_start_up_sets_both_hooks(qtbot):
    with installed() as report:
        assert sys.excepthook == report.excepthook
        assert threading.excepthook == report.thread_excepthook
        assert crash_report.install() is report  # again: the same, no second report


def test_an_error_in_the_window_is_logged_and_shown_once_for_a_burst(qtbot, log_file):
    with installed() as report:
        for _ in range(5):  # one fault, five times over: one message, not five
            QTimer.singleShot(0, boom)
        qtbot.waitUntil(lambda: len(_messages()) == 1 and report.unshown == 4)
        qtbot.wait(20)
        (box,) = _messages()
        assert box.icon() == QMessageBox.Icon.Critical
        assert box.text().startswith("Something went wrong")
        assert f"The details are in {log_file}." in box.text() and "Your records are safe" in box.text()
        written = _logged(log_file)
        assert written.count("CRITICAL holbrook_desktop.ui.crash_report: unhandled error") == 5
        assert "Traceback" in written and "RuntimeError: a fault in a slot" in written

        box.close()  # read and closed: the next error is shown again
        qtbot.waitUntil(lambda: report.box is None)
        QTimer.singleShot(0, boom)
        qtbot.waitUntil(lambda: len(_messages()) == 1)
        _messages()[0].close()


def test_an_error_in_another_thread_is_shown_on_the_windows_thread(qtbot, log_file):
    with installed():
        worker = threading.Thread(target=boom, name="copying")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(_messages()) == 1)
        assert "unhandled error in the thread copying" in _logged(log_file)
        _messages()[0].close()


def test_a_message_that_cannot_be_shown_is_logged_and_never_raised_again(qtbot, log_file, monkeypatch):
    made = []

    class BrokenBox:
        Icon = QMessageBox.Icon
        StandardButton = QMessageBox.StandardButton

        def __init__(self, *args):
            made.append(args)
            raise RuntimeError("no display")

    monkeypatch.setattr(crash_report, "QMessageBox", BrokenBox)
    with installed() as report:
        QTimer.singleShot(0, boom)
        qtbot.waitUntil(lambda: len(made) == 1)
        qtbot.wait(50)
        assert len(made) == 1 and report.box is None  # tried once, no loop of errors about errors
        assert "unhandled error while showing the error message" in _logged(log_file)
        QTimer.singleShot(0, boom)  # a later error is tried again
        qtbot.waitUntil(lambda: len(made) == 2)


def test_before_the_event_loop_the_message_waits_to_be_read(qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    report = crash_report.CrashReport()
    try:
        raise ValueError("at start-up")
    except ValueError:
        report.excepthook(*sys.exc_info())
    assert len(shown) == 1 and shown[0].startswith("Something went wrong")

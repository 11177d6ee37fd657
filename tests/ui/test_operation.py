"""The one way the window runs slow work: off its thread, reported on it, and what the person is told."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from holbrook_desktop.core.errors import Failure, Refused
from holbrook_desktop.ui import operation
from holbrook_desktop.ui.operation import Operation


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    widget.button = QPushButton("Export", widget)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    qtbot.waitUntil(lambda: operation.unfinished() == 0)


def _boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def _close_boxes() -> None:
    for box in _boxes():
        box.close()


def test_the_work_runs_off_the_windows_thread_and_its_result_comes_back_on_it(qtbot, parent):
    ran_on, reported_on, results = [], [], []

    def work() -> int:
        ran_on.append(threading.current_thread())
        return 42

    def done(result: int) -> None:
        reported_on.append(threading.current_thread())
        results.append(result)

    op = Operation(parent, "test work", work, on_done=done, disable=[parent.button])
    with qtbot.waitSignal(op.finished, timeout=5000):
        op.run()
        assert not parent.button.isEnabled()  # busy: the button that started it cannot start it again
    assert results == [42]
    assert ran_on[0] is not threading.main_thread()
    assert reported_on == [threading.main_thread()]
    assert parent.button.isEnabled() and QApplication.overrideCursor() is None
    assert _boxes() == []


def test_a_refusal_is_shown_as_a_warning_with_its_text(qtbot, parent, caplog):
    def work():
        raise Refused("Choose a folder outside the app's data folder.")

    op = Operation(parent, "test work", work, title="Copy", on_done=lambda _r: pytest.fail("no result"))
    with qtbot.waitSignal(op.refused, timeout=5000) as refused:
        op.run()
    assert refused.args == ["Choose a folder outside the app's data folder."]
    (box,) = _boxes()
    assert box.icon() == QMessageBox.Icon.Warning and box.windowTitle() == "Copy"
    assert box.text() == "Choose a folder outside the app's data folder."
    assert not any(r.exc_info for r in caplog.records)  # the person's to fix: no traceback logged
    _close_boxes()


def test_an_unexpected_error_is_logged_with_its_traceback_and_shown(qtbot, parent, caplog, tmp_path):
    from holbrook_desktop.core import logs

    logs.configure_logging(tmp_path)

    def work():
        raise ZeroDivisionError("division by zero")

    with caplog.at_level(logging.INFO, logger="holbrook_desktop.ui.operation"):
        op = Operation(parent, "test work", work, title="Report")
        with qtbot.waitSignal(op.failed, timeout=5000):
            op.run()
    (box,) = _boxes()
    assert box.icon() == QMessageBox.Icon.Critical
    assert "Something went wrong: division by zero." in box.text()
    assert str(tmp_path / "logs" / "holbrook.log") in box.text()
    [failure] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failure.getMessage() == "test work failed" and failure.exc_info[0] is ZeroDivisionError
    for handler in logging.getLogger().handlers:
        handler.flush()
    written = (tmp_path / "logs" / "holbrook.log").read_text(encoding="utf-8")
    assert "Traceback" in written and "ZeroDivisionError" in written
    _close_boxes()


def test_a_failure_says_its_own_words(qtbot, parent):
    def work():
        raise Failure("The disk is full. Free some space and try again.")

    op = Operation(parent, "test work", work)
    with qtbot.waitSignal(op.failed, timeout=5000):
        op.run()
    (box,) = _boxes()
    assert box.text() == "The disk is full. Free some space and try again."
    _close_boxes()


def test_a_form_may_say_it_its_own_way(qtbot, parent):
    class NameRefused(ValueError):
        pass

    said = []

    def work():
        raise NameRefused("Type your name as it is on your record.")

    op = Operation(parent, "test work", work, refusals=(NameRefused,),
                   on_refused=lambda exc: said.append(str(exc)),
                   on_failed=lambda exc: pytest.fail(f"not a failure: {exc}"))
    with qtbot.waitSignal(op.finished, timeout=5000):
        op.run()
    assert said == ["Type your name as it is on your record."] and _boxes() == []


def test_progress_is_reported_and_the_work_can_be_stopped(qtbot, parent):
    seen: list[tuple[int, int]] = []
    may_go_on = threading.Event()

    def work(progress, cancelled) -> str:
        for done in range(1, 101):
            if cancelled():
                return f"stopped after {done - 1}"
            progress(done, 100)
            if done == 3:
                may_go_on.wait(5)
        return "all done"

    op = Operation(parent, "test work", work, reports_progress=True, wait_cursor=False)
    op.progressed.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(op.succeeded, timeout=5000) as finished:
        op.run()
        qtbot.waitUntil(lambda: (3, 100) in seen)
        op.cancel()
        may_go_on.set()
    assert finished.args == ["stopped after 3"]
    assert seen[:3] == [(1, 100), (2, 100), (3, 100)]


def test_work_on_the_records_runs_at_once_on_the_windows_thread(qtbot, parent):
    ran_on, results = [], []
    op = Operation(parent, "test work", lambda: ran_on.append(threading.current_thread()) or "kept",
                   on_done=results.append, uses_records=True, disable=[parent.button])
    op.run()
    assert ran_on == [threading.main_thread()] and results == ["kept"]
    assert parent.button.isEnabled() and QApplication.overrideCursor() is None


def test_the_widget_deleted_mid_work_is_no_crash_and_the_cursor_comes_back(qtbot):
    holder = QWidget()
    release = threading.Event()
    op = Operation(holder, "test work", lambda: release.wait(5), on_done=lambda _r: pytest.fail("gone"))
    op.run()
    assert QApplication.overrideCursor() is not None
    holder.deleteLater()
    qtbot.waitUntil(lambda: QApplication.overrideCursor() is None)
    release.set()
    qtbot.waitUntil(lambda: operation.unfinished() == 0)

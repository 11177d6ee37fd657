"""Work that takes a while, run off the window's thread and reported back on it by signal.

    Operation(self, "spreadsheet export", lambda: write_xlsx(rows, path), title=self.tr("Spreadsheet"),
              on_done=lambda count: self.tell(...), disable=[self.export_button]).run()

On success `on_done(result)` runs on the window's thread. A `Refused` (the person can put it right)
is shown as a plain warning with its text; a `Failure` or any other exception is logged with its
traceback and shown as a plain error. The work never touches a widget: it returns a value, or reports
progress through the `progress(done, total)` it is given (with `reports_progress=True`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from holbrook_desktop.core import logs
from holbrook_desktop.core.errors import Failure, Refused
from holbrook_desktop.core.records.errors import DatabaseDamaged

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Operation", text)


class _Relay(QObject):
    """Lives on the window's thread; the worker only emits its signals, which Qt queues to that thread."""

    progressed = Signal(int, int)
    returned = Signal(object)
    raised = Signal(object)
    ended = Signal(object)  # the job


class _Home(QObject):
    """Holds each job's relay until its end has reached the window's thread, so that nothing the worker
    still uses is deleted under it, whatever happens to the widget that started it."""

    def __init__(self) -> None:
        super().__init__()
        self.jobs: set[_Job] = set()

    @Slot(object)
    def retire(self, job: _Job) -> None:
        self.jobs.discard(job)
        job.relay.deleteLater()  # on this thread, after the signals already queued are delivered


_home: _Home | None = None


def _the_home() -> _Home:
    global _home
    if _home is None:
        _home = _Home()
    return _home


def unfinished() -> int:
    """How many operations' work has not yet returned and been reported (zero when all is quiet)."""
    return len(_home.jobs) if _home is not None else 0


class _Job:
    """The worker's side: the work, a way to stop it, and the relay it reports through."""

    def __init__(self, work: Callable[..., Any], reports_progress: bool, stop: threading.Event) -> None:
        home = _the_home()
        self.work = work
        self.reports_progress = reports_progress
        self.stop = stop
        self.returned = threading.Event()
        self.relay = _Relay(home)  # a child of the home: deleted only on the window's thread
        self.relay.ended.connect(home.retire)
        home.jobs.add(self)

    def run(self) -> None:  # on a worker thread
        relay = self.relay
        try:
            result = _call(self.work, self.reports_progress, relay.progressed.emit, self.stop.is_set)
        except BaseException as exc:  # reported on the window's thread, not lost with the worker
            relay.raised.emit(exc)
        else:
            relay.returned.emit(result)
        finally:
            self.returned.set()
            relay.ended.emit(self)


def _call(work: Callable[..., Any], reports_progress: bool, progress: Callable[[int, int], None],
         cancelled: Callable[[], bool]) -> Any:
    return work(progress=progress, cancelled=cancelled) if reports_progress else work()


class Operation(QObject):
    """One piece of work started from a widget, and what the person is told when it ends.

    While it runs the widgets in `disable` are disabled (and put back as they were after) and, unless
    `wait_cursor=False` (long work with its own progress bar), the cursor shows that the app is busy.
    `refusals` are further exception types to treat as Refused (a domain's own refusal). `on_refused`
    and `on_failed`, when given, say it their own way instead of the message box (a form that points
    at the field to put right); a failure is logged with its traceback either way.

    `uses_records=True` is for work that reads or writes the staff records: SQLite may be used only
    on the thread that opened it (the window's), so such work runs there, at once, inside `run()`,
    with the same busy state and reporting. The Operation deletes itself once it has reported."""

    busy = Signal(bool)
    progressed = Signal(int, int)  # done, total
    succeeded = Signal(object)  # the work's result
    refused = Signal(str)
    failed = Signal(str)
    finished = Signal()  # after any of the three above

    def __init__(self, parent: QWidget, name: str, work: Callable[..., Any], *,
                 title: str = "",
                 on_done: Callable[[Any], None] | None = None,
                 on_refused: Callable[[Exception], None] | None = None,
                 on_failed: Callable[[BaseException], None] | None = None,
                 refusals: tuple[type[Exception], ...] = (),
                 disable: Sequence[QWidget] = (),
                 wait_cursor: bool = True,
                 reports_progress: bool = False,
                 uses_records: bool = False) -> None:
        super().__init__(parent)
        self._parent = parent
        self.name = name  # for the log: plain words, no one's name
        self.title = title
        self._work = work
        self._on_done = on_done
        self._on_refused = on_refused
        self._on_failed = on_failed
        self._refusals = (Refused, *refusals)
        self._disable = list(disable)
        self._wait_cursor = wait_cursor
        self._reports_progress = reports_progress
        self._uses_records = uses_records
        self._job: _Job | None = None
        self._was_enabled: list[tuple[QWidget, bool]] = []
        self._cursor = _Cursor()
        self._stop = threading.Event()
        # Deleted with its widget mid-work (the admin area locked): the work is asked to stop, and the
        # busy cursor is put back.
        self.destroyed.connect(self._stop.set)
        self.destroyed.connect(self._cursor.release)
        self.running = False
        self.message_box: QMessageBox | None = None  # what the person was shown, if anything

    def run(self) -> Operation:
        if self.running:
            return self
        self._set_busy(True)
        log.info("%s started", self.name)
        if self._uses_records:
            try:
                result = _call(self._work, self._reports_progress, self.progressed.emit, self._stop.is_set)
            except BaseException as exc:
                self._on_raised(exc)
            else:
                self._on_returned(result)
            return self
        job = self._job = _Job(self._work, self._reports_progress, self._stop)
        job.relay.progressed.connect(self.progressed)
        job.relay.returned.connect(self._on_returned)
        job.relay.raised.connect(self._on_raised)
        QThreadPool.globalInstance().start(job.run)
        return self

    def cancel(self) -> None:
        """Ask the work to stop: it sees `cancelled()` become true and ends as it sees fit."""
        self._stop.set()

    def wait(self, msecs: int | None = None) -> bool:
        """Block until the work has returned (its report still comes by the event loop)."""
        if self._job is None:
            return True
        return self._job.returned.wait(None if msecs is None else msecs / 1000)

    # On the window's thread ----------------------------------------------------------------

    @Slot(object)
    def _on_returned(self, result: Any) -> None:
        self._set_busy(False)
        log.info("%s done", self.name)
        self.succeeded.emit(result)
        if self._on_done is not None:
            self._on_done(result)
        self._end()

    @Slot(object)
    def _on_raised(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, self._refusals):
            # The text may quote what the person typed: only the kind of refusal is logged.
            log.info("%s refused (%s)", self.name, type(exc).__name__)
            self.refused.emit(str(exc))
            if self._on_refused is not None:
                self._on_refused(exc)
            else:
                self.message_box = show_message(self._parent, QMessageBox.Icon.Warning, self.title, str(exc))
        else:
            log.error("%s failed", self.name, exc_info=(type(exc), exc, exc.__traceback__))
            self.failed.emit(str(exc))
            if self._on_failed is not None:
                self._on_failed(exc)
            elif isinstance(exc, DatabaseDamaged):
                pass  # said once, with the backup offered, by the window (ui/records_damage.py)
            else:
                self.message_box = show_message(self._parent, QMessageBox.Icon.Critical, self.title,
                                                failure_text(exc))
        self._end()

    def _end(self) -> None:
        self.finished.emit()
        self.deleteLater()

    def _set_busy(self, busy: bool) -> None:
        self.running = busy
        if busy:
            self._was_enabled = [(widget, widget.isEnabled()) for widget in self._disable]
            for widget in self._disable:
                widget.setEnabled(False)
            if self._wait_cursor:
                self._cursor.hold()
        else:
            for widget, enabled in self._was_enabled:
                widget.setEnabled(enabled)
            self._was_enabled = []
            self._cursor.release()
        self.busy.emit(busy)


class _Cursor:
    """The busy cursor, set once and put back once."""

    def __init__(self) -> None:
        self.held = False

    def hold(self) -> None:
        if not self.held:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            self.held = True

    def release(self, *_args) -> None:
        if self.held:
            self.held = False
            QApplication.restoreOverrideCursor()


def failure_text(exc: BaseException) -> str:
    """What to say about something the person cannot put right: its own words for a Failure, and
    where the details are for anything unexpected."""
    if isinstance(exc, Failure):
        return str(exc)
    where = logs.log_file()
    details = (_tr("The details are in %1.").replace("%1", str(where)) if where is not None
               else _tr("Please tell whoever looks after this PC."))
    return _tr("Something went wrong: %1. %2").replace("%1", str(exc) or type(exc).__name__).replace(
        "%2", details)


def show_message(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    """A plain message with one OK button, opened without blocking (the window carries on)."""
    box = QMessageBox(icon, title or QApplication.applicationName(), text, QMessageBox.StandardButton.Ok,
                      parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.open()
    return box

"""The last resort: an error nobody caught is logged with its traceback and the person told plainly,
since the windowed Windows executable has no console to print it on."""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QMessageBox

from holbrook_desktop.core import logs

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("CrashReport", text)


def message_text() -> str:
    where = logs.log_file()
    details = (_tr("The details are in %1.").replace("%1", str(where)) if where is not None
               else _tr("The details could not be written to a log file."))
    return _tr("Something went wrong, and what you were doing may not have finished. %1\n\nYour records "
               "are safe; you can carry on, or close the app and open it again. If it happens again, "
               "please tell whoever looks after this PC.").replace("%1", details)


class CrashReport(QObject):
    """Made on the window's thread. One message at a time: errors that come while it is open (a burst
    from one fault) are logged only. If showing the message fails, that is logged, never re-raised."""

    _report = Signal()  # emitted from any thread; shown on the window's (at once if it is that one)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.box: QMessageBox | None = None
        self.unshown = 0  # errors logged while a message was already open
        self._showing = False
        self._report.connect(self._show)

    def excepthook(self, kind: type[BaseException], value: BaseException,
                   traceback: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, traceback)
            return
        self._log(kind, value, traceback, "")
        if not _told_elsewhere(value):
            self._report.emit()

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "?"
        self._log(args.exc_type, args.exc_value, args.exc_traceback, f" in the thread {name}")
        if not _told_elsewhere(args.exc_value):
            self._report.emit()

    def _log(self, kind, value, traceback, where: str) -> None:
        with contextlib.suppress(Exception):  # the last resort has nowhere else to go
            log.critical("unhandled error%s", where, exc_info=(kind, value, traceback))

    @Slot()
    def _show(self) -> None:
        if self._showing or (self.box is not None and self.box.isVisible()):
            self.unshown += 1
            return
        self._showing = True  # an error raised while the message is made comes back here: not again
        try:
            box = QMessageBox(QMessageBox.Icon.Critical, _tr("Something went wrong"), message_text(),
                              QMessageBox.StandardButton.Ok)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box.finished.connect(self._closed)
            self.box = box
            if QThread.currentThread().loopLevel() == 0:
                box.exec()  # before the window's event loop, or after it: nothing else would show it
            else:
                box.open()
        except Exception:
            self.box = None
            self._log(*sys.exc_info(), " while showing the error message")
        finally:
            self._showing = False

    @Slot()
    def _closed(self) -> None:
        self.box = None
        if self.unshown:
            log.info("%d more errors came while the message was open", self.unshown)
            self.unshown = 0


_installed: CrashReport | None = None


def _told_elsewhere(value: BaseException | None) -> bool:
    """Damage met in the records is no crash: the window says so once, with the backup offered
    (ui/records_damage.py), wherever it surfaced."""
    from holbrook_desktop.core.records.errors import DatabaseDamaged

    return isinstance(value, DatabaseDamaged)


def install() -> CrashReport:
    """Route uncaught errors (of the window's thread and of any other) to the log and a message.
    Call once the QApplication exists; calling it again changes nothing."""
    global _installed
    if _installed is None:
        _installed = CrashReport(QCoreApplication.instance())
    sys.excepthook = _installed.excepthook
    threading.excepthook = _installed.thread_excepthook
    return _installed

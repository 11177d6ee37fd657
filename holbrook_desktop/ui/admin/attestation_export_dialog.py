"""“Signed PDFs…”: every signed attestation copied into a folder HR chooses, on a worker thread."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.attestation.export import (
    AttestationExportPlan,
    AttestationExportResult,
    copy_attestations,
)
from holbrook_desktop.core.errors import Refused
from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.ui import theme
from holbrook_desktop.ui.accessibility import announce, caption
from holbrook_desktop.ui.operation import Operation
from holbrook_desktop.ui.save_target import choose_save_folder
from holbrook_desktop.ui.screen_fit import scroll_above_buttons

log = logging.getLogger(__name__)


def copying(plan: AttestationExportPlan, folder: Path):
    """The work for the Operation: copies the planned PDFs on a worker thread. It never touches a
    widget, and never the records (SQLite may be used only on the thread that opened it)."""

    def copy(progress, cancelled) -> AttestationExportResult:
        try:
            return copy_attestations(plan, folder, progress=progress, cancelled=cancelled)
        except ValueError as exc:  # a folder inside the data folder
            raise Refused(str(exc)) from exc
        except OSError as exc:
            where = exc.filename or folder
            raise Refused(f"The PDFs could not be copied into {where}: {exc.strerror or exc}") from exc

    return copy


class AttestationExportDialog(QDialog):
    exportFinished = Signal(object)  # AttestationExportResult
    exportFailed = Signal(str)

    def __init__(self, service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.result: AttestationExportResult | None = None
        self._operation: Operation | None = None
        self.setWindowTitle(self.tr("Copy the signed PDFs"))
        self.setMinimumWidth(560)

        intro = QLabel(self.tr("Every signed attestation is copied into the folder you choose, named "
                               "surname-firstname_policy_date.pdf for filing. Nothing already in the "
                               "folder is replaced: copies made before are recognised and skipped."), self)
        intro.setWordWrap(True)
        self.folder_edit = QLineEdit(self)
        self.folder_edit.setAccessibleName(self.tr("Folder to copy into"))
        self.folder_edit.setPlaceholderText(self.tr("Choose a folder, e.g. on the HR shared drive"))
        self.choose_button = QPushButton(self.tr("C&hoose…"), self)
        self.since_check = QCheckBox(self.tr("Only those signed on or &after"), self)
        self.since_date = QDateEdit(QDate.currentDate().addMonths(-1), self)
        self.since_date.setAccessibleName(self.tr("Signed on or after"))
        self.since_date.setCalendarPopup(True)
        self.since_date.setDisplayFormat("d MMMM yyyy")
        self.since_date.setEnabled(False)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose_button)
        since_row = QHBoxLayout()
        since_row.addWidget(self.since_check)
        since_row.addWidget(self.since_date)
        since_row.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Folder:"), folder_row)
        form.addRow(self.tr("Which:"), since_row)

        self.progress_bar = QProgressBar(self)
        self.progress_bar.setAccessibleName(self.tr("PDFs copied"))
        self.progress_bar.hide()
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        caption(self.message, self.tr("What happened"))
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setAccessibleName(self.tr("PDFs that could not be copied"))
        self.details.setMaximumHeight(120)
        self.details.hide()

        self.start_button = QPushButton(self.tr("&Copy"), self)
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("&Stop"), self)
        self.cancel_button.setToolTip(self.tr("Stop after the file being copied; the files done so far stay"))
        self.cancel_button.setEnabled(False)
        self.open_button = QPushButton(self.tr("&Open folder"), self)
        self.open_button.hide()
        self.close_button = QPushButton(self.tr("Close"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        for button in (self.start_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.message)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        scroll_above_buttons(self, buttons)
        self._connect_signals()

    def _connect_signals(self) -> None:
        # Gone mid-copy (the admin area locked): the Operation, deleted with the dialog, stops the copy
        # at the next file.
        self.choose_button.clicked.connect(self.choose_folder)
        self.since_check.toggled.connect(self.since_date.setEnabled)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.open_button.clicked.connect(self.open_folder)
        self.close_button.clicked.connect(self.reject)

    # What to copy --------------------------------------------------------------------------

    def choose_folder(self) -> None:
        chosen = choose_save_folder(self, self.tr("Copy the signed PDFs into"), self.folder_edit.text(),
                                    self.service.data_dir)
        if chosen is not None:
            self.set_folder(chosen)

    def set_folder(self, folder: Path) -> None:
        self.folder_edit.setText(str(folder))

    def set_since(self, day: date | None) -> None:
        self.since_check.setChecked(day is not None)
        if day is not None:
            self.since_date.setDate(QDate(day.year, day.month, day.day))

    def since(self) -> date | None:
        return self.since_date.date().toPython() if self.since_check.isChecked() else None

    @property
    def running(self) -> bool:
        return self._operation is not None

    # Copying -------------------------------------------------------------------------------

    def start(self) -> bool:
        """Plan here (the records are read on this thread), then copy on a worker thread."""
        if self.running:
            return False
        text = self.folder_edit.text().strip()
        if not text:
            self._say(self.tr("Choose the folder to copy into first."), problem=True)
            return False
        folder = Path(text).expanduser()
        try:
            plan = self._plan(self.since())
        except StoreError as exc:
            self._say(str(exc), problem=True)
            return False
        if not plan.items:
            self._say(self.tr("There are no signed PDFs to copy.") if self.since() is None else
                      self.tr("No signed PDFs since that day."), problem=False)
            return False
        self.result = None
        self.details.hide()
        self.open_button.hide()
        self.progress_bar.setRange(0, len(plan.items))
        self.progress_bar.setValue(0)
        self.progress_bar.show()
        self._say(self.tr("Copying %1 signed PDFs…").replace("%1", str(len(plan.items))), problem=False)
        self._set_running(True)
        self._operation = Operation(
            self, "signed PDFs export", copying(plan, folder), title=self.windowTitle(),
            on_done=self._on_finished, on_refused=lambda exc: self._on_failed(str(exc)),
            on_failed=lambda exc: self._on_failed(f"The PDFs could not be copied: {exc}"),
            reports_progress=True, wait_cursor=False)  # a progress bar and Stop instead
        self._operation.progressed.connect(self._on_progress)
        self._operation.run()
        return True

    def _plan(self, since: date | None) -> AttestationExportPlan:
        return self.service.attestation.plan_export(since=since)

    def cancel(self) -> None:
        """Stop after the file being copied; what is copied stays, and a new start skips it."""
        if self._operation is not None:
            self._operation.cancel()
            self.cancel_button.setEnabled(False)
            self._say(self.tr("Stopping…"), problem=False)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress_bar.setMaximum(total)
        self.progress_bar.setValue(done)

    def _on_finished(self, result: AttestationExportResult) -> None:
        self._finished()
        self.result = result
        self._audited(result)
        copied = self.tr("Copied %1 files to %2, %3 already there, %4 missing.").replace(
            "%1", str(result.copied)).replace("%2", str(result.folder)).replace(
            "%3", str(result.skipped_identical)).replace("%4", str(len(result.missing)))
        if result.cancelled:
            done = result.copied + result.skipped_identical + len(result.missing)
            copied = self.tr("Stopped after %1 of %2. ").replace("%1", str(done)).replace(
                "%2", str(result.total)) + copied + " " + self.tr("Copy again to finish: files already "
                                                               "there are skipped.")
        self._say(copied, problem=bool(result.missing))
        if result.missing:
            lines = [self.tr("Record %1: %2").replace("%1", str(record_id)).replace("%2", reason)
                     for record_id, reason in result.missing]
            self.details.setPlainText("\n".join(lines))
            self.details.show()
        self.open_button.show()
        self.exportFinished.emit(result)

    def _audited(self, result: AttestationExportResult) -> None:
        try:
            self.service.hr.record_export("attestations", result.copied + result.skipped_identical,
                                           result.folder)
        except StoreError as exc:  # the copies are made; the note of it could not be written
            log.warning("the attestation export could not be audited: %s", exc)

    def _on_failed(self, message: str) -> None:
        self._finished()
        self._say(message, problem=True)
        self.exportFailed.emit(message)

    def open_folder(self) -> None:
        if self.result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.folder)))

    def _finished(self) -> None:
        self._operation = None
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for field in (self.folder_edit, self.choose_button, self.since_check):
            field.setEnabled(not running)
        self.since_date.setEnabled(not running and self.since_check.isChecked())

    def _say(self, text: str, *, problem: bool) -> None:
        self.message.setStyleSheet(theme.error_style() if problem else "")
        self.message.setText(text)
        announce(self.message, text, assertive=problem)

    # Closing while copying: stop, and wait for the file being copied --------------------------

    def stop_and_wait(self) -> None:
        if self._operation is not None:
            self._operation.cancel()
            self._operation.wait()  # the file being copied is finished; the result comes by signal

    def done(self, code: int) -> None:
        self.stop_and_wait()
        super().done(code)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_and_wait()
        super().closeEvent(event)

"""The whole of the policy on screen printed, or saved as an A4 PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from holbrook_desktop import APP_NAME
from holbrook_desktop.ui.reading.reader_view import render_print_document

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from holbrook_desktop.core.content.handbook import Policy
    from holbrook_desktop.core.content.service import ContentService

# QtPrintSupport and the dialogs are imported when used: printing is rare, start-up is every time.


class PolicyPrinting(QObject):
    """Prints or saves whichever policy `current_policy` names at the time."""

    def __init__(self, window: QMainWindow, content: ContentService, stylesheet: str,
                 current_policy: Callable[[], Policy | None],
                 data_dir: Callable[[], Path | None] = lambda: None) -> None:
        super().__init__(window)
        self._data_dir = data_dir  # where a PDF may not be saved (asked each time: records open later)
        self._window = window
        self._content = content
        self._stylesheet = stylesheet
        self._current_policy = current_policy

    def print_policy(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        policy = self._current_policy()
        if policy is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(f"{policy.title} ({policy.meta.version})")
        dialog = QPrintDialog(printer, self._window)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            render_print_document(self._content.policy_document(policy.id), self._stylesheet).print_(printer)

    def save_pdf_dialog(self) -> None:
        from PySide6.QtCore import QStandardPaths

        from holbrook_desktop.ui.save_target import choose_save_file

        policy = self._current_policy()
        if policy is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / f"{policy.title} ({policy.meta.version}).pdf")
        path = choose_save_file(self._window, self.tr("Save the policy as PDF"), suggested,
                                self.tr("PDF documents (*.pdf)"), self._data_dir(), suffix=".pdf")
        if path is not None:
            self.save_pdf(path)

    def save_pdf(self, path: Path) -> bool:
        """Write the current policy as a PDF; tell the person plainly if that failed."""
        from PySide6.QtGui import QPageSize
        from PySide6.QtPrintSupport import QPrinter

        policy = self._current_policy()
        if policy is None:
            return False
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setDocName(f"{policy.title} ({policy.meta.version})")
        printer.setCreator(APP_NAME)
        before = path.stat().st_mtime_ns if path.exists() else None
        render_print_document(self._content.policy_document(policy.id), self._stylesheet).print_(printer)
        written = path.exists() and path.stat().st_size > 0 and path.stat().st_mtime_ns != before
        if not written:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(
                self._window, self.tr("Could not save the PDF"),
                self.tr("The PDF could not be written to %1. Check that the folder exists, that you "
                        "may write there and that the disk is not full.").replace("%1", str(path)),
            )
            return False
        self._window.statusBar().showMessage(self.tr("Saved %1").replace("%1", str(path)), 6000)
        return True

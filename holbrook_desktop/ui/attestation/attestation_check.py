"""Checking a signed attestation PDF from the File menu: the same three checks as `holbrook verify`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:
    from holbrook_desktop.core.attestation.document import AttestationCheck
    from holbrook_desktop.ui.main_window import MainWindow


def _tr(text: str) -> str:
    return QCoreApplication.translate("AttestationCheck", text)


def choose_and_check(window: MainWindow) -> None:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(window, _tr("Check an attestation"), "",
                                          _tr("PDF documents (*.pdf)"))
    if path:
        check_attestation(window, Path(path))


def check_attestation(window: MainWindow, path: Path) -> AttestationCheck | None:
    """The result shown in a box and returned; None (and why) if the file could not be read."""
    from PySide6.QtWidgets import QMessageBox

    try:
        check = window.service.attestation.verify(path.read_bytes())
    except OSError as exc:
        window.warn(_tr("The file could not be read"), f"{path}: {exc.strerror or exc}")
        return None
    lines = "\n".join(("✔ " if line.ok else "✘ ") + line.message for line in check.lines)
    if check.ok:
        box = QMessageBox(QMessageBox.Icon.Information, _tr("A genuine attestation"),
                          _tr("%1 is a genuine attestation.").replace("%1", path.name),
                          QMessageBox.StandardButton.Ok, window)
    else:
        box = QMessageBox(QMessageBox.Icon.Warning, _tr("Not verified"),
                          _tr("%1 could not be verified.").replace("%1", path.name),
                          QMessageBox.StandardButton.Ok, window)
    box.setInformativeText(lines)
    box.open()
    return check

"""Every save dialog: the file or folder a person chooses to write, never inside the data folder.

The same rule as the command line (core/paths.check_output_target): a choice in the data folder (through
`..` or a link too) is answered with a plain warning naming the folder, and the dialog opens again;
nothing is written until a place outside it is chosen, or the dialog is cancelled.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from holbrook_desktop.core.paths import OutputInsideDataFolder, check_output_target

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("SaveTarget", text)


def choose_save_file(parent: QWidget | None, title: str, suggested: str | Path, filters: str,
                     data_dir: Path | None, *, suffix: str | None = None) -> Path | None:
    """The file to save to, asked with the platform's save dialog; None if cancelled. `suffix`
    (".pdf") is added when the name chosen lacks it, before the check, so the file checked is the one
    written."""
    while True:
        chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
        if not chosen:
            return None
        path = Path(chosen)
        if suffix is not None and path.suffix.lower() != suffix:
            path = path.with_suffix(suffix)
        if _allowed(parent, title, path, data_dir, folder=False):
            return path


def choose_save_folder(parent: QWidget | None, title: str, start: str | Path,
                       data_dir: Path | None) -> Path | None:
    """The folder to save into, asked with the platform's folder dialog; None if cancelled."""
    while True:
        chosen = QFileDialog.getExistingDirectory(parent, title, str(start))
        if not chosen:
            return None
        if _allowed(parent, title, Path(chosen), data_dir, folder=True):
            return Path(chosen)


def _allowed(parent: QWidget | None, title: str, path: Path, data_dir: Path | None, *, folder: bool) -> bool:
    try:
        check_output_target(path, data_dir, folder=folder)
    except OutputInsideDataFolder as refused:
        log.warning("save refused: %s is in the data folder", path)
        QMessageBox.warning(parent, title, warning_text(refused))
        return False
    return True


def warning_text(refused: OutputInsideDataFolder) -> str:
    """The plain warning: what was chosen, the data folder named, what to do, and that nothing was saved."""
    text = (_tr("%1 is in the app's data folder (%2), where the school's records, signing key and signed "
                "PDFs are kept. Saving there could replace them. Choose a folder outside it; nothing was "
                "saved.") if refused.folder else
            _tr("%1 is in the app's data folder (%2), where the school's records, signing key and signed "
                "PDFs are kept. Saving there could replace them. Choose a file outside it; nothing was "
                "saved."))
    return text.replace("%1", str(refused.target)).replace("%2", str(refused.data_dir.resolve()))

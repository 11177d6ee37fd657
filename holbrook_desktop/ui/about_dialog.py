"""About: the version, the licence, and the details IT asks for (folders, versions), copyable."""

from __future__ import annotations

import platform
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop import APP_NAME, __version__
from holbrook_desktop.core import paths
from holbrook_desktop.ui.accessibility import caption

if TYPE_CHECKING:
    from holbrook_desktop.app import App

LICENCE_NAME = "MIT"
LICENCE_FILE = "LICENSE"


def licence_text() -> str | None:
    """The LICENSE shipped beside the app (frozen, installed or in a checkout), if it is there."""
    path = paths.bundled_file(LICENCE_FILE)
    try:
        return path.read_text(encoding="utf-8") if path is not None else None
    except OSError:
        return None


def about_details(service: App | None) -> list[tuple[str, str]]:
    """What IT needs to know about this copy, as (label, value) rows."""
    import PySide6

    # Only the folder actually open: asking paths.data_dir() here could create a folder.
    records = service.records if service is not None else None
    data_dir = str(records.data_dir) if records is not None else "none (the records are not open)"
    rows = [
        ("Version", __version__),
        ("Licence", LICENCE_NAME),
        ("Qt", f"{qVersion()} (PySide6 {PySide6.__version__})"),
        ("Python", f"{platform.python_version()} on {platform.platform(terse=True)}"),
        ("Data folder", data_dir),
    ]
    if service is not None:
        rows.append(("Content folder", str(service.content.content_dir)))
        for policy in service.content.policies:
            rows.append((policy.title, f"{policy.meta.version}, effective {policy.meta.effective:%d/%m/%Y}, "
                                       f"text {policy.sha256[:12]}"))
    return rows


def details_text(service: App | None) -> str:
    return "\n".join([f"{APP_NAME} {__version__}", *(f"{label}: {value}" for label, value in
                                                     about_details(service))])


class AboutDialog(QDialog):
    """`service` defaults to the parent window's (MainWindow.service)."""

    def __init__(self, parent: QWidget | None = None, service: App | None = None) -> None:
        super().__init__(parent)
        self.service = service if service is not None else getattr(parent, "service", None)
        self.setWindowTitle(self.tr("About %1").replace("%1", APP_NAME))
        heading = QLabel(f"<h2>{APP_NAME}</h2>", self)
        heading.setTextFormat(Qt.TextFormat.RichText)
        summary = QLabel(self.tr("Version %1. Free software under the %2 licence: read the school's "
                                 "policies, take the scenario quizzes, record acknowledgements.")
                         .replace("%1", __version__).replace("%2", LICENCE_NAME), self)
        summary.setWordWrap(True)
        self.details = QPlainTextEdit(details_text(self.service), self)
        self.details.setReadOnly(True)
        self.details.setAccessibleName(self.tr("Details for IT"))
        self.details.setMaximumHeight(150)
        self.licence = QPlainTextEdit(licence_text() or self.tr(
            "The %1 licence text was not found beside the app.").replace("%1", LICENCE_NAME), self)
        self.licence.setReadOnly(True)
        self.licence.setAccessibleName(self.tr("Licence"))
        self.copy_button = QPushButton(self.tr("&Copy details"), self)
        self.copy_button.setToolTip(self.tr("Copy the version and folders, to paste into a message to IT"))
        self.copy_button.clicked.connect(self.copy_details)
        self.copied = QLabel(self)
        caption(self.copied, self.tr("Copied"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(summary)
        layout.addWidget(QLabel(self.tr("Details:"), self))
        layout.addWidget(self.details)
        layout.addWidget(QLabel(self.tr("Licence:"), self))
        layout.addWidget(self.licence, 1)
        layout.addWidget(self.copied)
        layout.addWidget(buttons)
        self.resize(620, 560)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.copied.setText(self.tr("Copied."))

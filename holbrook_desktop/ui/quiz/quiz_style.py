"""Type sizes and label helpers shared by the quiz's pages (their colours come from ui/theme.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from holbrook_desktop.ui import theme

# Long lines tire the eye: the quiz keeps to a column, as the reader does.
COLUMN_WIDTH = 880


def transparent_ink() -> str:
    """Text on a panel that brings its own background and border."""
    return theme.ink_style() + " background: transparent; border: none;"


def scaled(font: QFont, factor: float, *, bold: bool = False) -> QFont:
    bigger = QFont(font)
    bigger.setPointSizeF(font.pointSizeF() * factor)
    bigger.setBold(bold)
    return bigger


def wrapping_label(text: str, parent: QWidget, *, font: QFont | None = None) -> QLabel:
    """Plain text (a bank's wording is never read as HTML), wrapped to the column."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if font is not None:
        label.setFont(font)
    return label


def big_button(text: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setAutoDefault(True)  # Enter presses the focused button, as in a dialog
    button.setFont(scaled(button.font(), 1.15, bold=True))
    button.setMinimumHeight(button.fontMetrics().height() + 18)
    button.setMinimumWidth(180)
    return button


def percent(fraction: float) -> str:
    return f"{round(fraction * 100)}%"

"""Colours, type sizes and label helpers shared by the quiz's pages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

# Long lines tire the eye: the quiz keeps to a column, as the reader does.
COLUMN_WIDTH = 880
# Text colours are 7:1 or better on their own backgrounds (and on the window's light grey).
INK = "#1c2530"
QUIET_STYLE = "color: #4a5561;"
HEADING_COLOUR = "#17365d"
RIGHT_INK, WRONG_INK = "#14471f", "#7a1212"
STORY_STYLE = ("background: #ffffff; color: #1c2530; border: 1px solid #c9d3de; "
               "border-left: 5px solid #2a6bb0; border-radius: 4px; padding: 12px 16px;")
NOTE_STYLE = ("background: #fff4c2; color: #3b2f00; border: 1px solid #d9b84a; border-radius: 4px;"
              " padding: 8px 12px;")
RIGHT_PANEL = ("background: #e6f4ea; color: #14471f; border: 2px solid #2e7d32; border-radius: 6px;"
               " padding: 8px 12px;")
WRONG_PANEL = ("background: #fdecea; color: #7a1212; border: 2px solid #c62828; border-radius: 6px;"
               " padding: 8px 12px;")


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

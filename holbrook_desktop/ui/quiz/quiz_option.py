"""One answer on the quiz page: a large radio button or check box, its number key and its words."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QWidget,
)

from holbrook_desktop.ui import theme
from holbrook_desktop.ui.quiz.quiz_style import transparent_ink, wrapping_label


def row_style(state: str) -> tuple[str, str]:
    """state → (background, border) in the current theme; one border width in every state: no jump."""
    c = theme.colours()
    return {
        "plain": (c.base, f"2px solid {c.border}"),
        "chosen": (c.alternate_base, f"2px solid {c.story_accent}"),
        "right": (c.right_background, f"2px solid {c.right_border}"),
        "wrong": (c.wrong_background, f"2px solid {c.wrong_border}"),
        "focus": (c.base, f"2px solid {c.highlight}"),
    }[state]


def key_style() -> str:
    c = theme.colours()
    return (f"color: {c.key_text}; background: {c.key_background}; border: 1px solid {c.key_border}; "
            "border-radius: 4px; font-weight: 600; padding: 2px 0px;")


class OptionRow(QFrame):
    """A click anywhere on the row chooses it, not only on the small indicator."""

    def __init__(self, number: int, text: str, multiple: bool, font: QFont, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("option")
        self.multiple = multiple
        self.button: QAbstractButton = QCheckBox(self) if multiple else QRadioButton(self)
        self.button.setAccessibleName(self.tr("%1. %2").replace("%1", str(number)).replace("%2", text))
        self.button.setAccessibleDescription(
            (self.tr("Press %1 to tick or untick it.") if multiple else self.tr("Press %1 to choose it."))
            .replace("%1", str(number)))
        # Larger than the theme's indicators; a radio's radius is half its box with the 2 px border.
        self.button.setStyleSheet("QRadioButton::indicator, QCheckBox::indicator { width: 22px; "
                                  "height: 22px; } QRadioButton::indicator { border-radius: 13px; }")
        self.key = QLabel(str(number), self)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key.setFixedWidth(30)
        theme.keep_styled(self.key, key_style)
        self.key.setToolTip(self.tr("Press %1").replace("%1", str(number)))
        self.text = wrapping_label(text, self, font=font)
        theme.keep_styled(self.text, transparent_ink)
        self.mark = QLabel(self)
        self.mark.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 10, 14, 10)
        layout.setSpacing(12)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.key, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._state = "plain"
        self.button.toggled.connect(self._restyle)
        self.button.installEventFilter(self)
        self._restyle()
        theme.on_theme_changed(self, self._restyle)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.button.isEnabled():
            self.button.click()
            self.button.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mouseReleaseEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.button and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self._restyle()  # the whole row shows where the keyboard is, not only the small box
        return super().eventFilter(watched, event)

    def show_verdict(self, chosen: bool, correct: bool) -> None:
        """After the answer: the right option(s) and the person's own choice, in words and colour."""
        self.button.setEnabled(False)  # the answer is given; the words keep their full contrast
        self.setCursor(Qt.CursorShape.ArrowCursor)
        if correct and chosen:
            self._state, text = "right", self.tr("✔ Your answer: right")
        elif correct:
            self._state = "right"
            text = self.tr("✔ Right: not ticked") if self.multiple else self.tr("✔ The right answer")
        elif chosen:
            self._state = "wrong"
            text = self.tr("✘ Ticked: not right") if self.multiple else self.tr("✘ Your answer: not right")
        else:
            self._state, text = "plain", ""
        self.mark.setText(text)
        self.mark.setVisible(bool(text))
        self._restyle()

    def verdict(self) -> str:
        return self.mark.text() if not self.mark.isHidden() else ""

    def _restyle(self, *_args: object) -> None:
        state = self._state
        if state == "plain" and self.button.isChecked():
            state = "chosen"
        if self.button.hasFocus() and state == "plain":
            state = "focus"
        background, border = row_style(state)
        self.setStyleSheet(f"QFrame#option {{ background: {background}; border: {border}; "
                           f"border-radius: 6px; }}")
        c = theme.colours()
        colour = c.right_text if self._state == "right" else c.wrong_text
        self.mark.setStyleSheet(f"font-weight: 600; background: transparent; border: none; color: {colour};")

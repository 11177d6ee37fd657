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

from holbrook_desktop.ui.quiz_style import INK, RIGHT_INK, WRONG_INK, wrapping_label

ROW_STYLES = {
    # state → (background, border)
    "plain": ("#ffffff", "2px solid #b5c0cb"),  # one border width in every state: no jump
    "chosen": ("#eaf2fb", "2px solid #1f5f9e"),
    "right": ("#e6f4ea", "2px solid #2e7d32"),
    "wrong": ("#fdecea", "2px solid #c62828"),
}
FOCUS_BORDER = "2px solid #1f5f9e"
KEY_STYLE = ("color: #17365d; background: #dfe8f3; border: 1px solid #8fa6c1; border-radius: 4px; "
             "font-weight: 600; padding: 2px 0px;")


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
        self.button.setStyleSheet("QRadioButton::indicator, QCheckBox::indicator { width: 22px; "
                                  "height: 22px; }")
        self.key = QLabel(str(number), self)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key.setFixedWidth(30)
        self.key.setStyleSheet(KEY_STYLE)
        self.key.setToolTip(self.tr("Press %1").replace("%1", str(number)))
        self.text = wrapping_label(text, self, font=font)
        self.text.setStyleSheet(f"color: {INK}; background: transparent; border: none;")
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
        colour = RIGHT_INK if self._state == "right" else WRONG_INK
        self.mark.setStyleSheet(f"font-weight: 600; background: transparent; border: none; "
                                f"color: {colour};")
        self._restyle()

    def verdict(self) -> str:
        return self.mark.text() if not self.mark.isHidden() else ""

    def _restyle(self, *_args: object) -> None:
        state = self._state
        if state == "plain" and self.button.isChecked():
            state = "chosen"
        background, border = ROW_STYLES[state]
        if self.button.hasFocus() and state == "plain":
            border = FOCUS_BORDER
        self.setStyleSheet(f"QFrame#option {{ background: {background}; border: {border}; "
                           f"border-radius: 6px; }}")

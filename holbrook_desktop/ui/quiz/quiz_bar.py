"""The strip above the policy text that offers the quiz, says why it is not open yet, or leads back."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from holbrook_desktop.ui import theme
from holbrook_desktop.ui.accessibility import caption


def offer_style() -> str:
    c = theme.colours()
    return f"QFrame#quiz-bar {{ background: {c.key_background}; border-bottom: 1px solid {c.key_border}; }}"


def waiting_style() -> str:
    c = theme.colours()
    return f"QFrame#quiz-bar {{ background: {c.note_background}; border-bottom: 1px solid {c.note_border}; }}"


def text_style() -> str:
    return f"color: {theme.colours().key_text}; background: transparent;"


def waiting_text_style() -> str:
    return f"color: {theme.colours().note_text}; background: transparent;"


class QuizBar(QFrame):
    takeRequested = Signal()
    backRequested = Signal()
    acknowledgeRequested = Signal()
    recordRequested = Signal()  # "My record"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quiz-bar")
        self.setAccessibleName(self.tr("Quiz"))
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        caption(self.text, self.tr("About the quiz"))
        self.take_button = QPushButton(self.tr("&Take the quiz"), self)
        self.take_button.setAccessibleDescription(self.tr("Starts the quiz on this policy"))
        self.back_button = QPushButton(self.tr("&Back to the quiz"), self)
        self.back_button.setAccessibleDescription(self.tr("Returns to the question you were on"))
        self.acknowledge_button = QPushButton(self.tr("&Acknowledge the policy"), self)
        self.acknowledge_button.setAccessibleDescription(
            self.tr("Confirm that you have read and understood this version of the policy, and sign"))
        self.record_button = QPushButton(self.tr("&My record"), self)
        self.record_button.setAccessibleDescription(
            self.tr("Your standing on each policy, your certificates, and what changed since you signed"))
        self.record_button.setAutoDefault(True)
        for button in (self.take_button, self.back_button, self.acknowledge_button):
            button.setAutoDefault(True)  # Enter presses it when it has the focus
            font = button.font()
            font.setBold(True)
            button.setFont(font)
            button.setMinimumHeight(button.fontMetrics().height() + 14)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(12)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.take_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.acknowledge_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.record_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.take_button.clicked.connect(self.takeRequested)
        self.record_button.clicked.connect(self.recordRequested)
        self.back_button.clicked.connect(self.backRequested)
        self.acknowledge_button.clicked.connect(self.acknowledgeRequested)
        self.hide()

    def offer(self, text: str, button_text: str | None = None) -> None:
        """The quiz is open: a sentence and the button that starts it."""
        self.take_button.setText(button_text or self.tr("&Take the quiz"))
        self._show(text, offer_style(), text_style(), self.take_button)

    def offer_acknowledgement(self, text: str) -> None:
        """The quiz is passed: the next step is to acknowledge the policy."""
        self._show(text, offer_style(), text_style(), self.acknowledge_button)

    def explain(self, text: str) -> None:
        """Not open yet: only why, and how much is left."""
        self._show(text, offer_style(), text_style(), None)

    def waiting(self, text: str) -> None:
        """A quiz is under way (the person came to read a clause): the way back, plainly."""
        self._show(text, waiting_style(), waiting_text_style(), self.back_button)

    def _show(self, text: str, frame_style: str, text_style: str, button: QPushButton | None) -> None:
        """The sentence, with at most one of the bar's buttons beside it."""
        self.setStyleSheet(frame_style)
        self.text.setStyleSheet(text_style)
        self.text.setText(text)
        for each in (self.take_button, self.back_button, self.acknowledge_button):
            each.setVisible(each is button)
        self.show()

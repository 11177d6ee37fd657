"""The quiz page: one scenario at a time, feedback with the clauses behind it, then the result."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.ui import theme
from holbrook_desktop.ui.accessibility import announce, caption, heading
from holbrook_desktop.ui.quiz.quiz_option import OptionRow
from holbrook_desktop.ui.quiz.quiz_result import QuizResultPage, answer_lines
from holbrook_desktop.ui.quiz.quiz_style import (
    COLUMN_WIDTH,
    big_button,
    scaled,
    transparent_ink,
    wrapping_label,
)

if TYPE_CHECKING:
    from holbrook_desktop.core.quiz.engine import Answer, PresentedQuestion, QuizResult
    from holbrook_desktop.core.quiz.session import Feedback, QuizSession

log = logging.getLogger(__name__)
DIGIT_KEYS = {getattr(Qt.Key, f"Key_{n}"): n - 1 for n in range(1, 10)}
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _centred(content: QWidget, parent: QWidget, margins: tuple[int, int, int, int]) -> QWidget:
    """`content` in the middle, never wider than the quiz column."""
    content.setMaximumWidth(COLUMN_WIDTH)
    holder = QWidget(parent)
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(*margins)
    layout.addStretch(1)
    layout.addWidget(content, 100)
    layout.addStretch(1)
    return holder


class QuizView(QWidget):
    """A quiz attempt from the first question to the result. The session (core) records every
    answer as it is given; this page shows it and turns keys and clicks into answers."""

    readClauseRequested = Signal(str)  # a clause number in the quiz's policy
    retakeRequested = Signal()
    backToPolicyRequested = Signal()
    acknowledgeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: QuizSession | None = None
        self.policy_title = ""
        self.result: QuizResult | None = None
        self._index = 0
        self._feedback: Feedback | None = None
        self._rows: list[OptionRow] = []
        self._group: QButtonGroup | None = None
        self.clause_buttons: list[QPushButton] = []
        self._option_font = scaled(self.font(), 1.2)
        self.setAccessibleName(self.tr("Quiz"))

        self.pages = QStackedWidget(self)
        self._build_question_page()
        self.result_page = QuizResultPage(self)
        self.pages.addWidget(self.result_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self._connect_signals()

    def _build_question_page(self) -> None:
        base = self.font()
        page = QWidget(self)
        self.title = QLabel(page)
        theme.keep_styled(self.title, theme.quiet_style)
        caption(self.title, self.tr("Quiz"))
        self.progress_label = QLabel(page)
        heading(self.progress_label)  # "Question 3 of 10": a screen reader's H key finds it
        self.progress_label.setFont(scaled(base, 1.15, bold=True))
        caption(self.progress_label, self.tr("Progress"))
        self.progress_bar = QProgressBar(page)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(10)
        self.progress_bar.setAccessibleName(self.tr("Questions answered"))
        self.scenario = wrapping_label("", page, font=scaled(base, 1.35))
        theme.keep_styled(self.scenario, theme.story_style)
        caption(self.scenario, self.tr("Scenario"))
        self.prompt = wrapping_label("", page, font=scaled(base, 1.3, bold=True))
        theme.keep_styled(self.prompt, theme.ink_style)
        caption(self.prompt, self.tr("Question"))
        self.instruction = wrapping_label("", page)
        theme.keep_styled(self.instruction, theme.quiet_style)
        self.options_box = QWidget(page)
        self.options_layout = QVBoxLayout(self.options_box)
        self.options_layout.setContentsMargins(0, 0, 0, 0)
        self.options_layout.setSpacing(8)

        # Right or wrong, why, and where the policy says so: one panel, in words and colour.
        self.feedback_box = QFrame(page)
        self.feedback_box.setObjectName("feedback")
        self.verdict = wrapping_label("", self.feedback_box, font=scaled(base, 1.3, bold=True))
        caption(self.verdict, self.tr("Right or wrong"))
        self.explanation = wrapping_label("", self.feedback_box, font=scaled(base, 1.15))
        theme.keep_styled(self.explanation, transparent_ink)
        caption(self.explanation, self.tr("Why"))
        self.clause_row = QHBoxLayout()
        self.clause_row.setSpacing(8)
        feedback_layout = QVBoxLayout(self.feedback_box)
        feedback_layout.setContentsMargins(4, 2, 4, 4)  # the panel's own padding does the rest
        feedback_layout.setSpacing(6)
        feedback_layout.addWidget(self.verdict)
        feedback_layout.addWidget(self.explanation)
        feedback_layout.addLayout(self.clause_row)
        self.feedback_box.hide()

        column = QWidget(page)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(12)
        header = QHBoxLayout()
        header.addWidget(self.progress_label)
        header.addStretch(1)
        header.addWidget(self.title)
        column_layout.addLayout(header)
        column_layout.addWidget(self.progress_bar)
        column_layout.addSpacing(4)
        column_layout.addWidget(self.scenario)
        column_layout.addSpacing(4)
        column_layout.addWidget(self.prompt)
        column_layout.addWidget(self.instruction)
        column_layout.addWidget(self.options_box)
        column_layout.addWidget(self.feedback_box)
        column_layout.addStretch(1)
        self.scroll = QScrollArea(page)
        self.scroll.setWidget(_centred(column, page, (24, 18, 24, 18)))
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setAccessibleName(self.tr("Question"))

        self.notice = wrapping_label("", page)
        theme.keep_styled(self.notice, theme.note_style)
        caption(self.notice, self.tr("Notice"))
        self.notice.hide()
        self.check_button = big_button(self.tr("Check answer"), page)
        self.check_button.setAccessibleDescription(self.tr("Enter checks your answer"))
        self.next_button = big_button(self.tr("Next question"), page)
        buttons = QWidget(page)
        buttons_layout = QHBoxLayout(buttons)
        buttons_layout.setContentsMargins(0, 0, 0, 0)
        buttons_layout.addWidget(self.notice, 1)
        buttons_layout.addStretch(0)
        buttons_layout.addWidget(self.check_button)
        buttons_layout.addWidget(self.next_button)
        bar = QFrame(page)
        bar.setObjectName("quiz-buttons")
        theme.keep_styled(
            bar, lambda: f"QFrame#quiz-buttons {{ border-top: 1px solid {theme.colours().mid}; }}"
        )
        bar_layout = QVBoxLayout(bar)
        bar_layout.setContentsMargins(0, 0, 0, 0)
        bar_layout.addWidget(_centred(buttons, bar, (24, 10, 24, 12)))
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(bar)
        self.question_page = page
        self.pages.addWidget(page)

    def _connect_signals(self) -> None:
        self.check_button.clicked.connect(self.check_answer)
        self.next_button.clicked.connect(self.next_question)
        self.result_page.readClauseRequested.connect(self.readClauseRequested)
        self.result_page.retakeRequested.connect(self.retakeRequested)
        self.result_page.backToPolicyRequested.connect(self.backToPolicyRequested)
        self.result_page.saveAgainRequested.connect(self._finish)
        self.result_page.acknowledgeRequested.connect(self.acknowledgeRequested)

    # What the window asks of it ----------------------------------------------------------

    def start(self, session: QuizSession, policy_title: str, at: int = 0) -> None:
        """A new attempt from its first question, or a resumed one from where it was left (`at`)."""
        self.session = session
        self.policy_title = policy_title
        self.result = None
        self._show_question(at)

    def clear(self) -> None:
        """Nobody's quiz is left on screen (sign-out): the attempt itself is in the records."""
        self.session = None
        self.result = None
        self._feedback = None
        self._set_rows([], "single")
        self.result_page.review.clear()
        self.pages.setCurrentWidget(self.question_page)

    def has_session(self) -> bool:
        return self.session is not None

    def has_unfinished_session(self) -> bool:
        return self.session is not None and not self.session.finished

    def is_showing_result(self) -> bool:
        return self.session is not None and self.pages.currentWidget() is self.result_page

    def current_index(self) -> int:
        return self._index

    def restore_focus(self) -> None:
        """Back from the reader: the keyboard is where it was left."""
        if self.is_showing_result():
            self.result_page.focus_next_step()
        elif self._feedback is not None:
            self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            chosen = next((row.button for row in self._rows if row.button.isChecked()), None)
            target = chosen or (self._rows[0].button if self._rows else self.check_button)
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def option_texts(self) -> list[str]:
        return [row.text.text() for row in self._rows]

    def option_verdicts(self) -> list[str]:
        return [row.verdict() for row in self._rows]

    def checked(self) -> list[bool]:
        return [row.button.isChecked() for row in self._rows]

    def option_button(self, position: int) -> QAbstractButton:
        return self._rows[position].button

    def feedback_shown(self) -> bool:
        return self._feedback is not None

    def notice_text(self) -> str:
        return self.notice.text() if not self.notice.isHidden() else ""

    # One question --------------------------------------------------------------------------

    def _mode_title(self) -> str:
        assert self.session is not None
        mode = self.tr("Refresher quiz") if self.session.mode == "refresher" else self.tr("Induction quiz")
        return self.tr("%1 · %2").replace("%1", self.policy_title).replace("%2", mode)

    def _presented(self) -> PresentedQuestion:
        assert self.session is not None
        return self.session.questions[self._index]

    def _show_question(self, index: int) -> None:
        assert self.session is not None
        self._index = index
        self._feedback = None
        total = len(self.session.questions)
        presented = self.session.questions[index]
        question = presented.question
        self.title.setText(self._mode_title())
        self.progress_label.setText(
            self.tr("Question %1 of %2").replace("%1", str(index + 1)).replace("%2", str(total)))
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(index)
        self.scenario.setText(question.scenario)
        self.prompt.setText(question.prompt)
        self.instruction.setText(self._instruction(question.kind, question.prompt, len(presented.options)))
        if question.kind == "true-false":
            texts = [self.tr("True"), self.tr("False")]
        else:
            texts = [option.text for option in presented.options]
        self._set_rows(texts, question.kind)
        self.feedback_box.hide()
        self._show_notice(None)
        self.check_button.show()
        self.next_button.hide()
        self.pages.setCurrentWidget(self.question_page)
        self.scroll.verticalScrollBar().setValue(0)
        # The answers sit in a group named by the question, described by the scenario: moving into
        # it a screen reader says both; and they are announced, after the focus has gone to answer 1.
        self.options_box.setAccessibleName(question.prompt)
        self.options_box.setAccessibleDescription(question.scenario)
        if self._rows:
            self._rows[0].button.setFocus(Qt.FocusReason.OtherFocusReason)
        announce(self.scenario, " ".join((self.progress_label.text(), question.scenario, question.prompt,
                                          self.instruction.text())), assertive=True)

    def _instruction(self, kind: str, prompt: str, count: int) -> str:
        if kind == "true-false":
            return self.tr("Press 1 for True or 2 for False, then Enter to check.")
        keys = self.tr("1 to %1").replace("%1", str(count))
        if kind == "multiple":
            said = "select all that apply" in prompt.lower()  # the bank's own words may say it already
            text = (self.tr("Press %1 to tick or untick each answer, then Enter to check.") if said else
                    self.tr("Select all that apply: press %1 to tick or untick, then Enter to check."))
            return text.replace("%1", keys)
        return self.tr("Choose one answer: press %1, then Enter to check.").replace("%1", keys)

    def _set_rows(self, texts: list[str], kind: str) -> None:
        for row in self._rows:
            self.options_layout.removeWidget(row)
            row.deleteLater()
        if self._group is not None:
            self._group.deleteLater()
        multiple = kind == "multiple"
        # Radio buttons in different rows need a group to be exclusive (Tab enters the group, the
        # arrows move in it). Check boxes stay out of any group: Qt's Tab skips a group's members.
        self._group = None if multiple else QButtonGroup(self)
        self._rows = []
        for number, text in enumerate(texts, start=1):
            row = OptionRow(number, text, multiple, self._option_font, self.options_box)
            if self._group is not None:
                self._group.addButton(row.button, number - 1)
            self.options_layout.addWidget(row)
            row.show()  # at once, not on the next turn of the event loop: keys may come first
            self._rows.append(row)

    def _given_answer(self) -> Answer | None:
        chosen = [i for i, row in enumerate(self._rows) if row.button.isChecked()]
        if not chosen:
            return None
        kind = self._presented().question.kind
        if kind == "true-false":
            return chosen[0] == 0
        if kind == "single":
            return chosen[0]
        return frozenset(chosen)

    def choose(self, position: int) -> None:
        """The number key `position + 1`: choose that answer, or tick/untick it."""
        if self._feedback is not None or not 0 <= position < len(self._rows):
            return
        button = self._rows[position].button
        button.click()
        button.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.scroll.ensureWidgetVisible(self._rows[position])  # a key may tick an answer out of sight
        self._show_notice(None)

    def check_answer(self) -> None:
        if self.session is None or self._feedback is not None:
            return
        answer = self._given_answer()
        if answer is None:
            self._show_notice(self.tr("Choose an answer first: press a number from 1 to %1, or click an "
                                      "option.").replace("%1", str(len(self._rows))))
            return
        try:
            feedback = self.session.answer(self._index, answer)
        except StoreError as exc:
            log.warning("quiz answer not saved: %s", exc)
            self._show_notice(self.tr("Your answer could not be saved, so it has not been marked. %1 "
                                      "Press Enter to try again; if it keeps failing, tell whoever looks "
                                      "after this PC.").replace("%1", str(exc)))
            return
        self._show_feedback(answer, feedback)

    def _show_feedback(self, answer: Answer, feedback: Feedback) -> None:
        assert self.session is not None
        self._feedback = feedback
        presented = self._presented()
        kind = presented.question.kind
        chosen, right = self._positions(kind, answer), self._positions(kind, feedback.correct_answer)
        for position, row in enumerate(self._rows):
            row.show_verdict(position in chosen, position in right)
        if feedback.correct:
            self.verdict.setText(self.tr("✔ Right."))
            ink, panel = theme.colours().right_text, theme.right_panel_style()
        else:
            self.verdict.setText(self.tr("✘ Not right."))
            ink, panel = theme.colours().wrong_text, theme.wrong_panel_style()
        self.verdict.setStyleSheet(f"color: {ink}; background: transparent; border: none;")
        self.feedback_box.setStyleSheet(f"QFrame#feedback {{ {panel} }}")
        self.explanation.setText(feedback.explanation)
        self._set_clause_buttons(feedback.clauses)
        self.feedback_box.show()
        self._show_notice(None)
        self.check_button.hide()
        last = self._index == len(self.session.questions) - 1
        self.next_button.setText(self.tr("See your result") if last else self.tr("Next question"))
        # A screen reader hears the verdict and why with the button the keyboard is now on.
        spoken = [self.verdict.text()]
        if not feedback.correct:
            correct = answer_lines(presented, feedback.correct_answer)
            spoken.append(self.tr("The right answer: %1.").replace("%1", "; ".join(correct)))
        spoken.append(feedback.explanation)
        self.next_button.setAccessibleDescription(" ".join(spoken))
        self.next_button.show()
        self.progress_bar.setValue(self._index + 1)
        self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)
        # After layout: bring the verdict and the explanation into view.
        QTimer.singleShot(0, lambda: self.scroll.ensureWidgetVisible(self.feedback_box, 0, 0))

    @staticmethod
    def _positions(kind: str, answer: Answer) -> set[int]:
        if kind == "true-false":
            return {0 if answer else 1}
        if kind == "single":
            return {int(answer)}  # type: ignore[arg-type]
        return set(answer)  # type: ignore[arg-type]

    def _set_clause_buttons(self, clauses: tuple[str, ...]) -> None:
        for button in self.clause_buttons:
            button.deleteLater()
        while self.clause_row.count():
            self.clause_row.takeAt(0)
        self.clause_buttons = []
        previous: QWidget = self.next_button
        for number in clauses:
            button = QPushButton(self.tr("Read clause %1").replace("%1", number), self.feedback_box)
            button.setAutoDefault(True)
            button.setAccessibleDescription(
                self.tr("Opens the policy at clause %1; “Back to the quiz” returns here.").replace(
                    "%1", number))
            button.clicked.connect(lambda _checked=False, n=number: self.readClauseRequested.emit(n))
            self.clause_row.addWidget(button)
            button.show()
            self.clause_buttons.append(button)
            QWidget.setTabOrder(previous, button)
            previous = button
        self.clause_row.addStretch(1)

    def next_question(self) -> None:
        if self.session is None or self._feedback is None:
            return
        if self._index + 1 < len(self.session.questions):
            self._show_question(self._index + 1)
        else:
            self._finish()

    def _show_notice(self, text: str | None) -> None:
        self.notice.setText(text or "")
        self.notice.setVisible(bool(text))
        announce(self.notice, text or "", assertive=True)

    # The result ----------------------------------------------------------------------------

    def _finish(self) -> None:
        assert self.session is not None
        problem = None
        try:
            self.result = self.session.finish()
        except StoreError as exc:
            log.warning("quiz result not saved: %s", exc)
            self.result = self.session.result()
            problem = self.tr("Your result could not be saved. %1 Every answer was saved as you gave it; "
                              "press “Try saving again”, or tell whoever looks after this PC.").replace(
                                  "%1", str(exc))
        self.result_page.show_result(self.session, self.result, self._mode_title(), problem)
        self.pages.setCurrentWidget(self.result_page)
        self.result_page.focus_next_step()

    # Keys ------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys the focused control did not use arrive here: number keys choose, Enter moves on.
        on_question = self.session is not None and self.pages.currentWidget() is self.question_page
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if on_question and modifiers == Qt.KeyboardModifier.NoModifier:
            if event.key() in DIGIT_KEYS:
                self.choose(DIGIT_KEYS[event.key()])
                event.accept()
                return
            if event.key() in ENTER_KEYS:
                self.check_answer() if self._feedback is None else self.next_question()
                event.accept()
                return
        super().keyPressEvent(event)

"""The end of a quiz: the score, passed or not, the next step and a review of every question."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from holbrook_desktop.ui import theme
from holbrook_desktop.ui.accessibility import announce, caption
from holbrook_desktop.ui.accessibility import heading as mark_heading
from holbrook_desktop.ui.quiz.quiz_style import (
    COLUMN_WIDTH,
    big_button,
    percent,
    scaled,
    wrapping_label,
)

if TYPE_CHECKING:
    from holbrook_desktop.core.quiz.engine import Answer, PresentedQuestion, QuizResult
    from holbrook_desktop.core.quiz.session import QuizSession

CLAUSE_SCHEME = "clause"


def answer_lines(presented: PresentedQuestion, answer: Answer | None) -> list[str]:
    """An answer in words: the options' own text, or True/False."""
    translate = QCoreApplication.translate
    kind = presented.question.kind
    if answer is None:
        return [translate("QuizResultPage", "(not answered)")]
    if kind == "true-false":
        return [translate("QuizView", "True") if answer else translate("QuizView", "False")]
    if kind == "single":
        return [presented.options[int(answer)].text]  # type: ignore[arg-type]
    chosen = sorted(answer)  # type: ignore[arg-type]
    return [presented.options[i].text for i in chosen] or [translate("QuizResultPage", "(nothing ticked)")]


def marks_needed(result: QuizResult) -> int:
    """The fewest right answers that pass, by the same rule as the core's `passed`."""
    return next((n for n in range(result.total + 1) if result.total and n / result.total >= result.pass_mark),
                result.total)


class QuizResultPage(QWidget):
    readClauseRequested = Signal(str)
    retakeRequested = Signal()
    backToPolicyRequested = Signal()
    saveAgainRequested = Signal()
    acknowledgeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        base = self.font()
        self.title = QLabel(self)
        theme.keep_styled(self.title, theme.quiet_style)
        caption(self.title, self.tr("Quiz"))
        self.score = QLabel(self)
        self.score.setFont(scaled(base, 2.0, bold=True))
        theme.keep_styled(self.score, theme.ink_style)
        caption(self.score, self.tr("Score"))
        self.outcome = wrapping_label("", self, font=scaled(base, 1.3, bold=True))
        mark_heading(self.outcome)  # "Passed" / "Not passed": the page's heading
        caption(self.outcome, self.tr("Passed or not"))
        self.next_step = wrapping_label("", self, font=scaled(base, 1.15))
        theme.keep_styled(self.next_step, theme.ink_style)
        caption(self.next_step, self.tr("Next step"))
        self.save_notice = wrapping_label("", self)
        theme.keep_styled(self.save_notice, theme.note_style)
        caption(self.save_notice, self.tr("Notice"))
        self.save_notice.hide()
        self.save_again_button = big_button(self.tr("Try saving again"), self)
        self.save_again_button.hide()
        self.review = QTextBrowser(self)
        self.review.setOpenLinks(False)
        self.review.setAccessibleName(self.tr("Review of every question"))
        self.review.setAccessibleDescription(
            self.tr("Your answer and the right one for each question. Tab moves between the "
                    "“Read clause” links; Enter opens one."))
        document = self.review.document()
        document.setDocumentMargin(14)
        document.setDefaultFont(scaled(base, 1.1))
        c = theme.colours()  # the review is written once, when the result is shown
        document.setDefaultStyleSheet(
            f"body {{ color: {c.text}; }} h3 {{ color: {c.heading}; margin-top: 4px; margin-bottom: 6px; }}"
            " p { margin-top: 0px; margin-bottom: 12px; line-height: 130%; }"
            f" .scenario {{ color: {c.quiet}; }} .right {{ color: {c.right_text}; font-weight: bold; }}"
            f" .wrong {{ color: {c.wrong_text}; font-weight: bold; }} a {{ color: {c.link}; }}")
        self.back_to_policy_button = big_button(self.tr("Back to the policy"), self)
        self.retake_button = big_button(self.tr("Retake the quiz"), self)
        self.acknowledge_button = big_button(self.tr("&Acknowledge the policy"), self)
        self.acknowledge_button.setAccessibleDescription(
            self.tr("Confirm that you have read and understood this version of the policy, and sign"))
        self.acknowledge_button.hide()

        column = QWidget(self)
        column.setMaximumWidth(COLUMN_WIDTH)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(10)
        heading = QHBoxLayout()
        heading.addWidget(self.score)
        heading.addStretch(1)
        heading.addWidget(self.title, 0, Qt.AlignmentFlag.AlignTop)
        column_layout.addLayout(heading)
        column_layout.addWidget(self.outcome)
        column_layout.addWidget(self.next_step)
        saving = QHBoxLayout()
        saving.addWidget(self.save_notice, 1)
        saving.addWidget(self.save_again_button)
        column_layout.addLayout(saving)
        column_layout.addWidget(self.review, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back_to_policy_button)
        buttons.addWidget(self.retake_button)
        buttons.addWidget(self.acknowledge_button)
        column_layout.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 14)
        layout.addStretch(1)
        layout.addWidget(column, 100)
        layout.addStretch(1)
        self.setTabOrder(self.review, self.back_to_policy_button)
        self.setTabOrder(self.back_to_policy_button, self.retake_button)
        self.setTabOrder(self.retake_button, self.acknowledge_button)

        self.review.anchorClicked.connect(self._on_link)
        self.retake_button.clicked.connect(self.retakeRequested)
        self.back_to_policy_button.clicked.connect(self.backToPolicyRequested)
        self.save_again_button.clicked.connect(self.saveAgainRequested)
        self.acknowledge_button.clicked.connect(self.acknowledgeRequested)

    def show_result(self, session: QuizSession, result: QuizResult, title: str,
                    problem: str | None = None) -> None:
        """`problem`: why the result could not be saved, if it could not."""
        self.title.setText(title)
        self.score.setText(self.tr("%1 of %2 — %3").replace("%1", str(result.correct)).replace(
            "%2", str(result.total)).replace("%3", percent(result.score)))
        mark = self.tr("%1 (%2 of %3)").replace("%1", percent(result.pass_mark)).replace(
            "%2", str(marks_needed(result))).replace("%3", str(result.total))
        if result.passed:
            self.outcome.setText(self.tr("✔ Passed. The pass mark is %1.").replace("%1", mark))
            self.outcome.setStyleSheet(theme.right_panel_style())
            self.next_step.setText(self.tr("Next: acknowledge the policy. You confirm you have read and "
                                           "understood it, and sign; the school keeps a signed certificate."))
        else:
            self.outcome.setText(self.tr("✘ Not passed. The pass mark is %1.").replace("%1", mark))
            self.outcome.setStyleSheet(theme.wrong_panel_style())
            self.next_step.setText(self.tr("Read the clauses below again, then retake the quiz. A retake "
                                           "asks different questions where it can."))
        self.save_notice.setText(problem or "")
        self.save_notice.setVisible(bool(problem))
        self.save_again_button.setVisible(bool(problem))
        self.retake_button.setVisible(not result.passed)
        # Signing rests on a saved pass: not while the result itself is unsaved.
        self.acknowledge_button.setVisible(result.passed and not problem)
        self.review.setHtml(self.review_html(session, result))
        self.focus_next_step()
        # After the focus has moved, so the button's name does not cut the result short.
        announce(self.outcome, " ".join(label.text() for label in (self.outcome, self.score, self.save_notice)
                                        if label.text()))

    def focus_next_step(self) -> None:
        if self.save_again_button.isVisibleTo(self):
            target = self.save_again_button
        elif self.retake_button.isVisibleTo(self):
            target = self.retake_button
        elif self.acknowledge_button.isVisibleTo(self):
            target = self.acknowledge_button
        else:
            target = self.back_to_policy_button
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def review_text(self) -> str:
        return self.review.toPlainText()

    def review_html(self, session: QuizSession, result: QuizResult) -> str:
        parts = []
        again = result.clauses_to_reread()
        if again:
            parts.append(f"<h3>{html.escape(self.tr('Read these clauses again'))}</h3>")
            parts.append(f"<p>{self._clause_links(again)}</p>")
        parts.append(f"<h3>{html.escape(self.tr('Every question'))}</h3>")
        for number, (presented, given) in enumerate(zip(session.questions, session.answers, strict=True),
                                                    start=1):
            right = presented.is_correct(given)
            verdict = (f'<span class="right">{html.escape(self.tr("✔ Right"))}</span>' if right else
                       f'<span class="wrong">{html.escape(self.tr("✘ Not right"))}</span>')
            lines = [
                f"<b>{number}.</b> {verdict} — <b>{html.escape(presented.question.prompt)}</b>",
                f'<span class="scenario">{html.escape(presented.question.scenario)}</span>',
                html.escape(self.tr("Your answer:")) + " "
                + self._answer_html(answer_lines(presented, given)),
            ]
            if not right:
                correct = answer_lines(presented, presented.correct_answer())
                lines.append(html.escape(self.tr("Correct answer:")) + " " + self._answer_html(correct))
            lines.append(self._clause_links(presented.question.clauses))
            parts.append("<p>" + "<br>".join(lines) + "</p>")
        return "".join(parts)

    def _answer_html(self, lines: list[str]) -> str:
        if len(lines) == 1:
            return html.escape(lines[0])
        return "".join(f"<br>&nbsp;&nbsp;• {html.escape(line)}" for line in lines)

    def _clause_links(self, clauses) -> str:
        links = []
        for number in clauses:
            # A non-breaking space: "Read clause" and its number stay on one line.
            words = html.escape(self.tr("Read clause %1").replace("%1", number)).replace(" ", "&nbsp;")
            links.append(f'<a href="{CLAUSE_SCHEME}:{html.escape(number)}">{words}</a>')
        return " · ".join(links)

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == CLAUSE_SCHEME:
            self.readClauseRequested.emit(url.path())

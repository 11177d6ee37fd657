"""The quiz on the policy read, the acknowledgement after it, and what the quiz bar and menu offer."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt

from holbrook_desktop import APP_NAME
from holbrook_desktop.core.records.errors import StoreError

if TYPE_CHECKING:
    from holbrook_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class QuizController(QObject):
    """The next step after reading (core: `app.reading.next_step`) as the window offers it: starting,
    leaving and coming back to the quiz, then acknowledging the policy."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._service = window.service
        self._reading = window.reading_controller
        self._mode = "induction"
        self._policy_id: str | None = None  # the quiz's policy: the reader may have moved on

    # The quiz ----------------------------------------------------------------------------------

    def take_quiz(self) -> bool:
        """The quiz this person takes next on the policy being read (core: `next_step`): the weighted
        refresher once they have acknowledged it before, the induction otherwise; why not, if shut."""
        policy_id = self._reading.current_policy_id
        mode = "induction"
        if policy_id and self._service.signed_in is not None and self._service.content.policy(policy_id):
            mode = self._service.reading.next_step(policy_id).quiz_mode
        return self._start(mode, policy_id)

    def take_refresher_quiz(self) -> bool:
        return self._start("refresher", self._reading.current_policy_id)

    def retake_quiz(self) -> bool:
        """A new attempt of the same kind: the core picks other questions where the bank allows."""
        return self._start(self._mode, self._policy_id)

    def _start(self, mode: str, policy_id: str | None) -> bool:
        from holbrook_desktop.core.quiz.session import QuizNotReady

        window, view = self._window, self._window.quiz_view
        if view is None or self._service.signed_in is None:
            return False
        if view.has_unfinished_session():
            # Starting another would leave this one abandoned: go back to it instead.
            self.back_to_quiz()
            window.statusBar().showMessage(
                self.tr("You are part-way through a quiz; your answers so far are kept."), 8000)
            return False
        if self._resume():
            return True
        try:
            session = self._service.quiz.start(policy_id or "", mode)
        except QuizNotReady as exc:
            self._explain_not_ready(str(exc), policy_id)
            return False
        except StoreError as exc:
            log.warning("quiz not started: %s", exc)
            window.warn(self.tr("The quiz could not be started"),
                        self.tr("%1 Please tell whoever looks after this PC.").replace("%1", str(exc)))
            return False
        if not session.questions:
            window.warn(self.tr("No questions for you yet"),
                        self.tr("This quiz has no questions for your role yet. Please tell whoever "
                                "looks after the policies."))
            return False
        self._mode, self._policy_id = mode, session.policy_id
        policy = self._service.content.policy(session.policy_id)
        view.start(session, policy.title if policy else session.policy_id)
        self._show_quiz_page()
        return True

    def _resume(self) -> bool:
        """A quiz this person left part-way (sign-out, idle, a closed window) within the last day:
        back at the first question not yet answered, with the answers given kept."""
        view = self._window.quiz_view
        try:
            session = self._service.quiz.resume()
        except StoreError as exc:
            log.warning("unfinished quiz not resumed: %s", exc)
            return False
        if view is None or session is None:
            return False
        self._mode, self._policy_id = session.mode, session.policy_id
        policy = self._service.content.policy(session.policy_id)
        view.start(session, policy.title if policy else session.policy_id, at=session.first_unanswered)
        self._show_quiz_page()
        self._window.statusBar().showMessage(
            self.tr("Your unfinished quiz, where you left it: the answers you gave are kept."), 8000)
        return True

    def _explain_not_ready(self, reason: str, policy_id: str | None) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Information, self.tr("The quiz is not open yet"), reason,
                          QMessageBox.StandardButton.Ok, self._window)
        if policy_id and self._service.content.policy(policy_id) is not None:
            summary = self._service.reading.progress(policy_id)
            box.setInformativeText(self.tr("You have read %1 of %2 sections. A section counts as read "
                                           "once you have reached its end and spent a little time on it.")
                                   .replace("%1", str(summary.read)).replace("%2", str(summary.total)))
        box.open()
        self._window.statusBar().showMessage(reason, 10000)

    def back_to_quiz(self) -> None:
        """From the reader to the quiz under way: the same question, its feedback still shown."""
        view = self._window.quiz_view
        if view is None:
            return
        if not view.has_session():
            self._resume()
            return
        self._window.statusBar().clearMessage()  # the hint about coming back has done its job
        self._show_quiz_page()
        view.restore_focus()

    def read_clause(self, number: str) -> None:
        window = self._window
        location = self._service.content.locate(f"{self._policy_id}/{number}")
        if location is None:
            window.statusBar().showMessage(
                self.tr("Clause %1 is not in the current text of the policy.").replace("%1", number), 8000)
            return
        window.show_reading_page()
        self._reading.show_location(location)
        window.reader.setFocus(Qt.FocusReason.OtherFocusReason)
        window.statusBar().showMessage(
            self.tr("Clause %1. “Back to the quiz” (Alt+B) returns to your question.").replace(
                "%1", number), 10000)

    def leave_quiz(self) -> None:
        """“Back to the policy” after the result."""
        if self._window.quiz_view is None:
            return
        self._window.quiz_view.clear()
        self._window.statusBar().clearMessage()
        self._window.show_reading_page()
        self._window.reader.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_quiz_page(self) -> None:
        window = self._window
        assert window.quiz_view is not None
        self._reading.leave_text()
        window.show_task_page(window.quiz_view)
        policy = self._service.content.policy(self._policy_id or "")
        if policy is not None:
            window.setWindowTitle(self.tr("Quiz: %1 · %2").replace("%1", policy.title).replace(
                "%2", APP_NAME))
        self.refresh_offer()

    # The acknowledgement -----------------------------------------------------------------------

    def acknowledge_after_quiz(self) -> None:
        """From the quiz result straight to the acknowledgement of the same policy."""
        policy_id = self._policy_id
        self.leave_quiz()
        self.acknowledge_policy(policy_id)

    def acknowledge_policy(self, policy_id: str | None = None) -> bool:
        """The acknowledgement page for this policy (the one on screen by default)."""
        window = self._window
        policy_id = policy_id or self._reading.current_policy_id
        if self._service.signed_in is None or policy_id is None or window.start_screen is None:
            return False
        view = window.acknowledgement_page()
        try:
            ready = view.start(policy_id)
        except StoreError as exc:
            window.warn(self.tr("The acknowledgement could not be opened"), str(exc))
            return False
        self._reading.leave_text()
        window.show_task_page(view)
        policy = self._service.content.policy(policy_id)
        if policy is not None:
            window.setWindowTitle(self.tr("Acknowledge: %1 · %2").replace("%1", policy.title).replace(
                "%2", APP_NAME))
        return ready

    def leave_acknowledgement(self) -> None:
        if self._window.acknowledgement_view is not None:
            self._window.acknowledgement_view.clear()
        self._window.show_reading_page()
        self._window.reader.setFocus(Qt.FocusReason.OtherFocusReason)

    # My record ----------------------------------------------------------------------------------

    def my_record_page(self):
        window = self._window
        if getattr(window, "my_record_view", None) is None:
            from holbrook_desktop.ui.reading.my_record_view import MyRecordView

            view = MyRecordView(self._service, window)
            view.backRequested.connect(self.leave_my_record)
            view.readChangesRequested.connect(self.read_changes)
            window.pages.addWidget(view)
            window.my_record_view = view
        return window.my_record_view

    def show_my_record(self) -> bool:
        """The person's own record, drawn afresh from the records."""
        window = self._window
        if self._service.signed_in is None or window.start_screen is None:
            return False
        view = self.my_record_page()
        try:
            view.show_record()
        except StoreError as exc:
            window.warn(self.tr("Your record could not be shown"), str(exc))
            return False
        self._reading.leave_text()
        window.show_task_page(view)
        window.setWindowTitle(self.tr("My record · %1").replace("%1", APP_NAME))
        return True

    def leave_my_record(self) -> None:
        self._window.show_reading_page()
        self._window.reader.setFocus(Qt.FocusReason.OtherFocusReason)

    def read_changes(self, policy_id: str) -> None:
        """From "What changed" to the first section still to read again."""
        location = self._service.reading.first_unread(policy_id)
        self.leave_my_record()
        if location is not None:
            self._reading.show_location(location)

    # Nobody's quiz left on screen --------------------------------------------------------------

    def clear_pages(self) -> None:
        """The attempt and the acknowledgement are in the records; nothing of them stays on screen."""
        if self._window.quiz_view is not None:
            self._window.quiz_view.clear()
        if self._window.acknowledgement_view is not None:
            self._window.acknowledgement_view.clear()
        if getattr(self._window, "my_record_view", None) is not None:
            self._window.my_record_view.clear()

    def forget(self) -> None:
        """The person has gone (the start screen is coming back)."""
        self.clear_pages()
        self.refresh_offer()

    # What is offered ---------------------------------------------------------------------------

    def refresh_offer(self) -> None:
        """The quiz bar and the Quiz menu, for who is signed in and the policy on screen."""
        window, view = self._window, self._window.quiz_view
        signed_in = view is not None and self._service.signed_in is not None
        policy_id = self._reading.current_policy_id
        has_quiz = signed_in and policy_id is not None and self._service.quiz.bank(policy_id) is not None
        on_quiz_page = window.is_showing_quiz() or window.is_showing_acknowledgement()
        under_way = signed_in and view is not None and view.has_session()
        window.commands.offer_quiz(take=has_quiz and not on_quiz_page, back=under_way and not on_quiz_page,
                                   acknowledge=has_quiz and not on_quiz_page and not under_way)
        if not window.has_reading_page():
            return  # the quiz bar is set when the reading page is made
        bar = window.quiz_bar
        if not (has_quiz or under_way):
            bar.hide()
            return
        if under_way:
            quiz_policy = self._service.content.policy(self._policy_id or "")
            title = quiz_policy.title if quiz_policy else ""
            if view.is_showing_result():
                text = self.tr("Your quiz result on the %1 is waiting.").replace("%1", title)
            else:
                text = self.tr("Your quiz on the %1 is waiting (%2).").replace("%1", title).replace(
                    "%2", view.progress_label.text())
            bar.waiting(text)
            return
        left = self._left_part_way()
        if left is not None:
            window.commands.back_to_quiz.setEnabled(not on_quiz_page)
            bar.waiting(left)
            return
        policy = self._reading.current_policy()
        step = self._service.reading.next_step(policy_id)
        last = step.last_quiz
        take = self._take_label(step)
        if step.kind == "done" and step.acknowledgement is not None:
            from holbrook_desktop.ui.attestation.acknowledgement_view import local_time_text

            # Only here, acknowledged and in date (not due, not overdue), is there a tick.
            acknowledged = step.acknowledgement
            bar.offer(self.tr("✔ You acknowledged this version on %1 (record %2). The next "
                              "acknowledgement follows your yearly refresher quiz.").replace(
                                  "%1", local_time_text(acknowledged.acknowledged_at)).replace(
                                  "%2", str(acknowledged.id)),
                      self.tr("&Take the quiz again"))
        elif step.kind in ("acknowledge", "done") and last is not None:
            bar.offer_acknowledgement(
                self.tr("You passed the quiz: %1 of %2. Next: acknowledge the policy and sign.").replace(
                    "%1", str(last.correct)).replace("%2", str(last.total)))
        elif step.kind == "retake" and last is not None:
            bar.offer(self.tr("Not passed last time: %1 of %2. Read the clauses again, then "
                              "retake the quiz.").replace(
                                  "%1", str(last.correct)).replace("%2", str(last.total)),
                      self.tr("&Retake the quiz"))
        elif step.kind == "quiz" and step.quiz_mode == "refresher":
            bar.offer(self._refresher_text(policy_id, policy.title), take)
        elif step.kind == "quiz":
            bar.offer(self.tr("You have read every section of the %1. Now take the quiz: a "
                              "few everyday situations.").replace("%1", policy.title), take)
        elif step.progress.unchanged_sections:
            summary = step.progress
            bar.explain(self.tr(
                "The policy changed since you acknowledged it: read again the %1 of %2 sections with "
                "changed clauses (the others count as read). Then the refresher quiz opens. “My record” "
                "shows what changed, word by word.").replace(
                    "%1", str(summary.total - summary.read)).replace("%2", str(summary.total)))
        else:
            summary = step.progress
            bar.explain(self.tr("This policy ends with a short quiz. It opens once you have read "
                                "every section: %1 of %2 read so far.").replace(
                                    "%1", str(summary.read)).replace("%2", str(summary.total)))

    def _left_part_way(self) -> str | None:
        """Words for a quiz left part-way that can be resumed, or None."""
        try:
            attempt = self._service.quiz.unfinished()
        except StoreError:
            return None
        if attempt is None:
            return None
        policy = self._service.content.policy(attempt.policy_id)
        answered = sum(1 for given in attempt.answers if given is not None)
        return self.tr("You left your %1 quiz on the %2 part-way (%3 of %4 answered). It is kept for a day "
                       "from when you started it: carry on where you left off.").replace(
            "%1", attempt.mode).replace("%2", policy.title if policy else attempt.policy_id).replace(
            "%3", str(answered)).replace("%4", str(attempt.total))

    def _take_label(self, step) -> str:
        """The button says which quiz, and how long."""
        if step.quiz_mode == "refresher":
            return self.tr("&Take the refresher quiz (%1 questions)").replace("%1", str(step.quiz_length))
        return self.tr("&Take the induction quiz (%1 questions)").replace("%1", str(step.quiz_length))

    def _refresher_text(self, policy_id: str, title: str) -> str:
        from holbrook_desktop.core.dates import for_people
        from holbrook_desktop.core.reading.my_record import standing_words

        member = self._service.signed_in
        try:
            status = self._service.hr.status_of(member.id, policy_id)
            (standing, words), due = standing_words(status), status.due
        except (StoreError, KeyError):
            standing, words, due = "due", "", None
        if standing == "overdue":
            return self.tr("Your refresher on the %1 is overdue: %2. Take the refresher quiz, then "
                           "acknowledge the policy again.").replace("%1", title).replace("%2", words)
        if due is not None:
            return self.tr("Your refresher on the %1 is due by %2: a shorter quiz, weighted to what "
                           "changed and what you found hard; then acknowledge again.").replace(
                               "%1", title).replace("%2", for_people(due))
        return self.tr("Your refresher on the %1 is due: take the refresher quiz, then acknowledge "
                       "again.").replace("%1", title)

"""One person taking one quiz: answers recorded as they are given, the result at the end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from holbrook_desktop.core.errors import Refused
from holbrook_desktop.core.quiz.engine import Answer, PresentedQuestion, QuizResult, grade


class QuizNotReady(Refused):
    """The induction quiz comes after the whole policy has been read."""


@dataclass(frozen=True)
class Feedback:
    correct: bool
    explanation: str
    clauses: tuple[str, ...]
    correct_answer: Answer


def stored_answer(presented: PresentedQuestion, answer: Answer) -> Any:
    """An answer by the options' order in the bank, so the record does not depend on the shuffle."""
    if presented.question.kind == "true-false":
        return bool(answer)
    if presented.question.kind == "single":
        return presented.option_order[int(answer)]  # type: ignore[arg-type]
    return sorted(presented.option_order[i] for i in answer)  # type: ignore[union-attr]


def shown_answer(presented: PresentedQuestion, stored: Any) -> Answer:
    """The inverse of `stored_answer`: a kept answer as this attempt's shuffled options show it."""
    if presented.question.kind == "true-false":
        return bool(stored)
    if presented.question.kind == "single":
        return presented.option_order.index(int(stored))
    return frozenset(presented.option_order.index(int(i)) for i in stored)


class QuizSession:
    def __init__(self, attempts, attempt_id: int, mode: str, policy_id: str,
                 questions: list[PresentedQuestion], pass_mark: float) -> None:
        self._attempts = attempts  # holbrook_desktop.core.records.quiz_attempts.QuizAttempts
        self.attempt_id = attempt_id
        self.mode = mode
        self.policy_id = policy_id
        self.questions = questions
        self.pass_mark = pass_mark
        self.answers: list[Answer | None] = [None] * len(questions)
        self.finished = False

    @property
    def first_unanswered(self) -> int:
        """Where a resumed attempt carries on (the last question if every one was answered)."""
        return next((i for i, given in enumerate(self.answers) if given is None), len(self.questions) - 1)

    def answer(self, index: int, answer: Answer) -> Feedback:
        presented = self.questions[index]
        correct = presented.is_correct(answer)
        self._attempts.record_answer(self.attempt_id, index, stored_answer(presented, answer), correct)
        self.answers[index] = answer
        return Feedback(correct, presented.question.explanation, presented.question.clauses,
                        presented.correct_answer())

    def result(self) -> QuizResult:
        return grade(self.questions, self.answers, self.pass_mark)

    def finish(self) -> QuizResult:
        result = self.result()
        if not self.finished:
            self._attempts.finish(self.attempt_id, result.correct, result.passed)
            self.finished = True
        return result

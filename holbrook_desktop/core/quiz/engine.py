"""The quiz engine: which questions to ask, in what order, and how answers are marked.

Pure functions over the bank, deterministic for a given seed, so that an attempt can be
reproduced and the weighting tested on its own.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from holbrook_desktop.core.quiz.bank import Option, Question, QuizBank

# Refresher weighting, in one place. A question's weight is
#   1 + WRONG_WEIGHT × (times this person answered a question on one of its clauses wrongly,
#                        counted up to WRONG_CAP)
#     + CHANGED_WEIGHT if one of its clauses changed since the version they last acknowledged.
# Questions are then drawn without replacement with probability in proportion to weight.
WRONG_WEIGHT = 2.0
WRONG_CAP = 3
CHANGED_WEIGHT = 3.0

Answer = int | frozenset[int] | bool  # single: option shown; multiple: options shown; true-false


@dataclass(frozen=True)
class PresentedQuestion:
    """A question as one attempt shows it: options in this attempt's shuffled order."""

    question: Question
    option_order: tuple[int, ...] = ()  # indices into question.options, in display order

    @property
    def options(self) -> tuple[Option, ...]:
        return tuple(self.question.options[i] for i in self.option_order)

    def correct_answer(self) -> Answer:
        if self.question.kind == "true-false":
            return bool(self.question.answer)
        shown = frozenset(i for i, option in enumerate(self.options) if option.correct)
        return next(iter(shown)) if self.question.kind == "single" else shown

    def is_correct(self, answer: Answer | None) -> bool:
        """Exactly right: a "select all that apply" with one right box missing is wrong."""
        if answer is None:
            return False
        if self.question.kind == "multiple":
            return frozenset(answer) == self.correct_answer()  # type: ignore[arg-type]
        return answer == self.correct_answer()


def present(questions: Sequence[Question], rng: random.Random) -> list[PresentedQuestion]:
    presented = []
    for question in questions:
        order = list(range(len(question.options)))
        rng.shuffle(order)
        presented.append(PresentedQuestion(question, tuple(order)))
    return presented


def induction_length(bank: QuizBank, role: str | None = None) -> int:
    """How many questions `select_induction` asks: the bank's setting, or all there are for the role."""
    return min(bank.settings.induction_questions, len(bank.for_role(role)))


def select_induction(
    bank: QuizBank,
    *,
    seed: int,
    section_of: Callable[[str], str],
    role: str | None = None,
    previously_asked: Collection[str] = (),
    count: int | None = None,
) -> list[PresentedQuestion]:
    """Spread across the policy's sections (one from each in turn); questions this person was
    asked before come last, so a retake differs wherever the bank allows."""
    rng = random.Random(seed)
    wanted = count or bank.settings.induction_questions
    groups: dict[str, list[Question]] = {}
    for question in bank.for_role(role):
        groups.setdefault(section_of(question.clauses[0]), []).append(question)
    queues = []
    for section in sorted(groups):
        fresh = [q for q in groups[section] if q.id not in previously_asked]
        seen = [q for q in groups[section] if q.id in previously_asked]
        rng.shuffle(fresh)
        rng.shuffle(seen)
        queues.append((fresh, seen))
    rng.shuffle(queues)
    chosen: list[Question] = []
    for pool in (0, 1):  # every section's unseen questions first, then the ones seen before
        while len(chosen) < wanted and any(q[pool] for q in queues):
            for queue in queues:
                if queue[pool] and len(chosen) < wanted:
                    chosen.append(queue[pool].pop())
    rng.shuffle(chosen)
    return present(chosen, rng)


def refresher_weight(question: Question, wrong_by_clause: Mapping[str, int],
                     changed_clauses: Collection[str]) -> float:
    wrong = min(WRONG_CAP, sum(wrong_by_clause.get(c, 0) for c in question.clauses))
    changed = any(c in changed_clauses for c in question.clauses)
    return 1.0 + WRONG_WEIGHT * wrong + (CHANGED_WEIGHT if changed else 0.0)


def select_refresher(
    bank: QuizBank,
    *,
    seed: int,
    role: str | None = None,
    wrong_by_clause: Mapping[str, int] | None = None,
    changed_clauses: Collection[str] = (),
    last_set: Collection[str] = (),
    count: int | None = None,
) -> list[PresentedQuestion]:
    """Weighted draw without replacement (Efraimidis–Spirakis keys); never last year's exact set
    when the bank has enough other questions to avoid it."""
    rng = random.Random(seed)
    wanted = count or bank.settings.refresher_questions
    eligible = bank.for_role(role)
    others = [q for q in eligible if q.id not in last_set]
    if len(others) >= wanted:
        eligible = others
    wrong = wrong_by_clause or {}
    keyed = sorted(
        eligible,
        key=lambda q: rng.random() ** (1.0 / refresher_weight(q, wrong, changed_clauses)),
        reverse=True,
    )
    chosen = keyed[:wanted]
    if set(last_set) and {q.id for q in chosen} == set(last_set) and len(eligible) > wanted:
        chosen[-1] = keyed[wanted]  # only reachable when the bank is tiny
    return present(chosen, rng)


@dataclass(frozen=True)
class QuizResult:
    correct: int
    total: int
    pass_mark: float
    wrong: tuple[PresentedQuestion, ...]

    @property
    def score(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def passed(self) -> bool:
        return self.total > 0 and self.score >= self.pass_mark

    def clauses_to_reread(self) -> list[str]:
        return list(dict.fromkeys(c for p in self.wrong for c in p.question.clauses))


def grade(presented: Sequence[PresentedQuestion], answers: Sequence[Answer | None],
          pass_mark: float) -> QuizResult:
    wrong = tuple(p for p, a in zip(presented, answers, strict=True) if not p.is_correct(a))
    return QuizResult(len(presented) - len(wrong), len(presented), pass_mark, wrong)

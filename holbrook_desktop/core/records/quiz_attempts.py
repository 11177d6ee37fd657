"""Quiz attempts: what was asked, what was answered, the result, and attempts left unfinished."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from holbrook_desktop.core.content.handbook import Policy

IN_PROGRESS, FINISHED, ABANDONED = "in-progress", "finished", "abandoned"


@dataclass(frozen=True)
class AttemptRecord:
    id: int
    staff_id: int
    policy_id: str
    policy_sha256: str
    mode: str
    seed: int
    questions: list[dict[str, Any]]  # [{"id": …, "option_order": […]}] in the order asked
    answers: list[dict[str, Any] | None]  # per question: {"answer": …, "correct": bool} or None
    correct: int | None
    total: int
    passed: bool | None
    status: str
    started_at: str
    finished_at: str | None

    @property
    def question_ids(self) -> list[str]:
        return [q["id"] for q in self.questions]


_COLUMNS = ("id, staff_id, policy_id, policy_sha256, mode, seed, questions, answers, correct, total, "
            "passed, status, started_at, finished_at")


def _record(row: Sequence[Any]) -> AttemptRecord:
    values = list(row)
    values[6], values[7] = json.loads(values[6]), json.loads(values[7])
    values[10] = None if values[10] is None else bool(values[10])
    return AttemptRecord(*values)


class QuizAttempts:
    def __init__(self, store) -> None:  # store: holbrook_desktop.core.records.Store
        self._store = store

    def start(self, staff_id: int, policy: Policy, mode: str, seed: int,
              questions: list[dict[str, Any]]) -> int:
        self._store.policy_versions.record_seen(policy)
        self.abandon_unfinished(staff_id)  # at most one attempt in progress per person
        with self._store.change("quiz.started") as change:
            cursor = change.db.execute(
                "INSERT INTO quiz_attempts (staff_id, policy_id, policy_sha256, mode, seed, questions, "
                "answers, total, status, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (staff_id, policy.id, policy.sha256, mode, seed, json.dumps(questions),
                 json.dumps([None] * len(questions)), len(questions), IN_PROGRESS, change.at),
            )
            change.details = {"attempt_id": cursor.lastrowid, "staff_id": staff_id, "mode": mode,
                              "policy_sha256": policy.sha256, "questions": [q["id"] for q in questions]}
            return cursor.lastrowid

    def record_answer(self, attempt_id: int, index: int, answer: Any, correct: bool) -> None:
        """Each answer is saved as it is given, so an attempt left half-way keeps what was done."""
        with self._store.change("quiz.answered") as change:
            attempt = self.get(attempt_id)
            if attempt is None or attempt.status != IN_PROGRESS:
                raise ValueError(f"attempt {attempt_id} is not in progress")
            answers = attempt.answers
            answers[index] = {"answer": answer, "correct": correct}
            change.db.execute("UPDATE quiz_attempts SET answers = ? WHERE id = ?",
                              (json.dumps(answers), attempt_id))
            change.details = {"attempt_id": attempt_id, "question": attempt.questions[index]["id"],
                              "answer": answer, "correct": correct}

    def finish(self, attempt_id: int, correct: int, passed: bool) -> None:
        with self._store.change("quiz.finished") as change:
            change.db.execute(
                "UPDATE quiz_attempts SET status = ?, correct = ?, passed = ?, finished_at = ? "
                "WHERE id = ? AND status = ?",
                (FINISHED, correct, int(passed), change.at, attempt_id, IN_PROGRESS),
            )
            change.details = {"attempt_id": attempt_id, "correct": correct, "passed": passed}

    def abandon_unfinished(self, staff_id: int) -> int:
        """Attempts this person left part-way (signed out, closed the window): kept, marked."""
        with self._store.change("quiz.abandoned") as change:
            # Only attempts made on this PC: one in progress on another of the school's PCs is that
            # PC's to close (its bundle would otherwise be overruled from here mid-quiz).
            here = "AND (origin_pc IS NULL OR origin_pc = (SELECT value FROM sync_meta WHERE key = 'pc_id'))"
            rows = change.db.execute(f"SELECT id FROM quiz_attempts WHERE staff_id = ? AND status = ? {here}",
                                     (staff_id, IN_PROGRESS)).fetchall()
            change.db.execute(f"UPDATE quiz_attempts SET status = ?, finished_at = ? WHERE staff_id = ? "
                              f"AND status = ? {here}", (ABANDONED, change.at, staff_id, IN_PROGRESS))
            if not rows:
                change.skip()
            change.details = {"staff_id": staff_id, "attempt_ids": [r[0] for r in rows]}
            return len(rows)

    def abandon_started_before(self, staff_id: int, before: str) -> int:
        """Attempts left part-way that were started before `before` (UTC, ISO 8601): kept, marked
        abandoned. Younger ones stay in progress, to be resumed."""
        with self._store.change("quiz.abandoned") as change:
            rows = change.db.execute(
                "SELECT id FROM quiz_attempts WHERE staff_id = ? AND status = ? AND started_at < ?",
                (staff_id, IN_PROGRESS, before)).fetchall()
            ids = [r[0] for r in rows]
            change.db.execute(
                "UPDATE quiz_attempts SET status = ?, finished_at = ? WHERE id IN "
                "(SELECT value FROM json_each(?)) AND status = ?",
                (ABANDONED, change.at, json.dumps(ids), IN_PROGRESS))
            if not ids:
                change.skip()
            change.details = {"staff_id": staff_id, "attempt_ids": ids, "reason": "not resumed within a day"}
            return len(ids)

    def unfinished(self, staff_id: int) -> AttemptRecord | None:
        """This person's attempt in progress, if any (at most one: `start` abandons the others)."""
        row = self._store.db.execute(
            f"SELECT {_COLUMNS} FROM quiz_attempts WHERE staff_id = ? AND status = ? "
            "ORDER BY id DESC LIMIT 1",
            (staff_id, IN_PROGRESS)).fetchone()
        return _record(row) if row else None

    def get(self, attempt_id: int) -> AttemptRecord | None:
        row = self._store.db.execute(f"SELECT {_COLUMNS} FROM quiz_attempts WHERE id = ?",
                                     (attempt_id,)).fetchone()
        return _record(row) if row else None

    def history(self, staff_id: int, policy_id: str) -> list[AttemptRecord]:
        """This person's attempts at this policy's quiz, newest first."""
        rows = self._store.db.execute(
            f"SELECT {_COLUMNS} FROM quiz_attempts WHERE staff_id = ? AND policy_id = ? "
            "ORDER BY id DESC", (staff_id, policy_id)).fetchall()
        return [_record(row) for row in rows]

    def scores(self, attempt_ids: Iterable[int]) -> dict[int, str]:
        """Attempt id → its score as "correct/total", for those of `attempt_ids` that were marked (one
        query, however many are asked about)."""
        ids = sorted(set(attempt_ids))
        return dict(self._store.db.execute(
            "SELECT id, correct || '/' || total FROM quiz_attempts "
            "WHERE correct IS NOT NULL AND id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)))

    def wrong_by_clause(self, staff_id: int, policy_id: str,
                        clauses_of: Mapping[str, Sequence[str]]) -> Counter[str]:
        """How often this person answered wrongly on each clause, over finished attempts."""
        wrong: Counter[str] = Counter()
        for attempt in self.history(staff_id, policy_id):
            if attempt.status != FINISHED:
                continue
            for asked, given in zip(attempt.questions, attempt.answers, strict=False):
                if given is not None and not given["correct"]:
                    wrong.update(clauses_of.get(asked["id"], ()))
        return wrong

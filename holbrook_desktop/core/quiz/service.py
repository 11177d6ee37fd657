"""`app.quiz`: the scenario banks, a new attempt for the person signed in, and their last result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

# An unfinished quiz can be taken up again for this long after it was started (sign-out, idle).
RESUME_HOURS = 24

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.content.handbook import Handbook
    from holbrook_desktop.core.quiz.bank import QuizBank
    from holbrook_desktop.core.quiz.session import QuizSession
    from holbrook_desktop.core.records.quiz_attempts import AttemptRecord


@dataclass(frozen=True)
class QuizOutcome:
    mode: str
    correct: int
    total: int
    passed: bool
    finished_at: str  # UTC, ISO 8601


class QuizService:
    def __init__(self, app: App) -> None:
        self._app = app
        self._banks: dict[str, QuizBank] = {}
        self._banks_for: Handbook | None = None

    @property
    def banks(self) -> dict[str, QuizBank]:
        """Every policy's bank, read on first use and again whenever the content is read afresh."""
        handbook = self._app.content.handbook
        if self._banks_for is not handbook:
            from holbrook_desktop.core.content.folder import load_quizzes

            self._banks, problems = load_quizzes(handbook)
            self._banks_for = handbook
            self._app.content.add_problems(problems)
        return self._banks

    def bank(self, policy_id: str) -> QuizBank | None:
        return self.banks.get(policy_id)

    def last_outcome(self, policy_id: str) -> QuizOutcome | None:
        """The signed-in person's latest finished attempt on the current version of this policy (or
        one the administrator marked the same text: a minor change)."""
        app = self._app
        policy = app.content.policy(policy_id)
        if app.records is None or app.signed_in is None or policy is None:
            return None
        counted = app.admin.counted_versions(policy_id)
        for attempt in app.records.quiz_attempts.history(app.signed_in.id, policy_id):
            if attempt.status == "finished" and attempt.policy_sha256 in counted:
                return QuizOutcome(attempt.mode, attempt.correct or 0, attempt.total, bool(attempt.passed),
                                   attempt.finished_at or "")
        return None

    def unfinished(self) -> AttemptRecord | None:
        """The signed-in person's quiz left part-way (signed out, idle, window closed) that can still be
        resumed: started within `RESUME_HOURS`, on the version in force, with its questions still in
        the bank. Older ones are marked abandoned at sign-in (`App.sign_in`)."""
        app = self._app
        if app.records is None or app.signed_in is None:
            return None
        attempt = app.records.quiz_attempts.unfinished(app.signed_in.id)
        if attempt is None:
            return None
        policy, bank = app.content.policy(attempt.policy_id), self.banks.get(attempt.policy_id)
        if policy is None or bank is None or policy.sha256 != attempt.policy_sha256:
            return None
        known = {q.id for q in bank.questions}
        if not all(qid in known for qid in attempt.question_ids):
            return None
        return attempt

    def resume(self) -> QuizSession | None:
        """The unfinished attempt as it was left: the same questions in the same order, options in the
        same shuffle, the answers already given."""
        from holbrook_desktop.core.quiz.engine import PresentedQuestion
        from holbrook_desktop.core.quiz.session import QuizSession, shown_answer

        attempt = self.unfinished()
        if attempt is None:
            return None
        bank = self.banks[attempt.policy_id]
        by_id = {q.id: q for q in bank.questions}
        presented = [PresentedQuestion(by_id[q["id"]], tuple(q["option_order"])) for q in attempt.questions]
        session = QuizSession(self._app.require_records().quiz_attempts, attempt.id, attempt.mode,
                              attempt.policy_id, presented, bank.settings.pass_mark)
        for index, given in enumerate(attempt.answers):
            if given is not None:
                session.answers[index] = shown_answer(presented[index], given["answer"])
        return session

    def start(self, policy_id: str, mode: str, seed: int | None = None) -> QuizSession:
        """A new attempt for the person signed in. Induction needs the whole policy read first."""
        import secrets

        from holbrook_desktop.core.quiz.engine import select_induction, select_refresher
        from holbrook_desktop.core.quiz.session import QuizNotReady, QuizSession

        app = self._app
        records, member = app.require_records(), app.signed_in
        policy, bank = app.content.policy(policy_id), self.banks.get(policy_id)
        if member is None or policy is None or bank is None:
            raise QuizNotReady("Sign in, and choose a policy that has a quiz.")
        if mode == "induction" and not app.reading.complete(policy_id):
            raise QuizNotReady("Read every section of the policy first; then the quiz opens.")
        if (mode == "refresher" and app.reading.changes_since_acknowledged(policy_id) is not None
                and not app.reading.complete(policy_id)):
            raise QuizNotReady("Read the sections that changed since you acknowledged the policy first; "
                               "then the refresher quiz opens.")
        seed = secrets.randbits(31) if seed is None else seed
        history = records.quiz_attempts.history(member.id, policy_id)
        if mode == "induction":
            asked_before = {qid for a in history if a.mode == "induction" for qid in a.question_ids}

            def section_of(number: str) -> str:
                clause = policy.clause(number)
                assert clause is not None  # quiz/bank.py drops a question citing a clause not in the policy
                return clause.section_number

            presented = select_induction(
                bank, seed=seed, role=member.role, previously_asked=asked_before, section_of=section_of)
        elif mode == "refresher":
            clauses_of = {q.id: q.clauses for q in bank.questions}
            # Favour what changed since the version they last acknowledged (or, before any
            # acknowledgement, the version they last passed).
            acknowledged = records.acknowledgements.for_person(member.id, policy_id)
            passed = [a for a in history if a.status == "finished" and a.passed]
            since = (acknowledged[0].policy_sha256 if acknowledged
                     else passed[0].policy_sha256 if passed else policy.sha256)
            changed = (records.policy_versions.changed_clauses(policy, since)
                       if since != policy.sha256 else set())
            last_refresher = next((a for a in history if a.mode == "refresher"), None)
            presented = select_refresher(
                bank, seed=seed, role=member.role, changed_clauses=changed,
                wrong_by_clause=records.quiz_attempts.wrong_by_clause(member.id, policy_id, clauses_of),
                last_set=last_refresher.question_ids if last_refresher else ())
        else:
            raise ValueError(f"unknown quiz mode {mode!r}")
        if not presented:
            raise QuizNotReady("There are no quiz questions for your role yet.")
        attempt_id = records.quiz_attempts.start(
            member.id, policy, mode, seed,
            [{"id": p.question.id, "option_order": list(p.option_order)} for p in presented])
        return QuizSession(records.quiz_attempts, attempt_id, mode, policy_id, presented,
                           bank.settings.pass_mark)

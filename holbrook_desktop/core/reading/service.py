"""`app.reading`: the section on screen, reading progress, and the next step for the person signed in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from holbrook_desktop.core.content.render import Location
from holbrook_desktop.core.reading.progress import (
    InMemoryProgressStore,
    ProgressStore,
    ReadingTracker,
    SectionKey,
)

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.content.handbook import Policy
    from holbrook_desktop.core.quiz.service import QuizOutcome
    from holbrook_desktop.core.records.acknowledgements import AcknowledgementRecord


@dataclass(frozen=True)
class ProgressSummary:
    read: int
    total: int
    read_sections: frozenset[str]


@dataclass(frozen=True)
class ReadingEstimate:
    """What a person is about to do: minutes of reading, from the words, and the quiz's length."""

    minutes: int
    words: int
    sections: int
    quiz_questions: int  # asked in an induction quiz


# A careful first read of a policy, not the quick pass the reading tracker accepts as a minimum
# (reading.progress.SECONDS_PER_WORD is 500 words a minute).
ESTIMATE_WORDS_PER_MINUTE = 200

StepKind = Literal["read", "quiz", "retake", "acknowledge", "done"]


@dataclass(frozen=True)
class NextStep:
    """Where the person signed in stands on one policy: read → quiz → acknowledge → (refresher).

    `read`: sections are still unread; `quiz`: all read, no finished quiz on this version;
    `retake`: the last quiz was not passed; `acknowledge`: passed, not yet acknowledged with that pass;
    `done`: acknowledged (the next one follows the yearly refresher)."""

    kind: StepKind
    progress: ProgressSummary
    last_quiz: QuizOutcome | None = None
    acknowledgement: AcknowledgementRecord | None = None


class ReadingService:
    def __init__(self, app: App, clock: Callable[[], float], seconds_for: Callable[[int], float]) -> None:
        self._app = app
        self._anonymous = InMemoryProgressStore()
        self._store: ProgressStore = self._anonymous
        self._tracker = ReadingTracker(self._store, clock, seconds_for)

    def use_progress(self, store: ProgressStore | None) -> None:
        """The signed-in person's progress in the records, or (None) a fresh one kept in memory."""
        if store is None:
            self._anonymous = InMemoryProgressStore()
            store = self._anonymous
        self._store = store
        self._tracker.use_store(store)

    def open_section(self, location: Location) -> None:
        found = self._app.content.section_at(location)
        if not found or not found[1].clauses:
            self._tracker.close()  # a contents-only page (Appendix A's list of parts) is not read
            return
        policy, section = found
        self._tracker.open(SectionKey(policy.id, policy.sha256, section.number), section.word_count)

    def close_section(self) -> None:
        """Nothing is being read now (a quiz is on screen): the reading clock stops."""
        self._tracker.close()

    def end_of_section_seen(self) -> bool:
        return self._tracker.end_seen()

    def seconds_until_read(self) -> float:
        return self._tracker.seconds_remaining()

    def poll(self) -> bool:
        return self._tracker.poll()

    def progress(self, policy_id: str) -> ProgressSummary:
        policy = self._app.content.require_policy(policy_id)
        numbers = {s.number for s in policy.reading_sections()}
        read = self._store.read_sections(policy.id, policy.sha256) & numbers
        if read != numbers and self._app.records is not None:
            read |= self._carried_over(policy, numbers - read)
        return ProgressSummary(len(read), len(numbers), frozenset(read))

    def _carried_over(self, policy: Policy, unread: set[str]) -> set[str]:
        """Sections read in a version the administrator marked the same text (a minor change) whose
        words are unchanged in this one, clause by clause: reading them again would teach nothing."""
        from holbrook_desktop.core.records.policy_versions import clause_sha256

        records = self._app.require_records()
        others = self._app.admin.counted_versions(policy.id) - {policy.sha256}
        carried: set[str] = set()
        for sha in others:
            read_then = self._store.read_sections(policy.id, sha) & (unread - carried)
            if not read_then:
                continue
            then = records.policy_versions.clause_hashes(policy.id, sha)
            for section in policy.reading_sections():
                if section.number in read_then and all(
                        then.get(c.number) == clause_sha256(c.plain_text) for c in section.clauses):
                    carried.add(section.number)
        return carried

    def complete(self, policy_id: str) -> bool:
        summary = self.progress(policy_id)
        return summary.total > 0 and summary.read == summary.total

    def next_step(self, policy_id: str) -> NextStep:
        """What the person signed in should do next on this policy (see NextStep)."""
        progress = self.progress(policy_id)
        # Acknowledged a version the administrator marked the same text (a minor change): that
        # acknowledgement stands for this one, as it does in HR's table.
        acknowledged = self._app.attestation.last_acknowledgement(policy_id)
        if acknowledged is not None and acknowledged.policy_sha256 != self._app.content.require_policy(
                policy_id).sha256:
            return NextStep("done", progress, self._app.quiz.last_outcome(policy_id), acknowledged)
        if not (progress.total > 0 and progress.read == progress.total):
            return NextStep("read", progress)
        last = self._app.quiz.last_outcome(policy_id)
        if last is None:
            return NextStep("quiz", progress)
        if not last.passed:
            return NextStep("retake", progress, last)
        # The pass on record has already been used for an acknowledgement: say which one.
        if self._app.attestation.offer(policy_id).already_acknowledged_at:
            return NextStep("done", progress, last, self._app.attestation.last_acknowledgement(policy_id))
        return NextStep("acknowledge", progress, last)

    def estimate(self, policy_id: str | None = None, *, role: str | None = None) -> ReadingEstimate:
        """How long reading takes (from the words shown, rounded up to whole minutes) and how many
        questions the induction quiz asks; for every policy when `policy_id` is None."""
        from holbrook_desktop.core.quiz.engine import induction_length

        content = self._app.content
        policies = [content.require_policy(policy_id)] if policy_id else list(content.policies)
        words = sections = questions = 0
        banks = self._app.quiz.banks
        for policy in policies:
            reading = policy.reading_sections()
            sections += len(reading)
            words += sum(section.word_count for section in reading)
            bank = banks.get(policy.id)
            if bank is not None:
                questions += induction_length(bank, role)
        minutes = -(-words // ESTIMATE_WORDS_PER_MINUTE)  # rounded up: "about 16 minutes", never 0
        return ReadingEstimate(minutes, words, sections, questions)

"""`app.reading`: the section on screen, reading progress, and the next step for the person signed in."""

from __future__ import annotations

import math
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
    from holbrook_desktop.core.admin.version_changes import VersionChanges
    from holbrook_desktop.core.content.handbook import Policy
    from holbrook_desktop.core.quiz.service import QuizOutcome
    from holbrook_desktop.core.reading.my_record import MyRecord
    from holbrook_desktop.core.records.acknowledgements import AcknowledgementRecord


@dataclass(frozen=True)
class ProgressSummary:
    read: int
    total: int
    read_sections: frozenset[str]
    # Of those, the sections that count as read because no clause in them changed since the
    # version the person last acknowledged: only what changed is read again.
    unchanged_sections: frozenset[str] = frozenset()


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
QuizMode = Literal["induction", "refresher"]


@dataclass(frozen=True)
class NextStep:
    """Where the person signed in stands on one policy: read → quiz → acknowledge → (refresher).

    `read`: sections are still unread; `quiz`: all read, no finished quiz on this version;
    `retake`: the last quiz was not passed; `acknowledge`: passed, not yet acknowledged with that pass;
    `done`: acknowledged (the next one follows the yearly refresher). When the refresher falls due,
    a person who acknowledged is back at `quiz`, with `quiz_mode` "refresher".

    `quiz_mode`: the quiz they would take: the weighted refresher for someone who has acknowledged
    this policy before (any version), the induction otherwise; `quiz_length` its questions."""

    kind: StepKind
    progress: ProgressSummary
    last_quiz: QuizOutcome | None = None
    acknowledgement: AcknowledgementRecord | None = None
    quiz_mode: QuizMode = "induction"
    quiz_length: int = 0
    refresher_due: bool = False  # acknowledged before, and due (or overdue) to acknowledge again


@dataclass(frozen=True)
class SectionHint:
    """What it still takes for the section on screen to count as read (see progress.ReadingTracker)."""

    read: bool
    end_seen: bool
    seconds_left: float

    def text(self) -> str:
        """"Scroll to the end; about 40 s more", "About 5 s more", "This section counts as read"."""
        if self.read:
            return "This section counts as read"
        parts = []
        if not self.end_seen:
            parts.append("scroll to the end")
        if self.seconds_left > 0:
            seconds = math.ceil(self.seconds_left)
            if seconds > 10:
                seconds = 5 * math.ceil(seconds / 5)  # "about 40 s", not a number that ticks each second
            parts.append(f"about {seconds} s more")
        if not parts:
            return "This section counts as read"
        text = "; ".join(parts)
        return text[0].upper() + text[1:]


class ReadingService:
    def __init__(self, app: App, clock: Callable[[], float], seconds_for: Callable[[int], float]) -> None:
        self._app = app
        self._anonymous = InMemoryProgressStore()
        self._store: ProgressStore = self._anonymous
        self._tracker = ReadingTracker(self._store, clock, seconds_for)
        self._unchanged_cache: dict[tuple[int, str], frozenset[str]] = {}

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

    def section_hint(self) -> SectionHint | None:
        """For the section on screen (None: nothing being read, e.g. a contents-only page)."""
        key = self._tracker.open_key
        if key is None or self._app.content.policy(key.policy_id) is None:
            return None
        read = key.section_number in self.progress(key.policy_id).read_sections
        return SectionHint(read, self._tracker.end_was_seen, self._tracker.seconds_remaining())

    def progress(self, policy_id: str) -> ProgressSummary:
        policy = self._app.content.require_policy(policy_id)
        numbers = {s.number for s in policy.reading_sections()}
        unchanged = self._unchanged_sections(policy_id) & numbers
        read = (self._store.read_sections(policy.id, policy.sha256) & numbers) | unchanged
        if read != numbers and self._app.records is not None:
            read |= self._carried_over(policy, numbers - read)
        return ProgressSummary(len(read), len(numbers), frozenset(read), frozenset(unchanged))

    def first_unread(self, policy_id: str | None = None) -> Location | None:
        """The first section still to read (of one policy, or of any in handbook order)."""
        content = self._app.content
        policies = [content.require_policy(policy_id)] if policy_id else list(content.policies)
        for policy in policies:
            read = self.progress(policy.id).read_sections
            for section in policy.reading_sections():
                if section.number not in read:
                    return Location(policy.id, section.number)
        return None

    def next_unread_after(self, location: Location | None) -> Location | None:
        """The next section still to read after `location` (wrapping round to the start)."""
        unread: list[Location] = []
        for policy in self._app.content.policies:
            read = self.progress(policy.id).read_sections
            unread += [Location(policy.id, s.number) for s in policy.reading_sections()
                       if s.number not in read]
        if not unread:
            return None
        order = [Location(p.id, s.number) for p in self._app.content.policies for s in p.reading_sections()]
        if location is None or location not in order:
            return unread[0]
        here = order.index(location)
        return next((u for u in unread if order.index(u) > here), unread[0])

    # Since the version the person acknowledged -------------------------------------------------

    def _last_acknowledged(self, policy_id: str) -> AcknowledgementRecord | None:
        app = self._app
        if app.records is None or app.signed_in is None:
            return None
        found = app.records.acknowledgements.for_person(app.signed_in.id, policy_id)
        return found[0] if found else None

    def changes_since_acknowledged(self, policy_id: str) -> VersionChanges | None:
        """What changed, clause by clause and word by word, between the version the person signed in
        last acknowledged and the one in force; None if they never acknowledged, or this version."""
        from holbrook_desktop.core.admin.version_changes import changes_since

        policy = self._app.content.require_policy(policy_id)
        last = self._last_acknowledged(policy_id)
        if last is None or last.policy_sha256 == policy.sha256:
            return None
        return changes_since(self._app.require_records(), policy, last.policy_sha256, last.version_label)

    def _unchanged_sections(self, policy_id: str) -> set[str]:
        """Sections whose every clause reads as in the version last acknowledged: they count as read.
        None do when that version's clauses are not on record (no evidence, so everything is read)."""
        policy = self._app.content.require_policy(policy_id)
        last = self._last_acknowledged(policy_id)
        if last is None or last.policy_sha256 == policy.sha256:
            return set()
        # Asked every second by the window's reading hint: worked out once per version pair.
        cache_key = (last.id, policy.sha256)
        if cache_key not in self._unchanged_cache:
            records = self._app.require_records()
            unchanged: frozenset[str] = frozenset()
            if records.policy_versions.clause_hashes(policy.id, last.policy_sha256):
                changes = self.changes_since_acknowledged(policy_id)
                changed = {c.number for c in changes.clauses} if changes is not None else set()
                unchanged = frozenset(s.number for s in policy.reading_sections()
                                      if not any(c.number in changed for c in s.clauses))
            self._unchanged_cache[cache_key] = unchanged
        return set(self._unchanged_cache[cache_key])

    def my_record(self) -> MyRecord:
        """The signed-in person's own record: each policy's standing in words, the versions they
        acknowledged with their certificates, the next refresher, and what changed since they signed."""
        from holbrook_desktop.core.reading.my_record import my_record

        return my_record(self._app)

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
        mode, length, due = self._quiz_for(policy_id)
        # Acknowledged a version the administrator marked the same text (a minor change): that
        # acknowledgement stands for this one, as it does in HR's table (until the refresher falls due).
        acknowledged = self._app.attestation.last_acknowledgement(policy_id)
        if (acknowledged is not None and not due
                and acknowledged.policy_sha256 != self._app.content.require_policy(policy_id).sha256):
            return NextStep("done", progress, self._app.quiz.last_outcome(policy_id), acknowledged,
                            quiz_mode=mode, quiz_length=length)
        if not (progress.total > 0 and progress.read == progress.total):
            return NextStep("read", progress, quiz_mode=mode, quiz_length=length, refresher_due=due)
        last = self._app.quiz.last_outcome(policy_id)
        if last is None:
            return NextStep("quiz", progress, quiz_mode=mode, quiz_length=length, refresher_due=due)
        if not last.passed:
            return NextStep("retake", progress, last, quiz_mode=mode, quiz_length=length, refresher_due=due)
        # The pass on record has already been used for an acknowledgement: say which one, unless the
        # refresher has fallen due since.
        if self._app.attestation.offer(policy_id).already_acknowledged_at:
            if due:
                return NextStep("quiz", progress, last, quiz_mode=mode, quiz_length=length,
                                refresher_due=True)
            return NextStep("done", progress, last, self._app.attestation.last_acknowledgement(policy_id),
                            quiz_mode=mode, quiz_length=length)
        return NextStep("acknowledge", progress, last, quiz_mode=mode, quiz_length=length, refresher_due=due)

    def _quiz_for(self, policy_id: str) -> tuple[QuizMode, int, bool]:
        """The quiz this person takes next, its length, and whether their refresher is due."""
        from holbrook_desktop.core.hr.due import Status
        from holbrook_desktop.core.quiz.engine import induction_length

        app = self._app
        member = app.signed_in
        bank = app.quiz.bank(policy_id)
        if member is None or app.records is None or self._last_acknowledged(policy_id) is None:
            return "induction", induction_length(bank, member.role if member else None) if bank else 0, False
        status = app.hr.status_of(member.id, policy_id)
        due = status.status in (Status.DUE_SOON, Status.OVERDUE, Status.NEVER)
        length = min(bank.settings.refresher_questions, len(bank.for_role(member.role))) if bank else 0
        return "refresher", length, due

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

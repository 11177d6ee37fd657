"""Which sections a person has read: end scrolled into view, and open long enough to read it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

# The one place that says how long "reading" a section takes. 0.12 s a word is 500 words a
# minute: a quick but real read; the floor stops a two-line section counting as read on a flick.
SECONDS_PER_WORD = 0.12
MINIMUM_SECONDS = 3.0
MAXIMUM_SECONDS = 180.0


def minimum_reading_seconds(word_count: int) -> float:
    return min(MAXIMUM_SECONDS, max(MINIMUM_SECONDS, word_count * SECONDS_PER_WORD))


@dataclass(frozen=True)
class SectionKey:
    """A section of one exact policy version: progress on an old text does not carry over."""

    policy_id: str
    policy_sha256: str
    section_number: str


class ProgressStore(Protocol):
    """Where read marks live; the records store implements this per member of staff."""

    def read_sections(self, policy_id: str, policy_sha256: str) -> set[str]: ...

    def mark_opened(self, key: SectionKey) -> None: ...

    def mark_read(self, key: SectionKey, completed_at: datetime) -> None: ...


class InMemoryProgressStore:
    def __init__(self) -> None:
        self._read: dict[tuple[str, str], dict[str, datetime]] = {}

    def read_sections(self, policy_id: str, policy_sha256: str) -> set[str]:
        return set(self._read.get((policy_id, policy_sha256), {}))

    def mark_opened(self, key: SectionKey) -> None:
        pass  # only completion matters for a session that is not kept

    def mark_read(self, key: SectionKey, completed_at: datetime) -> None:
        marks = self._read.setdefault((key.policy_id, key.policy_sha256), {})
        marks.setdefault(key.section_number, completed_at)


class ReadingTracker:
    """Follows the section on screen and marks it read once both conditions hold."""

    def __init__(
        self,
        store: ProgressStore,
        clock: Callable[[], float] = time.monotonic,
        seconds_for: Callable[[int], float] = minimum_reading_seconds,
    ) -> None:
        self._store = store
        self._clock = clock
        self._seconds_for = seconds_for
        self._key: SectionKey | None = None
        self._opened_at = 0.0
        self._required = 0.0
        self._end_seen = False

    def open(self, key: SectionKey, word_count: int) -> None:
        if key == self._key:
            return
        self._key = key
        self._opened_at = self._clock()
        self._required = self._seconds_for(word_count)
        self._end_seen = False
        self._store.mark_opened(key)

    def use_store(self, store: ProgressStore) -> None:
        """Progress now belongs to someone else (sign-in, sign-out): start the section afresh."""
        self._store = store
        self._key = None

    def close(self) -> None:
        self._key = None

    def end_seen(self) -> bool:
        """The end of the open section is on screen; True if that completed the reading."""
        self._end_seen = True
        return self.poll()

    @property
    def open_key(self) -> SectionKey | None:
        """The section being read now, if any."""
        return self._key

    @property
    def end_was_seen(self) -> bool:
        return self._key is not None and self._end_seen

    def seconds_remaining(self) -> float:
        """Time still needed on this section (0 once the time part is met)."""
        if self._key is None:
            return 0.0
        return max(0.0, self._required - (self._clock() - self._opened_at))

    def poll(self) -> bool:
        """Mark the open section read if both conditions now hold; True when it was just marked."""
        key = self._key
        if key is None or not self._end_seen or self.seconds_remaining() > 0:
            return False
        if key.section_number in self._store.read_sections(key.policy_id, key.policy_sha256):
            return False
        self._store.mark_read(key, datetime.now(UTC))
        return True

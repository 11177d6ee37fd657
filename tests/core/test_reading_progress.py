"""A section counts as read only when its end was on screen and it was open long enough."""

from holbrook_desktop.app import App
from holbrook_desktop.core.content.render import Location
from holbrook_desktop.core.reading.progress import (
    InMemoryProgressStore,
    ReadingTracker,
    SectionKey,
    minimum_reading_seconds,
)
from tests.conftest import REAL_CONTENT


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


KEY = SectionKey("social-media", "abc", "5")


def test_minimum_time_grows_with_length_within_bounds():
    assert minimum_reading_seconds(0) == 3.0
    assert minimum_reading_seconds(100) == 12.0
    assert minimum_reading_seconds(100_000) == 180.0


def test_scrolling_to_the_end_too_fast_does_not_count():
    clock, store = FakeClock(), InMemoryProgressStore()
    tracker = ReadingTracker(store, clock)
    tracker.open(KEY, word_count=100)  # needs 12 s
    clock.now += 2
    assert tracker.end_seen() is False
    assert tracker.seconds_remaining() == 10
    clock.now += 10
    assert tracker.poll() is True
    assert store.read_sections("social-media", "abc") == {"5"}
    assert tracker.poll() is False  # marked once


def test_time_alone_does_not_count():
    clock, store = FakeClock(), InMemoryProgressStore()
    tracker = ReadingTracker(store, clock)
    tracker.open(KEY, word_count=10)
    clock.now += 600
    assert tracker.poll() is False
    assert store.read_sections("social-media", "abc") == set()


def test_leaving_the_section_resets_the_clock():
    clock, store = FakeClock(), InMemoryProgressStore()
    tracker = ReadingTracker(store, clock)
    tracker.open(KEY, word_count=100)
    clock.now += 11
    tracker.open(SectionKey("social-media", "abc", "7"), word_count=100)
    tracker.open(KEY, word_count=100)
    clock.now += 2
    assert tracker.end_seen() is False


def test_progress_is_per_version():
    clock, store = FakeClock(), InMemoryProgressStore()
    tracker = ReadingTracker(store, clock)
    tracker.open(KEY, word_count=1)
    clock.now += 5
    tracker.end_seen()
    assert store.read_sections("social-media", "a-new-version") == set()


def test_service_counts_read_sections_of_a_policy():
    clock = FakeClock()
    service = App(REAL_CONTENT, reading_clock=clock)
    assert service.reading.progress("social-media").read == 0
    assert service.reading.progress("social-media").total == 13  # 1-5, 7-9 and A.1-A.5
    service.reading.open_section(Location("social-media", "1"))
    clock.now += 60
    assert service.reading.end_of_section_seen() is True
    summary = service.reading.progress("social-media")
    assert (summary.read, summary.read_sections) == (1, frozenset({"1"}))
    # Appendix A's own page only lists its parts: nothing there to read.
    service.reading.open_section(Location("social-media", "A"))
    clock.now += 60
    assert service.reading.end_of_section_seen() is False

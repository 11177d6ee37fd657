"""The one composition root: `open_app(content_dir, data_dir, clock) -> App`, for window, CLI and self-test.

`App` composes the domain services (`app.content`, `app.reading`, `app.quiz`, `app.attestation`,
`app.hr`, `app.admin`) the way Anki's `Collection` composes its managers; each is made on first use,
so the window can appear before quiz banks, signing or HR's modules are imported. The person signed
in is an explicit `Session`; the administrator's is an `AdminSession`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from holbrook_desktop.core.content.service import ContentService
from holbrook_desktop.core.dates import has_left
from holbrook_desktop.core.errors import NotSignedIn, RecordsNotOpen, UnknownStaff
from holbrook_desktop.core.reading.progress import minimum_reading_seconds
from holbrook_desktop.core.reading.service import ReadingService

__all__ = ["AdminSession", "App", "Session", "open_app"]

if TYPE_CHECKING:
    from holbrook_desktop.core.admin.access import AdminSession
    from holbrook_desktop.core.admin.service import AdminService
    from holbrook_desktop.core.attestation.school import SchoolService
    from holbrook_desktop.core.attestation.service import AttestationService
    from holbrook_desktop.core.hr.service import HrService
    from holbrook_desktop.core.quiz.service import QuizService
    from holbrook_desktop.core.records import StaffMember, Store


@dataclass(frozen=True)
class Session:
    """The person at the keyboard, from sign-in to sign-out: everything recorded is in their name."""

    member: StaffMember


class App:
    """The handbook for one content folder and (once opened) one data folder's records."""

    def __init__(
        self,
        content_dir: Path,
        data_dir: Path | None = None,
        *,
        records: Store | None = None,
        today: Callable[[], date] = date.today,
        reading_clock: Callable[[], float] = time.monotonic,
        seconds_for: Callable[[int], float] = minimum_reading_seconds,
    ) -> None:
        self.data_dir = data_dir if data_dir is not None else (records.data_dir if records else None)
        self.records: Store | None = records
        self.session: Session | None = None
        # Told (once per records, from whichever thread met it) when damage is met in the records.
        self.on_records_damaged: Callable[[], None] | None = None
        if records is not None:
            records.watch_damage(self._records_damaged)
        self.today = today
        self.content = ContentService(self, content_dir)
        self.reading = ReadingService(self, reading_clock, seconds_for)

    # The domain services, made on first use ------------------------------------------------

    @cached_property
    def quiz(self) -> QuizService:
        from holbrook_desktop.core.quiz.service import QuizService

        return QuizService(self)

    @cached_property
    def attestation(self) -> AttestationService:
        from holbrook_desktop.core.attestation.service import AttestationService

        return AttestationService(self)

    @cached_property
    def hr(self) -> HrService:
        from holbrook_desktop.core.hr.service import HrService

        return HrService(self)

    @cached_property
    def admin(self) -> AdminService:
        from holbrook_desktop.core.admin.service import AdminService

        return AdminService(self)

    @cached_property
    def school(self) -> SchoolService:
        from holbrook_desktop.core.attestation.school import SchoolService

        return SchoolService(self)

    # The records ---------------------------------------------------------------------------

    def open_records(self, via: str) -> Store:
        """Open the data folder's records (checks, migrations, the day's backup); raises the
        records' own errors (DatabaseDamaged with its backups, DatabaseTooNew, StoreError)."""
        from holbrook_desktop.core.identity import Actor
        from holbrook_desktop.core.records import Store

        if self.data_dir is None:
            raise RecordsNotOpen("No data folder was given, so there are no records to open.")
        self.use_records(Store.open(self.data_dir, Actor.current(via)))
        assert self.records is not None
        return self.records

    def use_records(self, store: Store | None) -> None:
        """These records from now on (or none: reading only); whoever was signed in is signed out."""
        if self.session is not None:
            self.sign_out()
        self.records = store
        if store is not None:
            self.data_dir = store.data_dir
            store.watch_damage(self._records_damaged)

    def _records_damaged(self) -> None:
        if self.on_records_damaged is not None:
            self.on_records_damaged()

    def require_records(self) -> Store:
        if self.records is None:
            raise RecordsNotOpen("The records are not open, so nothing can be looked up or recorded.")
        return self.records

    def close(self) -> None:
        """A clean close folds the write-ahead log back into the database file."""
        if self.records is not None:
            self.records.close()

    # Who is at the keyboard ----------------------------------------------------------------

    @property
    def signed_in(self) -> StaffMember | None:
        return self.session.member if self.session is not None else None

    def require_session(self) -> Session:
        if self.session is None:
            raise NotSignedIn("Nobody is signed in: sign in first.")
        return self.session

    def sign_in(self, staff_id: int) -> Session:
        """From now on, reading progress is this person's, read from and written to the records."""
        records = self.require_records()
        member = records.staff.get(staff_id)
        if member is None or not member.active or has_left(member.leaving_date, self.today()):
            raise UnknownStaff(staff_id)  # a leaver whose last day has passed signs in no more
        records.acting_as(staff_id)
        for policy in self.content.policies:  # so that every progress row names a version on record
            records.policy_versions.record_seen(policy)
        self.session = Session(member)
        self.reading.use_progress(records.progress_for(staff_id))
        self._abandon_stale_quizzes(staff_id)
        return self.session

    def _abandon_stale_quizzes(self, staff_id: int) -> None:
        """A quiz left part-way is resumable for a day (`QuizService.resume`); after that it is kept,
        marked abandoned."""
        from datetime import UTC, datetime, timedelta

        from holbrook_desktop.core.quiz.service import RESUME_HOURS

        assert self.records is not None
        waiting = self.records.quiz_attempts.unfinished(staff_id)
        before = (datetime.now(UTC) - timedelta(hours=RESUME_HOURS)).isoformat(timespec="microseconds")
        if waiting is not None and waiting.started_at < before:  # no write at all on most sign-ins
            self.records.quiz_attempts.abandon_started_before(staff_id, before)

    def sign_out(self) -> None:
        """Always signs out, even if the records cannot be written: nothing done afterwards may be
        recorded in the last person's name. A write failure is raised after signing out."""
        member = self.signed_in
        self.session = None
        if self.records is not None:
            self.records.acting_as(None)
        self.reading.use_progress(None)
        # A quiz left part-way stays in progress with its answers: the person can resume it for a day
        # after (QuizService.resume); at a sign-in after that it is marked abandoned, never lost.
        del member


def open_app(content_dir: Path, data_dir: Path | None = None,
             today: Callable[[], date] = date.today) -> App:
    """The app over a content folder; its records are opened with `App.open_records` (the window
    does that after it has appeared, the command line at once)."""
    return App(content_dir, data_dir, today=today)


def __getattr__(name: str) -> object:
    # AdminSession is re-exported here but loaded on first use: the window's start-up never needs it.
    if name == "AdminSession":
        from holbrook_desktop.core.admin.access import AdminSession

        return AdminSession
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

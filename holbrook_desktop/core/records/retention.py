"""What the retention rule reads and writes: leavers not yet erased, their erasure, and wiping the file.

Who is due, and why someone is not, is core/hr/retention.py's to decide; the SQL that erases one
person is erasure.py's. This module is the records' side of it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from holbrook_desktop.core.records import audit, erasure


@dataclass(frozen=True)
class LeaverOnRecord:
    """A leaver whose personal data is still held, and how many of each record they have."""

    staff_id: int
    full_name: str
    role: str
    leaving_date: str  # as stored: not necessarily a valid date (the caller judges)
    acknowledgements: int
    signed_pdfs: int  # acknowledgements not yet erased, each with its PDF
    quiz_attempts: int
    reading_progress: int


@dataclass(frozen=True)
class ErasureWritten:
    event_id: int  # the audit row that will record the erasure (appended when the change ends)
    person: erasure.PersonErased


class Retention:
    def __init__(self, store) -> None:  # store: holbrook_desktop.core.records.Store
        self._store = store

    def leavers_not_erased(self) -> list[LeaverOnRecord]:
        """Everyone with a leaving date whose data is not erased, oldest leaving date first."""
        rows = self._store.db.execute(
            "SELECT s.id, s.full_name, s.role, s.leaving_date, "
            "(SELECT count(*) FROM acknowledgements a WHERE a.staff_id = s.id), "
            "(SELECT count(*) FROM acknowledgements a WHERE a.staff_id = s.id AND a.erased_at IS NULL), "
            "(SELECT count(*) FROM quiz_attempts q WHERE q.staff_id = s.id), "
            "(SELECT count(*) FROM reading_progress r WHERE r.staff_id = s.id) "
            "FROM staff s WHERE s.leaving_date IS NOT NULL AND s.erased_at IS NULL "
            "ORDER BY s.leaving_date, s.id"
        ).fetchall()
        return [LeaverOnRecord(*row) for row in rows]

    def leaving_within(self, change, staff_id: int) -> tuple[str | None, str | None] | None:
        """(leaving date, erased at) as stored, read inside `change`'s transaction so that what the
        erasure is decided on cannot change underneath it; None when there is no such person."""
        return change.db.execute("SELECT leaving_date, erased_at FROM staff WHERE id = ?",
                                 (staff_id,)).fetchone()

    def kept_counts_within(self, change, staff_id: int) -> tuple[int, int]:
        """(quiz attempts, reading progress rows): what an erasure keeps of theirs, for anonymous counts."""
        return tuple(change.db.execute(
            "SELECT (SELECT count(*) FROM quiz_attempts WHERE staff_id = ?), "
            "(SELECT count(*) FROM reading_progress WHERE staff_id = ?)", (staff_id, staff_id)).fetchone())

    def erase_within(self, change, staff_id: int) -> ErasureWritten:
        """Erase what identifies them, inside `change` (whose audit row records it); their PDFs are
        returned, not deleted."""
        event_id = audit.next_row_id(change.db)
        return ErasureWritten(event_id, erasure.erase_person(change.db, staff_id, at=change.at,
                                                             event_id=event_id))

    @contextlib.contextmanager
    def secure_delete(self) -> Iterator[None]:
        """SQLite overwrites deleted content with zeros while erasing, instead of leaving it in free
        space inside the file."""
        db = self._store.db
        before = {0: "OFF", 1: "ON", 2: "FAST"}.get(db.execute("PRAGMA secure_delete").fetchone()[0], "OFF")
        db.execute("PRAGMA secure_delete = ON")
        try:
            yield
        finally:
            db.execute(f"PRAGMA secure_delete = {before}")

    def compact(self) -> bool:
        """VACUUM rewrites the file from its live content (older free space, from edits and upgrades
        made before today, may still hold the same names), then the write-ahead log is emptied.
        False when another connection still reads from the log, so it could not be emptied;
        sqlite3.Error when the file could not be rewritten."""
        self._store.db.execute("VACUUM")
        busy, _, _ = self._store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return not busy

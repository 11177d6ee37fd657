"""Reading progress per member of staff, per policy version, per section."""

from __future__ import annotations

from datetime import datetime

from holbrook_desktop.core.reading.progress import SectionKey


class StaffReadingProgress:
    """The ProgressStore of one signed-in person, kept in the records database."""

    def __init__(self, store, staff_id: int) -> None:  # store: holbrook_desktop.core.records.Store
        self._store = store
        self.staff_id = staff_id

    def read_sections(self, policy_id: str, policy_sha256: str) -> set[str]:
        rows = self._store.db.execute(
            "SELECT section_number FROM reading_progress WHERE staff_id = ? AND policy_id = ? "
            "AND policy_sha256 = ? AND completed_at IS NOT NULL",
            (self.staff_id, policy_id, policy_sha256),
        ).fetchall()
        return {row[0] for row in rows}

    def mark_opened(self, key: SectionKey) -> None:
        with self._store.change("progress.opened") as change:
            cursor = change.db.execute(
                "INSERT OR IGNORE INTO reading_progress (staff_id, policy_id, policy_sha256, "
                "section_number, first_opened) VALUES (?, ?, ?, ?, ?)",
                (self.staff_id, key.policy_id, key.policy_sha256, key.section_number, change.at),
            )
            if cursor.rowcount == 0:
                change.skip()  # opened before: nothing changed, nothing to log
            change.details = self._details(key)

    def mark_read(self, key: SectionKey, completed_at: datetime) -> None:
        when = completed_at.isoformat(timespec="microseconds")
        with self._store.change("progress.read") as change:
            change.db.execute(
                "INSERT OR IGNORE INTO reading_progress (staff_id, policy_id, policy_sha256, "
                "section_number, first_opened) VALUES (?, ?, ?, ?, ?)",
                (self.staff_id, key.policy_id, key.policy_sha256, key.section_number, when),
            )
            cursor = change.db.execute(
                "UPDATE reading_progress SET completed_at = ? WHERE staff_id = ? AND policy_id = ? "
                "AND policy_sha256 = ? AND section_number = ? AND completed_at IS NULL",
                (when, self.staff_id, key.policy_id, key.policy_sha256, key.section_number),
            )
            if cursor.rowcount == 0:
                change.skip()
            change.details = {**self._details(key), "completed_at": when}

    def _details(self, key: SectionKey) -> dict:
        return {"staff_id": self.staff_id, "policy_id": key.policy_id,
                "policy_sha256": key.policy_sha256, "section": key.section_number}

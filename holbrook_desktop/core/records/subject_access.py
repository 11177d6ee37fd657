"""Every stored row about one person, as the records hold them: what a subject-access copy is made of."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from holbrook_desktop.core.records.erasure import audit_rows_about

Row = dict[str, Any]


@dataclass(frozen=True)
class RowsAbout:
    """Rows as stored (column name → value, JSON columns still text), oldest first."""

    staff: Row
    reading_progress: list[Row]  # with each version's label, where the version is on record
    quiz_attempts: list[Row]
    acknowledgements: list[Row]  # signature images included
    audit_log: list[Row]  # without the chain's hashes; a `<field>_salt` of None means the field was erased
    audit_rows_made_by: frozenset[int]  # of those, the rows made while they were signed in


class SubjectAccess:
    def __init__(self, store) -> None:  # store: holbrook_desktop.core.records.Store
        self._store = store

    def rows_about(self, staff_id: int) -> RowsAbout | None:
        """None when there is no member of staff with this number."""
        db = self._store.db
        staff = _rows(db, "SELECT * FROM staff WHERE id = ?", (staff_id,))
        if not staff:
            return None
        progress = _rows(
            db, "SELECT r.policy_id, r.policy_sha256, v.label AS version_label, r.section_number, "
                "r.first_opened, r.completed_at FROM reading_progress r LEFT JOIN policy_versions v "
                "ON v.policy_id = r.policy_id AND v.sha256 = r.policy_sha256 WHERE r.staff_id = ? "
                "ORDER BY r.first_opened, r.policy_id, r.section_number", (staff_id,))
        attempts = _rows(db, "SELECT * FROM quiz_attempts WHERE staff_id = ? ORDER BY id", (staff_id,))
        acknowledgements = _rows(db, "SELECT * FROM acknowledgements WHERE staff_id = ? ORDER BY id",
                                 (staff_id,))
        about = audit_rows_about(db, staff_id)
        return RowsAbout(staff[0], progress, attempts, acknowledgements, _audit_rows(db, about.rows),
                         frozenset(about.made_by))


def _rows(db, sql: str, parameters: tuple) -> list[Row]:
    cursor = db.execute(sql, parameters)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _audit_rows(db, row_ids: Sequence[int]) -> list[Row]:
    rows: list[Row] = []
    for start in range(0, len(row_ids), 500):  # SQLite's limit on parameters, with room to spare
        chunk = row_ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        rows += _rows(db, "SELECT id, at, os_user, staff_id, via, action, details, os_user_salt, "
                          f"details_salt, redacted_by FROM audit_log WHERE id IN ({marks}) ORDER BY id",
                      tuple(chunk))
    return rows

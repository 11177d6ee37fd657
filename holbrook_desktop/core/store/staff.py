"""Members of staff: who they are, their role in the policy's scope, and when they start and leave."""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date

from holbrook_desktop.core.roles import ROLE_LABELS, ROLES
from holbrook_desktop.core.store.errors import DuplicateStaff


@dataclass(frozen=True)
class NewStaffMember:
    full_name: str
    role: str
    start_date: date
    preferred_name: str | None = None
    staff_number: str | None = None
    work_email: str | None = None

    def validated(self) -> NewStaffMember:
        """Trimmed and NFC-normalised (so "é" typed two ways is one name); ValueError if unusable."""
        name = _clean(self.full_name)
        if not name:
            raise ValueError("A full name is needed.")
        if self.role not in ROLES:
            raise ValueError(f"Role must be one of: {', '.join(ROLES)}.")
        email = _clean(self.work_email)
        if email and ("@" not in email or " " in email):
            raise ValueError(f"{email!r} does not look like an email address.")
        return NewStaffMember(name, self.role, self.start_date, _clean(self.preferred_name),
                              _clean(self.staff_number), email)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text or None


@dataclass(frozen=True)
class StaffMember:
    id: int
    full_name: str
    preferred_name: str | None
    role: str
    staff_number: str | None
    work_email: str | None
    start_date: str
    leaving_date: str | None
    active: bool

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


_COLUMNS = ("id, full_name, preferred_name, role, staff_number, work_email, start_date, "
            "leaving_date, active")


def _member(row: tuple) -> StaffMember:
    return StaffMember(*row[:8], active=bool(row[8]))


class StaffDirectory:
    def __init__(self, store) -> None:  # store: holbrook_desktop.core.store.Store
        self._store = store

    def add(self, new: NewStaffMember) -> StaffMember:
        new = new.validated()
        with self._store.change("staff.add") as change:
            try:
                cursor = change.db.execute(
                    "INSERT INTO staff (full_name, preferred_name, role, staff_number, work_email, "
                    "start_date, active, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                    (new.full_name, new.preferred_name, new.role, new.staff_number, new.work_email,
                     new.start_date.isoformat(), change.at, change.actor.os_user),
                )
            except sqlite3.IntegrityError as exc:
                raise DuplicateStaff(_duplicate_message(new, exc)) from exc
            staff_id = cursor.lastrowid
            change.details = {"staff_id": staff_id, **_details(new)}
        member = self.get(staff_id)
        assert member is not None
        return member

    def get(self, staff_id: int) -> StaffMember | None:
        row = self._store.db.execute(f"SELECT {_COLUMNS} FROM staff WHERE id = ?", (staff_id,)).fetchone()
        return _member(row) if row else None

    def list(self, *, include_inactive: bool = False) -> list[StaffMember]:
        where = "" if include_inactive else "WHERE active = 1"
        rows = self._store.db.execute(
            f"SELECT {_COLUMNS} FROM staff {where} ORDER BY full_name COLLATE NOCASE, id"
        ).fetchall()
        return [_member(row) for row in rows]

    def count(self) -> int:
        return self._store.db.execute("SELECT count(*) FROM staff").fetchone()[0]


def _details(new: NewStaffMember) -> dict:
    values = asdict(new)
    values["start_date"] = new.start_date.isoformat()
    return values


def _duplicate_message(new: NewStaffMember, exc: sqlite3.IntegrityError) -> str:
    if "staff_number" in str(exc):
        return f"Staff number {new.staff_number} already belongs to someone else."
    if "work_email" in str(exc):
        return f"The email {new.work_email} already belongs to someone else."
    return f"This person could not be added: {exc}."

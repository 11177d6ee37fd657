"""Members of staff: who they are, their role in the policy's scope, and when they start and leave."""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from holbrook_desktop.core.dates import for_people, has_left
from holbrook_desktop.core.errors import InputRefused, UnknownStaff
from holbrook_desktop.core.hr.roles import ROLE_LABELS, ROLES
from holbrook_desktop.core.limits import check_length
from holbrook_desktop.core.records.errors import DuplicateStaff


@dataclass(frozen=True)
class NewStaffMember:
    full_name: str
    role: str
    start_date: date
    preferred_name: str | None = None
    staff_number: str | None = None
    work_email: str | None = None
    school_role: str | None = None  # a role the school added (core/hr/roles.py); `role` is its policy role

    def validated(self) -> NewStaffMember:
        """Trimmed and NFC-normalised (so "é" typed two ways is one name); ValueError if unusable
        (TextTooLong, naming the field and its limit, for text longer than core/limits.py allows)."""
        name = _clean(self.full_name)
        if not name:
            raise InputRefused("A full name is needed.")
        cleaned = NewStaffMember(name, self.role, self.start_date, _clean(self.preferred_name),
                                 _clean(self.staff_number), _clean(self.work_email), self.school_role)
        for field in TEXT_FIELDS:
            check_length(field, getattr(cleaned, field))
        if self.role not in ROLES:
            raise InputRefused(f"Role must be one of: {', '.join(ROLES)}.")
        email = cleaned.work_email
        if email and ("@" not in email or " " in email):
            raise InputRefused(f"{email!r} does not look like an email address.")
        return cleaned


# The text a person types for a member of staff, each checked against its limit (core/limits.py).
TEXT_FIELDS = ("full_name", "preferred_name", "staff_number", "work_email")


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
    school_role: str | None = None  # a role the school added; `role` is the policy's role it counts as
    school_role_label: str | None = None

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name

    @property
    def role_label(self) -> str:
        return self.school_role_label or ROLE_LABELS.get(self.role, self.role)

    @property
    def school_role_id(self) -> str:
        """The role as the school sees it: its own added role, else the policy's."""
        return self.school_role or self.role


@dataclass(frozen=True)
class LastActivity:
    """The latest time (UTC, ISO 8601) of each kind of thing a person does here; None if never."""

    acknowledgement: str | None
    quiz_attempt: str | None
    reading: str | None


# The fields a change may touch (an import, an edit, a leaving date); never id, created_at, created_by.
EDITABLE_FIELDS = ("full_name", "preferred_name", "role", "staff_number", "work_email", "start_date",
                   "leaving_date", "school_role")

_COLUMNS = ("id, full_name, preferred_name, role, staff_number, work_email, start_date, "
            "leaving_date, active, school_role")


# A row of _COLUMNS, as SQLite gives it (active as 0 or 1).
_Row = tuple[int, str, str | None, str, str | None, str | None, str, str | None, int, str | None]


def _member(row: _Row, labels: Mapping[str, Any] | None = None) -> StaffMember:
    school_role = row[9]
    label = None
    if school_role:
        added = (labels or {}).get(school_role)
        label = str(added.get("label") or school_role) if isinstance(added, dict) else school_role
    return StaffMember(*row[:8], active=bool(row[8]), school_role=school_role, school_role_label=label)


class StaffDirectory:
    def __init__(self, store) -> None:  # store: holbrook_desktop.core.records.Store
        self._store = store
        self._school_role_column: bool | None = None

    @property
    def _columns(self) -> str:
        # A database before migration 6 has no school_role column. Opening one always migrates it, but
        # the upgrade tests build such a file with today's code, so the column is read only if it is there.
        if self._school_role_column is None:
            names = {row[1] for row in self._store.db.execute("PRAGMA table_info(staff)")}
            self._school_role_column = "school_role" in names
        return _COLUMNS if self._school_role_column else _COLUMNS.replace("school_role", "NULL")

    def add(self, new: NewStaffMember) -> StaffMember:
        new = new.validated()
        with self._store.change("staff.add") as change:
            staff_id = self._insert(change, new)
            change.details = {"staff_id": staff_id, **_details(new)}
        member = self.get(staff_id)
        assert member is not None
        return member

    def add_within(self, change, new: NewStaffMember, *, leaving_date: date | None = None,
                   source: Mapping[str, Any] | None = None) -> int:
        """Add someone as part of a larger change (an import): their own "staff.add" audit row is
        written now, inside `change`'s transaction, so the chain stays in order. Returns the id."""
        from holbrook_desktop.core.records import audit

        new = new.validated()
        if leaving_date is not None and leaving_date < new.start_date:
            raise InputRefused(_leaving_before_start(leaving_date, new.start_date))
        staff_id = self._insert(change, new, leaving_date)
        details = {"staff_id": staff_id, **_details(new)}
        if leaving_date is not None:
            details["leaving_date"] = leaving_date.isoformat()
        audit.append(change.db, change.actor, "staff.add", {**details, **(source or {})}, change.at)
        return staff_id

    def _insert(self, change, new: NewStaffMember, leaving_date: date | None = None) -> int:
        values = (new.full_name, new.preferred_name, new.role, new.staff_number, new.work_email,
                  new.start_date.isoformat(), leaving_date.isoformat() if leaving_date else None,
                  change.at, change.actor.os_user)
        role_column = ", school_role" if new.school_role or "NULL" not in self._columns else ""
        try:
            cursor = change.db.execute(
                "INSERT INTO staff (full_name, preferred_name, role, staff_number, work_email, "
                f"start_date, leaving_date, active, created_at, created_by{role_column}) "
                f"VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?{', ?' if role_column else ''})",
                (*values, new.school_role) if role_column else values,
            )
        except sqlite3.IntegrityError as exc:
            raise DuplicateStaff(_duplicate_message(new.staff_number, new.work_email, exc)) from exc
        return cursor.lastrowid

    def find_by_staff_number(self, staff_number: str) -> StaffMember | None:
        number = _clean(staff_number)
        if not number:
            return None
        row = self._store.db.execute(f"SELECT {self._columns} FROM staff WHERE staff_number = ?",
                                     (number,)).fetchone()
        return self._with_label(row)

    def find_by_email(self, email: str) -> StaffMember | None:
        """Ignoring case, as mail systems do (the column compares without case)."""
        address = _clean(email)
        if not address:
            return None
        row = self._store.db.execute(f"SELECT {self._columns} FROM staff WHERE work_email = ?",
                                     (address,)).fetchone()
        return self._with_label(row)

    def update(self, staff_id: int, *, full_name: str | None = None, preferred_name: str | None = None,
               role: str | None = None, staff_number: str | None = None, work_email: str | None = None,
               start_date: date | None = None) -> StaffMember:
        """Change what is given; None (or blank text) leaves a field as it is. Audited as
        "staff.update" with each field's old and new value; nothing is written if nothing differs.
        KeyError for an unknown id, ValueError for unusable values, DuplicateStaff for a staff
        number or email someone else has. (A leaving date is set with `mark_leaver`.)"""
        given = {"full_name": full_name, "preferred_name": preferred_name, "role": role,
                 "staff_number": staff_number, "work_email": work_email, "start_date": start_date}
        with self._store.change("staff.update") as change:
            member = self._get_within(change, staff_id)
            changes = changes_for(member, {k: v for k, v in given.items() if v is not None})
            if not changes:
                change.skip()
                return member
            self._write(change, staff_id, changes)
            change.details = {"staff_id": staff_id, "changes": _audit_changes(changes)}
        return self._require(staff_id)

    def update_within(self, change, staff_id: int, values: Mapping[str, Any], *,
                      source: Mapping[str, Any] | None = None) -> dict[str, tuple[Any, Any]]:
        """`update`, as part of a larger change (an import); a new leaving date gets its own
        "staff.leaver" row, as `mark_leaver` writes. Returns {field: (old, new)} of what changed."""
        from holbrook_desktop.core.records import audit

        member = self._get_within(change, staff_id)
        changes = changes_for(member, values)
        if not changes:
            return {}
        self._write(change, staff_id, changes)
        extra = dict(source or {})
        leaving = changes.pop("leaving_date", None)
        if changes:
            audit.append(change.db, change.actor, "staff.update",
                         {"staff_id": staff_id, "changes": _audit_changes(changes), **extra}, change.at)
        if leaving is not None:
            audit.append(change.db, change.actor, "staff.leaver",
                         {"staff_id": staff_id, "leaving_date": leaving[1], "previous": leaving[0], **extra},
                         change.at)
            changes["leaving_date"] = leaving
        return changes

    def edit(self, staff_id: int, values: Mapping[str, Any]) -> StaffMember:
        """Change what `values` gives ({field: value}, any of EDITABLE_FIELDS; blank text leaves a
        field as it is), in one transaction: one "staff.update" audit row listing each changed
        field's old and new value, and a "staff.leaver" row if the leaving date changes. Nothing is
        written if nothing differs."""
        with self._store.change("staff.update") as change:
            self.update_within(change, staff_id, values)
            change.skip()  # update_within wrote the rows for what changed, if anything did
        return self._require(staff_id)

    def last_activity(self, staff_id: int) -> LastActivity:
        """When this person last acknowledged, took a quiz and read (UTC, ISO 8601; None if never)."""
        db = self._store.db
        acknowledged = db.execute("SELECT max(acknowledged_at) FROM acknowledgements WHERE staff_id = ?",
                                  (staff_id,)).fetchone()[0]
        quiz = db.execute("SELECT max(coalesce(finished_at, started_at)) FROM quiz_attempts "
                          "WHERE staff_id = ?", (staff_id,)).fetchone()[0]
        reading = db.execute("SELECT max(coalesce(completed_at, first_opened)) FROM reading_progress "
                             "WHERE staff_id = ?", (staff_id,)).fetchone()[0]
        return LastActivity(acknowledged, quiz, reading)

    def mark_leaver(self, staff_id: int, leaving_date: date) -> StaffMember:
        """Record the day someone leaves (it may be in the future: until then they are still due
        to acknowledge policies). Nothing is erased; that is the retention rules' job, later.
        Audited as "staff.leaver". KeyError for an unknown id; ValueError before their start date."""
        with self._store.change("staff.leaver") as change:
            member = self._get_within(change, staff_id)
            if leaving_date < date.fromisoformat(member.start_date):
                raise InputRefused(_leaving_before_start(leaving_date, date.fromisoformat(member.start_date)))
            if member.leaving_date == leaving_date.isoformat():
                change.skip()
                return member
            change.db.execute("UPDATE staff SET leaving_date = ? WHERE id = ?",
                              (leaving_date.isoformat(), staff_id))
            change.details = {"staff_id": staff_id, "leaving_date": leaving_date.isoformat(),
                              "previous": member.leaving_date}
        return self._require(staff_id)

    def _get_within(self, change, staff_id: int) -> StaffMember:
        # Read inside the change's transaction: what it decides on cannot change underneath it.
        row = change.db.execute(f"SELECT {self._columns} FROM staff WHERE id = ?", (staff_id,)).fetchone()
        if row is None:
            raise UnknownStaff(staff_id)
        return _member(row)

    def _write(self, change, staff_id: int, changes: Mapping[str, tuple[Any, Any]]) -> None:
        assignments = ", ".join(f"{field} = ?" for field in changes)  # names from EDITABLE_FIELDS only
        try:
            change.db.execute(f"UPDATE staff SET {assignments} WHERE id = ?",
                              (*(new for _old, new in changes.values()), staff_id))
        except sqlite3.IntegrityError as exc:
            raise DuplicateStaff(_duplicate_message(changes.get("staff_number", (None, None))[1],
                                                    changes.get("work_email", (None, None))[1], exc)) from exc

    def _require(self, staff_id: int) -> StaffMember:
        member = self.get(staff_id)
        if member is None:
            raise UnknownStaff(staff_id)
        return member

    def get(self, staff_id: int) -> StaffMember | None:
        row = self._store.db.execute(f"SELECT {self._columns} FROM staff WHERE id = ?",
                                     (staff_id,)).fetchone()
        return self._with_label(row)

    def list(self, *, include_inactive: bool = False, today: date | None = None) -> list[StaffMember]:
        """Without leavers unless asked: someone whose last day has passed no longer signs in here
        (dates.has_left, the one rule for it, judged on `today`: the school's day)."""
        where = "" if include_inactive else "WHERE active = 1"
        rows = self._store.db.execute(
            f"SELECT {self._columns} FROM staff {where} ORDER BY full_name COLLATE NOCASE, id").fetchall()
        labels = self._labels() if any(row[9] for row in rows) else {}
        members = [_member(row, labels) for row in rows]
        if not include_inactive:
            day = today or date.today()
            members = [m for m in members if not has_left(m.leaving_date, day)]
        return members

    def _with_label(self, row: _Row | None) -> StaffMember | None:
        if row is None:
            return None
        return _member(row, self._labels() if row[9] else None)

    def _labels(self) -> Mapping[str, Any]:
        """The roles the school added (core/hr/roles.py keeps them in the settings): their labels."""
        row = self._store.db.execute("SELECT value FROM settings WHERE key = 'roles.added'").fetchone()
        return json.loads(row[0]) if row else {}

    def count(self) -> int:
        return self._store.db.execute("SELECT count(*) FROM staff").fetchone()[0]


def _details(new: NewStaffMember) -> dict:
    values = asdict(new)
    values["start_date"] = new.start_date.isoformat()
    return values


def changes_for(member: StaffMember, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """{field: (old, new)} for the values that differ from the record, checked and cleaned as a
    new person's would be. Blank text means "leave as it is", never "erase"."""
    changes: dict[str, tuple[Any, Any]] = {}
    for field, value in values.items():
        if field not in EDITABLE_FIELDS:
            raise InputRefused(f"{field} cannot be changed here.")
        if field == "school_role":  # "" takes an added role off again
            if (value or None) != member.school_role:
                changes[field] = (member.school_role, value or None)
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, str):
            value = _clean(value)
        if value is None:
            continue
        if field in TEXT_FIELDS:
            check_length(field, value)
        if field == "role" and value not in ROLES:
            raise InputRefused(f"Role must be one of: {', '.join(ROLES)}.")
        if field == "work_email" and ("@" not in value or " " in value):
            raise InputRefused(f"{value!r} does not look like an email address.")
        old = getattr(member, field)
        same = (old or "").casefold() == value.casefold() if field == "work_email" else old == value
        if not same:
            changes[field] = (old, value)
    start = changes.get("start_date", (None, member.start_date))[1]
    leaving = changes.get("leaving_date", (None, member.leaving_date))[1]
    if leaving is not None and ("start_date" in changes or "leaving_date" in changes) and leaving < start:
        raise InputRefused(_leaving_before_start(date.fromisoformat(leaving), date.fromisoformat(start)))
    return changes


def _audit_changes(changes: Mapping[str, tuple[Any, Any]]) -> dict[str, list[Any]]:
    return {field: [old, new] for field, (old, new) in changes.items()}


def _leaving_before_start(leaving: date, start: date) -> str:
    return (f"The leaving date {for_people(leaving)} is before the start date {for_people(start)}.")


def _duplicate_message(staff_number: str | None, work_email: str | None, exc: sqlite3.IntegrityError) -> str:
    if "staff_number" in str(exc):
        return f"Staff number {staff_number} already belongs to someone else."
    if "work_email" in str(exc):
        return f"The email {work_email} already belongs to someone else."
    return f"This person could not be added: {exc}."

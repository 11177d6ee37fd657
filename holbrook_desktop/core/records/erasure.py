"""Erasing one person's personal data (UK GDPR), as SQL inside the caller's write transaction.

What goes: their name, preferred name, staff number and work email; on each acknowledgement the
typed name, the drawn signature (image and strokes), the on-behalf note, the OS account and the PC's
name; in the audit log, the details of every row about them and the OS account of every row they made
(through the chain's erasure mechanism, see audit.py). What stays, for anonymous counts: the staff row
itself (id, role, start and leaving dates), every acknowledgement's policy version and time, quiz
attempts and reading progress, which hold nothing about the person beyond their number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from holbrook_desktop.core.records import audit

ERASED = "[erased]"  # in text columns the app expects to hold text


def erased_name(staff_id: int) -> str:
    return f"Erased person #{staff_id}"


@dataclass(frozen=True)
class AuditRowsAbout:
    rows: tuple[int, ...]  # every row about them, oldest first
    made_by: tuple[int, ...]  # of those, the changes made while they were signed in


@dataclass(frozen=True)
class PersonErased:
    staff_id: int
    acknowledgements: int
    pdf_files: tuple[str, ...]  # relative to the data folder; the caller deletes the files
    audit_rows: dict[str, list[int]]  # {field: row ids erased}, as the erasing audit row lists them


def audit_rows_about(db: Database, staff_id: int) -> AuditRowsAbout:
    """Rows made while they were signed in, and rows whose details name them: by number
    ("staff_id"), or by their full name, staff number or work email as a whole JSON string (an
    import's or another tool's row that does not give the number). One scan of the log. The rows
    that record an erasure are among them; `audit.erase_fields` never erases those."""
    member = db.execute("SELECT full_name, staff_number, work_email, erased_at FROM staff WHERE id = ?",
                        (staff_id,)).fetchone()
    identifiers = [] if member is None or member[3] else [v for v in member[:3] if v]
    texts = [json.dumps(value, ensure_ascii=False) for value in identifiers]
    matches = " ".join("OR instr(details, ?) > 0" for _ in texts)
    rows = db.execute(
        "SELECT id, staff_id IS ? FROM audit_log WHERE staff_id = ? "
        f"OR (CASE WHEN json_valid(details) THEN json_extract(details, '$.staff_id') END) = ? {matches} "
        "ORDER BY id", (staff_id, staff_id, staff_id, *texts)).fetchall()
    return AuditRowsAbout(rows=tuple(r[0] for r in rows), made_by=tuple(r[0] for r in rows if r[1]))


def erase_person(db: Database, staff_id: int, *, at: str, event_id: int) -> PersonErased:
    """Erase what identifies them; `event_id` is the audit row that will record it, appended in the
    same transaction. Their PDFs are returned, not deleted: files are the caller's to remove."""
    about = audit_rows_about(db, staff_id)
    db.execute("UPDATE staff SET full_name = ?, preferred_name = NULL, staff_number = NULL, "
               "work_email = NULL, erased_at = ? WHERE id = ?", (erased_name(staff_id), at, staff_id))
    pdf_files = tuple(r[0] for r in db.execute(
        "SELECT pdf_file FROM acknowledgements WHERE staff_id = ? AND erased_at IS NULL ORDER BY id",
        (staff_id,)))
    acknowledgements = db.execute(
        "UPDATE acknowledgements SET typed_name = ?, signature_png = NULL, signature_strokes = NULL, "
        "on_behalf_note = NULL, os_user = ?, machine = ?, erased_at = ? "
        "WHERE staff_id = ? AND erased_at IS NULL", (ERASED, ERASED, ERASED, at, staff_id)).rowcount
    # Who was at the keyboard is theirs only in the rows they made; in a row about them that an
    # administrator made, the account is the administrator's and stays.
    audit_rows = audit.erase_fields(db, event_id, {"os_user": about.made_by, "details": about.rows})
    # The same details in the sync events kept here (and, through them, in this PC's bundles).
    from holbrook_desktop.core.records import redaction

    staff_uuid = db.execute("SELECT uuid FROM staff WHERE id = ?", (staff_id,)).fetchone()[0]
    if staff_uuid is not None:
        redaction.purge_person(db, redaction.Erasure(staff_uuid, erased_name(staff_id), at),
                               from_elsewhere=False)
    return PersonErased(staff_id, acknowledgements, pdf_files, audit_rows)

"""Acknowledgements put back on record from their signed PDFs, after a restore from an older backup."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Any

from holbrook_desktop.core.records import audit
from holbrook_desktop.core.records.acknowledgements import AcknowledgementRecord, pdf_file_name
from holbrook_desktop.core.records.errors import NotRecovered

log = logging.getLogger(__name__)

RECOVERED_ACTION = audit.RECOVERED_ACTION


@dataclass(frozen=True)
class RecoveredAcknowledgement:
    """What a checked, signed PDF says of its record (core/attestation/recovery.py reads it)."""

    record: dict[str, Any]  # every column of the acknowledgement as it was, but quiz_attempt_id
    quiz: dict[str, Any] | None  # attempt_id, mode, correct, total, finished_at: the quiz it names
    person: dict[str, Any]  # full_name, role, staff_number, start_date
    policy: dict[str, Any]  # title, label, effective
    pdf_file: str  # relative to the data folder


def recover(store, recovered: RecoveredAcknowledgement) -> AcknowledgementRecord:
    """The acknowledgement inserted with its original number, time and SHA-256, and an audit row
    "acknowledgement.recovered" naming the file; what it stands on and the restore took away too,
    each with its own audit row: the person (the minimum row, from the PDF), the policy version, and
    (where the record must name one) the quiz passed. All in one transaction, or NotRecovered."""
    values = dict(recovered.record)
    record_id = values["id"]
    if recovered.pdf_file != pdf_file_name(record_id):
        raise NotRecovered(f"its name is not that of record {record_id}, which it carries")
    try:
        with store.change(RECOVERED_ACTION) as change:
            db = change.db
            if db.execute("SELECT 1 FROM acknowledgements WHERE id = ?", (record_id,)).fetchone():
                raise NotRecovered(f"record {record_id} in the database is another acknowledgement")
            _person(change, values["staff_id"], recovered.person)
            _policy_version(change, values["policy_id"], values["policy_sha256"], recovered.policy)
            values["quiz_attempt_id"] = _quiz(change, values, recovered.quiz)
            values["pdf_file"] = recovered.pdf_file
            names = list(values)
            db.execute(f"INSERT INTO acknowledgements ({', '.join(names)}) VALUES "
                       f"({', '.join('?' for _ in names)})", [values[n] for n in names])
            change.details = {
                "acknowledgement_id": record_id, "pdf_file": recovered.pdf_file,
                "pdf_sha256": values["pdf_sha256"], "audit_anchor": values["audit_anchor"],
                "acknowledged_at": values["acknowledged_at"], "staff_id": values["staff_id"],
                "policy_id": values["policy_id"], "policy_sha256": values["policy_sha256"],
                "method": values["method"], "quiz_attempt_id": values["quiz_attempt_id"],
            }
    except sqlite3.IntegrityError as exc:
        raise NotRecovered(f"the database refused it ({exc})") from exc
    saved = store.acknowledgements.get(record_id)
    assert saved is not None
    log.warning("acknowledgement %d recovered from its signed PDF %s", record_id, recovered.pdf_file)
    return saved


def recovered_records(store) -> dict[int, tuple[str, str]]:
    """acknowledgement id → (pdf_file, pdf_sha256) of each "acknowledgement.recovered" audit row: a
    recovered record's anchor is in the chain that was lost, so `audit verify` finds this row instead."""
    found: dict[int, tuple[str, str]] = {}
    with audit.tolerant_text(store.db):
        rows = store.db.execute(
            "SELECT json_extract(details, '$.acknowledgement_id'), json_extract(details, '$.pdf_file'), "
            "json_extract(details, '$.pdf_sha256') FROM audit_log WHERE action = ? "
            "AND typeof(details) = 'text' AND json_valid(details)", (RECOVERED_ACTION,)).fetchall()
    for record_id, pdf_file, pdf_sha256 in rows:
        if isinstance(record_id, int):
            found[record_id] = (pdf_file, pdf_sha256)
    return found


def _person(change, staff_id: int, person: dict[str, Any]) -> None:
    """The person, as they are on record, or re-created (the minimum row: name, role, staff number,
    start date) if the restore took them away too. Someone else under their number: NotRecovered."""
    db = change.db
    row = db.execute("SELECT full_name, erased_at FROM staff WHERE id = ?", (staff_id,)).fetchone()
    if row is not None:
        if row[1] is not None:  # their PDFs were to be deleted with their data: not put back
            raise NotRecovered(f"it names staff member {staff_id}, whose personal data was erased from the "
                               "records (their signed PDFs should have gone with it); not imported")
        if row[0] != person.get("full_name"):
            raise NotRecovered(f"it names staff member {staff_id} as {person.get('full_name')!r}, but "
                               f"{staff_id} is {row[0]!r} in the records now; put it back by hand")
        return
    number = person.get("staff_number")
    if number and db.execute("SELECT 1 FROM staff WHERE staff_number = ?", (number,)).fetchone():
        raise NotRecovered(f"it names staff member {staff_id} ({person.get('full_name')!r}), who is not in "
                           f"the records, and their staff number {number} is someone else's now")
    start = person.get("start_date") or change.at[:10]
    db.execute("INSERT INTO staff (id, full_name, role, staff_number, start_date, active, created_at, "
               "created_by) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
               (staff_id, person.get("full_name"), person.get("role"), number, start, change.at,
                change.actor.os_user))
    audit.append(db, change.actor, "staff.recovered", {
        "staff_id": staff_id, "full_name": person.get("full_name"), "role": person.get("role"),
        "staff_number": number, "start_date": start,
        "why": "named by a signed attestation being recovered; not in the restored records"}, change.at)


def _policy_version(change, policy_id: str, sha256: str, policy: dict[str, Any]) -> None:
    db = change.db
    if db.execute("SELECT 1 FROM policy_versions WHERE policy_id = ? AND sha256 = ?",
                  (policy_id, sha256)).fetchone():
        return
    db.execute("INSERT INTO policy_versions (policy_id, sha256, label, title, effective, first_seen) "
               "VALUES (?, ?, ?, ?, ?, ?)",
               (policy_id, sha256, policy["label"], policy["title"], policy["effective"], change.at))
    audit.append(db, change.actor, "policy_version.seen", {"policy_id": policy_id, "sha256": sha256,
                                                           "label": policy["label"], "recovered": True},
                 change.at)


def _quiz(change, values: dict[str, Any], quiz: dict[str, Any] | None) -> int | None:
    """The quiz attempt the PDF names if it is on record as that person's pass of that version; if
    not, none for an acknowledgement made on someone's behalf (the quiz is not required of it), and
    otherwise the pass re-created from what the PDF says (mode, score, when) with its own audit row:
    the records require a passed quiz of every acknowledgement a person signed themselves."""
    if quiz is None:
        return None
    db = change.db
    row = db.execute("SELECT staff_id, policy_sha256, passed FROM quiz_attempts WHERE id = ?",
                     (quiz["attempt_id"],)).fetchone()
    if row is not None and (row[0], row[1], row[2]) == (values["staff_id"], values["policy_sha256"], 1):
        return quiz["attempt_id"]
    if values["method"] == "on-behalf":
        return None
    attempt_id = None if row is not None else quiz["attempt_id"]  # its own number, unless taken
    cursor = db.execute(
        "INSERT INTO quiz_attempts (id, staff_id, policy_id, policy_sha256, mode, seed, questions, answers, "
        "correct, total, passed, status, started_at, finished_at) "
        "VALUES (?, ?, ?, ?, ?, 0, '[]', '[]', ?, ?, 1, 'finished', ?, ?)",
        (attempt_id, values["staff_id"], values["policy_id"], values["policy_sha256"], quiz["mode"],
         quiz["correct"], quiz["total"], quiz["finished_at"], quiz["finished_at"]))
    new_id = cursor.lastrowid
    audit.append(db, change.actor, "quiz.recovered", {
        "attempt_id": new_id, "was_attempt_id": quiz["attempt_id"], "staff_id": values["staff_id"],
        "policy_id": values["policy_id"], "policy_sha256": values["policy_sha256"], "mode": quiz["mode"],
        "correct": quiz["correct"], "total": quiz["total"], "finished_at": quiz["finished_at"],
        "why": "the pass a recovered acknowledgement names; its questions and answers were lost"}, change.at)
    return new_id

"""An erased person's details taken out of the sync events kept here, as erasure.py takes them out of
the tables: every event of their staff record and of their acknowledgements rewritten in place.

An event keeps its id, PC, time and the fields that stay; a personal field it sets is given the
value the erasure leaves in the table (the erased name, "[erased]", or nothing) and an `erased_at`
it sets to nothing is given the time of the erasure. So every event of theirs, in any order, folds
to the erased state, a redacted event can bring nothing back, and redacting twice changes nothing.
Quiz attempts and reading progress are kept as erasure.py keeps those rows (they hold nothing about
the person beyond their global id). Events arriving from another PC about someone erased here (a
PC that was offline) are redacted before they are stored (`redact_incoming`).

This PC's own bundles that held such events are marked here for the sync (core/sync/folder.py) to
rewrite, re-signed, under their numbers; the sync also deletes the PDFs of erased acknowledgements
and compacts the file once an erasure has come from another PC (`compact_due`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from holbrook_desktop.core.records.erasure import ERASED

_REWRITE = "rewrite-bundle:"  # sync_meta key prefix: this PC's bundle <seq> to write again, redacted
_COMPACT = "compact-after-erasure"  # sync_meta key: an erasure came from elsewhere; VACUUM is due
_AUDIT = "erase-audit-rows:"  # sync_meta key prefix: staff <id> erased elsewhere; this log's rows to erase

# kind → personal field → the value the erasure leaves (None: the erased person's name, for staff).
_ACKNOWLEDGEMENT = {"typed_name": ERASED, "signature_png": None, "signature_strokes": None,
                    "on_behalf_note": None, "os_user": ERASED, "machine": ERASED}
_STAFF = ("preferred_name", "staff_number", "work_email")
_SETS_ERASED_AT = '"erased_at":"'  # in an event's canonical text: it carries an erasure


@dataclass(frozen=True)
class Erasure:
    """A person erased: their global id, the name their record now has, and when."""

    staff: str
    name: str
    at: str


def redact_changed(kind: str, changed: Mapping[str, Any], erasure: Erasure) -> dict[str, Any]:
    """The fields an event of `kind` about the erased person sets, as the erasure leaves them."""
    out = dict(changed)
    if kind == "staff":
        if "full_name" in out and out.get("erased_at") is None:
            out["full_name"] = erasure.name
        for name in _STAFF:
            if name in out:
                out[name] = None
    elif kind == "acknowledgement":
        for name, value in _ACKNOWLEDGEMENT.items():
            if name in out:
                out[name] = value
    else:
        return out
    if "erased_at" in out and out["erased_at"] is None:
        out["erased_at"] = erasure.at
    return out


def redact_text(text: str, erasure: Erasure) -> str:
    """An event's canonical text, redacted (the same text if nothing in it is personal)."""
    from holbrook_desktop.core.records.events import canonical

    body = json.loads(text)
    changed = redact_changed(body["kind"], body["changed"], erasure)
    if changed == body["changed"]:
        return text
    return canonical({**body, "changed": changed})


def erased_here(db) -> dict[str, Erasure]:
    """Everyone whose erasure is on record here, by global id."""
    return {uuid: Erasure(uuid, name, at) for uuid, name, at in db.execute(
        "SELECT uuid, full_name, erased_at FROM staff WHERE erased_at IS NOT NULL AND uuid IS NOT NULL")}


def erasures_in(bodies: Iterable[Mapping[str, Any]]) -> dict[str, Erasure]:
    """The erasures some events carry (a staff event that sets `erased_at`), by global id: where one
    person was erased twice, the one the fold keeps (the latest by time, PC, event id)."""
    found: dict[str, tuple[tuple[str, str, str], Erasure]] = {}
    for body in bodies:
        changed = body.get("changed") or {}
        if body.get("kind") != "staff" or changed.get("erased_at") is None:
            continue
        order = (str(body.get("at")), str(body.get("pc_id")), str(body.get("event_id")))
        staff = str(body.get("entity"))
        if staff not in found or found[staff][0] < order:
            found[staff] = (order, Erasure(staff, str(changed.get("full_name") or ERASED),
                                           str(changed["erased_at"])))
    return {staff: erasure for staff, (_order, erasure) in found.items()}


def _staff_of_acknowledgements(db, entities: Iterable[str]) -> dict[str, str]:
    """Acknowledgement global id → its person's global id, from the table or the events kept here."""
    wanted = json.dumps(sorted(set(entities)))
    found = dict(db.execute(
        "SELECT entity, json_extract(body, '$.changed.staff') FROM sync_events "
        "WHERE kind = 'acknowledgement' AND entity IN (SELECT value FROM json_each(?)) "
        "AND json_extract(body, '$.changed.staff') IS NOT NULL", (wanted,)).fetchall())
    found.update(db.execute(
        "SELECT a.uuid, s.uuid FROM acknowledgements a JOIN staff s ON s.id = a.staff_id "
        "WHERE a.uuid IN (SELECT value FROM json_each(?))", (wanted,)).fetchall())
    return found


def _about(kind: str, entity: str, changed: Mapping[str, Any],
           acknowledgements: Mapping[str, str]) -> str | None:
    """The global id of the person an event is about (None: no one, or not known here)."""
    if kind == "staff":
        return entity
    if kind == "acknowledgement":
        return changed.get("staff") or acknowledgements.get(entity)
    return None


def redact_incoming(db, texts: Sequence[str], elsewhere: Mapping[str, Erasure] | None = None, *,
                    here: Mapping[str, Erasure] | None = None) -> list[str]:
    """Another PC's events, each about someone erased (here, in these events, or in `elsewhere`:
    bundles in the sync folder not yet applied) redacted before it is kept. Fast when no one is."""
    # Where one person was erased twice, what is on record here first (what purge_person used).
    erased = {**(elsewhere or {}), **(erased_here(db) if here is None else here)}
    if not erased and _SETS_ERASED_AT not in "".join(texts):
        return list(texts)
    bodies = [json.loads(text) for text in texts]
    erased = {**erasures_in(bodies), **erased}
    if not erased:
        return list(texts)
    in_bundle = {b["entity"]: b["changed"]["staff"] for b in bodies
                 if b["kind"] == "acknowledgement" and b["changed"].get("staff")}
    asked = {b["entity"] for b in bodies if b["kind"] == "acknowledgement"} - set(in_bundle)
    acknowledgements = {**(_staff_of_acknowledgements(db, asked) if asked else {}), **in_bundle}
    out = []
    for text, body in zip(texts, bodies, strict=True):
        person = _about(body["kind"], body["entity"], body["changed"], acknowledgements)
        out.append(redact_text(text, erased[person]) if person in erased else text)
    return out


def purge_person(db, erasure: Erasure, *, from_elsewhere: bool) -> int:
    """Inside the caller's write transaction: every event kept here about the erased person redacted
    in place, what was last exported of them forgotten, any acknowledgement of theirs still whole
    here (made here, not yet known where they were erased) erased as erasure.py does, this PC's
    bundles that held their events marked to be written again, and (`from_elsewhere`: the erasure
    came in another PC's bundle) the file marked for compacting. Returns how many events changed."""
    from holbrook_desktop.core.records.events import canonical, events_digest, pc_id, sha256_text

    staff_row = db.execute("SELECT id FROM staff WHERE uuid = ?", (erasure.staff,)).fetchone()
    if staff_row is not None:
        db.execute("UPDATE acknowledgements SET typed_name = ?, signature_png = NULL, "
                   "signature_strokes = NULL, on_behalf_note = NULL, os_user = ?, machine = ?, erased_at = ? "
                   "WHERE staff_id = ? AND erased_at IS NULL",
                   (ERASED, ERASED, ERASED, erasure.at, staff_row[0]))
    theirs = [row[0] for row in db.execute(
        "SELECT entity FROM sync_events WHERE kind = 'acknowledgement' "
        "AND json_extract(body, '$.changed.staff') = ?", (erasure.staff,))]
    if staff_row is not None:
        theirs += [row[0] for row in db.execute("SELECT uuid FROM acknowledgements WHERE staff_id = ?",
                                                (staff_row[0],))]
    entities = json.dumps(sorted(set(theirs)))
    rows = db.execute(
        "SELECT event_id, pc_id, seq, body FROM sync_events WHERE (kind = 'staff' AND entity = :staff) "
        "OR (kind = 'acknowledgement' AND entity IN (SELECT value FROM json_each(:acks)))",
        {"staff": erasure.staff, "acks": entities}).fetchall()
    changed: list[tuple[str, str, str]] = []
    bundles: set[tuple[str, int]] = set()
    for event_id, pc, seq, body in rows:
        text = redact_text(body, erasure)
        if text != body:
            changed.append((text, sha256_text(text), event_id))
            bundles.add((pc, seq))
    db.conn.executemany("UPDATE sync_events SET body = ?, sha256 = ? WHERE event_id = ?", changed)
    # What was last sent of them is kept only as which fields it had, without their values: a
    # personal field then counts as changed here, so an erasure made here is still sent in full.
    for kind, entity, state in db.execute(
            "SELECT kind, entity, state FROM sync_entities WHERE (kind = 'staff' AND entity = :staff) "
            "OR (kind = 'acknowledgement' AND entity IN (SELECT value FROM json_each(:acks)))",
            {"staff": erasure.staff, "acks": entities}).fetchall():
        old = json.loads(state)
        personal = {"full_name", *_STAFF} if kind == "staff" else set(_ACKNOWLEDGEMENT)
        kept = {name: value for name, value in old.items() if name not in personal}
        if kept != old:
            db.execute("UPDATE sync_entities SET state = ? WHERE kind = ? AND entity = ?",
                       (canonical(kept), kind, entity))
    me = pc_id(db)
    for pc, seq in sorted(bundles):
        hashes = [row[0] for row in db.execute(
            "SELECT sha256 FROM sync_events WHERE pc_id = ? AND seq = ? ORDER BY rowid", (pc, seq))]
        db.execute("UPDATE sync_bundles SET sha256 = ? WHERE pc_id = ? AND seq = ?",
                   (events_digest(hashes), pc, seq))
        if pc == me:
            db.execute("INSERT OR IGNORE INTO sync_meta (key, value) VALUES (?, '1')", (f"{_REWRITE}{seq}",))
    if from_elsewhere:
        set_compact_due(db, True)
        if staff_row is not None:
            db.execute("INSERT OR IGNORE INTO sync_meta (key, value) VALUES (?, '1')",
                       (f"{_AUDIT}{staff_row[0]}",))
    return len(changed)


def bundles_to_rewrite(db) -> set[int]:
    """This PC's bundles that held events since redacted: to be written again under their numbers."""
    return {int(row[0][len(_REWRITE):]) for row in db.execute(
        "SELECT key FROM sync_meta WHERE key LIKE ?", (f"{_REWRITE}%",))}


def bundle_rewritten(db, seq: int) -> None:
    db.execute("DELETE FROM sync_meta WHERE key = ?", (f"{_REWRITE}{seq}",))


def compact_due(db) -> bool:
    return db.execute("SELECT 1 FROM sync_meta WHERE key = ?", (_COMPACT,)).fetchone() is not None


def set_compact_due(db, due: bool) -> None:
    if due:
        db.execute("INSERT OR IGNORE INTO sync_meta (key, value) VALUES (?, '1')", (_COMPACT,))
    else:
        db.execute("DELETE FROM sync_meta WHERE key = ?", (_COMPACT,))


def erased_pdfs(db) -> list[tuple[str, str]]:
    """(file in the data folder, SHA-256) of every erased acknowledgement's signed PDF."""
    return db.execute("SELECT pdf_file, pdf_sha256 FROM acknowledgements WHERE erased_at IS NOT NULL "
                      "ORDER BY id").fetchall()


def erase_audit_rows_of_erasures_from_elsewhere(store) -> int:
    """For each person whose erasure came from another PC: this PC's own audit rows about them
    erased as the erasure where it was made erases that PC's (audit.erase_fields), each recorded by
    a "retention.erased" row here that lists them. Rows are found by the person's number (rows
    that named them only by their name, e.g. an import's, are not: the name is gone already)."""
    from holbrook_desktop.core.records import audit
    from holbrook_desktop.core.records.erasure import audit_rows_about

    done = 0
    for (key,) in store.db.execute("SELECT key FROM sync_meta WHERE key LIKE ?", (f"{_AUDIT}%",)).fetchall():
        staff_id = int(key[len(_AUDIT):])
        with store.change("retention.erased") as change:
            event_id = audit.next_row_id(change.db)
            about = audit_rows_about(change.db, staff_id)
            rows = audit.erase_fields(change.db, event_id, {"os_user": about.made_by, "details": about.rows})
            change.db.execute("DELETE FROM sync_meta WHERE key = ?", (key,))
            change.details = {"staff_id": staff_id, "erased_on_another_pc": True,
                              **{f"redacted_{field}": ids for field, ids in rows.items()}}
        done += 1
    return done

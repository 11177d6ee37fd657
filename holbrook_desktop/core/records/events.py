"""Records as events for the school's other PCs: what changed here since the last export, and
another PC's events applied as a set union keyed by event id (core/sync moves the bundles).

Each synced row is an *entity* named by a global key (a uuid, or for reading progress, policy
versions and settings the natural key). An *event* is one immutable change of one entity: its id
(uuid), the PC that made it, its time, and the fields it set. An entity's state anywhere is the fold
of all its events, ordered by (time, PC id, event id): the later value of each field wins, except the
times something was first opened, first seen or completed, where the earliest wins. Because the
fold depends only on the set of events, the order bundles arrive in, duplicates and replays change
nothing.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from holbrook_desktop.core.errors import Refused
from holbrook_desktop.core.files import flush_to_disk

# In the order they are applied: what a row refers to comes before it.
KINDS = ("policy_version", "setting", "staff", "quiz_attempt", "progress", "acknowledgement")
# The administrator's settings that are the school's, not this PC's (a PC's own: its failed
# sign-in count, the sync folder, a sample school's marker). The logo's picture travels as a
# setting too (core/admin/school_profile.py writes it to each PC's data folder).
SHARED_SETTINGS = ("admin.password", "due.rules", "retention.years", "school.name", "roles.titles",
                   "roles.added", "school.logo", "school.logo.picture", "content.shared")
# Times where the earliest of the PCs' values is the true one.
EARLIEST_WINS = frozenset({"first_opened", "completed_at", "first_seen"})
FORMAT = "holbrook-events/1"
# The most events in one bundle: a bundle is read whole and applied in one transaction, so an old
# school PC's memory bounds it (5,000 events are a few megabytes of JSON).
BUNDLE_EVENTS = 5_000


def _object(*pairs: str) -> str:
    return "json_object(" + ", ".join(f"'{name}', {column}" for name, column in
                                      (pair.split("=", 1) if "=" in pair else (pair, pair)
                                       for pair in pairs)) + ")"


# kind → SELECT entity, changed_at, state: each synced row as the other PCs see it (no local ids).
_VIEWS: dict[str, str] = {
    "policy_version": (
        "SELECT policy_id || '|' || sha256 AS entity, coalesce(changed_at, first_seen) AS changed_at, "
        + _object("policy_id", "sha256", "label", "title", "effective", "first_seen", "minor_change")
        + " AS state FROM policy_versions"),
    "setting": (
        "SELECT key AS entity, coalesce(changed_at, updated_at) AS changed_at, "
        + _object("value", "updated_at")
        + " AS state FROM settings WHERE key IN (SELECT value FROM json_each(:shared))"),
    "staff": (
        "SELECT uuid AS entity, coalesce(changed_at, created_at) AS changed_at, "
        + _object("uuid", "origin_pc", "full_name", "preferred_name", "role", "school_role",
                  "staff_number", "work_email", "start_date", "leaving_date", "active", "created_at",
                  "created_by", "erased_at")
        + " AS state FROM staff"),
    "quiz_attempt": (
        "SELECT q.uuid AS entity, coalesce(q.changed_at, q.finished_at, q.started_at) AS changed_at, "
        + _object("uuid=q.uuid", "origin_pc=q.origin_pc", "staff=s.uuid", "policy_id=q.policy_id",
                  "policy_sha256=q.policy_sha256", "mode=q.mode", "seed=q.seed", "questions=q.questions",
                  "answers=q.answers", "correct=q.correct", "total=q.total", "passed=q.passed",
                  "status=q.status", "started_at=q.started_at", "finished_at=q.finished_at")
        + " AS state FROM quiz_attempts q JOIN staff s ON s.id = q.staff_id"),
    "progress": (
        "SELECT s.uuid || '|' || p.policy_id || '|' || p.policy_sha256 || '|' || p.section_number AS entity, "
        "coalesce(p.changed_at, p.completed_at, p.first_opened) AS changed_at, "
        + _object("staff=s.uuid", "policy_id=p.policy_id", "policy_sha256=p.policy_sha256",
                  "section_number=p.section_number", "first_opened=p.first_opened",
                  "completed_at=p.completed_at")
        + " AS state FROM reading_progress p JOIN staff s ON s.id = p.staff_id"),
    "acknowledgement": (
        "SELECT a.uuid AS entity, coalesce(a.changed_at, a.acknowledged_at) AS changed_at, "
        + _object("uuid=a.uuid", "origin_pc=a.origin_pc", "origin_number=a.origin_number", "staff=s.uuid",
                  "policy_id=a.policy_id", "policy_sha256=a.policy_sha256", "version_label=a.version_label",
                  "quiz_attempt=q.uuid", "declaration_text=a.declaration_text",
                  "declaration_sha256=a.declaration_sha256", "typed_name=a.typed_name", "method=a.method",
                  "signature_png=CASE WHEN a.signature_png IS NULL THEN NULL ELSE hex(a.signature_png) END",
                  "signature_strokes=a.signature_strokes", "on_behalf_note=a.on_behalf_note",
                  "os_user=a.os_user", "machine=a.machine", "app_version=a.app_version",
                  "acknowledged_at=a.acknowledged_at", "audit_anchor=a.audit_anchor",
                  "certificate_fingerprint=a.certificate_fingerprint", "pdf_sha256=a.pdf_sha256",
                  "erased_at=a.erased_at")
        + " AS state FROM acknowledgements a JOIN staff s ON s.id = a.staff_id "
          "LEFT JOIN quiz_attempts q ON q.id = a.quiz_attempt_id"),
}
# The fields an entity needs before it can be written as a new row: those its first event sets.
_REQUIRED = {
    "policy_version": ("policy_id", "sha256", "label", "title", "effective", "first_seen"),
    "setting": ("value",),
    "staff": ("uuid", "full_name", "role", "start_date", "created_at", "created_by"),
    "quiz_attempt": ("uuid", "staff", "policy_id", "policy_sha256", "mode", "seed", "questions", "answers",
                     "total", "status", "started_at"),
    "progress": ("staff", "policy_id", "policy_sha256", "section_number", "first_opened"),
    "acknowledgement": ("uuid", "origin_pc", "origin_number", "staff", "policy_id", "policy_sha256",
                        "version_label", "declaration_text", "declaration_sha256", "typed_name", "method",
                        "os_user", "machine", "app_version", "acknowledged_at", "audit_anchor",
                        "certificate_fingerprint", "pdf_sha256"),
}


class EventsRefused(Refused):
    """Another PC's bundle that cannot be applied as it is (nothing of it was)."""


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def events_digest(event_hashes: Iterable[str]) -> str:
    """One hash over a bundle's events, in their order."""
    return sha256_text("\n".join(event_hashes))


@dataclass(frozen=True)
class Event:
    event_id: str
    pc_id: str
    kind: str
    entity: str
    at: str
    changed: dict[str, Any]

    def body(self) -> dict[str, Any]:
        return {"event_id": self.event_id, "pc_id": self.pc_id, "kind": self.kind, "entity": self.entity,
                "at": self.at, "changed": self.changed}

    @property
    def text(self) -> str:
        return canonical(self.body())

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Event:
        try:
            event = cls(str(body["event_id"]), str(body["pc_id"]), str(body["kind"]), str(body["entity"]),
                        str(body["at"]), dict(body["changed"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise EventsRefused(f"an event is incomplete or malformed ({exc})") from exc
        if event.kind not in KINDS:
            raise EventsRefused(f"event {event.event_id} is of an unknown kind {event.kind!r}")
        return event


def pc_id(db) -> str:
    """This data folder's PC id, made once by migration 6."""
    return db.execute("SELECT value FROM sync_meta WHERE key = 'pc_id'").fetchone()[0]


def this_pc(store) -> str:
    """This data folder's PC id."""
    return pc_id(store.db)


def _view_rows(db, kind: str, where: str = "", params: Mapping[str, Any] | None = None):
    sql = f"SELECT v.entity, v.changed_at, v.state FROM ({_VIEWS[kind]}) v {where}"
    return db.execute(sql, {"shared": json.dumps(SHARED_SETTINGS), **(params or {})}).fetchall()


def _pending_rows(db, kind: str, among: Iterable[str] | None = None):
    """Rows changed here since last exported or applied: (entity, changed_at, state, old state);
    only of the entities `among`, if given."""
    only = "" if among is None else "AND v.entity IN (SELECT value FROM json_each(:among))"
    sql = (f"SELECT v.entity, v.changed_at, v.state, e.state FROM ({_VIEWS[kind]}) v "
           "LEFT JOIN sync_entities e ON e.kind = :kind AND e.entity = v.entity "
           f"WHERE (e.entity IS NULL OR e.changed_at IS NOT v.changed_at) {only}")
    return db.execute(sql, {"shared": json.dumps(SHARED_SETTINGS), "kind": kind,
                            "among": json.dumps(sorted(among or ()))}).fetchall()


_SETTLE = ("INSERT INTO sync_entities (kind, entity, changed_at, state) VALUES (?, ?, ?, ?) "
           "ON CONFLICT(kind, entity) DO UPDATE SET changed_at = excluded.changed_at, state = excluded.state")


def pending_count(store) -> int:
    """How many entities have changed here since the last export (an upper bound on new events)."""
    return sum(len(_pending_rows(store.db, kind)) for kind in KINDS)


def export_pending(store, seq: int, made_at: str | None = None) -> list[Event]:
    """Every change made here since the last export, as new events numbered into bundle `seq` of
    this PC (and `seq + 1` … when there are more than BUNDLE_EVENTS: a PC's first sync after years on
    its own is several bundles, each read and applied in one go by the others), recorded as exported
    in one write transaction (with an audit row). Empty: nothing new."""
    with store.change("sync.exported") as change:
        db = change.db
        me = pc_id(db)
        at_now = made_at or change.at
        events: list[Event] = []
        settled: list[tuple[str, str, str | None, str]] = []
        for kind in KINDS:
            for entity, changed_at, state_text, old_text in _pending_rows(db, kind):
                state = json.loads(state_text)
                old = json.loads(old_text) if old_text else {}
                changed = {name: value for name, value in state.items()
                           if name not in old or old[name] != value}
                settled.append((kind, entity, changed_at, state_text))
                if changed:
                    events.append(Event(str(uuid.uuid4()), me, kind, entity, changed_at or at_now, changed))
        db.conn.executemany(_SETTLE, settled)
        if not events:
            change.skip()
            return []
        # In KINDS order, so that what a row refers to is in the same bundle or an earlier one.
        chunks = [events[start:start + BUNDLE_EVENTS] for start in range(0, len(events), BUNDLE_EVENTS)]
        for number, chunk in enumerate(chunks, start=seq):
            texts = [event.text for event in chunk]
            hashes = [sha256_text(text) for text in texts]
            db.conn.executemany(
                "INSERT INTO sync_events (event_id, pc_id, seq, kind, entity, at, body, sha256) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(e.event_id, e.pc_id, number, e.kind, e.entity, e.at, text, digest)
                 for e, text, digest in zip(chunk, texts, hashes, strict=True)])
            db.execute("INSERT INTO sync_bundles (pc_id, seq, sha256, events, applied_at) "
                       "VALUES (?, ?, ?, ?, ?)", (me, number, events_digest(hashes), len(chunk), change.at))
        change.details = {"pc_id": me, "bundle": seq, "events": len(events)}
        if len(chunks) > 1:
            change.details["bundles"] = f"{seq}-{seq + len(chunks) - 1}"
    return events


def bundle_events(store, pc: str, seq: int) -> list[str]:
    """The canonical texts of the events of one bundle, in their order."""
    return [row[0] for row in store.db.execute(
        "SELECT body FROM sync_events WHERE pc_id = ? AND seq = ? ORDER BY rowid", (pc, seq))]


def bundles(store, pc: str | None = None) -> dict[tuple[str, int], str]:
    """(pc id, seq) → events digest of every bundle applied here or written here."""
    where, params = ("WHERE pc_id = ?", (pc,)) if pc else ("", ())
    return {(row[0], row[1]): row[2] for row in
            store.db.execute(f"SELECT pc_id, seq, sha256 FROM sync_bundles {where}", params)}


def redacted(store, texts: Sequence[str], erased_elsewhere: Mapping[str, Any] | None = None) -> list[str]:
    """Another PC's events as they would be kept here: those about someone erased redacted."""
    from holbrook_desktop.core.records import redaction

    return redaction.redact_incoming(store.db, texts, erased_elsewhere)


def bundles_to_rewrite(store) -> set[int]:
    """This PC's bundles that held events since redacted (an erasure): to be written again."""
    from holbrook_desktop.core.records import redaction

    return redaction.bundles_to_rewrite(store.db)


def bundle_rewritten(store, seq: int) -> None:
    from holbrook_desktop.core.records import redaction

    with store.change("sync.bundle-redacted") as change:
        redaction.bundle_rewritten(change.db, seq)
        change.details = {"pc_id": pc_id(change.db), "bundle": seq}


def erased_pdfs(store) -> list[tuple[str, str]]:
    """(file in the data folder, SHA-256) of every erased acknowledgement's signed PDF."""
    from holbrook_desktop.core.records import redaction

    return redaction.erased_pdfs(store.db)


def compact_pending(store) -> bool:
    """Whether an erasure came from another PC since the records file was last compacted."""
    from holbrook_desktop.core.records import redaction

    return redaction.compact_due(store.db)


def compact_due(store, due: bool) -> None:
    """Mark (or clear) the records file as to be compacted after an erasure from another PC."""
    from holbrook_desktop.core.records import redaction

    with store.change("sync.compact-due") as change:
        change.skip()
        redaction.set_compact_due(change.db, due)


def bundle_made_at(store, pc: str, seq: int) -> str:
    return store.db.execute("SELECT applied_at FROM sync_bundles WHERE pc_id = ? AND seq = ?",
                            (pc, seq)).fetchone()[0]


def own_pdf_path(store, pdf_sha256: str):
    """Where this PC keeps the signed PDF with this hash (None: not kept here, e.g. erased)."""
    row = store.db.execute("SELECT pdf_file FROM acknowledgements WHERE pdf_sha256 = ? AND erased_at IS NULL",
                           (pdf_sha256,)).fetchone()
    return None if row is None else store.data_dir / row[0]


@dataclass
class Applied:
    """What one bundle did here."""

    new: int = 0
    duplicates: int = 0
    written: dict[str, int] = field(default_factory=dict)  # kind → entities written
    waiting: int = 0
    clashes: list[str] = field(default_factory=list)
    acknowledgement_ids: list[int] = field(default_factory=list)  # this PC's numbers for those new here
    pdfs_written: list[Path] = field(default_factory=list)  # to flush to disk before the commit
    already: bool = False
    purged: int = 0  # events kept here redacted because an erasure arrived


def others_wrote(store) -> int:
    """A number that changes whenever another connection (the window, another command) commits."""
    return store.db.execute("PRAGMA data_version").fetchone()[0]


def apply_bundle(store, pc: str, seq: int, texts: Sequence[str], digest: str,
                 pdf_bytes: Callable[[str], bytes], *, nothing_pending: bool = False,
                 erased_elsewhere: Mapping[str, Any] | None = None) -> Applied:
    """Apply another PC's bundle in ONE write transaction: all of it or none. `texts` are the events'
    canonical texts (already verified against the bundle's signature); `pdf_bytes(sha256)` gives a
    verified signed PDF. `nothing_pending`: the caller knows nothing was changed here since its
    export (no one else has written since), so changes not yet exported are not looked for.
    EventsRefused (nothing applied) if an event claims an id that has other content here, or the
    bundle's number was used for other events. Events about someone erased here, in this bundle or
    in `erased_elsewhere` (redaction.Erasure by global id: bundles not yet applied) are kept
    redacted; an erasure that arrives purges what is kept here of that person (redaction.py)."""
    from holbrook_desktop.core.records import redaction

    result = Applied()
    with store.change("sync.bundle-applied") as change:
        db = change.db
        known = db.execute("SELECT sha256 FROM sync_bundles WHERE pc_id = ? AND seq = ?",
                           (pc, seq)).fetchone()
        if known is not None:
            change.skip()
            # The same bundle, or its version redacted by its PC after an erasure, or the old one put
            # back: the same events once redacted as they are here.
            if known[0] != digest and known[0] != events_digest(
                    sha256_text(text) for text in redaction.redact_incoming(db, texts, erased_elsewhere)):
                raise EventsRefused(f"bundle {seq} of PC {pc} differs from the bundle {seq} applied before: "
                                    "a PC never writes two bundles with one number")
            result.already = True
            return result
        db.execute("INSERT INTO sync_meta (key, value) VALUES ('applying', '1')")
        events = [Event.from_body(json.loads(text)) for text in texts]
        erased_before = redaction.erased_here(db)
        texts = redaction.redact_incoming(db, texts, erased_elsewhere, here=erased_before)
        hashes = [sha256_text(text) for text in texts]
        for event in events:
            if event.pc_id != pc:
                raise EventsRefused(f"event {event.event_id} names PC {event.pc_id}, not the PC whose "
                                    "bundle carries it")
        ids = json.dumps([e.event_id for e in events])
        have = dict(db.execute("SELECT event_id, sha256 FROM sync_events WHERE event_id IN "
                               "(SELECT value FROM json_each(?))", (ids,)).fetchall())
        fresh = []
        seen: set[str] = set()
        for event, text, digest_ in zip(events, texts, hashes, strict=True):
            if event.event_id in have or event.event_id in seen:
                if have.get(event.event_id, digest_) != digest_:
                    raise EventsRefused(f"event {event.event_id} has other content than the event with "
                                        "that id already here")
                result.duplicates += 1
                continue
            seen.add(event.event_id)
            fresh.append((event.event_id, event.pc_id, seq, event.kind, event.entity, event.at, text,
                          digest_))
        db.conn.executemany("INSERT INTO sync_events (event_id, pc_id, seq, kind, entity, at, body, sha256) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", fresh)
        result.new = len(fresh)
        affected: dict[str, set[str]] = {kind: set() for kind in KINDS}
        for row in fresh:
            affected[row[3]].add(row[4])
        for kind, entity in db.execute("SELECT kind, entity FROM sync_waiting").fetchall():
            affected[kind].add(entity)
        for kind in KINDS:
            if affected[kind]:
                _project(store, db, kind, affected[kind], result, pdf_bytes, nothing_pending)
        # An erasure that came in this bundle (or was waiting for it): what is kept of them redacted.
        for staff, erasure in redaction.erased_here(db).items():
            if staff not in erased_before:
                result.purged += redaction.purge_person(db, erasure, from_elsewhere=True)
        result.waiting = db.execute("SELECT count(*) FROM sync_waiting").fetchone()[0]
        # The digest of the events as kept here (redacted, if need be): what a PC that redacts its
        # bundle later gives it, and what a copy of the old one put back is checked against.
        db.execute("INSERT INTO sync_bundles (pc_id, seq, sha256, events, applied_at) VALUES (?, ?, ?, ?, ?)",
                   (pc, seq, events_digest(hashes), len(events), change.at))
        db.execute("DELETE FROM sync_meta WHERE key = 'applying'")
        flush_to_disk(result.pdfs_written)  # every PDF on disk before its record is committed
        change.details = {"pc_id": pc, "bundle": seq, "events": len(events), "new": result.new,
                          "duplicates": result.duplicates, "written": result.written,
                          "waiting": result.waiting, "clashes": result.clashes,
                          **({"events_redacted": result.purged} if result.purged else {}),
                          "acknowledgement_ids": result.acknowledgement_ids}
    return result


def _fold(kind: str, rows: Iterable[tuple[str, str]]) -> tuple[dict[str, Any], str]:
    """The state and time of one entity from its events' (at, body), in (at, pc, id) order."""
    state: dict[str, Any] = {}
    last = ""
    for at, text in rows:
        for name, value in json.loads(text)["changed"].items():
            old = state.get(name)
            if name in EARLIEST_WINS and old is not None:
                state[name] = old if value is None else min(old, value)
            else:
                state[name] = value
        last = max(last, at)
    return state, last


def _project(store, db, kind: str, entities: set[str], result: Applied,
             pdf_bytes: Callable[[str], bytes], nothing_pending: bool = False) -> None:
    # An entity changed here and not yet exported is left until it has been (the next sync), so
    # that a change made between export and import is never overwritten unseen.
    local = set() if nothing_pending else {row[0] for row in _pending_rows(db, kind, entities)}
    grouped: dict[str, list[tuple[str, str]]] = {}
    for entity, at, body in db.execute(
            "SELECT entity, at, body FROM sync_events WHERE kind = ? AND entity IN "
            "(SELECT value FROM json_each(?)) ORDER BY entity, at, pc_id, event_id",
            (kind, json.dumps(sorted(entities)))):
        grouped.setdefault(entity, []).append((at, body))
    writer = _WRITERS[kind]
    waiting: list[tuple[str, str]] = []
    settled: list[tuple[str, str, str, str]] = []
    refs = _References(db)
    if kind == "progress":  # the many: written in one statement
        _project_progress(db, grouped, local, refs, result, waiting, settled)
        grouped = {}
    for entity, rows in grouped.items():
        state, at = _fold(kind, rows)
        clashes = len(result.clashes)
        if entity in local or not writer(store, db, entity, state, at, refs, result, pdf_bytes):
            waiting.append((kind, entity))
            continue
        result.written[kind] = result.written.get(kind, 0) + 1
        text = canonical(state)
        if len(result.clashes) > clashes:  # kept here without the clashing field: that is not news
            text = _view_rows(db, kind, "WHERE v.entity = :entity", {"entity": entity})[0][2]
        settled.append((kind, entity, at, text))
    db.conn.executemany("INSERT OR IGNORE INTO sync_waiting (kind, entity) VALUES (?, ?)", waiting)
    db.conn.executemany("DELETE FROM sync_waiting WHERE kind = ? AND entity = ?", [s[:2] for s in settled])
    db.conn.executemany(_SETTLE, settled)


class _References:
    """Global ids → this PC's row ids, looked up once per batch."""

    def __init__(self, db) -> None:
        self._db = db
        self._cache: dict[tuple[str, str], int | None] = {}

    def get(self, table: str, global_id: str | None) -> int | None:
        if global_id is None:
            return None
        key = (table, global_id)
        if key not in self._cache:
            row = self._db.execute(f"SELECT id FROM {table} WHERE uuid = ?", (global_id,)).fetchone()
            self._cache[key] = row[0] if row else None
        return self._cache[key]

    def add(self, table: str, global_id: str, row_id: int) -> None:
        self._cache[(table, global_id)] = row_id


def _complete(kind: str, state: Mapping[str, Any]) -> bool:
    return all(name in state for name in _REQUIRED[kind])


def _write_policy_version(store, db, entity, state, at, refs, result, pdf_bytes) -> bool:
    if not _complete("policy_version", state):
        return False
    db.execute(
        "INSERT INTO policy_versions (policy_id, sha256, label, title, effective, first_seen, "
        "minor_change, changed_at) VALUES (:policy_id, :sha256, :label, :title, :effective, :first_seen, "
        ":minor_change, :at) "
        "ON CONFLICT(policy_id, sha256) DO UPDATE SET label = excluded.label, title = excluded.title, "
        "effective = excluded.effective, first_seen = excluded.first_seen, "
        "minor_change = excluded.minor_change, changed_at = excluded.changed_at",
        {"minor_change": 0, **state, "at": at})
    return True


def _write_setting(store, db, entity, state, at, refs, result, pdf_bytes) -> bool:
    if not _complete("setting", state):
        return False
    db.execute("INSERT INTO settings (key, value, updated_at, changed_at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, "
               "changed_at = excluded.changed_at",
               (entity, state["value"], state.get("updated_at") or at, at))
    return True


_STAFF_FIELDS = ("full_name", "preferred_name", "role", "school_role", "staff_number", "work_email",
                 "start_date", "leaving_date", "active", "created_at", "created_by", "erased_at")


def _write_staff(store, db, entity, state, at, refs, result, pdf_bytes) -> bool:
    row_id = refs.get("staff", entity)
    if row_id is None and not _complete("staff", state):
        return False
    values = {name: state[name] for name in _STAFF_FIELDS if name in state}
    for attempt in range(3):
        try:
            if row_id is None:
                names = ["uuid", "origin_pc", *values, "changed_at"]
                params = [entity, state.get("origin_pc"), *values.values(), at]
                cursor = db.execute(f"INSERT INTO staff ({', '.join(names)}) VALUES "
                                    f"({', '.join('?' * len(names))})", params)
                refs.add("staff", entity, cursor.lastrowid)
            else:
                db.execute(f"UPDATE staff SET {', '.join(f'{n} = ?' for n in values)}, changed_at = ? "
                           "WHERE id = ?", [*values.values(), at, row_id])
            break
        except sqlite3.IntegrityError as exc:
            # Someone else here has this staff number or email (two PCs added one person twice):
            # this copy is kept without it, and the clash named for HR in the audit row.
            clash = next((name for name in ("staff_number", "work_email") if name in str(exc)), None)
            if clash is None or attempt == 2:
                raise
            result.clashes.append(f"{clash} {values.get(clash)!r} of {entity}")
            values[clash] = None
    return True


def _write_quiz_attempt(store, db, entity, state, at, refs, result, pdf_bytes) -> bool:
    row_id = refs.get("quiz_attempts", entity)
    if row_id is None and not _complete("quiz_attempt", state):
        return False
    staff_id = refs.get("staff", state.get("staff"))
    if staff_id is None:
        return False
    names = ("policy_id", "policy_sha256", "mode", "seed", "questions", "answers", "correct", "total",
             "passed", "status", "started_at", "finished_at")
    values = {name: state[name] for name in names if name in state}
    try:
        if row_id is None:
            cursor = db.execute(
                f"INSERT INTO quiz_attempts (uuid, origin_pc, staff_id, {', '.join(values)}, changed_at) "
                f"VALUES ({', '.join('?' * (len(values) + 4))})",
                [entity, state.get("origin_pc"), staff_id, *values.values(), at])
            refs.add("quiz_attempts", entity, cursor.lastrowid)
        else:
            db.execute(f"UPDATE quiz_attempts SET {', '.join(f'{n} = ?' for n in values)}, changed_at = ? "
                       "WHERE id = ?", [*values.values(), at, row_id])
    except sqlite3.IntegrityError:  # its policy version has not arrived yet
        return False
    return True


def _write_progress(store, db, entity, state, at, refs, result, pdf_bytes) -> bool:
    if not _complete("progress", state):
        return False
    staff_id = refs.get("staff", state["staff"])
    if staff_id is None:
        return False
    try:
        db.execute(
            "INSERT INTO reading_progress (staff_id, policy_id, policy_sha256, section_number, first_opened, "
            "completed_at, uuid, origin_pc, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(staff_id, policy_id, policy_sha256, section_number) DO UPDATE SET "
            "first_opened = excluded.first_opened, completed_at = excluded.completed_at, "
            "changed_at = excluded.changed_at",
            (staff_id, state["policy_id"], state["policy_sha256"], state["section_number"],
             state["first_opened"], state.get("completed_at"), str(uuid.uuid4()), None, at))
    except sqlite3.IntegrityError:
        return False
    return True


_PROGRESS_UPSERT = (
    "INSERT INTO reading_progress (staff_id, policy_id, policy_sha256, section_number, first_opened, "
    "completed_at, uuid, origin_pc, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?) "
    "ON CONFLICT(staff_id, policy_id, policy_sha256, section_number) DO UPDATE SET "
    "first_opened = excluded.first_opened, completed_at = excluded.completed_at, "
    "changed_at = excluded.changed_at")


def _project_progress(db, grouped, local, refs, result, waiting, settled) -> None:
    versions = {tuple(row) for row in db.execute("SELECT policy_id, sha256 FROM policy_versions")}
    staff_ids = {uuid_: row_id for uuid_, row_id in db.execute(
        "SELECT uuid, id FROM staff WHERE uuid IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted({entity.split("|", 1)[0] for entity in grouped})),))}
    rows = []
    for entity, events in grouped.items():
        state, at = _fold("progress", events)
        staff_id = staff_ids.get(state.get("staff"))
        if (entity in local or not _complete("progress", state) or staff_id is None
                or (state["policy_id"], state["policy_sha256"]) not in versions):
            waiting.append(("progress", entity))
            continue
        rows.append((staff_id, state["policy_id"], state["policy_sha256"], state["section_number"],
                     state["first_opened"], state.get("completed_at"), str(uuid.uuid4()), at))
        settled.append(("progress", entity, at, canonical(state)))
    db.conn.executemany(_PROGRESS_UPSERT, rows)
    if rows:
        result.written["progress"] = result.written.get("progress", 0) + len(rows)


_ACK_FIELDS = ("policy_id", "policy_sha256", "version_label", "declaration_text", "declaration_sha256",
               "typed_name", "method", "signature_strokes", "on_behalf_note", "os_user", "machine",
               "app_version", "acknowledged_at", "audit_anchor", "certificate_fingerprint", "pdf_sha256",
               "erased_at")


def _write_acknowledgement(store, db, entity, state, at, refs, result, pdf_bytes) -> bool:
    from holbrook_desktop.core.records.acknowledgements import ATTESTATIONS_FOLDER, _write_private

    row_id = refs.get("acknowledgements", entity)
    if row_id is None and not _complete("acknowledgement", state):
        return False
    staff_id = refs.get("staff", state.get("staff"))
    attempt_id = refs.get("quiz_attempts", state.get("quiz_attempt"))
    if staff_id is None or (state.get("quiz_attempt") is not None and attempt_id is None):
        return False
    values: dict[str, Any] = {name: state[name] for name in _ACK_FIELDS if name in state}
    if "signature_png" in state:
        png = state["signature_png"]
        values["signature_png"] = None if png is None else bytes.fromhex(png)
    values["quiz_attempt_id"] = attempt_id
    values["staff_id"] = staff_id
    try:
        if row_id is not None:
            db.execute(f"UPDATE acknowledgements SET {', '.join(f'{n} = ?' for n in values)}, changed_at = ? "
                       "WHERE id = ?", [*values.values(), at, row_id])
            return True
        number = store.acknowledgements._next_number(db)
        relative = (f"{ATTESTATIONS_FOLDER}/from-{state['origin_pc'][:8]}/"
                    f"attestation-{int(state['origin_number']):06d}.pdf")
        if state.get("erased_at") is None:
            target = store.data_dir / relative
            pdf = pdf_bytes(state["pdf_sha256"])
            if target.exists():
                if hashlib.sha256(target.read_bytes()).hexdigest() != state["pdf_sha256"]:
                    raise EventsRefused(f"{target} is already there and is not the PDF of acknowledgement "
                                        f"{entity}")
            else:
                _write_private(target, pdf, flush=False)
                result.pdfs_written.append(target)
        values.update(uuid=entity, origin_pc=state["origin_pc"], origin_number=state["origin_number"],
                      id=number, pdf_file=relative, changed_at=at)
        db.execute(f"INSERT INTO acknowledgements ({', '.join(values)}) "
                   f"VALUES ({', '.join('?' * len(values))})", list(values.values()))
        refs.add("acknowledgements", entity, number)
        result.acknowledgement_ids.append(number)
    except sqlite3.IntegrityError:
        return False
    return True


_WRITERS: dict[str, Callable[..., bool]] = {
    "policy_version": _write_policy_version,
    "setting": _write_setting,
    "staff": _write_staff,
    "quiz_attempt": _write_quiz_attempt,
    "progress": _write_progress,
    "acknowledgement": _write_acknowledgement,
}


@dataclass(frozen=True)
class Contents:
    """What a PC's synced records hold, without its local numbers: equal on every PC that has
    applied the same events."""

    events: int
    counts: dict[str, int]
    digests: dict[str, str]
    waiting: int


def contents(store) -> Contents:
    counts, digests = {}, {}
    for kind in KINDS:
        rows = sorted((entity, state) for entity, _at, state in _view_rows(store.db, kind))
        counts[kind] = len(rows)
        digests[kind] = sha256_text("\n".join(f"{entity}\t{canonical(json.loads(state))}"
                                              for entity, state in rows))
    events = store.db.execute("SELECT count(*) FROM sync_events").fetchone()[0]
    waiting = store.db.execute("SELECT count(*) FROM sync_waiting").fetchone()[0]
    return Contents(events, counts, digests, waiting)


def contents_waiting(store) -> int:
    """Entities whose events arrived before what they refer to (or a change here not yet exported)."""
    return store.db.execute("SELECT count(*) FROM sync_waiting").fetchone()[0]


def events_digest_all(store) -> str:
    """One hash over every event kept here, by id: equal on PCs holding the same set."""
    rows = store.db.execute("SELECT event_id, sha256 FROM sync_events ORDER BY event_id").fetchall()
    return sha256_text("\n".join(f"{a}\t{b}" for a, b in rows))


def record_refusal(store, pc: str, file: str, reason: str) -> None:
    with store.change("sync.bundle-refused") as change:
        before = change.db.execute("SELECT reason FROM sync_refused WHERE pc_id = ? AND file = ?",
                                   (pc, file)).fetchone()
        change.db.execute("INSERT INTO sync_refused (pc_id, file, reason, at) VALUES (?, ?, ?, ?) "
                          "ON CONFLICT(pc_id, file) DO UPDATE SET reason = excluded.reason, at = excluded.at",
                          (pc, file, reason, change.at))
        if before is not None and before[0] == reason:
            change.skip()  # refused again for the same reason: one audit row is enough
        change.details = {"pc_id": pc, "file": file, "reason": reason}


def clear_refusal(store, pc: str, file: str) -> None:
    with store.change("sync.refusal-cleared") as change:
        change.skip()
        change.db.execute("DELETE FROM sync_refused WHERE pc_id = ? AND file = ?", (pc, file))


def refusals(store) -> list[dict[str, str]]:
    return [{"pc_id": a, "file": b, "reason": c, "at": d} for a, b, c, d in store.db.execute(
        "SELECT pc_id, file, reason, at FROM sync_refused ORDER BY at")]


def peer_key(store, pc: str) -> tuple[str, str] | None:
    """(name, public key) of a PC seen before."""
    row = store.db.execute("SELECT name, public_key FROM sync_peers WHERE pc_id = ?", (pc,)).fetchone()
    return None if row is None else (row[0], row[1])


def remember_peer(store, pc: str, name: str, public_key: str, *, synced_at: str | None = None) -> None:
    """A PC's key, trusted the first time it is seen (and never replaced by another key)."""
    with store.change("sync.pc-seen") as change:
        known = change.db.execute("SELECT public_key FROM sync_peers WHERE pc_id = ?", (pc,)).fetchone()
        if known is None:
            change.db.execute("INSERT INTO sync_peers (pc_id, name, public_key, first_seen, last_sync) "
                              "VALUES (?, ?, ?, ?, ?)", (pc, name, public_key, change.at, synced_at))
            change.details = {"pc_id": pc, "name": name, "public_key": public_key}
            return
        change.skip()
        change.db.execute("UPDATE sync_peers SET name = ?, last_sync = coalesce(?, last_sync) "
                          "WHERE pc_id = ?", (name, synced_at, pc))


def peers(store) -> list[dict[str, Any]]:
    rows = store.db.execute(
        "SELECT p.pc_id, p.name, p.first_seen, p.last_sync, "
        "(SELECT count(*) FROM sync_bundles b WHERE b.pc_id = p.pc_id), "
        "(SELECT count(*) FROM sync_events e WHERE e.pc_id = p.pc_id) FROM sync_peers p ORDER BY p.name")
    return [{"pc_id": a, "name": b, "first_seen": c, "last_sync": d, "bundles": e, "events": f}
            for a, b, c, d, e, f in rows]


def next_own_seq(store) -> int:
    me = pc_id(store.db)
    return store.db.execute("SELECT coalesce(max(seq), 0) + 1 FROM sync_bundles WHERE pc_id = ?",
                            (me,)).fetchone()[0]


def pc_names(store) -> tuple[str, dict[str, str]]:
    """This PC's id, and the name of every PC seen in the sync folder by id."""
    return pc_id(store.db), dict(store.db.execute("SELECT pc_id, name FROM sync_peers").fetchall())


def acknowledgement_label(store, record_id: int) -> str:
    """How HR sees a record's number: "000123" if made here, "<PC name>/000123" (the number it has on
    the PC that made it) if made on another of the school's PCs."""
    row = store.db.execute("SELECT a.origin_pc, a.origin_number, p.name FROM acknowledgements a "
                           "LEFT JOIN sync_peers p ON p.pc_id = a.origin_pc WHERE a.id = ?",
                           (record_id,)).fetchone()
    if row is None or row[0] in (None, pc_id(store.db)):
        return f"{record_id:06d}"
    return f"{row[2] or row[0][:8]}/{int(row[1]):06d}"


def made_on(store, record_id: int) -> str | None:
    """The name of the other PC of the school that made this acknowledgement; None if made here."""
    row = store.db.execute("SELECT a.origin_pc, p.name FROM acknowledgements a "
                           "LEFT JOIN sync_peers p ON p.pc_id = a.origin_pc WHERE a.id = ?",
                           (record_id,)).fetchone()
    if row is None or row[0] in (None, pc_id(store.db)):
        return None
    return row[1] or row[0][:8]


def shared_settings(store) -> list[tuple[str, str, str, str | None]]:
    """The school's settings as this PC has them: (key, value as stored, updated_at, changed_at)."""
    return store.db.execute(
        "SELECT key, value, updated_at, coalesce(changed_at, updated_at) FROM settings "
        "WHERE key IN (SELECT value FROM json_each(?)) ORDER BY key",
        (json.dumps(SHARED_SETTINGS),)).fetchall()


def adopt_settings(store, rows: Iterable[Sequence[Any]]) -> list[str]:
    """A PC joining the school takes the school's settings as they were when HR made its join file,
    with their times, and counts them as already known to the other PCs: what this PC set on its own
    before (a first-run password, its own name for the school) is replaced, and never sent out to
    override the school's. Returns the keys taken. Audited (the keys, never the values)."""
    taken = [(str(key), str(value), str(updated_at), str(changed_at or updated_at))
             for key, value, updated_at, changed_at in rows if key in SHARED_SETTINGS]
    if not taken:  # a join file made before the settings travelled with it: sync brings them
        return []
    for _key, value, _updated, _changed in taken:
        json.loads(value)  # ValueError: not a stored setting
    keys = [key for key, *_ in taken]
    with store.change("school.settings-adopted") as change:
        db = change.db
        db.conn.executemany(
            "INSERT INTO settings (key, value, updated_at, changed_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, "
            "changed_at = excluded.changed_at", taken)
        known = _view_rows(db, "setting", "WHERE v.entity IN (SELECT value FROM json_each(:keys))",
                           {"keys": json.dumps(keys)})
        db.conn.executemany(_SETTLE, [("setting", entity, at, state) for entity, at, state in known])
        # What the school has not set, this PC had better not have set either, unless it already told
        # the other PCs (then it is theirs too).
        dropped = db.execute(
            "DELETE FROM settings WHERE key IN (SELECT value FROM json_each(?)) AND key NOT IN "
            "(SELECT value FROM json_each(?)) AND key NOT IN (SELECT entity FROM sync_entities "
            "WHERE kind = 'setting')", (json.dumps(SHARED_SETTINGS), json.dumps(keys))).rowcount
        change.details = {"keys": keys, "own_settings_dropped": dropped}
    return keys

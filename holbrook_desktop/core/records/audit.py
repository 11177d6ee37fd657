"""The audit log: every change, hash-chained so that editing, deleting or slipping in a row
out of band shows up when the chain is walked, and built so that a person's data can be erased
from it (UK GDPR) without breaking the chain.

Each row seals two *personal* fields, its OS account (`os_user`) and its `details`, through a
salted digest of each: `<field>_salt` is random per row and `<field>_sha256` is SHA-256 of the salt
and the text. The row's `hash` covers the previous row's hash, the row's plain fields and those two
digests, never the personal text itself. Erasing a field replaces its text with a fixed marker and
deletes its salt (so a digest of a short known value, an email, cannot be confirmed by guessing),
keeping the digest: the chain still verifies. An erased field must be listed in a later
"retention.erased" row of the chain, and the row says which in `redacted_by`; the walk checks both,
so nothing is erased without a record of it.

Rows written before this scheme (schema 5) were re-sealed by migration m0005: each keeps the hash
it had then in `v1_hash` (the anchor printed on attestation PDFs made before the upgrade), sealed
into the new chain, and still checked against the row's text wherever that text is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from holbrook_desktop.core.identity import Actor

GENESIS_HASH = "0" * 64
# What an erased field holds instead of its text: fixed, so that nothing can hide in an erased row.
ERASED_OS_USER = "[erased]"
ERASED_DETAILS = '{"erased":true}'
PERSONAL_FIELDS = ("os_user", "details")
# The actions whose rows may erase fields of earlier rows; their details list the rows, by field,
# under "redacted_<field>". Such a row has no personal data and can never be erased itself.
ERASING_ACTIONS = frozenset({"retention.erased"})
RESEALED_ACTION = "audit.resealed"

# Every column, in table order: what `sealed_row` gives.
COLUMNS = ("id, at, os_user, staff_id, via, action, details, prev_hash, hash, os_user_salt, "
           "os_user_sha256, details_salt, details_sha256, v1_hash, redacted_by")


# One encoder, made once: the chain's canonical JSON (what json.dumps with these options gives).
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def details_text(details: dict[str, Any]) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def field_digest(salt: str, text: str) -> str:
    return hashlib.sha256(f"{salt}\n{text}".encode()).hexdigest()


def seal(prev_hash: str, row_id: int, at: str, staff_id: int | None, via: str, action: str,
         os_user_sha256: str, details_sha256: str, v1_hash: str | None = None) -> str:
    """The row's hash: its place in the chain and everything in it but the personal text."""
    content = _CANONICAL.encode([row_id, at, staff_id, via, action, os_user_sha256, details_sha256,
                                 v1_hash]).encode("utf-8")
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + content).hexdigest()


def v1_row_hash(prev_hash: str, row_id: int, at: str, os_user: str, staff_id: int | None, via: str,
                action: str, details: str) -> str:
    """The hash of the first scheme (schema 1–4), over the text itself. Kept to check the rows
    re-sealed by m0005 and the anchors on PDFs made before it; never changed."""
    content = _CANONICAL.encode([row_id, at, os_user, staff_id, via, action, details]).encode("utf-8")
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + content).hexdigest()


def sealed_row(prev_hash: str, row_id: int, at: str, actor: Actor, action: str, text: str,
               v1_hash: str | None = None) -> tuple:
    """All the columns of a new row, in table order (as `INSERT INTO audit_log VALUES` takes them)."""
    os_user_salt, details_salt = secrets.token_hex(16), secrets.token_hex(16)
    os_user_sha256 = field_digest(os_user_salt, actor.os_user)
    details_sha256 = field_digest(details_salt, text)
    digest = seal(prev_hash, row_id, at, actor.staff_id, actor.via, action, os_user_sha256, details_sha256,
                  v1_hash)
    return (row_id, at, actor.os_user, actor.staff_id, actor.via, action, text, prev_hash, digest,
            os_user_salt, os_user_sha256, details_salt, details_sha256, v1_hash, None)


def next_row_id(db: Database) -> int:
    """The id the next appended row will have (stable inside the write transaction)."""
    return db.execute("SELECT coalesce(max(id), 0) + 1 FROM audit_log").fetchone()[0]


def append(db: Database, actor: Actor, action: str, details: dict[str, Any], at: str) -> int:
    """Add a row; call inside the write transaction of the change it describes."""
    last = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    row_id, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    text = details_text(details)
    row = sealed_row(prev_hash, row_id, at, actor, action, text)
    try:
        db.execute(f"INSERT INTO audit_log ({COLUMNS}) VALUES ({', '.join('?' * len(row))})", row)
    except sqlite3.OperationalError as exc:
        if "os_user_salt" not in str(exc):
            raise
        # A file still at schema 1–4 (the app always migrates first; tests and tools that build an
        # older file on purpose do not): written as that schema's code wrote it, m0005 re-seals it.
        digest = v1_row_hash(prev_hash, row_id, at, actor.os_user, actor.staff_id, actor.via, action, text)
        db.execute("INSERT INTO audit_log (id, at, os_user, staff_id, via, action, details, prev_hash, hash) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (row_id, at, actor.os_user, actor.staff_id, actor.via, action, text, prev_hash, digest))
    return row_id


def erase_fields(db: Database, event_id: int, rows: dict[str, Iterable[int]]) -> dict[str, list[int]]:
    """Erase personal fields of earlier rows, for the erasing row `event_id` written in the same
    transaction (its details must list exactly what this returns, under "redacted_<field>").
    Fields already erased are left alone. Returns {field: [row ids erased]}."""
    erased: dict[str, list[int]] = {}
    for field in PERSONAL_FIELDS:
        wanted = sorted(set(rows.get(field, ())))
        if any(row_id >= event_id for row_id in wanted):
            raise ValueError("only rows before the erasing row can be erased")
        marker = ERASED_OS_USER if field == "os_user" else ERASED_DETAILS
        done: list[int] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            found = [r[0] for r in db.execute(
                f"SELECT id FROM audit_log WHERE id IN ({marks}) AND {field}_salt IS NOT NULL "
                f"AND action NOT IN ({', '.join('?' * len(ERASING_ACTIONS))})",
                (*chunk, *sorted(ERASING_ACTIONS))).fetchall()]
            if found:
                db.execute(f"UPDATE audit_log SET {field} = ?, {field}_salt = NULL, "
                           "redacted_by = coalesce(redacted_by, ?) "
                           f"WHERE id IN ({', '.join('?' * len(found))})", (marker, event_id, *found))
            done.extend(found)
        erased[field] = sorted(done)
    return erased


@dataclass(frozen=True)
class ChainReport:
    rows: int
    first_bad_row: int | None = None
    problem: str | None = None
    last_hash: str = GENESIS_HASH
    erased_rows: int = 0  # rows with a field erased, each matched to the row that erased it
    # Acknowledgements on record with no "acknowledgement.recorded" row of their own: the log's last
    # rows (or all of them) deleted, or a record slipped in beside the app. first_bad_row is then
    # the row after the last one that verifies: where the missing rows would have been.
    unaudited: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return self.first_bad_row is None


RECORDED_ACTION = "acknowledgement.recorded"
# Put back from its signed PDF after a restore (records/recovered.py): its row stands for the one lost.
RECOVERED_ACTION = "acknowledgement.recovered"
_UNREADABLE = "row {} holds a value the app never writes (a wrong type, or text that is not UTF-8): " \
              "it was altered after it was written"


def verify(db: Database) -> ChainReport:
    """Walk the chain from the first row; stop at the first row that does not follow. Then check that
    every acknowledgement on record has its own row in it, so that cutting the log short (or
    emptying it) is caught too. A row that cannot even be read is reported as a broken row, never
    raised."""
    columns = {column[1] for column in db.execute("PRAGMA table_info(audit_log)")}
    if not columns:
        return ChainReport(0, 1, "the audit log itself is missing (its table was dropped)")
    walk = _verify_sealed if "os_user_salt" in columns else _verify_first_scheme
    try:
        report = walk(db)
    except sqlite3.OperationalError as exc:
        if "decode" not in str(exc):
            raise
        # Text that is not UTF-8 stops sqlite3 before the row is seen: walk again, keeping the bytes
        # (as lone surrogates), so that the row is named as broken where it fails its check.
        with tolerant_text(db):
            report = walk(db)
    if not report.ok:
        return report
    unaudited = unaudited_acknowledgements(db)
    if not unaudited:
        return report
    return ChainReport(report.rows, report.rows + 1, _unaudited_problem(report.rows, unaudited),
                       report.last_hash, report.erased_rows, tuple(unaudited))


@contextlib.contextmanager
def tolerant_text(db: Database) -> Iterator[None]:
    """Text columns read even when they hold bytes that are not UTF-8 (kept as lone surrogates, which
    fail any check that encodes them): for the checks that must report such a row, not stop at it."""
    factory = db.conn.text_factory
    db.conn.text_factory = lambda data: data.decode("utf-8", "surrogateescape")
    try:
        yield
    finally:
        db.conn.text_factory = factory


def unaudited_acknowledgements(db: Database) -> list[int]:
    """The acknowledgements with no "acknowledgement.recorded" row naming them. An erased person's
    rows name nobody (their details are erased): those are matched by the time instead, which the
    acknowledgement and its row share (one change, one clock reading)."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'acknowledgements'"
                      ).fetchone():
        return []
    sealed = "os_user_salt" in {c[1] for c in db.execute("PRAGMA table_info(audit_log)")}
    acknowledgement_columns = {c[1] for c in db.execute("PRAGMA table_info(acknowledgements)")}
    recorded: set[int] = set()
    erased_at_time: dict[Any, int] = {}
    for named, at, erased in db.execute(
            "SELECT CASE WHEN typeof(details) = 'text' AND json_valid(details) "
            "THEN json_extract(details, '$.acknowledgement_id') END, at, "
            f"{'details_salt IS NULL' if sealed else '0'} FROM audit_log WHERE action IN (?, ?)",
            (RECORDED_ACTION, RECOVERED_ACTION)):
        if erased:
            erased_at_time[at] = erased_at_time.get(at, 0) + 1
        elif isinstance(named, int):
            recorded.add(named)
    # Acknowledgements made on another of the school's PCs: the row of the bundle that brought them
    # names them (core/records/events.py).
    recorded.update(row[0] for row in db.execute(
        "SELECT j.value FROM audit_log a, json_each(a.details, '$.acknowledgement_ids') j "
        "WHERE a.action = 'sync.bundle-applied' AND typeof(a.details) = 'text' AND json_valid(a.details)"))
    erased_column = "erased_at" if "erased_at" in acknowledgement_columns else "NULL"
    missing = []
    for record_id, at, erased_at in db.execute(
            f"SELECT id, acknowledged_at, {erased_column} FROM acknowledgements ORDER BY id"):
        if record_id in recorded:
            continue
        if erased_at is not None and erased_at_time.get(at, 0) > 0:
            erased_at_time[at] -= 1
            continue
        missing.append(record_id)
    return missing


def _unaudited_problem(rows: int, unaudited: list[int]) -> str:
    which = _id_ranges(unaudited)
    many = len(unaudited) > 1
    if rows == 0:
        return (f"the log is empty, but {len(unaudited)} acknowledgement{'s are' if many else ' is'} on "
                f"record ({which}): its rows have been deleted")
    return (f"acknowledgement{'s' if many else ''} {which} {'have' if many else 'has'} no audit row "
            f"(\"{RECORDED_ACTION}\"): the log's last rows were deleted after row {rows}, or "
            f"{'they were' if many else 'it was'} written outside the app")


def _id_ranges(ids: list[int], shown: int = 10) -> str:
    """1–27, 31, 40–41 (and 12 more)"""
    ranges: list[list[int]] = []
    for number in ids:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    words = [f"{a}" if a == b else f"{a}–{b}" for a, b in ranges[:shown]]
    more = len(ranges) - shown
    return ", ".join(words) + (f" (and {more} more ranges)" if more > 0 else "")


def _verify_sealed(db: Database) -> ChainReport:
    allowed = _erasures_on_record(db)
    expected_id, prev_hash, prev_v1, count, erased = 1, GENESIS_HASH, GENESIS_HASH, 0, 0
    sha256 = hashlib.sha256
    altered = "row {} was altered after it was written"
    problem: str | None
    for row in db.execute(f"SELECT {COLUMNS} FROM audit_log ORDER BY id"):
        (row_id, at, os_user, staff_id, via, action, details, stored_prev, stored_hash, os_user_salt,
         os_user_sha256, details_salt, details_sha256, v1_hash, _redacted_by) = row
        if row_id != expected_id:
            problem = f"row {expected_id} is missing (deleted?): the next row is {row_id}"
            return ChainReport(count, expected_id, problem, prev_hash, erased)
        problem = None
        try:
            if stored_prev != prev_hash:
                problem = f"row {row_id} does not follow row {row_id - 1} (inserted or reordered)"
            elif os_user_salt is not None and details_salt is not None and os_user_sha256 and details_sha256:
                # Nothing erased (the usual row): both texts must match their digests, and a row from
                # before m0005 its old hash too, so the anchors on PDFs made then stay meaningful.
                if (sha256(f"{os_user_salt}\n{os_user}".encode()).hexdigest() != os_user_sha256
                        or sha256(f"{details_salt}\n{details}".encode()).hexdigest() != details_sha256
                        or (v1_hash is not None and v1_hash != v1_row_hash(prev_v1, row_id, at, os_user,
                                                                          staff_id, via, action, details))):
                    problem = altered.format(row_id)
            else:
                problem = _erased_fields_problem(row, allowed)
                erased += problem is None
            if problem is None and (not isinstance(stored_hash, str) or seal(
                    prev_hash, row_id, at, staff_id, via, action, os_user_sha256, details_sha256,
                    v1_hash) != stored_hash):
                problem = altered.format(row_id)
        except (TypeError, ValueError, AttributeError):  # UnicodeError is a ValueError
            problem = _UNREADABLE.format(row_id)
        if problem is not None:
            return ChainReport(count, row_id, problem, prev_hash, erased)
        if v1_hash is not None:
            prev_v1 = v1_hash
        prev_hash, expected_id, count = stored_hash, row_id + 1, count + 1
    return ChainReport(count, last_hash=prev_hash, erased_rows=erased)


def _erased_fields_problem(row: tuple, allowed: dict[tuple[int, str], int]) -> str | None:
    """A row with a field erased: each field either matches its digest or is erased (the fixed
    marker, no salt), listed by a later erasing row, which the row names in `redacted_by`."""
    row_id, action, redacted_by = row[0], row[5], row[14]
    if row[10] is None or row[12] is None:
        return f"row {row_id} was not written by the app (it has no seal)"
    by = set()
    for field, text, salt, digest, marker in (("os_user", row[2], row[9], row[10], ERASED_OS_USER),
                                              ("details", row[6], row[11], row[12], ERASED_DETAILS)):
        if salt is not None:
            if field_digest(salt, text) != digest:
                return f"row {row_id} was altered after it was written"
            continue
        if action in ERASING_ACTIONS:
            return f"row {row_id} records an erasure and may not itself be erased"
        if (row_id, field) not in allowed:
            return (f"row {row_id} had its {_FIELD_WORDS[field]} erased without a record of it "
                    "in the log")
        if text != marker:
            return f"row {row_id} was altered after it was written"
        by.add(allowed[(row_id, field)])
    if redacted_by not in by:
        return f"row {row_id} names the wrong row as the one that erased it"
    return None


_FIELD_WORDS = {"os_user": "OS account", "details": "details"}


def _erasures_on_record(db: Database) -> dict[tuple[int, str], int]:
    """{(row id, field): id of the later erasing row that lists it}. Read from the text before the
    walk; the walk then checks each erasing row's own seal, so a forged list is caught there."""
    allowed: dict[tuple[int, str], int] = {}
    marks = ", ".join("?" * len(ERASING_ACTIONS))
    for event_id, text in db.execute(f"SELECT id, details FROM audit_log WHERE action IN ({marks})",
                                     sorted(ERASING_ACTIONS)):
        try:
            details = json.loads(text)
        except (TypeError, ValueError):
            continue
        if not isinstance(details, dict):
            continue
        for field in PERSONAL_FIELDS:
            listed = details.get(f"redacted_{field}") or []
            for row_id in listed if isinstance(listed, list) else []:
                if isinstance(row_id, int) and row_id < event_id:
                    allowed.setdefault((row_id, field), event_id)
    return allowed


def anchor_rows_by_prefix(db: Database, prefix: str) -> list[int]:
    """The rows whose hash (or first scheme's hash) begins with `prefix`: for the attestations made
    before the full anchor was embedded, which print only its first characters. 0 for the empty
    chain's. Hex digits only; nothing for anything else."""
    prefix = prefix.lower()
    if not prefix or any(c not in "0123456789abcdef" for c in prefix):
        return []
    found = [0] if GENESIS_HASH.startswith(prefix) else []
    length = len(prefix)
    found += [r[0] for r in db.execute(
        "SELECT id FROM audit_log WHERE substr(hash, 1, ?) = ? OR substr(v1_hash, 1, ?) = ? ORDER BY id",
        (length, prefix, length, prefix))]
    return found


def anchor_row(db: Database, anchor: str) -> int | None:
    """The row whose hash an attestation PDF carries as its audit anchor (0 for the empty chain):
    the current hash, or the first scheme's for PDFs made before m0005. None if no row has it."""
    if anchor == GENESIS_HASH:
        return 0
    row = db.execute("SELECT id FROM audit_log WHERE hash = ? OR v1_hash = ? ORDER BY id LIMIT 1",
                     (anchor, anchor)).fetchone()
    return row[0] if row else None


# The upgrade from the first scheme (migration m0005) ------------------------------------------

def reseal_v1_chain(db: Database, actor: Actor, at: str) -> None:
    """Rebuild `audit_log` in this scheme, inside m0005's transaction. The first scheme's chain is
    walked as `verify` walked it then; every row is kept with its id, its text and its old hash
    (`v1_hash`), and sealed afresh. A last row, "audit.resealed", records how many rows, the old
    chain's last hash, and whether it verified: a chain already broken stays reported as broken
    (at the same row), the records stay usable, and nothing is laundered.

    m0005 depends on this producing exactly this scheme: change it only with a new migration."""
    db.execute("""
        CREATE TABLE audit_log_sealed (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            os_user TEXT NOT NULL,
            staff_id INTEGER,
            via TEXT NOT NULL,
            action TEXT NOT NULL,
            details TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            os_user_salt TEXT,
            os_user_sha256 TEXT,
            details_salt TEXT,
            details_sha256 TEXT,
            v1_hash TEXT,
            redacted_by INTEGER
        )""")
    insert = f"INSERT INTO audit_log_sealed ({COLUMNS}) VALUES ({', '.join('?' * 15)})"
    expected_id, v1_prev, prev_hash, rows, broken = 1, GENESIS_HASH, GENESIS_HASH, 0, None
    batch: list[tuple] = []
    last_id, last_v1 = 0, GENESIS_HASH
    for old in db.execute("SELECT id, at, os_user, staff_id, via, action, details, prev_hash, hash "
                          "FROM audit_log ORDER BY id"):
        row_id, row_at, os_user, staff_id, via, action, details, _stored_prev, stored_hash = old
        if broken is None:
            broken = _v1_problem(old, expected_id, v1_prev)
        expected_id, v1_prev = row_id + 1, stored_hash
        row = sealed_row(prev_hash, row_id, row_at, Actor(os_user, via, staff_id), action, details,
                         v1_hash=stored_hash)
        prev_hash, rows, last_id, last_v1 = row[8], rows + 1, row_id, stored_hash
        batch.append(row)
        if len(batch) >= 5000:
            db.conn.executemany(insert, batch)
            batch.clear()
    db.conn.executemany(insert, batch)
    db.execute("DROP TABLE audit_log")
    db.execute("ALTER TABLE audit_log_sealed RENAME TO audit_log")
    if rows:
        details = {"rows": rows, "v1_last_hash": last_v1, "v1_last_row": last_id,
                   "v1_verified": broken is None, "v1_first_bad_row": broken[0] if broken else None,
                   "v1_problem": broken[1] if broken else None}
        append(db, actor, RESEALED_ACTION, details, at)


def _verify_first_scheme(db: Database) -> ChainReport:
    """A file still at schema 1–4 (see `append`), walked as the code of that time walked it."""
    expected_id, prev_hash, count = 1, GENESIS_HASH, 0
    for old in db.execute("SELECT id, at, os_user, staff_id, via, action, details, prev_hash, hash "
                          "FROM audit_log ORDER BY id"):
        try:
            broken = _v1_problem(old, expected_id, prev_hash)
        except (TypeError, ValueError, AttributeError):
            broken = (old[0], _UNREADABLE.format(old[0]))
        if broken is not None:
            return ChainReport(count, broken[0], broken[1], prev_hash)
        expected_id, prev_hash, count = old[0] + 1, old[8], count + 1
    return ChainReport(count, last_hash=prev_hash)


def _v1_problem(old: tuple, expected_id: int, v1_prev: str) -> tuple[int, str] | None:
    """The first scheme's check of one row, as `verify` made it before m0005: (row, problem)."""
    row_id, at, os_user, staff_id, via, action, details, stored_prev, stored_hash = old
    if row_id != expected_id:
        return expected_id, f"row {expected_id} is missing (deleted?): the next row is {row_id}"
    if stored_prev != v1_prev:
        return row_id, f"row {row_id} does not follow row {row_id - 1} (inserted or reordered)"
    if v1_row_hash(v1_prev, row_id, at, os_user, staff_id, via, action, details) != stored_hash:
        return row_id, f"row {row_id} was altered after it was written"
    return None

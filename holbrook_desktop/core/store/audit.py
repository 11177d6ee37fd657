"""The audit log: every change, hash-chained so that editing, deleting or slipping in a row
out of band shows up when the chain is walked."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from holbrook_desktop.core.identity import Actor

GENESIS_HASH = "0" * 64


def _canonical(row_id: int, at: str, os_user: str, staff_id: int | None, via: str, action: str,
               details: str) -> bytes:
    return json.dumps([row_id, at, os_user, staff_id, via, action, details],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def row_hash(prev_hash: str, row_id: int, at: str, os_user: str, staff_id: int | None, via: str,
             action: str, details: str) -> str:
    content = _canonical(row_id, at, os_user, staff_id, via, action, details)
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + content).hexdigest()


def append(db: Database, actor: Actor, action: str, details: dict[str, Any], at: str) -> int:
    """Add a row; call inside the write transaction of the change it describes."""
    last = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    row_id, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    text = json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = row_hash(prev_hash, row_id, at, actor.os_user, actor.staff_id, actor.via, action, text)
    db.execute(
        "INSERT INTO audit_log (id, at, os_user, staff_id, via, action, details, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row_id, at, actor.os_user, actor.staff_id, actor.via, action, text, prev_hash, digest),
    )
    return row_id


@dataclass(frozen=True)
class ChainReport:
    rows: int
    first_bad_row: int | None = None
    problem: str | None = None
    last_hash: str = GENESIS_HASH

    @property
    def ok(self) -> bool:
        return self.first_bad_row is None


def verify(db: Database) -> ChainReport:
    """Walk the chain from the first row; stop at the first row that does not follow."""
    expected_id, prev_hash, count = 1, GENESIS_HASH, 0
    cursor = db.execute(
        "SELECT id, at, os_user, staff_id, via, action, details, prev_hash, hash "
        "FROM audit_log ORDER BY id"
    )
    for row_id, at, os_user, staff_id, via, action, details, stored_prev, stored_hash in cursor:
        if row_id != expected_id:
            return ChainReport(count, expected_id,
                               f"row {expected_id} is missing (deleted?): the next row is {row_id}",
                               prev_hash)
        if stored_prev != prev_hash:
            return ChainReport(count, row_id,
                               f"row {row_id} does not follow row {row_id - 1} (inserted or reordered)",
                               prev_hash)
        if row_hash(prev_hash, row_id, at, os_user, staff_id, via, action, details) != stored_hash:
            return ChainReport(count, row_id, f"row {row_id} was altered after it was written",
                               prev_hash)
        prev_hash, expected_id, count = stored_hash, row_id + 1, count + 1
    return ChainReport(count, last_hash=prev_hash)

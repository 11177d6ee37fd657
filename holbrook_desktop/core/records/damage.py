"""Damage found while the records are open: reported as DatabaseDamaged, and no write after it.

Every statement and every row fetched goes through `RecordsConnection`, so damage met at any moment
(not only by the day's first integrity check) is reported the same way, and the connection
remembers it: `write_transaction` then refuses every later change without touching the file.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from holbrook_desktop.core.records import backups
from holbrook_desktop.core.records.errors import DatabaseDamaged

log = logging.getLogger(__name__)

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_NOTADB = 11, 13, 26
_FETCH_BATCH = 512


def is_damage(exc: BaseException) -> bool:
    """The file's content is broken ("malformed", "not a database"), as opposed to busy, full or locked."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)
    text = str(exc)
    return "malformed" in text or "not a database" in text


def is_disk_full(exc: BaseException | None) -> bool:
    """A full disk (or a used-up quota), from SQLite or the OS, here or anywhere in the causes."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return True
        if isinstance(exc, sqlite3.Error):
            code = getattr(exc, "sqlite_errorcode", None)
            if (code is not None and code & 0xFF == SQLITE_FULL) or "disk is full" in str(exc):
                return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def reason_for(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if is_damage(exc):
        return f"it is damaged ({text})"
    return text


class RecordsConnection(sqlite3.Connection):
    """sqlite3's connection, turning damage met by any statement or fetch into DatabaseDamaged."""

    path: Path | None = None
    damage_reason: str | None = None  # set once damage has been met; nothing is written after it
    # Called once, when damage is first met (from whichever thread met it): the window is told.
    on_damage: Callable[[], None] | None = None

    def damaged_error(self) -> DatabaseDamaged:
        path = self.path or Path("holbrook.db")
        return DatabaseDamaged(path, self.damage_reason or "it is damaged",
                               backups.existing_backups(path))

    def report(self, exc: sqlite3.DatabaseError) -> None:
        """Raise DatabaseDamaged (remembering it) if `exc` is damage; return otherwise."""
        if is_damage(exc):
            first = self.damage_reason is None
            self.damage_reason = reason_for(exc)
            if first and self.on_damage is not None:
                self.on_damage()
            raise self.damaged_error() from exc

    def cursor(self, factory: Any = None) -> Any:
        return super().cursor(factory or RecordsCursor)

    def execute(self, *args: Any) -> Any:
        try:
            return super().execute(*args)
        except sqlite3.DatabaseError as exc:
            self.report(exc)
            raise

    def executemany(self, *args: Any) -> Any:
        try:
            return super().executemany(*args)
        except sqlite3.DatabaseError as exc:
            self.report(exc)
            raise

    def executescript(self, *args: Any) -> Any:
        try:
            return super().executescript(*args)
        except sqlite3.DatabaseError as exc:
            self.report(exc)
            raise

    def commit(self) -> None:
        try:
            super().commit()
        except sqlite3.DatabaseError as exc:
            self.report(exc)
            raise


class RecordsCursor(sqlite3.Cursor):
    """Rows are read lazily, so damage can surface while fetching: reported like a statement's."""

    def _report(self, exc: sqlite3.DatabaseError) -> None:
        connection = self.connection
        if isinstance(connection, RecordsConnection):
            connection.report(exc)

    def execute(self, *args: Any) -> Any:
        try:
            return super().execute(*args)
        except sqlite3.DatabaseError as exc:
            self._report(exc)
            raise

    def executemany(self, *args: Any) -> Any:
        try:
            return super().executemany(*args)
        except sqlite3.DatabaseError as exc:
            self._report(exc)
            raise

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.DatabaseError as exc:
            self._report(exc)
            raise

    def fetchmany(self, *args: Any) -> list[Any]:
        try:
            return super().fetchmany(*args)
        except sqlite3.DatabaseError as exc:
            self._report(exc)
            raise

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.DatabaseError as exc:
            self._report(exc)
            raise

    def __iter__(self) -> Any:
        # In batches: one Python call per batch, not per row (the status table reads 100,000 rows).
        while True:
            rows = self.fetchmany(_FETCH_BATCH)
            if not rows:
                return
            yield from rows


def keep_as_found(path: Path) -> Path | None:
    """A copy of a damaged database with its -wal and -shm exactly as found, made before it is closed:
    closing folds the journal into the file, which would change the evidence of what went wrong.
    Beside the database, private (0600); None if it could not be made (a full disk: logged)."""
    import shutil
    from datetime import UTC, datetime

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.as-found-{stamp}")
    made: list[Path] = []
    try:
        for suffix in ("", "-wal", "-shm"):
            source = path.with_name(path.name + suffix)
            if source.exists():
                copy = target.with_name(target.name + suffix)
                shutil.copyfile(source, copy)
                os.chmod(copy, 0o600)
                made.append(copy)
    except OSError as exc:
        log.error("could not keep a copy of the damaged records %s as found: %s", path, exc)
        for copy in made:
            with contextlib.suppress(OSError):
                copy.unlink()
        return None
    log.warning("kept the damaged records as found: %s", target)
    return target

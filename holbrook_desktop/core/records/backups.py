"""Backup copies of the records database: rolling daily ones and one before each migration."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import sqlite3
import time
from datetime import date, datetime
from pathlib import Path

log = logging.getLogger(__name__)

BACKUP_FOLDER = "backups"
DAILY_PREFIX = "daily-"
DEFAULT_DAILY_KEPT = 14
PARTIAL_SUFFIX = ".partial"
# A copy being written now is touched continuously; one left alone this long was abandoned by a
# process that died (or a disk that filled) part-way.
STALE_PARTIAL_SECONDS = 15 * 60


def backup_dir(database: Path) -> Path:
    return database.parent / BACKUP_FOLDER


def copy_database(connection: sqlite3.Connection, target: Path) -> Path:
    """A consistent copy through SQLite's backup API (safe while others write), readable by this
    account only (0600, like the database: it holds the same personal data), then renamed into place
    so that a half-written copy is never mistaken for a backup. A copy that fails is removed."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Per copy: two windows (or two threads) taking the day's backup at once never share a file.
    partial = target.with_name(f"{target.name}.{os.getpid()}-{secrets.token_hex(4)}{PARTIAL_SUFFIX}")
    try:
        # Created private before SQLite opens it (SQLite would create it with the umask's mode).
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        destination = sqlite3.connect(partial)
        try:
            connection.backup(destination)
        finally:
            destination.close()
        partial.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return target


def daily_backup_path(database: Path, day: date) -> Path:
    return backup_dir(database) / f"{DAILY_PREFIX}{database.stem}-{day.isoformat()}.db"


def pre_migration_backup_path(database: Path, number: int, now: datetime) -> Path:
    return backup_dir(database) / f"pre-migration-{number:04d}-{now:%Y%m%dT%H%M%S}-{database.stem}.db"


def existing_backups(database: Path) -> list[Path]:
    """Every backup of this database, newest first."""
    folder = backup_dir(database)
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob(f"*{database.stem}*.db") if p.is_file()]
    return sorted(found, key=lambda p: p.stat().st_mtime_ns, reverse=True)


def prune_daily_backups(database: Path, keep: int) -> None:
    daily = sorted(backup_dir(database).glob(f"{DAILY_PREFIX}{database.stem}-*.db"), reverse=True)
    for old in daily[keep:]:
        old.unlink(missing_ok=True)


def remove_stale_partials(database: Path) -> None:
    """Half-written copies a stopped process left in the backups folder (never a backup: a copy gets
    its real name only when complete). A copy another process is writing now is left alone."""
    folder = backup_dir(database)
    if not folder.is_dir():
        return
    now = time.time()
    for partial in folder.glob(f"*{PARTIAL_SUFFIX}"):
        try:
            if now - partial.stat().st_mtime > STALE_PARTIAL_SECONDS:
                partial.unlink()
                log.info("removed the half-written copy %s", partial)
        except OSError as exc:
            log.warning("could not remove the half-written copy %s: %s", partial, exc)

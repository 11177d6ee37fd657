"""Backup copies of the records database: rolling daily ones and one before each migration."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, datetime
from pathlib import Path

BACKUP_FOLDER = "backups"
DAILY_PREFIX = "daily-"
DEFAULT_DAILY_KEPT = 14


def backup_dir(database: Path) -> Path:
    return database.parent / BACKUP_FOLDER


def copy_database(connection: sqlite3.Connection, target: Path) -> Path:
    """A consistent copy through SQLite's backup API (safe while others write), then renamed
    into place so that a half-written copy is never mistaken for a backup."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Per process: two windows taking the day's backup at once never write one partial file.
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    destination = sqlite3.connect(partial)
    try:
        connection.backup(destination)
    finally:
        destination.close()
    partial.replace(target)
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

"""The Store: the records database opened, with its repositories and one way to make a change."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import audit, backups
from holbrook_desktop.core.records.acknowledgements import Acknowledgements
from holbrook_desktop.core.records.damage import RecordsConnection, keep_as_found
from holbrook_desktop.core.records.database import (
    DATABASE_FILE,
    open_database,
    restore_newest_backup,
    utc_now,
    write_transaction,
)
from holbrook_desktop.core.records.errors import DatabaseDamaged
from holbrook_desktop.core.records.policy_versions import PolicyVersions
from holbrook_desktop.core.records.progress import StaffReadingProgress
from holbrook_desktop.core.records.quiz_attempts import QuizAttempts
from holbrook_desktop.core.records.retention import Retention
from holbrook_desktop.core.records.settings import Settings
from holbrook_desktop.core.records.staff import StaffDirectory
from holbrook_desktop.core.records.subject_access import SubjectAccess


@dataclass
class Change:
    """One change being written: repositories fill in `details` for its audit row."""

    db: Database
    actor: Actor
    at: str
    details: dict[str, Any] = field(default_factory=dict)
    skipped: bool = False

    def skip(self) -> None:
        """Nothing actually changed (a repeat): write no audit row."""
        self.skipped = True


class Store:
    def __init__(self, db: Database, path: Path, actor: Actor, *,
                 now: Callable[[], str] | None = None) -> None:
        self.db = db
        self.path = path
        self.actor = actor
        # The time each change is stamped with (UTC, ISO 8601). Replaced only to build a sample
        # school whose records lie in the past (core.demo) and in tests.
        self.clock: Callable[[], str] = now or utc_now
        self.staff = StaffDirectory(self)
        self.policy_versions = PolicyVersions(self)
        self.quiz_attempts = QuizAttempts(self)
        self.acknowledgements = Acknowledgements(self)
        self.settings = Settings(self)
        self.subject_access = SubjectAccess(self)
        self.retention = Retention(self)

    @classmethod
    def open(
        cls,
        data_dir: Path,
        actor: Actor,
        *,
        daily_backups_kept: int = backups.DEFAULT_DAILY_KEPT,
        today: Callable[[], date] = date.today,
        now: Callable[[], str] | None = None,
    ) -> Store:
        path = data_dir / DATABASE_FILE
        db = open_database(path, daily_backups_kept=daily_backups_kept, today=today)
        store = cls(db, path, actor, now=now)
        try:
            store.acknowledgements.settle_pending()  # a signature a crash interrupted
        except BaseException:
            db.close()
            raise
        return store

    @staticmethod
    def restore_newest_backup(data_dir: Path, *, replace_healthy: bool = False) -> Path:
        """The newest backup put in place (see database.restore_newest_backup): DatabaseSound if the
        current file is sound and `replace_healthy` was not given."""
        return restore_newest_backup(data_dir / DATABASE_FILE, replace_healthy=replace_healthy)

    @property
    def data_dir(self) -> Path:
        return self.path.parent

    @property
    def damaged(self) -> bool:
        """Damage was met while these records were open: every change since is refused untouched."""
        return getattr(self.db.conn, "damage_reason", None) is not None

    def damage(self) -> DatabaseDamaged | None:
        """The damage met while these records were open (with the backups there are), or None."""
        connection = self.db.conn
        if isinstance(connection, RecordsConnection) and connection.damage_reason is not None:
            return connection.damaged_error()
        return None

    def watch_damage(self, callback: Callable[[], None] | None) -> None:
        """`callback` is called once, when damage is first met (on whichever thread met it)."""
        if isinstance(self.db.conn, RecordsConnection):
            self.db.conn.on_damage = callback

    def close(self) -> None:
        if self.damaged:
            keep_as_found(self.path)
        self.db.close()

    def acting_as(self, staff_id: int | None) -> Store:
        """The same database, with changes recorded as made by this person."""
        self.actor = Actor(self.actor.os_user, self.actor.via, staff_id)
        return self

    @contextlib.contextmanager
    def change(self, action: str) -> Iterator[Change]:
        """A change and its audit row, written together or not at all."""
        with write_transaction(self.db):
            change = Change(self.db, self.actor, self.clock())
            # The time the records' triggers stamp a synced row's change with (migration 6).
            with contextlib.suppress(sqlite3.OperationalError):  # a file not yet at schema 6 (tests)
                self.db.execute("INSERT INTO sync_meta (key, value) VALUES ('now', ?) "
                                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (change.at,))
            yield change
            if not change.skipped:
                audit.append(self.db, self.actor, action, change.details, change.at)

    def progress_for(self, staff_id: int) -> StaffReadingProgress:
        return StaffReadingProgress(self, staff_id)

    def data_version(self) -> tuple[int, int]:
        """Cheap to ask, and different once anything is written: SQLite's count of commits made by
        other connections (another window, the command line) and the last audit row (this one's
        own changes). A view polls it to know when to reload."""
        others = self.db.execute("PRAGMA data_version").fetchone()[0]
        last = self.db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
        return others, last

    def verify_audit(self) -> audit.ChainReport:
        return audit.verify(self.db)

    def find_audit_anchor(self, anchor: str) -> list[int]:
        """The rows whose hash an attestation carries as its audit anchor (0: the empty chain's): by
        the whole hash, or, for a file made before the whole hash was embedded, by the characters it
        printed. Empty if no row has it."""
        if len(anchor) == len(audit.GENESIS_HASH):
            row = audit.anchor_row(self.db, anchor.lower())
            return [] if row is None else [row]
        return audit.anchor_rows_by_prefix(self.db, anchor)

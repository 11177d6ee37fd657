"""Opening the records database safely: checks, migrations, backups, and write transactions."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from sqlite_utils import Database

from holbrook_desktop.core.records import backups
from holbrook_desktop.core.records.acknowledgements import ATTESTATIONS_FOLDER
from holbrook_desktop.core.records.damage import RecordsConnection, is_disk_full, reason_for
from holbrook_desktop.core.records.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseSound,
    DatabaseTooNew,
    DiskFull,
    RecordsMissing,
    StoreError,
    StoreWriteError,
)
from holbrook_desktop.core.records.migrations import MIGRATIONS

log = logging.getLogger(__name__)

DATABASE_FILE = "holbrook.db"
SQLITE_HEADER = b"SQLite format 3\x00"
# Long enough that the window and the CLI writing at once wait for each other instead of failing.
BUSY_TIMEOUT_MS = 15_000
# The school's signing key (core/attestation/signing_key.py); named here only as a sign that records
# were kept in this folder.
SIGNING_FOLDER = "signing"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def open_database(
    path: Path,
    *,
    daily_backups_kept: int = backups.DEFAULT_DAILY_KEPT,
    today: Callable[[], date] = date.today,
) -> Database:
    """Open (or create) the database: refuse damaged or newer files, migrate, back up daily.

    "Locked" or "busy" while another window or PC opens or migrates the same file at the same
    moment is waited out, not mistaken for damage; nor is a full disk (DiskFull).
    A missing or empty file where records were kept is refused (RecordsMissing), never started anew."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return _open_once(path, daily_backups_kept, today)
        except (DatabaseDamaged, StoreWriteError, OSError) as exc:
            if is_disk_full(exc):
                raise DiskFull(path) from exc
            busy = isinstance(exc.__cause__, sqlite3.OperationalError) and _is_busy(exc.__cause__)
            if not isinstance(exc, DatabaseDamaged) or not busy:
                raise
            if time.monotonic() > deadline:
                raise DatabaseBusy(path) from exc.__cause__
            time.sleep(0.05)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


def _open_once(path: Path, daily_backups_kept: int, today: Callable[[], date]) -> Database:
    is_new = not path.exists() or _never_written(path)
    if is_new:
        found = signs_of_records(path)
        if found:
            raise RecordsMissing(path, found, backups.existing_backups(path))
    else:
        _check_header(path)
    backups.remove_stale_partials(path)
    # Staff records are personal data: a folder the app creates is its account's alone (an
    # administrator widens the shared folder's permissions on purpose; see the README).
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if is_new:
        _create_private_file(path)
    connection: RecordsConnection | None = None
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, factory=RecordsConnection)
        connection.path = path
        # No sqlite-utils plugins: nothing installed elsewhere on the PC runs inside the staff
        # database's connection (and start-up skips scanning every package's entry points).
        db = Database(connection, execute_plugins=False)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        # Only reads until the file is known to be ours and sound: switching to WAL rewrites the
        # header, and a newer or damaged file must be left exactly as it was found.
        schema = _schema_version(db)
        if schema > len(MIGRATIONS):
            raise DatabaseTooNew(path, schema, len(MIGRATIONS))
        day = today()
        if not is_new and backups.daily_backup_path(path, day) not in set(backups.existing_backups(path)):
            _verify_and_back_up(db, path, day, daily_backups_kept)
        if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            db.enable_wal()
        # Safe with WAL: a power cut loses at most the last transaction, never consistency.
        db.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        if connection is not None:
            connection.close()  # not left to the garbage collector: it would hold the file open
        raise DatabaseDamaged(path, reason_for(exc), backups.existing_backups(path)) from exc
    except BaseException:
        if connection is not None:
            connection.close()
        raise
    try:
        _migrate(db, path, schema)
    except BaseException:
        db.close()
        raise
    log.info("records opened: %s (schema %d)", path, len(MIGRATIONS))
    return db


def _create_private_file(path: Path) -> None:
    """Create the database file readable by this account only (SQLite would use the umask)."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(descriptor)
    except OSError as exc:
        if is_disk_full(exc):
            raise
        log.warning("could not create %s with private permissions: %s", path, exc)


def _never_written(path: Path) -> bool:
    """A 0-byte file with no journal: a first start that stopped before writing. No record can be in
    it, so it is set up as new, unless the folder shows records were kept here (signs_of_records)."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size > 0)


def signs_of_records(path: Path) -> list[str]:
    """What in the data folder shows that records were kept here, in words; empty for a new folder.
    With any of these, a missing or empty database is a loss to report, not a first start."""
    folder = path.parent
    found = []
    kept = backups.existing_backups(path)
    if kept:
        found.append(f"{len(kept)} backup{'s' if len(kept) != 1 else ''} in {backups.BACKUP_FOLDER}/")
    attestations = folder / ATTESTATIONS_FOLDER
    pdfs = sum(1 for p in attestations.glob("*.pdf") if p.is_file()) if attestations.is_dir() else 0
    if pdfs:
        found.append(f"{pdfs} signed attestation{'s' if pdfs != 1 else ''} in {ATTESTATIONS_FOLDER}/")
    signing = folder / SIGNING_FOLDER
    if signing.is_dir() and any(p.is_file() for p in signing.rglob("*")):
        found.append(f"the school's signing key in {SIGNING_FOLDER}/")
    return found


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseDamaged(path, f"it cannot be read ({exc.strerror})",
                              backups.existing_backups(path)) from exc
    if header != SQLITE_HEADER:
        reason = "the file is empty" if not header else "it is not an SQLite database"
        raise DatabaseDamaged(path, reason, backups.existing_backups(path))


def _schema_version(db: Database) -> int:
    if "schema_migrations" not in db.table_names():
        return 0
    row = db.execute("SELECT max(number) FROM schema_migrations").fetchone()
    return row[0] or 0


def _verify_and_back_up(db: Database, path: Path, day: date, keep: int) -> None:
    """Once a day: integrity_check, then a backup. A damaged file is never backed up over a good one."""
    problems = [row[0] for row in db.execute("PRAGMA integrity_check(5)").fetchall()]
    if problems != ["ok"]:
        raise DatabaseDamaged(path, "it fails its integrity check (" + "; ".join(problems) + ")",
                              backups.existing_backups(path))
    try:
        backups.copy_database(db.conn, backups.daily_backup_path(path, day))
        backups.prune_daily_backups(path, keep)
        log.info("daily backup made of %s", path.name)
    except (OSError, sqlite3.Error) as exc:
        log.warning("daily backup of %s failed: %s", path, exc)  # records still open and usable


def _migrate(db: Database, path: Path, current: int) -> None:
    backed_up = current == 0  # a file with no schema yet holds nothing to lose
    for number, migration in enumerate(MIGRATIONS[current:], start=current + 1):
        with write_transaction(db):
            # Checked again with the write lock held: another process opening the file at the
            # same moment may have applied this migration while this one waited for the lock.
            if _schema_version(db) >= number:
                continue
            if not backed_up:
                _pre_migration_backup(path, number)
                backed_up = True
            if number == 1:
                db.execute("CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, "
                           "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            migration(db)
            db.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                       (number, migration.__name__, utc_now()))
        log.info("applied migration %d (%s) to %s", number, migration.__name__, path)


def _pre_migration_backup(path: Path, number: int) -> None:
    """Taken under the migrating connection's write lock, through a second connection: WAL lets
    it read the last committed state, and no other process can be copying or migrating."""
    source = sqlite3.connect(path)  # only read from
    try:
        backups.copy_database(source, backups.pre_migration_backup_path(path, number, datetime.now(UTC)))
    finally:
        source.close()
    log.info("backup made of %s before migration %d", path.name, number)


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One all-or-nothing change. IMMEDIATE takes the write lock first, so two writers queue
    (busy timeout) instead of one failing with "database is locked" halfway through.

    Once damage has been met on this connection, at any moment, every change is refused before it
    touches the file: DatabaseDamaged, with the backups there are."""
    connection = db.conn
    if isinstance(connection, RecordsConnection) and connection.damage_reason is not None:
        raise connection.damaged_error()
    if db.conn.in_transaction:  # nested: sqlite-utils' savepoints keep it atomic
        with db.atomic():
            yield db
        return
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise StoreWriteError(_write_failure(exc)) from exc
    try:
        yield db
    except sqlite3.OperationalError as exc:
        _roll_back(db)
        raise StoreWriteError(_write_failure(exc)) from exc
    except BaseException:
        _roll_back(db)
        raise
    try:
        db.conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        db.rollback()
        raise StoreWriteError(_write_failure(exc)) from exc


def _roll_back(db: Database) -> None:
    try:
        db.rollback()
    except DatabaseDamaged:  # already being reported: the change was not committed either way
        log.warning("rolling back on a damaged database failed", exc_info=True)


def _write_failure(exc: sqlite3.OperationalError) -> str:
    text = str(exc)
    if "full" in text:
        return "The change was not saved: the disk is full. Free some space and try again."
    if "readonly" in text or "read-only" in text:
        return "The change was not saved: the records folder is read-only for this account."
    if "locked" in text or "busy" in text:
        return "The change was not saved: the records are busy in another window. Try again."
    return f"The change was not saved: {text}."


def restore_newest_backup(path: Path, *, replace_healthy: bool = False) -> Path:
    """Put the newest backup in place; the file it replaces is kept beside it, renamed, never deleted.

    A sound database (its header and a read-only integrity check pass) is not replaced unless a person
    confirmed it (`replace_healthy`): DatabaseSound. The backup is copied beside the database first and
    only then swapped in, so a failure part-way (a full disk) leaves the database, its -wal and -shm
    exactly as they were."""
    candidates = backups.existing_backups(path)
    if not candidates:
        raise FileNotFoundError(f"no backup of {path}")
    sound = is_sound(path)
    if sound and not replace_healthy:
        raise DatabaseSound(path, candidates[0])
    staged = path.with_name(f"{path.name}.restoring")
    try:
        source = sqlite3.connect(f"file:{candidates[0]}?mode=ro", uri=True)
        try:
            backups.copy_database(source, staged)
        finally:
            source.close()
    except (OSError, sqlite3.Error) as exc:
        staged.unlink(missing_ok=True)
        raise _restore_failure(path, candidates[0], exc) from exc
    aside = _set_aside_name(path, "replaced" if sound else "damaged")
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in ("", "-wal", "-shm"):  # journal files belong to the copy being replaced
            current = path.with_name(path.name + suffix)
            if current.exists():
                kept = aside.with_name(aside.name + suffix)
                current.replace(kept)
                moved.append((current, kept))
        staged.replace(path)
    except OSError as exc:
        for current, kept in reversed(moved):
            try:
                kept.replace(current)
            except OSError:
                log.error("could not put %s back as %s", kept, current, exc_info=True)
        staged.unlink(missing_ok=True)
        raise _restore_failure(path, candidates[0], exc) from exc
    return candidates[0]


def _restore_failure(path: Path, backup: Path, exc: BaseException) -> StoreError:
    if is_disk_full(exc):
        return DiskFull(path, f"the backup {backup.name} could not be copied")
    return StoreWriteError(f"The backup {backup.name} could not be put in place ({exc}). The records "
                           f"database {path} was left as it was.")


def is_sound(path: Path) -> bool:
    """The file is an SQLite database that passes its integrity check, read only. A file that is busy
    (another process holds it locked) counts as sound: it cannot be shown to be damaged."""
    try:
        with path.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return False
    except OSError:
        return False
    try:
        checker = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return False
    try:
        return [row[0] for row in checker.execute("PRAGMA integrity_check(1)").fetchall()] == ["ok"]
    except sqlite3.OperationalError as exc:
        return _is_busy(exc)
    except sqlite3.Error:
        return False
    finally:
        checker.close()


def _set_aside_name(path: Path, why: str) -> Path:
    """A name no earlier set-aside copy has: two restores in the same second keep both."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    aside, n = path.with_name(f"{path.name}.{why}-{stamp}"), 1
    while any(aside.with_name(aside.name + suffix).exists() for suffix in ("", "-wal", "-shm")):
        n += 1
        aside = path.with_name(f"{path.name}.{why}-{stamp}-{n}")
    return aside

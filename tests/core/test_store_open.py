"""Opening the records database: new files, newer files, damaged files, restoring, daily backups."""

from __future__ import annotations

import os
import random
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import (
    DatabaseDamaged,
    DatabaseTooNew,
    NewStaffMember,
    RecordsMissing,
    Store,
)
from holbrook_desktop.core.records.migrations import MIGRATIONS

ACTOR = Actor("office", "cli")
DAY_1 = date(2026, 9, 1)
PAGE = 4096  # SQLite's default page size, which the store keeps


def on(day: date):
    return lambda: day


def db_file(data_dir: Path) -> Path:
    return data_dir / "holbrook.db"


def add_people(store: Store, count: int, prefix: str = "Person") -> None:
    for i in range(count):
        store.staff.add(NewStaffMember(f"{prefix} {i:04d}", "teacher", DAY_1, staff_number=f"{prefix}-{i}",
                                       work_email=f"{prefix.lower()}.{i}@holbrook.example"))


def build_database(data_dir: Path, people: int = 300) -> None:
    """A real, multi-page database, closed properly: the WAL is checkpointed into the file."""
    store = Store.open(data_dir, ACTOR, today=on(DAY_1))
    add_people(store, people)
    store.close()
    assert not data_dir.joinpath("holbrook.db-wal").exists()


def garble_a_staff_page(path: Path, seed: int = 7) -> None:
    """Overwrite the middle of one leaf page of the staff table with random bytes.

    Staff leaf pages are found by content, so this needs no SQLite internals: a table-leaf page
    (type byte 0x0D) holding staff emails and no audit text. 256 bytes span at least one whole
    row, so the table no longer matches its three indexes and integrity_check must say so."""
    data = bytearray(path.read_bytes())
    leaves = [n for n in range(1, len(data) // PAGE)
              if data[n * PAGE] == 0x0D and b"@holbrook.example" in data[n * PAGE:(n + 1) * PAGE]
              and b"staff.add" not in data[n * PAGE:(n + 1) * PAGE]]
    assert len(leaves) >= 3, "expected the staff table to span several pages"
    start = leaves[len(leaves) // 2] * PAGE + PAGE // 2 - 128
    data[start:start + 256] = random.Random(seed).randbytes(256)
    path.write_bytes(bytes(data))


def open_handles_to(path: Path) -> list[str]:
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        pytest.skip("needs /proc/self/fd to see which files are open")
    found = []
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(path)):
            found.append(target)
    return found


# --- a new database -------------------------------------------------------------------------


def test_a_new_database_records_each_migration_once(tmp_path):
    store = Store.open(tmp_path, ACTOR)
    migrations_query = "SELECT number, name, applied_at FROM schema_migrations ORDER BY number"
    applied = store.db.execute(migrations_query).fetchall()
    store.close()
    assert [(number, name) for number, name, _ in applied] == [
        (number, migration.__name__) for number, migration in enumerate(MIGRATIONS, start=1)]

    again = Store.open(tmp_path, ACTOR)
    assert again.db.execute(migrations_query).fetchall() == applied
    again.close()
    assert not list(tmp_path.glob("backups/pre-migration-*")), "nothing was migrated, so no backup"


def test_a_new_database_uses_wal_and_enforces_foreign_keys(tmp_path):
    store = Store.open(tmp_path, ACTOR)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        store.db.execute("INSERT INTO reading_progress (staff_id, policy_id, policy_sha256, section_number, "
                         "first_opened, completed_at) VALUES (999, 'no-such-policy', 'x', '1', 'now', NULL)")
    store.close()
    plain = sqlite3.connect(db_file(tmp_path))  # WAL is a property of the file, not the connection
    assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    plain.close()


# --- made by a newer version ---------------------------------------------------------------------


def test_a_database_from_a_newer_version_is_refused_and_left_byte_for_byte(tmp_path):
    Store.open(tmp_path, ACTOR, today=on(DAY_1)).close()
    newer = sqlite3.connect(db_file(tmp_path))
    newer.execute("INSERT INTO schema_migrations VALUES (?, 'm9999_from_the_future', '2030-01-01')",
                  (len(MIGRATIONS) + 1,))
    newer.commit()
    newer.close()
    before = db_file(tmp_path).read_bytes()
    backups_before = sorted(tmp_path.glob("backups/*"))

    with pytest.raises(DatabaseTooNew) as refused:
        Store.open(tmp_path, ACTOR, today=on(DAY_1 + timedelta(days=1)))

    assert (refused.value.found, refused.value.known) == (len(MIGRATIONS) + 1, len(MIGRATIONS))
    assert "newer version" in str(refused.value) and "not been opened or changed" in str(refused.value)
    assert db_file(tmp_path).read_bytes() == before
    # Not even a backup is taken of a file this version cannot read.
    assert sorted(tmp_path.glob("backups/*")) == backups_before


def test_a_newer_database_in_rollback_journal_mode_is_not_switched_to_wal(tmp_path):
    """A file that is not in WAL mode must not be converted (which rewrites its header) before
    the version check refuses it."""
    path = db_file(tmp_path)
    newer = sqlite3.connect(path)
    newer.execute("CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
    newer.executemany("INSERT INTO schema_migrations VALUES (?, ?, '2030-01-01')",
                      [(n, f"m{n:04d}") for n in range(1, len(MIGRATIONS) + 3)])
    newer.commit()
    newer.close()
    before = path.read_bytes()

    with pytest.raises(DatabaseTooNew):
        Store.open(tmp_path, ACTOR)

    assert path.read_bytes() == before


# --- damaged files --------------------------------------------------------------------------------


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    path = db_file(tmp_path)
    path.write_text("Staff list, typed up by hand:\nAlice, Bob, Carol\n" * 200, encoding="utf-8")
    before = path.read_bytes()

    with pytest.raises(DatabaseDamaged) as refused:
        Store.open(tmp_path, ACTOR)

    assert refused.value.reason == "it is not an SQLite database"
    assert "has not been changed" in str(refused.value) and "There is no backup" in str(refused.value)
    assert path.read_bytes() == before


def test_a_truncated_database_is_refused_untouched(tmp_path):
    build_database(tmp_path)
    path = db_file(tmp_path)
    assert path.stat().st_size > 20 * PAGE
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    before = path.read_bytes()

    with pytest.raises(DatabaseDamaged) as refused:
        Store.open(tmp_path, ACTOR, today=on(DAY_1 + timedelta(days=1)))

    assert "damaged" in refused.value.reason or "integrity check" in refused.value.reason
    assert "malformed" in refused.value.reason or "integrity check" in refused.value.reason
    assert path.read_bytes() == before


def test_a_refused_database_is_not_left_open(tmp_path):
    """Nothing may keep the damaged file open (on Windows that would stop it being set aside),
    even while the error is still being handled."""
    build_database(tmp_path)
    path = db_file(tmp_path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    with pytest.raises(DatabaseDamaged):
        Store.open(tmp_path, ACTOR, today=on(DAY_1 + timedelta(days=1)))

    assert open_handles_to(path) == []


def test_a_database_failing_its_integrity_check_is_refused_untouched(tmp_path):
    build_database(tmp_path)
    path = db_file(tmp_path)
    garble_a_staff_page(path)
    before = path.read_bytes()
    next_day = DAY_1 + timedelta(days=1)

    with pytest.raises(DatabaseDamaged) as refused:
        Store.open(tmp_path, ACTOR, today=on(next_day))  # the first open of a day runs the check

    assert "integrity check" in refused.value.reason or "malformed" in refused.value.reason
    assert "has not been changed" in str(refused.value)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob(f"backups/*{next_day.isoformat()}*")), "a damaged file was backed up"
    assert open_handles_to(path) == []


def test_the_newest_backup_replaces_a_damaged_database_which_is_kept_beside_it(tmp_path):
    build_database(tmp_path)  # day 1: 300 people
    day_2 = Store.open(tmp_path, ACTOR, today=on(DAY_1 + timedelta(days=1)))  # day 2's backup
    day_2.staff.add(NewStaffMember("Added After The Backup", "office", DAY_1))
    day_2.close()
    path = db_file(tmp_path)
    garble_a_staff_page(path)
    damaged = path.read_bytes()

    with pytest.raises(DatabaseDamaged) as refused:
        Store.open(tmp_path, ACTOR, today=on(DAY_1 + timedelta(days=2)))
    assert refused.value.backups, "the error should name the backups there are"
    assert f"The newest backup is {refused.value.backups[0].name}" in str(refused.value)

    used = Store.restore_newest_backup(tmp_path)

    assert used == refused.value.backups[0]
    assert DAY_1 + timedelta(days=1) == date.fromisoformat(used.stem[-10:])
    [set_aside] = [p for p in tmp_path.iterdir() if p.name.startswith("holbrook.db.damaged-")
                   and not p.name.endswith(("-wal", "-shm"))]
    assert set_aside.read_bytes() == damaged
    restored = Store.open(tmp_path, ACTOR, today=on(DAY_1 + timedelta(days=2)))
    names = [member.full_name for member in restored.staff.list()]
    assert names == [f"Person {i:04d}" for i in range(300)]
    assert restored.verify_audit().ok and restored.verify_audit().rows == 300
    assert restored.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restored.close()


def test_restoring_twice_keeps_both_set_aside_files(tmp_path):
    """Set-aside files are never overwritten, even when two restores fall in the same second."""
    build_database(tmp_path, people=3)
    Store.open(tmp_path, ACTOR, today=on(DAY_1 + timedelta(days=1))).close()
    path = db_file(tmp_path)
    path.write_bytes(b"first damaged copy")
    Store.restore_newest_backup(tmp_path)
    path.write_bytes(b"second damaged copy")
    Store.restore_newest_backup(tmp_path)

    kept = sorted(p.read_bytes() for p in tmp_path.glob("holbrook.db.damaged-*"))
    assert kept == [b"first damaged copy", b"second damaged copy"]


# --- empty files and daily backups ---------------------------------------------------------------


def test_an_empty_file_with_no_backups_opens_as_a_new_database(tmp_path):
    db_file(tmp_path).touch()  # a first start that stopped before it wrote anything
    store = Store.open(tmp_path, ACTOR)
    assert store.db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
    store.staff.add(NewStaffMember("First Person", "teacher", DAY_1))
    assert [m.full_name for m in store.staff.list()] == ["First Person"]
    store.close()


def test_an_empty_file_is_refused_when_there_are_backups(tmp_path):
    """Records existed once: an empty file is a loss to report, not a fresh start."""
    build_database(tmp_path, people=3)
    Store.open(tmp_path, ACTOR, today=on(DAY_1 + timedelta(days=1))).close()
    db_file(tmp_path).write_bytes(b"")

    with pytest.raises(RecordsMissing) as refused:
        Store.open(tmp_path, ACTOR, today=on(DAY_1 + timedelta(days=2)))

    assert refused.value.found == ["1 backup in backups/"]
    assert "is empty" in str(refused.value) and "was not started over them" in str(refused.value)
    assert db_file(tmp_path).read_bytes() == b""


def test_daily_backups_roll_keeping_the_newest_fourteen(tmp_path):
    days = [DAY_1 + timedelta(days=n) for n in range(20)]
    for n, day in enumerate(days):
        store = Store.open(tmp_path, ACTOR, daily_backups_kept=14, today=on(day))
        store.staff.add(NewStaffMember(f"Joined On Day {n + 1:02d}", "volunteer", day))
        store.close()

    daily = sorted(p.name for p in (tmp_path / "backups").glob("daily-*"))
    assert len(daily) == 14
    # Day 1 made the file (nothing to back up); days 2–20 each backed it up; days 7–20 are kept.
    assert [name[-13:-3] for name in daily] == [day.isoformat() for day in days[6:]]
    newest = sqlite3.connect(f"file:{tmp_path / 'backups' / daily[-1]}?mode=ro", uri=True)
    assert newest.execute("SELECT count(*) FROM staff").fetchone()[0] == 19  # taken before day 20's add
    assert newest.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    newest.close()


def test_a_second_open_on_the_same_day_makes_no_second_backup(tmp_path):
    build_database(tmp_path, people=3)
    for _ in range(3):
        Store.open(tmp_path, ACTOR, today=on(DAY_1 + timedelta(days=1))).close()
    assert len(list((tmp_path / "backups").glob("daily-*"))) == 1


def test_a_new_database_and_its_folder_are_private_to_this_account(tmp_path):
    import os
    import stat

    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import Store

    if os.name != "posix":
        import pytest

        pytest.skip("POSIX permission bits")
    folder = tmp_path / "new-data"
    store = Store.open(folder, Actor("tester", "cli"))
    store.close()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "holbrook.db").stat().st_mode) == 0o600

"""Records you can trust: a full disk is not damage, a missing file is not a fresh start, a restore
never replaces a sound database unasked nor half-way, damage met at any time stops the writing."""

from __future__ import annotations

import contextlib
import errno
import os
import random
import sqlite3
import stat
import time
from datetime import timedelta
from pathlib import Path

import pytest

from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import (
    DatabaseDamaged,
    DatabaseSound,
    DiskFull,
    NewStaffMember,
    RecordsMissing,
    Store,
    database,
)
from holbrook_desktop.core.records import backups as records_backups
from holbrook_desktop.core.records.migrations import MIGRATIONS
from tests.core.test_store_open import DAY_1, PAGE, build_database, db_file, on

ACTOR = Actor("office", "cli")
DAY_2 = DAY_1 + timedelta(days=1)
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def fill_the_disk(monkeypatch) -> None:
    """Every SQLite connection from now on may not grow its file: SQLite then answers exactly as on a
    full disk (SQLITE_FULL, "database or disk is full")."""
    real_connect = sqlite3.connect

    def connect(*args, **kwargs):
        connection = real_connect(*args, **kwargs)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect)


def with_a_backup(data_dir: Path, people: int = 3) -> None:
    """Records made on day 1 and backed up at day 2's first start."""
    build_database(data_dir, people=people)
    Store.open(data_dir, ACTOR, today=on(DAY_2)).close()


def file_bytes(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data_dir.iterdir()) if p.is_file()}


# --- a full disk is a full disk -------------------------------------------------------------------


def test_starting_on_a_full_disk_says_the_disk_is_full_and_offers_no_restore(tmp_path, monkeypatch):
    fill_the_disk(monkeypatch)

    with pytest.raises(DiskFull) as refused:
        Store.open(tmp_path, ACTOR)

    assert not isinstance(refused.value, DatabaseDamaged)
    assert not hasattr(refused.value, "backups"), "nothing to restore: the file is not damaged"
    message = str(refused.value)
    assert "disk" in message and "is full" in message and "Nothing was changed" in message
    assert "not damaged" in message


def test_a_full_disk_when_creating_the_records_file_is_a_full_disk(tmp_path, monkeypatch):
    real_open = os.open

    def open_on_a_full_disk(path, flags, *args, **kwargs):
        if str(path).endswith("holbrook.db") and flags & os.O_CREAT:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_on_a_full_disk)

    with pytest.raises(DiskFull, match="is full"):
        Store.open(tmp_path / "data", ACTOR)


def needs_room_to_upgrade(data_dir: Path, monkeypatch) -> None:
    """Records as the version before this one left them, whose upgrade (its last migration) adds
    data: starting on a full disk then has to write, and cannot."""
    with contextlib.closing(sqlite3.connect(db_file(data_dir))) as older:
        older.execute("DELETE FROM schema_migrations WHERE number = ?", (len(MIGRATIONS),))
        older.commit()
    monkeypatch.setattr(database, "MIGRATIONS", [*MIGRATIONS[:-1], _grows_the_file])


def test_a_full_disk_while_upgrading_existing_records_is_not_damage(tmp_path, monkeypatch):
    with_a_backup(tmp_path)
    needs_room_to_upgrade(tmp_path, monkeypatch)
    before = db_file(tmp_path).read_bytes()
    fill_the_disk(monkeypatch)

    with pytest.raises(DiskFull):
        Store.open(tmp_path, ACTOR, today=on(DAY_2))

    monkeypatch.undo()
    assert db_file(tmp_path).read_bytes() == before
    assert not list((tmp_path / "backups").glob("pre-migration-*"))


def _grows_the_file(db) -> None:
    db.execute("CREATE TABLE filler (text TEXT)")
    db.execute("INSERT INTO filler VALUES (?)", ("x" * 50_000,))


# --- restore never replaces a sound database unasked, nor half-way ------------------------------


def test_restore_refuses_to_replace_a_sound_database_unless_confirmed(tmp_path):
    with_a_backup(tmp_path)
    store = Store.open(tmp_path, ACTOR, today=on(DAY_2))
    store.staff.add(NewStaffMember("Added After The Backup", "office", DAY_2))
    store.close()
    sound = db_file(tmp_path).read_bytes()

    with pytest.raises(DatabaseSound) as refused:
        Store.restore_newest_backup(tmp_path)

    assert "is sound" in str(refused.value) and "Nothing was changed" in str(refused.value)
    assert db_file(tmp_path).read_bytes() == sound
    assert not [p for p in tmp_path.iterdir() if ".damaged-" in p.name or ".replaced-" in p.name]

    used = Store.restore_newest_backup(tmp_path, replace_healthy=True)

    assert used.name.startswith("daily-holbrook-")
    [kept] = [p for p in tmp_path.iterdir() if p.name.startswith("holbrook.db.replaced-")
              and not p.name.endswith(("-wal", "-shm"))]
    assert kept.read_bytes() == sound
    restored = Store.open(tmp_path, ACTOR, today=on(DAY_2))
    assert "Added After The Backup" not in [m.full_name for m in restored.staff.list()]
    restored.close()


@posix_only
def test_backups_and_a_restored_database_are_private(tmp_path):
    with_a_backup(tmp_path)
    [backup] = (tmp_path / "backups").glob("daily-*.db")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    db_file(tmp_path).write_bytes(b"damaged beyond use")

    Store.restore_newest_backup(tmp_path)

    assert stat.S_IMODE(db_file(tmp_path).stat().st_mode) == 0o600


def _damaged_with_journals(data_dir: Path) -> dict[str, bytes]:
    with_a_backup(data_dir)
    db_file(data_dir).write_bytes(b"not a database any more" * 100)
    data_dir.joinpath("holbrook.db-wal").write_bytes(b"the journal that goes with it")
    data_dir.joinpath("holbrook.db-shm").write_bytes(b"its index")
    return file_bytes(data_dir)


def test_a_restore_that_fails_while_copying_leaves_the_database_and_journals_in_place(tmp_path,
                                                                                     monkeypatch):
    before = _damaged_with_journals(tmp_path)

    def copy_onto_a_full_disk(connection, target):
        target.write_bytes(b"half a copy")  # what a full disk leaves behind
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(records_backups, "copy_database", copy_onto_a_full_disk)

    with pytest.raises(DiskFull):
        Store.restore_newest_backup(tmp_path)

    assert file_bytes(tmp_path) == before


def test_a_restore_that_fails_at_the_swap_puts_everything_back(tmp_path, monkeypatch):
    before = _damaged_with_journals(tmp_path)
    real_replace = Path.replace

    def replace(self, target):
        if self.name.endswith(".restoring"):
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", replace)

    with pytest.raises(Exception, match="could not be put in place"):
        Store.restore_newest_backup(tmp_path)

    assert file_bytes(tmp_path) == before


# --- never a silent new database ------------------------------------------------------------------


@pytest.mark.parametrize("left_behind", ["backup", "signed PDF", "signing key"])
@pytest.mark.parametrize("state", ["missing", "empty"])
def test_a_missing_or_empty_database_where_records_were_kept_is_not_started_anew(tmp_path, left_behind,
                                                                                 state):
    data = tmp_path / "data"
    if left_behind == "backup":
        with_a_backup(data)
    else:
        Store.open(data, ACTOR).close()
        if left_behind == "signed PDF":
            (data / "attestations").mkdir()
            (data / "attestations" / "attestation-000007.pdf").write_bytes(b"%PDF-1.7 signed")
        else:
            (data / "signing").mkdir()
            (data / "signing" / "school-key.pem").write_bytes(b"-----BEGIN PRIVATE KEY-----")
    db_file(data).unlink()
    for journal in ("holbrook.db-wal", "holbrook.db-shm"):
        (data / journal).unlink(missing_ok=True)
    if state == "empty":
        db_file(data).touch()

    with pytest.raises(RecordsMissing) as refused:
        Store.open(data, ACTOR, today=on(DAY_2 + timedelta(days=1)))

    assert db_file(data).exists() == (state == "empty")
    assert not db_file(data).exists() or db_file(data).read_bytes() == b""
    wanted = {"backup": "1 backup in backups/", "signed PDF": "1 signed attestation in attestations/",
              "signing key": "the school's signing key in signing/"}[left_behind]
    assert refused.value.found == [wanted]
    assert f"is {state}" in str(refused.value) and wanted in str(refused.value)
    if left_behind == "backup":
        assert refused.value.backups and refused.value.backups[0].name.startswith("daily-holbrook-")
        assert f"The newest backup is {refused.value.backups[0].name}" in str(refused.value)
    else:
        assert refused.value.backups == [] and "There is no backup" in str(refused.value)


def test_a_missing_database_comes_back_from_the_newest_backup(tmp_path):
    with_a_backup(tmp_path, people=5)
    db_file(tmp_path).unlink()

    Store.restore_newest_backup(tmp_path)

    store = Store.open(tmp_path, ACTOR, today=on(DAY_2))
    assert len(store.staff.list()) == 5
    store.close()


def test_a_new_folder_with_nothing_of_the_records_in_it_starts_fresh(tmp_path):
    (tmp_path / "preferences.ini").write_text("[window]\n", encoding="utf-8")
    (tmp_path / "attestations").mkdir()  # an empty folder is no sign of records
    store = Store.open(tmp_path, ACTOR)
    assert store.staff.list() == []
    store.close()


# --- damage found at any time is reported, not written over -------------------------------------


def garble_the_middle(path: Path) -> None:
    """Random bytes over every page after the first (the header and the schema): whatever a change
    or a read then touches is damaged, as after a failing disk or a copy made part-way."""
    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE
    for page in range(1, pages):
        data[page * PAGE:(page + 1) * PAGE] = random.Random(page).randbytes(PAGE)
    path.write_bytes(bytes(data))


def test_damage_met_while_the_records_are_open_stops_every_later_write(tmp_path):
    with_a_backup(tmp_path, people=300)
    store = Store.open(tmp_path, ACTOR, today=on(DAY_2))  # not the day's first: no check at open
    garble_the_middle(db_file(tmp_path))

    with pytest.raises(DatabaseDamaged) as first:
        store.staff.add(NewStaffMember("Someone New", "teacher", DAY_2, staff_number="NEW-1",
                                       work_email="someone.new@holbrook.example"))

    assert store.damaged
    assert "damaged" in first.value.reason and "It has not been changed" in str(first.value)
    assert first.value.backups and first.value.backups[0].name.startswith("daily-holbrook-")
    untouched = file_bytes(tmp_path)
    with pytest.raises(DatabaseDamaged):
        store.staff.add(NewStaffMember("Another", "office", DAY_2))
    with pytest.raises(DatabaseDamaged):
        store.settings.set("school.name", "Holbrook Primary")
    assert file_bytes(tmp_path) == untouched, "a write after damage touched the file"
    store.close()
    # Closing folds the journal into the file; a copy of the files as they were found is kept first.
    kept = sorted(p.name for p in tmp_path.glob("holbrook.db.as-found-*"))
    assert kept and all(os.stat(tmp_path / name).st_mode & 0o777 == 0o600 for name in kept)
    for suffix in ("", "-wal"):
        if "holbrook.db" + suffix in untouched:
            assert (tmp_path / (kept[0] + suffix)).read_bytes() == untouched["holbrook.db" + suffix]


def test_damage_met_by_a_read_is_reported_and_stops_writes(tmp_path):
    with_a_backup(tmp_path, people=300)
    store = Store.open(tmp_path, ACTOR, today=on(DAY_2))
    garble_the_middle(db_file(tmp_path))

    with pytest.raises(DatabaseDamaged):
        store.staff.list()

    assert store.damaged
    with pytest.raises(DatabaseDamaged):
        store.staff.add(NewStaffMember("Someone New", "teacher", DAY_2))
    store.close()


# --- backups are private; half-written ones are cleared -------------------------------------------


def test_half_written_backups_are_removed_at_open_and_a_copy_in_progress_is_left(tmp_path):
    with_a_backup(tmp_path)
    folder = tmp_path / "backups"
    abandoned = folder / "daily-holbrook-2026-09-03.db.4242.partial"
    abandoned.write_bytes(b"half a copy")
    long_ago = time.time() - 24 * 3600
    os.utime(abandoned, (long_ago, long_ago))
    in_progress = folder / "daily-holbrook-2026-09-03.db.4343.partial"
    in_progress.write_bytes(b"being written now")

    Store.open(tmp_path, ACTOR, today=on(DAY_2)).close()

    assert not abandoned.exists()
    assert in_progress.exists()


def test_a_backup_that_fails_part_way_leaves_no_half_file(tmp_path, monkeypatch):
    build_database(tmp_path, people=30)
    fill_the_disk(monkeypatch)  # the copy cannot grow: the day's backup fails, the records still open

    store = Store.open(tmp_path, ACTOR, today=on(DAY_2))

    assert len(store.staff.list()) == 30
    store.close()
    assert list((tmp_path / "backups").iterdir()) == []


def test_rows_read_through_the_damage_guard_come_in_order_across_batches(tmp_path):
    store = Store.open(tmp_path, ACTOR)
    rows = list(store.db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                                 "WHERE i < 5000) SELECT i FROM n"))
    assert [r[0] for r in rows] == list(range(1, 5001))
    store.close()

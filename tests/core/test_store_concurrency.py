"""Several processes (the window, the CLI, another PC on a shared folder) writing to one database.

The workers are bench/concurrency.py in worker mode; bench/concurrency.py on its own runs the
same check at full size (4 × 2,500 by default)."""

from __future__ import annotations

import threading
import time

from bench.concurrency import run
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import Store, database
from holbrook_desktop.core.records.migrations import MIGRATIONS

ACTOR = Actor("office", "cli")


def test_four_processes_writing_at_once_lose_nothing_and_never_see_locked(tmp_path):
    """4 × 2,500 changes (about 2 s here): each process exits cleanly — no "database is locked"
    escapes — and exactly 10,000 staff rows, 10,000 audit rows and a sound chain result."""
    result = run(tmp_path, processes=4, writes=2500)
    assert result.problems == []
    assert len(result.worker_seconds) == 4


def test_four_processes_creating_the_database_at_the_same_moment_all_succeed(tmp_path):
    """The first start on two PCs at once: each sees no database and sets one up; exactly one
    of them applies each migration, the others find it done. The collision is a matter of
    timing (about one attempt in three collided before the fix), so five attempts; the next
    test makes the same collision happen every time."""
    for attempt in range(5):
        result = run(tmp_path / f"attempt-{attempt}", processes=4, writes=50, open_together=True)
        assert result.problems == []


def test_a_migration_applied_by_another_process_while_waiting_is_not_applied_again(tmp_path, monkeypatch):
    """Two opens of an older database at once: the second reads the old version, waits for the
    write lock while the first migrates, and must then find the migration already applied."""
    Store.open(tmp_path, ACTOR).close()
    migrating, finish = threading.Event(), threading.Event()

    def m9999_test_migration(db) -> None:
        db.execute("CREATE TABLE added_by_the_test (x)")
        migrating.set()
        finish.wait(10)

    monkeypatch.setattr(database, "MIGRATIONS", [*MIGRATIONS, m9999_test_migration])
    outcomes: dict[str, object] = {}

    def open_in_thread(name: str) -> None:
        try:
            store = Store.open(tmp_path, ACTOR)
            query = "SELECT number FROM schema_migrations ORDER BY number"
            outcomes[name] = store.db.execute(query).fetchall()
            store.close()
        except Exception as exc:
            outcomes[name] = exc

    first = threading.Thread(target=open_in_thread, args=("first",))
    first.start()
    assert migrating.wait(10)
    second = threading.Thread(target=open_in_thread, args=("second",))
    second.start()
    time.sleep(0.3)  # the second has read version 1 and is waiting for the write lock
    finish.set()
    first.join(20)
    second.join(20)

    applied = [(n,) for n in range(1, len(MIGRATIONS) + 2)]
    assert outcomes == {"first": applied, "second": applied}
    assert len(list(tmp_path.glob("backups/pre-migration-*"))) == 1

"""The audit log's hash chain catches rows edited, deleted or slipped in by hand with another tool."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest

from holbrook_desktop.core.content.folder import load_content
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.reading.progress import SectionKey
from holbrook_desktop.core.records import NewStaffMember, Store
from tests.conftest import REAL_CONTENT

CHANGES = 6


@pytest.fixture
def store(tmp_path):
    """A store after six changes, each with its audit row."""
    opened = Store.open(tmp_path, Actor("office", "window"))
    policy = load_content(REAL_CONTENT).handbook.policies[0]
    for name in ("Alice Adams", "Bob Brown", "Carys Ŵyn"):
        opened.staff.add(NewStaffMember(name, "teacher", date(2026, 9, 1)))
    opened.policy_versions.record_seen(policy)
    key = SectionKey(policy.id, policy.sha256, "5")
    opened.progress_for(1).mark_opened(key)
    opened.progress_for(1).mark_read(key, datetime(2026, 9, 2, tzinfo=UTC))
    yield opened
    opened.close()


def by_hand(store: Store, sql: str, parameters: tuple = ()) -> None:
    """Someone editing the file with another SQLite tool while the app has it open."""
    other = sqlite3.connect(store.path)
    other.execute(sql, parameters)
    other.commit()
    other.close()


def test_the_chain_of_untouched_changes_verifies(store):
    report = store.verify_audit()
    assert report.ok and report.rows == CHANGES and report.problem is None
    actions = [row[0] for row in store.db.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["staff.add"] * 3 + ["policy_version.seen", "progress.opened", "progress.read"]


def test_a_row_edited_by_hand_is_named(store):
    by_hand(store, "UPDATE audit_log SET details = replace(details, 'Bob Brown', 'Rob Brown') WHERE id = 2")

    report = store.verify_audit()

    assert not report.ok
    assert report.first_bad_row == 2
    assert report.problem == "row 2 was altered after it was written"
    assert report.rows == 1  # the rows before it still check out


def test_a_row_deleted_by_hand_is_named(store):
    by_hand(store, "DELETE FROM audit_log WHERE id = 3")

    report = store.verify_audit()

    assert report.first_bad_row == 3
    assert report.problem == "row 3 is missing (deleted?): the next row is 4"


@pytest.mark.parametrize("chained", [True, False], ids=["prev-hash-copied", "prev-hash-made-up"])
def test_a_row_added_by_hand_is_named(store, chained):
    last_hash = store.db.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    prev_hash = last_hash if chained else "f" * 64
    by_hand(store, "INSERT INTO audit_log (id, at, os_user, staff_id, via, action, details, prev_hash, hash) "
                   "VALUES (?, ?, 'office', NULL, 'window', 'staff.remove', '{\"staff_id\":2}', ?, ?)",
            (CHANGES + 1, datetime.now(UTC).isoformat(), prev_hash, "a" * 64))

    report = store.verify_audit()

    assert report.first_bad_row == CHANGES + 1
    assert report.rows == CHANGES
    assert f"row {CHANGES + 1}" in report.problem


def test_a_tampered_chain_stays_reported_after_later_changes(store):
    by_hand(store, "UPDATE audit_log SET os_user = 'someone-else' WHERE id = 1")
    store.staff.add(NewStaffMember("Dylan Evans", "office", date(2026, 9, 3)))

    report = store.verify_audit()

    assert report.first_bad_row == 1

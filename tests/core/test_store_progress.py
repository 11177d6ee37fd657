"""Reading progress in the records store: opened, read, per policy version, each logged once."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest

from holbrook_desktop.core.content.folder import load_content
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.reading.progress import SectionKey
from holbrook_desktop.core.records import NewStaffMember, Store
from tests.conftest import REAL_CONTENT

WHEN = datetime(2026, 9, 2, 10, 30, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "data", Actor("office", "window"))
    yield opened
    opened.close()


@pytest.fixture
def policy():
    return load_content(REAL_CONTENT).handbook.policies[0]


def logged(store: Store, action: str) -> int:
    return store.db.execute("SELECT count(*) FROM audit_log WHERE action = ?", (action,)).fetchone()[0]


def test_a_policy_version_is_recorded_once(store, policy):
    assert store.policy_versions.record_seen(policy) is True
    assert store.policy_versions.record_seen(policy) is False
    [version] = store.policy_versions.all()
    assert (version["policy_id"], version["sha256"]) == (policy.id, policy.sha256)
    assert logged(store, "policy_version.seen") == 1


def test_opening_then_reading_a_section_is_logged_once_each(store, policy):
    store.policy_versions.record_seen(policy)
    reader = store.staff.add(NewStaffMember("Rhiannon Ŵyn", "teacher", date(2026, 9, 1)))
    progress = store.acting_as(reader.id).progress_for(reader.id)
    key = SectionKey(policy.id, policy.sha256, "5")

    progress.mark_opened(key)
    assert progress.read_sections(policy.id, policy.sha256) == set()  # opened is not read
    progress.mark_opened(key)
    assert logged(store, "progress.opened") == 1

    progress.mark_read(key, WHEN)
    assert progress.read_sections(policy.id, policy.sha256) == {"5"}
    progress.mark_read(key, WHEN.replace(hour=11))  # read again: still read at the first time
    progress.mark_opened(key)
    assert logged(store, "progress.read") == 1
    assert logged(store, "progress.opened") == 1
    completed = store.db.execute("SELECT completed_at FROM reading_progress").fetchall()
    assert completed == [(WHEN.isoformat(timespec="microseconds"),)]
    by = store.db.execute("SELECT DISTINCT staff_id FROM audit_log WHERE action LIKE 'progress.%'").fetchall()
    assert by == [(reader.id,)]
    assert store.verify_audit().ok


def test_reading_counts_only_for_the_policy_version_that_was_read(store, policy, content_copy):
    policy_file = content_copy / "policies" / policy.id / "policy.md"
    policy_file.write_text(policy_file.read_text(encoding="utf-8") + "\nA new closing paragraph.\n",
                           encoding="utf-8")
    revised = load_content(content_copy).handbook.policies[0]
    assert revised.id == policy.id and revised.sha256 != policy.sha256
    store.policy_versions.record_seen(policy)
    store.policy_versions.record_seen(revised)
    reader = store.staff.add(NewStaffMember("Łucja Żak", "office", date(2026, 9, 1)))
    progress = store.progress_for(reader.id)

    progress.mark_read(SectionKey(policy.id, policy.sha256, "5"), WHEN)  # read without "opened" first
    progress.mark_read(SectionKey(policy.id, policy.sha256, "7"), WHEN)
    progress.mark_read(SectionKey(policy.id, revised.sha256, "7"), WHEN)

    assert progress.read_sections(policy.id, policy.sha256) == {"5", "7"}
    assert progress.read_sections(policy.id, revised.sha256) == {"7"}
    assert store.progress_for(reader.id + 1).read_sections(policy.id, policy.sha256) == set()
    assert logged(store, "progress.read") == 3


def test_progress_needs_a_real_person_and_a_recorded_policy_version(store, policy):
    reader = store.staff.add(NewStaffMember("Dafydd ap Siôn", "teacher", date(2026, 9, 1)))
    before = store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]

    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):  # version never recorded
        store.progress_for(reader.id).mark_opened(SectionKey(policy.id, policy.sha256, "5"))
    store.policy_versions.record_seen(policy)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):  # no such member of staff
        store.progress_for(reader.id + 100).mark_read(SectionKey(policy.id, policy.sha256, "5"), WHEN)

    assert store.db.execute("SELECT count(*) FROM reading_progress").fetchone()[0] == 0
    assert store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before + 1  # the version
    assert store.verify_audit().ok

"""The audit chain survives erasure, still catches tampering, and carries older chains forward (m0005)."""

from __future__ import annotations

import functools
import json
import sqlite3

import pytest

from holbrook_desktop.core.hr.retention import apply_retention, plan_retention
from holbrook_desktop.core.records import audit, database
from holbrook_desktop.core.records import migrations as migration_list
from tests.core.test_retention import LONG_AGO, TODAY, acknowledge, add_person, open_records, quentin


def by_hand(store, sql: str, parameters: tuple = ()) -> None:
    """Someone editing the file with another SQLite tool."""
    other = sqlite3.connect(store.path)
    other.execute(sql, parameters)
    other.commit()
    other.close()


@pytest.fixture
def erased(tmp_path):
    """Quentin erased; Rhian, who is staying, has rows of her own after his."""
    store = open_records(tmp_path / "data")
    quentin(store)
    rhian = add_person(store, "Rhian Stays", "office")
    acknowledge(store, rhian, "typed")
    [person] = apply_retention(store, plan_retention(store, years=6, today=TODAY)).erased
    yield store, person
    store.close()


def _rows(store, event_id):
    details = json.loads(store.db.execute("SELECT details FROM audit_log WHERE id = ?",
                                          (event_id,)).fetchone()[0])
    return details["redacted_details"], details["redacted_os_user"]


def test_after_erasure_the_chain_verifies_and_each_erased_row_names_its_erasure(erased):
    store, person = erased
    report = store.verify_audit()
    assert report.ok and report.erased_rows == person.audit_rows_erased
    details_rows, os_user_rows = _rows(store, person.audit_row)
    found = store.db.execute("SELECT id, details, details_salt, redacted_by FROM audit_log "
                             "WHERE redacted_by IS NOT NULL ORDER BY id").fetchall()
    assert [r[0] for r in found] == details_rows
    assert all(r[1] == audit.ERASED_DETAILS and r[2] is None and r[3] == person.audit_row for r in found)
    assert set(os_user_rows) <= set(details_rows)
    # Rows he made (signed in) lose the OS account too; the administrator's rows about him keep theirs.
    accounts = dict(store.db.execute("SELECT id, os_user FROM audit_log"))
    assert {accounts[r] for r in os_user_rows} == {audit.ERASED_OS_USER}
    assert {accounts[r] for r in set(details_rows) - set(os_user_rows)} == {"office-pc"}


def test_an_edited_row_that_was_not_erased_is_still_caught(erased):
    store, _person = erased
    row = store.db.execute("SELECT max(id) FROM audit_log WHERE action = 'staff.add'").fetchone()[0]
    by_hand(store, "UPDATE audit_log SET details = replace(details, 'Rhian', 'Rhys') WHERE id = ?", (row,))
    report = store.verify_audit()
    assert (report.first_bad_row, report.problem) == (row, f"row {row} was altered after it was written")


def test_a_deleted_row_is_still_caught(erased):
    store, _person = erased
    row = store.db.execute("SELECT max(id) FROM audit_log WHERE action = 'staff.add'").fetchone()[0]
    by_hand(store, "DELETE FROM audit_log WHERE id = ?", (row,))
    report = store.verify_audit()
    missing = f"row {row} is missing (deleted?): the next row is {row + 1}"
    assert (report.first_bad_row, report.problem) == (row, missing)


def test_the_erasure_row_cannot_be_deleted_to_hide_it(erased):
    store, person = erased
    by_hand(store, "DELETE FROM audit_log WHERE id >= ?", (person.audit_row,))  # the tail, so no gap
    report = store.verify_audit()
    assert not report.ok and "erased without a record of it in the log" in report.problem


@pytest.mark.parametrize("redacted_by", ["event", "none"])
def test_a_row_erased_by_hand_without_an_erasure_row_listing_it_is_caught(erased, redacted_by):
    store, person = erased
    row = store.db.execute("SELECT max(id) FROM audit_log WHERE action = 'staff.add'").fetchone()[0]
    by_hand(store, "UPDATE audit_log SET details = ?, details_salt = NULL, redacted_by = ? WHERE id = ?",
            (audit.ERASED_DETAILS, person.audit_row if redacted_by == "event" else None, row))
    report = store.verify_audit()
    assert report.first_bad_row == row
    assert report.problem == f"row {row} had its details erased without a record of it in the log"


def test_adding_a_row_to_an_erasure_rows_list_is_caught_at_that_row(erased):
    store, person = erased
    row = store.db.execute("SELECT max(id) FROM audit_log WHERE action = 'staff.add'").fetchone()[0]
    details_rows, _ = _rows(store, person.audit_row)
    forged = json.loads(store.db.execute("SELECT details FROM audit_log WHERE id = ?",
                                         (person.audit_row,)).fetchone()[0])
    forged["redacted_details"] = sorted([*details_rows, row])
    by_hand(store, "UPDATE audit_log SET details = ?, details_salt = NULL, redacted_by = ? WHERE id = ?",
            (audit.ERASED_DETAILS, person.audit_row, row))
    by_hand(store, "UPDATE audit_log SET details = ? WHERE id = ?",
            (audit.details_text(forged), person.audit_row))
    report = store.verify_audit()
    assert report.first_bad_row == person.audit_row and "altered" in report.problem


def test_an_erased_row_must_hold_only_the_marker_and_an_erasure_row_cannot_be_erased(erased):
    store, person = erased
    first = _rows(store, person.audit_row)[0][0]
    leaked = '{"full_name":"Quentin Zebedee"}'
    by_hand(store, "UPDATE audit_log SET details = ? WHERE id = ?", (leaked, first))
    assert store.verify_audit().first_bad_row == first
    by_hand(store, "UPDATE audit_log SET details = ? WHERE id = ?", (audit.ERASED_DETAILS, first))
    assert store.verify_audit().ok
    by_hand(store, "UPDATE audit_log SET os_user = ?, os_user_salt = NULL, redacted_by = ? WHERE id = ?",
            (audit.ERASED_OS_USER, person.audit_row, person.audit_row))
    report = store.verify_audit()
    assert report.first_bad_row == person.audit_row and "may not itself be erased" in report.problem


# --- an older database: the first scheme's chain carried forward by m0005 ------------------------


def _schema_4(monkeypatch, data, build, *, wrap_m0005=None):
    """A database made by the release before m0005, then opened by this one."""
    monkeypatch.setattr(database, "MIGRATIONS", migration_list.MIGRATIONS[:4])
    old = open_records(data)
    built = build(old)
    old.close()
    migrations = list(migration_list.MIGRATIONS)
    if wrap_m0005:
        migrations[4] = wrap_m0005(migrations[4])
    monkeypatch.setattr(database, "MIGRATIONS", migrations)
    return open_records(data), built


def test_m0005_reseals_an_older_chain_and_keeps_the_anchors_on_earlier_pdfs(tmp_path, monkeypatch):
    def build(old):
        staff_id = quentin(old)
        record = old.acknowledgements.for_person(staff_id)[-1]  # the first one
        hashes = [r[0] for r in old.db.execute("SELECT hash FROM audit_log ORDER BY id")]
        return staff_id, record, hashes

    store, (staff_id, record, old_hashes) = _schema_4(monkeypatch, tmp_path / "data", build)
    try:
        rows = store.db.execute("SELECT id, action, hash, v1_hash, details FROM audit_log "
                                "ORDER BY id").fetchall()
        assert [r[3] for r in rows[:-1]] == old_hashes  # each row keeps the hash it had
        assert all(r[2] != r[3] for r in rows[:-1])  # and is sealed afresh
        assert rows[-1][1] == "audit.resealed" and rows[-1][3] is None
        assert json.loads(rows[-1][4]) == {"rows": len(old_hashes), "v1_last_hash": old_hashes[-1],
                                           "v1_last_row": len(old_hashes), "v1_verified": True,
                                           "v1_first_bad_row": None, "v1_problem": None}
        # The anchor printed on the PDF made before the upgrade is still found in the chain.
        recorded_at = store.db.execute("SELECT id FROM audit_log WHERE action = 'acknowledgement.recorded' "
                                       "ORDER BY id LIMIT 1").fetchone()[0]
        assert audit.anchor_row(store.db, record.audit_anchor) == recorded_at - 1
        assert store.verify_audit().ok
        # The old rows' text is still checked against the old hashes, so those anchors still mean it.
        by_hand(store, "UPDATE audit_log SET details = replace(details, 'Quentin', 'Quintin') WHERE id = 1")
        assert store.verify_audit().first_bad_row == 1
        by_hand(store, "UPDATE audit_log SET details = replace(details, 'Quintin', 'Quentin') WHERE id = 1")
        # Someone whose rows are all from before the upgrade can be erased, and the chain verifies.
        [person] = apply_retention(store, plan_retention(store, years=6, today=TODAY)).erased
        assert person.staff_id == staff_id and person.audit_rows_erased >= 4
        assert store.verify_audit().ok
        acknowledge(store, add_person(store, "Ann New"), "typed")  # and the new chain goes on
        assert store.verify_audit().ok
    finally:
        store.close()


def test_m0005_carries_a_broken_older_chain_forward_as_broken(tmp_path, monkeypatch):
    def build(old):
        for name in ("Ann", "Ben", "Cat"):
            add_person(old, name)
        by_hand(old, "UPDATE audit_log SET details = replace(details, 'Ben', 'Bob') WHERE id = 2")
        assert old.verify_audit().first_bad_row == 2

    store, _ = _schema_4(monkeypatch, tmp_path / "data", build)
    try:
        details = json.loads(store.db.execute("SELECT details FROM audit_log "
                                              "ORDER BY id DESC LIMIT 1").fetchone()[0])
        assert (details["v1_verified"], details["v1_first_bad_row"]) == (False, 2)
        report = store.verify_audit()
        assert (report.first_bad_row, report.problem) == (2, "row 2 was altered after it was written")
    finally:
        store.close()


def test_an_upgraded_file_keeps_no_copy_of_the_erased_data_in_its_free_space(tmp_path, monkeypatch):
    """m0005 rebuilds the audit log: with secure_delete off (Python for Windows' SQLite), the old
    table's pages, holding every name, stay in the file's free space until the erasure compacts it."""
    def secure_delete_off(migration):
        @functools.wraps(migration)
        def run(db):
            db.execute("PRAGMA secure_delete = OFF")
            migration(db)
        return run

    store, _ = _schema_4(monkeypatch, tmp_path / "data", quentin, wrap_m0005=secure_delete_off)
    store.db.execute("PRAGMA secure_delete = OFF")
    assert apply_retention(store, plan_retention(store, years=6, today=TODAY)).erased
    add_person(store, "Ann Later", left=LONG_AGO)
    store.close()
    raw = b"".join(p.read_bytes() for p in store.path.parent.glob("holbrook.db*"))
    assert b"Zebedee" not in raw and b"Ann Later" in raw

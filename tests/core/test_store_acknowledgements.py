"""Acknowledgement records and their PDFs: written together or not at all, private, in the audit chain."""

import hashlib
import json
import os
import sys
from datetime import date

import pytest

from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import NewStaffMember, Store, StoreWriteError
from holbrook_desktop.core.records.acknowledgements import NewAcknowledgement


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "data", Actor("office-pc", "window"))
    yield opened
    opened.close()


def _new(store, method="typed", **changes):
    member = store.staff.add(NewStaffMember(f"Person {len(store.staff.list())}", "teacher", date(2026, 9, 1)))
    store.db.execute("INSERT OR IGNORE INTO policy_versions (policy_id, sha256, label, title, effective, "
                     "first_seen) VALUES "
                     "('p', 'v1', 'first', 'P', '2026-09-01', 'x')")
    attempt = store.db.execute(
        "INSERT INTO quiz_attempts (staff_id, policy_id, policy_sha256, mode, seed, questions, answers, "
        "total, status, started_at) VALUES (?, 'p', 'v1', 'induction', 1, '[]', '[]', 0, 'finished', 'x')",
        (member.id,)).lastrowid
    store.db.conn.commit()
    values = dict(staff_id=member.id, policy_id="p", policy_sha256="v1", version_label="first",
                  quiz_attempt_id=attempt, declaration_text="I confirm.", declaration_sha256="d" * 64,
                  typed_name=member.full_name, method=method, signature_png=None, signature_strokes=None,
                  on_behalf_note=None, os_user="office-pc", machine="PC-1", app_version="0.1.0",
                  certificate_fingerprint="f" * 64)
    values.update(changes)
    return NewAcknowledgement(**values)


def _pdf(stamp):
    return f"%PDF-1.7 record {stamp.record_id} at {stamp.at} anchor {stamp.audit_anchor}".encode()


def test_a_record_and_its_pdf_are_kept_together_and_audited(store):
    new = _new(store)
    record = store.acknowledgements.record(new, _pdf)
    path = store.acknowledgements.pdf_path(record)
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF") and f"record {record.id} at {record.acknowledged_at}".encode() in pdf
    assert record.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert path.parent == store.data_dir / "attestations"
    if sys.platform != "win32":
        assert (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    last = store.db.execute(
        "SELECT action, details, prev_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert last[0] == "acknowledgement.recorded"
    assert json.loads(last[1])["pdf_sha256"] == record.pdf_sha256
    # The PDF carries the chain's hash just before this record: the anchor.
    assert record.audit_anchor == last[2] and f"anchor {last[2]}".encode() in pdf
    assert store.verify_audit().ok
    assert store.acknowledgements.for_person(new.staff_id, "p") == [record]


def test_a_failure_while_making_the_pdf_records_nothing(store):
    new = _new(store)
    rows_before = store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]

    def broken(stamp):
        raise RuntimeError("signing failed")

    with pytest.raises(RuntimeError):
        store.acknowledgements.record(new, broken)
    assert store.acknowledgements.all() == []
    assert store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == rows_before
    assert not any((store.data_dir / "attestations").glob("*.pdf"))


def test_a_pdf_that_cannot_be_written_is_a_clear_error_and_nothing_is_recorded(store):
    new = _new(store)
    (store.data_dir / "attestations").write_text("a file where the folder should be")
    with pytest.raises(StoreWriteError, match=r"attestation could not be saved.*Nothing was recorded"):
        store.acknowledgements.record(new, _pdf)
    assert store.acknowledgements.all() == []


def test_a_record_that_fails_its_checks_leaves_no_pdf_behind(store):
    new = _new(store, method="on-behalf", quiz_attempt_id=None, on_behalf_note="  ")  # no reason given
    with pytest.raises(Exception, match="CHECK"):
        store.acknowledgements.record(new, _pdf)
    assert not any((store.data_dir / "attestations").glob("*.pdf"))
    assert store.acknowledgements.all() == []


def test_drawn_needs_an_image_and_only_on_behalf_may_lack_a_quiz(store):
    with pytest.raises(Exception, match="CHECK"):
        store.acknowledgements.record(_new(store, method="drawn"), _pdf)
    with pytest.raises(Exception, match="CHECK"):
        store.acknowledgements.record(_new(store, quiz_attempt_id=None), _pdf)
    ok = store.acknowledgements.record(
        _new(store, method="on-behalf", quiz_attempt_id=None, on_behalf_note="Signed on paper"), _pdf)
    assert ok.method == "on-behalf" and ok.on_behalf_note == "Signed on paper"


def test_records_are_numbered_in_order_and_listed_newest_first(store):
    first = store.acknowledgements.record(_new(store), _pdf)
    second = store.acknowledgements.record(_new(store, staff_id=first.staff_id), _pdf)
    assert second.id == first.id + 1
    assert [r.id for r in store.acknowledgements.for_person(first.staff_id)] == [second.id, first.id]
    assert os.path.basename(second.pdf_file) == f"attestation-{second.id:06d}.pdf"


def test_a_version_2_database_gains_the_acknowledgements_table_and_keeps_its_records(tmp_path, monkeypatch):
    from holbrook_desktop.core.records import database
    from holbrook_desktop.core.records import migrations as migration_list

    data = tmp_path / "data"
    monkeypatch.setattr(database, "MIGRATIONS", migration_list.MIGRATIONS[:2])
    old = Store.open(data, Actor("office-pc", "cli"))
    old.staff.add(NewStaffMember("Ann Smith", "teacher", date(2026, 9, 1)))
    old.close()
    monkeypatch.setattr(database, "MIGRATIONS", migration_list.MIGRATIONS)
    store = Store.open(data, Actor("office-pc", "cli"))
    try:
        assert "acknowledgements" in store.db.table_names()
        assert [m.full_name for m in store.staff.list()] == ["Ann Smith"]
        assert any(p.name.startswith("pre-migration-0003") for p in (data / "backups").iterdir())
        assert store.verify_audit().ok
    finally:
        store.close()

"""A signed PDF and its record survive together: a crash between them ends in both or neither at the
next open, and acknowledgements a restore from an older backup took away come back from their PDFs."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.attestation.evidence import check_evidence
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import NewStaffMember, Store
from tests.core.test_attestation_flow import SIGNATURE, _installation, _passed
from tests.core.test_quiz_records import content  # noqa: F401 (a fixture)

NOTE = "Signed the paper copy at the staff meeting"


def _on_behalf(service, name: str):
    member = service.hr.add_staff(NewStaffMember(name, "teacher", date(2026, 9, 1)))
    return service.attestation.acknowledge_on_behalf(member.id, "social-media", note=NOTE)


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


class PowerCut(BaseException):
    """Stands for the process dying: nothing after it runs (a BaseException, as SystemExit is)."""


# A crash between the PDF and the commit -----------------------------------------------------------

def test_a_signature_interrupted_after_its_pdf_is_written_leaves_neither(tmp_path, content, monkeypatch):  # noqa: F811
    data = tmp_path / "data"
    service, store = _installation(data, content)
    assert _on_behalf(service, "Ann Archer").id == 1
    folder = data / "attestations"
    seen: list[list[str]] = []
    original_execute = store.db.execute

    def execute(sql, *args, **kwargs):
        if sql.startswith("INSERT INTO acknowledgements"):
            seen.append(_names(folder))
            raise PowerCut
        return original_execute(sql, *args, **kwargs)

    monkeypatch.setattr(store.db, "execute", execute)
    with pytest.raises(PowerCut):
        _on_behalf(service, "Ben Baker")
    monkeypatch.undo()
    # While the record was being written its PDF was there only under its pending name; it went with it.
    assert seen == [["attestation-000001.pdf", "attestation-000002.pdf.pending"]]
    assert _names(folder) == ["attestation-000001.pdf"]
    assert store.acknowledgements.count() == 1
    assert check_evidence(store).ok
    store.close()


def test_a_pending_pdf_whose_record_was_committed_is_put_in_place_at_the_next_open(tmp_path, content):  # noqa: F811
    data = tmp_path / "data"
    service, store = _installation(data, content)
    record = _on_behalf(service, "Ann Archer")
    store.close()
    folder = data / "attestations"
    final = folder / "attestation-000001.pdf"
    pdf = final.read_bytes()
    final.rename(folder / "attestation-000001.pdf.pending")  # killed after the commit, before the link

    store = Store.open(data, Actor("office-pc", "window"))
    assert _names(folder) == ["attestation-000001.pdf"]
    assert store.acknowledgements.pdf_bytes(record) == pdf
    assert check_evidence(store).ok
    store.close()


def test_a_pending_pdf_with_no_committed_record_is_removed_and_its_number_not_reused(tmp_path, content):  # noqa: F811
    data = tmp_path / "data"
    service, store = _installation(data, content)
    first = _on_behalf(service, "Ann Archer")
    folder = data / "attestations"
    # Killed inside the transaction of a second signature: its PDF written, its record never committed.
    (folder / "attestation-000002.pdf.pending").write_bytes(b"%PDF signed, never committed")
    assert _on_behalf(service, "Ben Baker").id == 3  # a pending number is not given out again
    store.close()

    store = Store.open(data, Actor("office-pc", "window"))
    assert _names(folder) == ["attestation-000001.pdf", "attestation-000003.pdf"]
    assert [r.id for r in store.acknowledgements.all()] == [first.id, 3]
    assert check_evidence(store).ok
    store.close()


def test_a_pdf_under_its_final_name_without_a_record_is_never_removed(tmp_path, content):  # noqa: F811
    data = tmp_path / "data"
    service, store = _installation(data, content)
    _on_behalf(service, "Ann Archer")
    store.close()
    stray = data / "attestations" / "attestation-000007.pdf"
    stray.write_bytes(b"%PDF a signed attestation of a record the database does not have")
    Store.open(data, Actor("office-pc", "window")).close()
    assert stray.read_bytes().startswith(b"%PDF a signed")


def test_both_names_after_a_kill_between_link_and_unlink_leave_one(tmp_path, content):  # noqa: F811
    data = tmp_path / "data"
    service, store = _installation(data, content)
    _on_behalf(service, "Ann Archer")
    store.close()
    folder = data / "attestations"
    (folder / "attestation-000001.pdf.pending").hardlink_to(folder / "attestation-000001.pdf")
    Store.open(data, Actor("office-pc", "window")).close()
    assert _names(folder) == ["attestation-000001.pdf"]


# After a restore from an older backup ---------------------------------------------------------

def _school_with_a_backup(data, content):  # noqa: F811
    """Record 1 made and backed up (the day's first reopening), then records 2 (typed, with a quiz, by
    someone added after the backup) and 3 (on behalf) made since: what a restore would take away."""
    service, store = _installation(data, content)
    first = _on_behalf(service, "Ann Archer")
    store.close()
    service, store = _installation(data, content)  # backs up record 1
    member = _passed(service, store, name="Zoë Łukasiewicz")
    typed = service.attestation.acknowledge("social-media", typed_name=member.full_name, declared=True,
                                            signature=None)
    service.sign_out()
    drawn_member = _passed(service, store, name="Dai Davies")
    drawn = service.attestation.acknowledge("social-media", typed_name=drawn_member.full_name,
                                            declared=True, signature=SIGNATURE)
    service.sign_out()
    on_behalf = service.attestation.acknowledge_on_behalf(first.staff_id, "social-media", note=NOTE)
    made = store.acknowledgements.all()
    store.close()
    assert [r.id for r in made] == [1, 2, 3, 4] and [typed.id, drawn.id, on_behalf.id] == [2, 3, 4]
    return made


def _as_compared(record):
    values = dict(record.__dict__)
    values.pop("quiz_attempt_id")
    values.pop("signature_png")  # drawn again from the strokes
    return values


def test_after_a_restore_every_acknowledgement_comes_back_from_its_pdf(tmp_path, content):  # noqa: F811
    data = tmp_path / "data"
    made = _school_with_a_backup(data, content)
    Store.restore_newest_backup(data, replace_healthy=True)
    service, store = _installation(data, content)
    assert store.acknowledgements.count() == 1
    assert not check_evidence(store).ok  # the PDFs of 2-4 are on no record

    report = service.attestation.recover()

    assert [(r.record_id, r.pdf_file) for r in report.recovered] == [
        (2, "attestations/attestation-000002.pdf"), (3, "attestations/attestation-000003.pdf"),
        (4, "attestations/attestation-000004.pdf")]
    assert report.ok and not report.refused
    back = store.acknowledgements.all()
    assert [_as_compared(r) for r in back] == [_as_compared(r) for r in made]
    for record in back:  # the file on disk is the one recorded
        assert hashlib.sha256(store.acknowledgements.pdf_bytes(record)).hexdigest() == record.pdf_sha256
    assert back[2].signature_png and back[2].signature_strokes == made[2].signature_strokes
    # The people added after the backup are back (the minimum row), and each typed or drawn record
    # names a passed quiz of that version, as the records require.
    assert store.staff.get(back[1].staff_id).full_name == "Zoë Łukasiewicz"
    for record in back[1:3]:
        attempt = store.quiz_attempts.get(record.quiz_attempt_id)
        assert attempt.passed and attempt.staff_id == record.staff_id
    actions = [row[0] for row in store.db.execute("SELECT action FROM audit_log")]
    assert actions.count("acknowledgement.recovered") == 3 and actions.count("staff.recovered") == 2
    evidence = check_evidence(store)
    assert evidence.ok, evidence.problems
    assert sum("recovered from this signed PDF" in note for note in evidence.notes) == 3
    assert all(service.attestation.verify(store.acknowledgements.pdf_bytes(r)).ok for r in back)
    assert not service.attestation.recover().recovered  # done once
    # Numbers go on above them.
    assert _on_behalf(service, "Cat Cooper").id == 5
    store.close()


def test_a_tampered_or_foreign_pdf_is_refused_and_named(tmp_path, content):  # noqa: F811
    data = tmp_path / "data"
    _school_with_a_backup(data, content)
    folder = data / "attestations"
    tampered = folder / "attestation-000003.pdf"
    pdf = bytearray(tampered.read_bytes())
    at = pdf.find(b"Dai Davies")
    pdf[at:at + 3] = b"Dan"
    tampered.write_bytes(bytes(pdf))
    Store.restore_newest_backup(data, replace_healthy=True)
    service, store = _installation(data, content)
    # Another school's key signs a PDF of record 9.
    other = tmp_path / "other"
    other_service, other_store = _installation(other, content)
    for n in range(9):
        _on_behalf(other_service, f"Person {n}")
    other_store.close()
    foreign = (other / "attestations" / "attestation-000009.pdf").read_bytes()
    (folder / "attestation-000009.pdf").write_bytes(foreign)

    report = service.attestation.recover()

    assert [r.record_id for r in report.recovered] == [2, 4]
    refused = {r.pdf_file: r.reason for r in report.refused}
    assert set(refused) == {"attestations/attestation-000003.pdf", "attestations/attestation-000009.pdf"}
    assert "signature is not valid" in refused["attestations/attestation-000003.pdf"]
    assert "not signed with this school's key" in refused["attestations/attestation-000009.pdf"]
    assert [r.id for r in store.acknowledgements.all()] == [1, 2, 4]
    assert tampered.exists()  # kept, never deleted
    store.close()


def test_holbrook_records_recover_and_backup_restore_recover(tmp_path, content, capsys):  # noqa: F811
    data = tmp_path / "data"
    _school_with_a_backup(data, content)
    assert main(["--data-dir", str(data), "backup", "restore", "--yes"]) == 0
    err = capsys.readouterr().err
    assert "3 acknowledgements made since the backup recovered" in err
    assert main(["--data-dir", str(data), "audit", "verify"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(data), "records", "recover", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "recovered": [], "refused": []}
    # A backup copied over the database by hand: `records recover` puts them back.
    backup = sorted((data / "backups").glob("daily-*.db"))[0]
    for suffix in ("-wal", "-shm"):
        (data / f"holbrook.db{suffix}").unlink(missing_ok=True)
    (data / "holbrook.db").write_bytes(backup.read_bytes())
    assert main(["--data-dir", str(data), "audit", "verify"]) == 1
    capsys.readouterr()
    assert main(["--data-dir", str(data), "records", "recover", "--json"]) == 0
    assert [r["record_id"] for r in json.loads(capsys.readouterr().out)["recovered"]] == [2, 3, 4]
    assert main(["--data-dir", str(data), "audit", "verify"]) == 0
    capsys.readouterr()
    folder = data / "attestations"
    (folder / "attestation-000002.pdf").rename(folder / "attestation-000008.pdf")
    assert main(["--data-dir", str(data), "records", "recover"]) == 1
    assert "attestation-000008.pdf: its name is not that of record 2" in capsys.readouterr().err


def test_a_pdf_of_a_person_erased_from_the_records_is_not_put_back(tmp_path, content):  # noqa: F811
    data = tmp_path / "data"
    made = _school_with_a_backup(data, content)
    Store.restore_newest_backup(data, replace_healthy=True)
    service, store = _installation(data, content)
    with store.change("retention.erased") as change:  # Ann (records 1 and 4) erased after the restore
        store.retention.erase_within(change, made[3].staff_id)
        change.details = {"staff_id": made[3].staff_id}

    report = service.attestation.recover()

    assert [r.record_id for r in report.recovered] == [2, 3]
    [refused] = report.refused
    assert refused.pdf_file == "attestations/attestation-000004.pdf"
    assert "personal data was erased" in refused.reason
    assert store.acknowledgements.get(4) is None
    store.close()

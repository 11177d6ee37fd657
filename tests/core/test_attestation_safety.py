"""Signed records stay unique: numbers never given out twice, a signed PDF never overwritten, one
school key however many people sign the first acknowledgement at once."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from holbrook_desktop.core.attestation import document
from holbrook_desktop.core.records import NewStaffMember, Store, StoreWriteError
from tests.core.test_attestation_flow import _installation
from tests.core.test_quiz_records import content  # noqa: F401 (a fixture)

NOTE = "Signed the paper copy at the staff meeting"


def _on_behalf(service, name: str):
    member = service.hr.add_staff(NewStaffMember(name, "teacher", date(2026, 9, 1)))
    return service.attestation.acknowledge_on_behalf(member.id, "social-media", note=NOTE)


def test_after_a_restore_from_an_older_backup_numbers_go_above_every_signed_pdf(tmp_path, content):  # noqa: F811
    data = tmp_path / "data"
    service, store = _installation(data, content)
    assert _on_behalf(service, "Ann Archer").id == 1
    store.close()
    service, store = _installation(data, content)  # the day's first reopening backs up record 1
    second = _on_behalf(service, "Ben Baker")
    assert second.id == 2
    second_pdf = service.attestation.pdf(second)
    store.close()

    Store.restore_newest_backup(data, replace_healthy=True)  # record 2 is not in the backup
    service, store = _installation(data, content)
    assert store.acknowledgements.count() == 1
    third = _on_behalf(service, "Cat Cooper")

    assert third.id == 3 and third.pdf_file == "attestations/attestation-000003.pdf"
    assert (data / "attestations" / "attestation-000002.pdf").read_bytes() == second_pdf
    assert service.attestation.verify(service.attestation.pdf(third)).ok
    store.close()


def test_a_signed_pdf_already_on_disk_is_never_overwritten(tmp_path, content, monkeypatch):  # noqa: F811
    data = tmp_path / "data"
    service, store = _installation(data, content)
    squatter = data / "attestations" / "attestation-000001.pdf"
    real_signed_attestation = document.signed_attestation

    def signed_while_another_pc_writes_the_same_number(attestation, key):
        pdf = real_signed_attestation(attestation, key)
        squatter.parent.mkdir(parents=True, exist_ok=True)
        squatter.write_bytes(b"%PDF another process's signed attestation")
        return pdf

    monkeypatch.setattr(document, "signed_attestation", signed_while_another_pc_writes_the_same_number)

    with pytest.raises(StoreWriteError, match="already exists and is never overwritten"):
        _on_behalf(service, "Ann Archer")

    assert squatter.read_bytes() == b"%PDF another process's signed attestation"
    assert store.acknowledgements.count() == 0
    actions = [row[0] for row in store.db.execute("SELECT action FROM audit_log")]
    assert "acknowledgement.recorded" not in actions
    assert sorted(p.name for p in squatter.parent.iterdir()) == ["attestation-000001.pdf"]
    store.close()


def test_two_first_signers_at_the_same_moment_make_one_school_key(tmp_path, content):  # noqa: F811
    data = tmp_path / "data"
    service, store = _installation(data, content)
    people = [service.hr.add_staff(NewStaffMember(f"Signer {n}", "teacher", date(2026, 9, 1))).id
              for n in range(3)]
    store.close()
    start = threading.Barrier(len(people))
    records, failures = [], []

    def sign(staff_id: int) -> None:
        try:
            own_service, own_store = _installation(data, content)  # its own window, its own connection
            try:
                start.wait()
                records.append(own_service.attestation.acknowledge_on_behalf(staff_id, "social-media",
                                                                             note=NOTE))
            finally:
                own_store.close()
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=sign, args=(staff_id,)) for staff_id in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert len(records) == len(people)
    certificates = list((data / "signing" / "certificates").glob("*.pem"))
    assert len(certificates) == 1, "each first signer made a key of its own"
    assert {record.certificate_fingerprint for record in records} == {certificates[0].stem}
    service, store = _installation(data, content)
    created = store.db.execute("SELECT count(*) FROM audit_log WHERE action = 'signing.key-created'")
    assert created.fetchone()[0] == 1
    for record in records:
        assert service.attestation.verify(service.attestation.pdf(record)).ok
    store.close()

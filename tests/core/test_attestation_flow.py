"""From a passed quiz to a signed attestation PDF, and checking that PDF later: through the façade."""

import random
import shutil
import subprocess
from datetime import date

import pytest

from holbrook_desktop.app import App
from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementRefused
from holbrook_desktop.core.attestation.signature import Signature
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import NewStaffMember, Store
from tests.core.test_quiz_records import _read_everything, content  # noqa: F401 (a fixture)

SIGNATURE = Signature.from_points(400, 150, [[(20, 100), (120, 40), (220, 110), (330, 50)]])


def _installation(folder, content):  # noqa: F811
    store = Store.open(folder, Actor("office-pc", "window"))
    return App(content, records=store), store


@pytest.fixture
def school(tmp_path, content):  # noqa: F811
    service, store = _installation(tmp_path / "data", content)
    yield service, store
    store.close()


def _passed(service, store, name="Zoë Łukasiewicz", role="teacher"):
    member = service.hr.add_staff(NewStaffMember(name, role, date(2026, 9, 1)))
    service.sign_in(member.id)
    _read_everything(service, store, member.id)
    session = service.quiz.start("social-media", "induction", seed=3)
    for index, presented in enumerate(session.questions):
        session.answer(index, presented.correct_answer())
    assert session.finish().passed
    return member


def _acknowledged(service, store, **kwargs):
    member = _passed(service, store, **kwargs)
    record = service.attestation.acknowledge("social-media", typed_name=member.full_name.upper(),
                                             declared=True,
                                 signature=SIGNATURE)
    return member, record


def test_a_passed_person_signs_and_the_pdf_verifies_against_the_records(school):
    service, store = school
    member, record = _acknowledged(service, store)
    policy = service.content.policy("social-media")
    assert (record.staff_id, record.policy_sha256, record.version_label, record.method) == (
        member.id, policy.sha256, policy.meta.version, "drawn")
    assert record.typed_name == "ZOË ŁUKASIEWICZ" and record.signature_png.startswith(b"\x89PNG")
    assert "Social Media Policy of Holbrook Primary" in record.declaration_text
    assert record.os_user == "office-pc" and record.app_version and record.machine
    pdf = service.attestation.pdf(record)
    check = service.attestation.verify(pdf)
    assert check.ok, check.problems
    assert [line.name for line in check.lines] == ["signature", "school", "record", "anchor"]
    assert check.record == record
    assert store.verify_audit().ok
    # The signing key was made on first use, and its creation is in the audit log.
    actions = [row[0] for row in store.db.execute("SELECT action FROM audit_log")]
    assert "signing.key-created" in actions and actions[-1] == "acknowledgement.recorded"


def test_signing_stays_shut_until_passed_and_a_pass_is_used_once(school):
    service, store = school
    member = service.hr.add_staff(NewStaffMember("Ann Smith", "teacher", date(2026, 9, 1)))
    service.sign_in(member.id)
    with pytest.raises(AcknowledgementRefused, match="Read every section"):
        service.attestation.acknowledge("social-media", typed_name="Ann Smith", declared=True,
                                        signature=SIGNATURE)
    service.sign_out()
    member, _record = _acknowledged(service, store, name="Ben Jones")
    offer = service.attestation.offer("social-media")
    assert not offer.ready and "already acknowledged" in offer.reason
    with pytest.raises(AcknowledgementRefused, match="already acknowledged"):
        service.attestation.acknowledge("social-media", typed_name="Ben Jones", declared=True,
                                        signature=SIGNATURE)
    assert len(store.acknowledgements.all()) == 1


def test_a_wrong_name_or_an_unticked_box_records_nothing(school):
    service, store = school
    _passed(service, store, name="Ann Smith")
    with pytest.raises(AcknowledgementRefused, match="does not match"):
        service.attestation.acknowledge("social-media", typed_name="Anne Smith", declared=True,
                                        signature=SIGNATURE)
    with pytest.raises(AcknowledgementRefused, match="Tick the box"):
        service.attestation.acknowledge("social-media", typed_name="Ann Smith", declared=False,
                                        signature=SIGNATURE)
    assert store.acknowledgements.all() == []
    typed = service.attestation.acknowledge("social-media", typed_name="ann  smith", declared=True,
                                            signature=None)
    assert typed.method == "typed" and typed.signature_png is None


def test_one_byte_changed_anywhere_fails(school):
    service, store = school
    _member, record = _acknowledged(service, store)
    pdf = service.attestation.pdf(record)
    positions = {0, len(pdf) // 2, len(pdf) - 1, pdf.index(b"/Contents <") + 20,
                 pdf.index(b"/ByteRange") + 14}
    positions |= set(random.Random(5).sample(range(len(pdf)), 40))
    for position in sorted(positions):
        changed = bytearray(pdf)
        changed[position] ^= 0x01
        check = service.attestation.verify(bytes(changed))
        assert not check.ok, f"a change at byte {position} went unnoticed"
    assert not service.attestation.verify(pdf + b"\n% appended\n").ok


def test_a_pdf_signed_by_another_school_fails_and_says_so(tmp_path, content, school):  # noqa: F811
    service, store = school
    _acknowledged(service, store)
    other_service, other_store = _installation(tmp_path / "elsewhere", content)
    try:
        other_service.attestation.create_signing_key("Another School")
        _member, foreign = _acknowledged(other_service, other_store)
        check = service.attestation.verify(other_service.attestation.pdf(foreign))
    finally:
        other_store.close()
    assert not check.ok
    school_line = next(line for line in check.lines if line.name == "school")
    assert not school_line.ok and "not signed with this school's key" in school_line.message
    signature_line = next(line for line in check.lines if line.name == "signature")
    assert signature_line.ok  # intact: only the signer is wrong


def test_a_valid_pdf_whose_record_was_deleted_reports_no_matching_record(school):
    service, store = school
    _member, record = _acknowledged(service, store)
    pdf = service.attestation.pdf(record)
    store.db.execute("DELETE FROM acknowledgements WHERE id = ?", (record.id,))
    store.db.conn.commit()
    check = service.attestation.verify(pdf)
    assert [line.ok for line in check.lines] == [True, True, False, True]  # its anchor is still in the log
    assert check.problems == [f"no matching record: record {record.id} is not in this database"]


def test_attestations_made_before_the_key_was_replaced_still_verify(school):
    service, store = school
    _member, before = _acknowledged(service, store)
    old = service.attestation.signing_key().current()
    new = service.attestation.create_signing_key()
    assert new.fingerprint != old.fingerprint
    _member, after = _acknowledged(service, store, name="Ben Jones")
    assert service.attestation.verify(service.attestation.pdf(before)).ok
    assert service.attestation.verify(service.attestation.pdf(after)).ok
    assert before.certificate_fingerprint == old.fingerprint
    assert after.certificate_fingerprint == new.fingerprint


def test_an_administrator_records_on_behalf_only_with_a_reason(school):
    service, store = school
    volunteer = service.hr.add_staff(NewStaffMember("Cara Dunn", "volunteer", date(2026, 9, 1)))
    with pytest.raises(AcknowledgementRefused, match="Say why"):
        service.attestation.acknowledge_on_behalf(volunteer.id, "social-media", note="  ")
    note = "Signed the paper form on 3 Nov"
    record = service.attestation.acknowledge_on_behalf(volunteer.id, "social-media", note=note)
    assert (record.method, record.quiz_attempt_id, record.on_behalf_note) == (
        "on-behalf", None, "Signed the paper form on 3 Nov")
    assert service.attestation.verify(service.attestation.pdf(record)).ok
    text = _pdftotext(store.acknowledgements.pdf_path(record))
    if text is not None:
        assert "Cara Dunn" in text and "Signed the paper form on 3 Nov" in text and "office-pc" in text


def _pdftotext(path):
    if shutil.which("pdftotext") is None:
        return None
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) is not installed")
def test_pdfsig_finds_a_valid_signature_covering_the_whole_document(school):
    service, store = school
    _member, record = _acknowledged(service, store)
    report = subprocess.run(["pdfsig", str(store.acknowledgements.pdf_path(record))],
                            capture_output=True, text=True)
    assert "Signature Validation: Signature is Valid." in report.stdout, report.stdout
    assert "Total document signed" in report.stdout, report.stdout


def test_the_pdf_text_is_extractable_with_the_full_hash_and_the_record(school):
    service, store = school
    member, record = _acknowledged(service, store, name="Дмитрий Иванов")
    text = _pdftotext(store.acknowledgements.pdf_path(record))
    if text is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    flat = " ".join(text.split())
    assert member.full_name in flat and service.content.policy("social-media").sha256 in flat
    assert f"Record {record.id}" in flat and "have read and understood" in flat


def test_the_refresher_favours_clauses_changed_since_the_acknowledged_version(school, content,  # noqa: F811
                                                                            monkeypatch):
    from holbrook_desktop.core.quiz import engine as quiz

    service, store = school
    member, _record = _acknowledged(service, store)
    policy_file = content / "policies" / "social-media" / "policy.md"
    text = policy_file.read_text(encoding="utf-8")
    policy_file.write_text(text.replace("5.6 Staff members must decline", "5.6 Staff must always decline"),
                           encoding="utf-8")
    seen = {}
    real = quiz.select_refresher

    def spy(bank, **kwargs):
        seen.update(kwargs)
        return real(bank, **kwargs)

    monkeypatch.setattr(quiz, "select_refresher", spy)
    changed, _ = _installation(store.data_dir, content)
    try:
        changed.sign_in(member.id)
        _read_everything(changed, changed.records, member.id)  # what changed is read before the refresher
        changed.quiz.start("social-media", "refresher", seed=1)
    finally:
        changed.records.close()
    assert seen["changed_clauses"] == {"5.6"}

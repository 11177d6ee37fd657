"""Every change of the school's signing key is audited or not made: the new key goes in with its audit
row, or the current key stays, and the message says which happened."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from holbrook_desktop.cli import main
from holbrook_desktop.core.attestation import signing_key as signing
from holbrook_desktop.core.attestation.signing_key import SigningKeyError
from holbrook_desktop.core.records import audit
from tests.core.test_attestation_flow import school as school  # a fixture
from tests.core.test_quiz_records import content as content  # a fixture
from tests.core.test_signing_key import certificate_for, write_p12


def _key_changes(store) -> list[tuple[str, str]]:
    return [(action, details) for action, details in store.db.execute(
        "SELECT action, json_extract(details, '$.fingerprint') FROM audit_log "
        "WHERE action LIKE 'signing.%' ORDER BY id")]


def _folder_state(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def keyed(school):
    """A school whose key has been made (and audited) once."""
    service, store = school
    first = service.attestation.create_signing_key("Holbrook Primary")
    assert _key_changes(store) == [("signing.key-created", first.fingerprint)]
    return service, store, first


def _disk_full_for_the_audit_row(monkeypatch):
    """The records' disk fills up as the audit row is written (after the key was swapped in)."""
    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(audit, "append", full)


def test_a_replacement_is_in_place_with_its_audit_row(keyed):
    service, store, first = keyed
    second = service.attestation.create_signing_key()
    assert service.attestation.signing_key().current().fingerprint == second.fingerprint
    assert _key_changes(store) == [("signing.key-created", first.fingerprint),
                                   ("signing.key-created", second.fingerprint)]
    names = sorted(p.name for p in service.attestation.signing_key().folder.iterdir())
    assert names == ["certificates", "chain", "current.json", "school-key.pem"]  # nothing left beside it


def test_when_the_audit_row_cannot_be_written_the_old_key_stays(keyed, monkeypatch):
    service, store, first = keyed
    key = service.attestation.signing_key()
    before = _folder_state(key.folder)
    _disk_full_for_the_audit_row(monkeypatch)
    with pytest.raises(SigningKeyError) as refused:
        service.attestation.create_signing_key()
    message = str(refused.value)
    assert message.startswith("The new signing key was not put in place, because its audit record could not "
                              "be written: The change was not saved: the disk is full.")
    assert message.endswith("The school still signs with its current key; nothing was changed.")
    assert _folder_state(key.folder) == before  # the old key, its pointer, no new certificate
    assert key.current().fingerprint == first.fingerprint
    assert key.signer().signing_cert.sha256.hex() == first.fingerprint
    assert _key_changes(store) == [("signing.key-created", first.fingerprint)]


def test_when_the_new_key_cannot_be_written_nothing_changes(keyed, monkeypatch):
    service, store, first = keyed
    key = service.attestation.signing_key()
    before = _folder_state(key.folder)
    write = signing._write_atomically

    def no_room_for_the_key(path, data, mode, **kwargs):
        if path.name == signing.PENDING_FILE:
            raise SigningKeyError(f"Could not write {path}: No space left on device")
        return write(path, data, mode, **kwargs)

    monkeypatch.setattr(signing, "_write_atomically", no_room_for_the_key)
    with pytest.raises(SigningKeyError, match=r"The new signing key could not be saved: Could not write .*"
                                              r"No space left on device The school still signs with its "
                                              r"current key; nothing was changed\."):
        service.attestation.create_signing_key()
    assert _folder_state(key.folder) == before
    assert _key_changes(store) == [("signing.key-created", first.fingerprint)]


def test_when_the_swap_fails_the_audit_row_is_rolled_back(keyed, monkeypatch):
    service, store, first = keyed
    key = service.attestation.signing_key()
    before = _folder_state(key.folder)
    replace = os.replace

    def refuse_the_swap(source, target):
        if Path(source).name == signing.PENDING_FILE:
            raise PermissionError(13, "Permission denied")
        return replace(source, target)

    monkeypatch.setattr(signing.os, "replace", refuse_the_swap)
    with pytest.raises(SigningKeyError, match=r"could not be put in place: Could not replace .*Permission "
                                              r"denied The school still signs with its current key"):
        service.attestation.create_signing_key()
    assert _folder_state(key.folder) == before
    assert _key_changes(store) == [("signing.key-created", first.fingerprint)]
    assert store.verify_audit().ok


def test_an_import_is_audited_or_not_made_too(keyed, tmp_path, monkeypatch):
    service, store, first = keyed
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    p12 = write_p12(tmp_path / "school.p12", private, certificate_for(private, "Holbrook Primary"))
    key = service.attestation.signing_key()
    before = _folder_state(key.folder)
    with monkeypatch.context() as patched:
        _disk_full_for_the_audit_row(patched)
        with pytest.raises(SigningKeyError, match="was not put in place, because its audit record"):
            service.attestation.import_signing_key(p12, "correct horse")
    assert _folder_state(key.folder) == before
    imported = service.attestation.import_signing_key(p12, "correct horse")
    assert _key_changes(store)[-1] == ("signing.key-imported", imported.fingerprint)
    assert key.current().fingerprint == imported.fingerprint != first.fingerprint


def test_the_first_key_with_no_audit_row_is_no_key(school, monkeypatch):
    service, _store = school
    _disk_full_for_the_audit_row(monkeypatch)
    with pytest.raises(SigningKeyError, match=r"No key was made; nothing was changed\."):
        service.attestation.create_signing_key("Holbrook Primary")
    key = service.attestation.signing_key()
    assert key.current() is None and key.certificates() == []
    assert not key.key_path.exists()


def test_the_command_line_says_what_happened(tmp_path, capsys, monkeypatch):
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "signing", "create", "--school", "Holbrook Primary"]) == 0
    first = capsys.readouterr().out.strip()
    _disk_full_for_the_audit_row(monkeypatch)
    assert main(["--data-dir", data, "signing", "create", "--replace"]) == 1
    err = capsys.readouterr().err
    assert "holbrook signing create: The new signing key was not put in place" in err
    assert "still signs with its current key" in err
    monkeypatch.undo()
    assert main(["--data-dir", data, "signing", "show", "--json"]) == 0
    assert f'"fingerprint": "{first}"' in capsys.readouterr().out

"""The school's signing key on disk: made, replaced, imported, exported, sealed, refused when damaged."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from holbrook_desktop.core.attestation.signing_key import (
    FilePermissionsOnly,
    SchoolSigningKey,
    SigningKeyError,
    WindowsMachineProtection,
    default_protection,
)
from tests.conftest import REPO

SCHOOL = "Holbrook Primary School"
CREATED = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@pytest.fixture
def school_key(tmp_path: Path) -> SchoolSigningKey:
    return SchoolSigningKey(tmp_path / "data")


def certificate_for(key, name: str, *, issuer_key=None, issuer_name: str | None = None,
                    start: datetime | None = None, days: int = 365, ca: bool = False,
                    serial: int = 4242) -> x509.Certificate:
    start = (start or datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name or name)])
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
            .serial_number(serial).not_valid_before(start)
            .not_valid_after(start + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(issuer_key or key, hashes.SHA256()))


def write_p12(path: Path, key, certificate, password: bytes | None = b"correct horse", extra=None) -> Path:
    encryption = (serialization.BestAvailableEncryption(password) if password
                  else serialization.NoEncryption())
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"school", key, certificate, extra, encryption))
    return path


# Making a key ---------------------------------------------------------------------------------------

def test_there_is_no_key_at_first(school_key):
    assert not school_key.exists()
    assert school_key.current() is None
    assert school_key.certificates() == []
    with pytest.raises(SigningKeyError, match="no signing key"):
        school_key.signer()


def test_create_writes_a_private_key_and_a_certificate(school_key):
    certificate = school_key.create(SCHOOL, now=CREATED)

    assert school_key.exists()
    folder = school_key.folder
    assert (folder / "school-key.pem").read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert certificate.path == folder / "certificates" / f"{certificate.fingerprint}.pem"
    assert certificate.path.is_file()
    assert certificate.current
    assert school_key.current() == certificate
    assert school_key.certificates() == [certificate]
    loaded = serialization.load_pem_private_key((folder / "school-key.pem").read_bytes(), None)
    assert isinstance(loaded, rsa.RSAPrivateKey) and loaded.key_size == 3072


@posix_only
def test_the_folder_and_the_key_are_private_to_the_account(school_key):
    school_key.create(SCHOOL, now=CREATED)
    assert stat.S_IMODE(school_key.folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(school_key.key_path.stat().st_mode) == 0o600


def test_the_certificate_names_the_school_and_runs_ten_years(school_key):
    made = school_key.create(SCHOOL, now=CREATED)
    certificate = x509.load_der_x509_certificate(made.der)

    assert made.subject == SCHOOL
    assert certificate.subject == certificate.issuer  # self-signed
    assert certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == SCHOOL
    assert made.not_before == CREATED
    assert made.not_after == CREATED.replace(year=2036)
    assert made.fingerprint == certificate.fingerprint(hashes.SHA256()).hex()
    assert isinstance(certificate.public_key(), rsa.RSAPublicKey)
    assert certificate.signature_hash_algorithm.name == "sha256"


def test_the_certificate_is_shaped_for_document_signing(school_key):
    """See `_self_signed_certificate` for why: a self-signed CA without extended key usage is what
    pdfsig/NSS and pyHanko both accept as a trust anchor."""
    certificate = x509.load_der_x509_certificate(school_key.create(SCHOOL, now=CREATED).der)
    extensions = certificate.extensions

    constraints = extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca and constraints.value.path_length == 0
    usage = extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment and usage.value.key_cert_sign
    assert not usage.value.key_encipherment and not usage.value.crl_sign
    extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    with pytest.raises(x509.ExtensionNotFound):
        extensions.get_extension_for_class(x509.ExtendedKeyUsage)


def test_a_name_is_needed(school_key):
    with pytest.raises(SigningKeyError, match="name"):
        school_key.create("   ")
    assert not school_key.exists()


def test_creating_again_retires_the_first_key(school_key):
    first = school_key.create(SCHOOL, now=CREATED)
    first_key = school_key.key_path.read_bytes()

    second = school_key.create(SCHOOL, now=CREATED + timedelta(days=400))

    assert second.fingerprint != first.fingerprint
    assert school_key.key_path.read_bytes() != first_key
    assert first.path.is_file()  # kept so that old attestations still verify
    listed = school_key.certificates()
    assert [c.fingerprint for c in listed] == [second.fingerprint, first.fingerprint]
    assert [c.current for c in listed] == [True, False]
    assert school_key.current() == second
    # the first private key is gone from the folder: no copy, no temporary file
    body = b"".join(first_key.splitlines()[1:-1])
    for path in school_key.folder.rglob("*"):
        if path.is_file():
            assert body[:64] not in b"".join(path.read_bytes().splitlines()), path
    assert sorted(p.name for p in school_key.folder.iterdir()) == ["certificates", "chain", "current.json",
                                                                   "school-key.pem"]


def test_a_crash_while_retiring_leaves_a_working_key(school_key):
    """The old key gets a second name before the new one goes in; a crash right then must not let the
    clean-up overwrite the key that is still current."""
    school_key.create(SCHOOL, now=CREATED)
    os.link(school_key.key_path, school_key.folder / "school-key.retiring.pem")

    school_key.create(SCHOOL, now=CREATED + timedelta(days=1))

    assert not (school_key.folder / "school-key.retiring.pem").exists()
    assert school_key.signer().signing_cert.sha256.hex() == school_key.current().fingerprint


def test_the_signer_is_loaded_once_and_follows_a_new_key(school_key):
    school_key.create(SCHOOL, now=CREATED)
    signer = school_key.signer()
    assert SchoolSigningKey(school_key.folder.parent).signer() is signer  # shared between objects

    replacement = school_key.create(SCHOOL, now=CREATED + timedelta(days=1))

    assert school_key.signer() is not signer
    assert school_key.signer().signing_cert.sha256.hex() == replacement.fingerprint


def test_a_lost_pointer_is_repaired_from_the_key(school_key):
    made = school_key.create(SCHOOL, now=CREATED)
    (school_key.folder / "current.json").unlink()

    assert school_key.current() == made
    assert school_key.exists()


# Damage ----------------------------------------------------------------------------------------------

def test_a_damaged_key_is_reported_and_never_replaced(school_key):
    school_key.create(SCHOOL, now=CREATED)
    school_key.key_path.write_bytes(b"-----BEGIN PRIVATE KEY-----\nnot really\n-----END PRIVATE KEY-----\n")
    damaged = school_key.key_path.read_bytes()

    with pytest.raises(SigningKeyError, match=r"school-key\.pem"):
        school_key.signer()
    with pytest.raises(SigningKeyError, match=r"school-key\.pem"):
        school_key.create(SCHOOL)
    assert school_key.key_path.read_bytes() == damaged
    assert len(school_key.certificates()) == 1


def test_an_empty_key_file_is_reported(school_key):
    school_key.create(SCHOOL, now=CREATED)
    school_key.key_path.write_bytes(b"")
    with pytest.raises(SigningKeyError, match="damaged"):
        school_key.signer()


def test_a_key_without_its_certificate_is_reported(school_key):
    made = school_key.create(SCHOOL, now=CREATED)
    made.path.unlink()
    with pytest.raises(SigningKeyError, match="no certificate"):
        school_key.signer()
    with pytest.raises(SigningKeyError):
        school_key.create(SCHOOL)


def test_a_damaged_certificate_is_reported(school_key):
    made = school_key.create(SCHOOL, now=CREATED)
    made.path.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(SigningKeyError, match=made.fingerprint):
        school_key.certificates()


# PKCS#12 ---------------------------------------------------------------------------------------------

def test_a_pkcs12_file_round_trips(school_key, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate = certificate_for(key, "Holbrook Primary School (issued)")
    p12 = write_p12(tmp_path / "school.p12", key, certificate)

    imported = school_key.import_pkcs12(p12, "correct horse")

    assert imported.fingerprint == certificate.fingerprint(hashes.SHA256()).hex()
    assert imported.subject == "Holbrook Primary School (issued)"
    assert school_key.current() == imported
    assert school_key.signer().signing_cert.sha256.hex() == imported.fingerprint
    stored = serialization.load_pem_private_key(school_key.key_path.read_bytes(), None)
    assert stored.private_numbers() == key.private_numbers()


def test_importing_retires_a_created_key(school_key, tmp_path):
    made = school_key.create(SCHOOL, now=CREATED)
    key = ec.generate_private_key(ec.SECP256R1())
    imported = school_key.import_pkcs12(write_p12(tmp_path / "s.pfx", key, certificate_for(key, "CA issued"),
                                                  password=None), None)
    assert [c.fingerprint for c in school_key.certificates()] == [imported.fingerprint, made.fingerprint]


def test_a_wrong_password_names_the_file(school_key, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    p12 = write_p12(tmp_path / "school.p12", key, certificate_for(key, "x"))
    with pytest.raises(SigningKeyError, match=r"school\.p12.*password") as caught:
        school_key.import_pkcs12(p12, "wrong")
    assert str(p12) in str(caught.value)
    assert not school_key.exists()


def test_a_file_that_is_not_pkcs12_is_refused(school_key, tmp_path):
    garbage = tmp_path / "notes.p12"
    garbage.write_bytes(b"these are not the keys you are looking for" * 10)
    with pytest.raises(SigningKeyError, match=r"notes\.p12 is not a PKCS#12"):
        school_key.import_pkcs12(garbage, "pw")
    with pytest.raises(SigningKeyError, match=r"missing\.p12"):
        school_key.import_pkcs12(tmp_path / "missing.p12", "pw")


def test_a_pkcs12_without_a_key_is_refused(school_key, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    p12 = tmp_path / "certs-only.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"x", None, None, [certificate_for(key, "x")], serialization.BestAvailableEncryption(b"pw")))
    with pytest.raises(SigningKeyError, match="no private key"):
        school_key.import_pkcs12(p12, "pw")


def test_a_key_that_does_not_match_its_certificate_is_refused(school_key, tmp_path):
    from asn1crypto import pkcs12 as asn1_pkcs12

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    start = datetime.now(UTC) - timedelta(days=1)
    ours, theirs = (certificate_for(k, "x", start=start).public_bytes(serialization.Encoding.DER)
                    for k in (key, other))
    # cryptography will not write a mismatched pair: swap the certificate in by hand (the two are the
    # same length) and drop the integrity MAC that the swap breaks
    good = pkcs12.serialize_key_and_certificates(b"x", key, x509.load_der_x509_certificate(ours), None,
                                                 serialization.NoEncryption())
    if len(ours) != len(theirs) or ours not in good:
        pytest.skip("could not forge a mismatched PKCS#12 with this cryptography")
    forged = asn1_pkcs12.Pfx.load(good.replace(ours, theirs))
    p12 = tmp_path / "mismatch.p12"
    p12.write_bytes(asn1_pkcs12.Pfx({"version": "v3", "auth_safe": forged["auth_safe"]}).dump())

    with pytest.raises(SigningKeyError, match=r"mismatch\.p12 the private key does not belong"):
        school_key.import_pkcs12(p12, None)


def test_an_expired_certificate_is_refused(school_key, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    old = certificate_for(key, "x", start=datetime.now(UTC) - timedelta(days=800), days=365)
    with pytest.raises(SigningKeyError, match="expired"):
        school_key.import_pkcs12(write_p12(tmp_path / "old.p12", key, old), "correct horse")


def test_the_issuers_in_a_pkcs12_are_kept_for_signatures(school_key, tmp_path):
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = certificate_for(root_key, "Holbrook Trust Root", ca=True, serial=1)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = certificate_for(key, SCHOOL, issuer_key=root_key, issuer_name="Holbrook Trust Root")

    school_key.import_pkcs12(write_p12(tmp_path / "chain.p12", key, leaf, extra=[root]), "correct horse")

    assert [c.sha256.hex() for c in school_key.signer().cert_registry] == [
        root.fingerprint(hashes.SHA256()).hex()]
    assert len(school_key.certificates()) == 1  # the issuer is not one of the school's own certificates


# Export ----------------------------------------------------------------------------------------------

def test_export_as_pem_and_der(school_key, tmp_path):
    made = school_key.create(SCHOOL, now=CREATED)

    pem = school_key.export_certificate(tmp_path / "school.pem")
    der = school_key.export_certificate(tmp_path / "school.cer")

    from_pem = x509.load_pem_x509_certificate(pem.read_bytes())
    assert from_pem.public_bytes(serialization.Encoding.DER) == made.der
    assert der.read_bytes() == made.der
    assert school_key.export_certificate(tmp_path / "school.crt").read_bytes() == made.der


def test_export_a_retired_certificate_by_fingerprint(school_key, tmp_path):
    first = school_key.create(SCHOOL, now=CREATED)
    school_key.create(SCHOOL, now=CREATED + timedelta(days=1))

    written = school_key.export_certificate(tmp_path / "old.der", first.fingerprint[:12])

    assert written.read_bytes() == first.der
    with pytest.raises(SigningKeyError, match="no school certificate"):
        school_key.export_certificate(tmp_path / "x.pem", "ffff0000")
    with pytest.raises(SigningKeyError, match=r"\.pem"):
        school_key.export_certificate(tmp_path / "x.txt")


def test_export_without_a_key_says_so(school_key, tmp_path):
    with pytest.raises(SigningKeyError, match="no signing key"):
        school_key.export_certificate(tmp_path / "school.pem")


# How the key bytes are protected -----------------------------------------------------------------------

class ReversedBytes:
    """Stands in for DPAPI: sealing that a plain reader cannot undo."""

    label = "TEST SEALED KEY"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def protect(self, key_der: bytes) -> bytes:
        self.calls.append("protect")
        return key_der[::-1]

    def unprotect(self, sealed: bytes) -> bytes:
        self.calls.append("unprotect")
        return sealed[::-1]


def test_a_protector_seals_the_key_on_disk(tmp_path):
    protector = ReversedBytes()
    sealed_key = SchoolSigningKey(tmp_path, protection=protector)
    made = sealed_key.create(SCHOOL, now=CREATED)

    text = sealed_key.key_path.read_bytes()
    assert text.startswith(b"-----BEGIN TEST SEALED KEY-----")
    with pytest.raises(ValueError):
        serialization.load_pem_private_key(text, None)
    assert sealed_key.signer().signing_cert.sha256.hex() == made.fingerprint
    assert protector.calls == ["protect", "unprotect"]


def test_a_sealed_key_cannot_be_read_without_its_protector(tmp_path):
    SchoolSigningKey(tmp_path, protection=ReversedBytes()).create(SCHOOL, now=CREATED)
    with pytest.raises(SigningKeyError, match=r"school-key\.pem.*another PC"):
        SchoolSigningKey(tmp_path, protection=FilePermissionsOnly()).signer()


def test_a_protector_that_fails_is_reported(tmp_path):
    class Broken(ReversedBytes):
        def unprotect(self, sealed: bytes) -> bytes:
            raise OSError("The data is invalid")

    SchoolSigningKey(tmp_path, protection=ReversedBytes()).create(SCHOOL, now=CREATED)
    with pytest.raises(SigningKeyError, match="could not be unsealed"):
        SchoolSigningKey(tmp_path, protection=Broken()).signer()


def test_a_plain_key_still_loads_where_keys_are_sealed(tmp_path):
    """E.g. a key made before DPAPI was used, or a data folder moved from a Mac to a Windows PC."""
    made = SchoolSigningKey(tmp_path, protection=FilePermissionsOnly()).create(SCHOOL, now=CREATED)
    assert SchoolSigningKey(tmp_path, protection=ReversedBytes()).signer().signing_cert.sha256.hex() == \
        made.fingerprint


@pytest.mark.skipif(sys.platform == "win32", reason="DPAPI is there on Windows")
def test_dpapi_is_only_for_windows():
    assert isinstance(default_protection(), FilePermissionsOnly)
    with pytest.raises(OSError):
        WindowsMachineProtection().protect(b"key")


@pytest.mark.skipif(sys.platform != "win32", reason="DPAPI is Windows only")
def test_dpapi_round_trip():  # pragma: no cover - runs on Windows CI
    protection = WindowsMachineProtection()
    sealed = protection.protect(b"the school's key")
    assert sealed != b"the school's key"
    assert protection.unprotect(sealed) == b"the school's key"


def test_importing_the_module_loads_neither_cryptography_nor_pyhanko():
    script = ("import sys, holbrook_desktop.core.attestation.signing_key\n"
              "import holbrook_desktop.core.attestation.pdf_signature\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in "
              "('cryptography', 'pyhanko', 'asn1crypto', 'pyhanko_certvalidator')))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

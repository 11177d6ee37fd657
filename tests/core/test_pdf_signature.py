"""Signing attestation PDFs with the school's key, and catching every change made to one afterwards."""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from holbrook_desktop.core.attestation.pdf_signature import (
    ADDED,
    CHANGED,
    NO_SIGNATURE,
    NOT_A_PDF,
    SIGNATURE_FIELD,
    UNREADABLE,
    sign_pdf,
    verify_pdf_signature,
)
from holbrook_desktop.core.attestation.signing_key import SchoolSigningKey, SigningKeyError

SCHOOL = "Holbrook Primary School"
CREATED = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
SIGNED_AT = datetime(2026, 3, 2, 9, 15, 30, tzinfo=UTC)


def attestation_pdf(lines: int = 1) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    for n in range(lines):
        page.drawString(72, 760 - 14 * (n % 50), f"I have read and understood the Social Media Policy ({n}).")
        if n % 50 == 49:
            page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> SchoolSigningKey:
    key = SchoolSigningKey(tmp_path_factory.mktemp("school"))
    key.create(SCHOOL, now=CREATED)
    return key


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    return attestation_pdf()


@pytest.fixture(scope="module")
def signed(school, unsigned) -> bytes:
    return sign_pdf(unsigned, school, signed_at=SIGNED_AT, reason="Acknowledges the Social Media Policy",
                    location=SCHOOL, contact="office@holbrook.example")


def school_certificates(key: SchoolSigningKey) -> list[bytes]:
    return [c.der for c in key.certificates()]


def flipped(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


def contents_span(data: bytes) -> tuple[int, int]:
    """Where the signature's hex string lies: the gap in the /ByteRange."""
    found = re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    assert found, "no /ByteRange"
    return int(found.group(1)), int(found.group(2))


# A good signature ------------------------------------------------------------------------------------

def test_a_signed_attestation_verifies(school, signed):
    check = verify_pdf_signature(signed, school_certificates(school))

    assert check.ok, check.problems
    assert check.intact and check.covers_whole_file and check.trusted
    assert check.problems == ()
    assert check.signer_subject == SCHOOL
    assert check.signer_fingerprint == school.current().fingerprint
    assert check.signed_at == SIGNED_AT


def test_signing_adds_to_the_file_and_changes_nothing_in_it(unsigned, signed):
    assert signed.startswith(unsigned)
    assert f"/T ({SIGNATURE_FIELD})".encode() in signed
    assert b"/SubFilter /ETSI.CAdES.detached" in signed
    assert b"/Reason (Acknowledges the Social Media Policy)" in signed
    assert re.search(rb"/M \(D(:|\\072)20260302091530", signed)  # pyHanko writes the colon as \072


def test_the_signature_is_one_pyhanko_trusts_with_the_school_certificate_as_root(school, signed):
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    roots = [asn1_x509.Certificate.load(der) for der in school_certificates(school)]
    context = ValidationContext(trust_roots=roots, allow_fetching=False,
                                moment=SIGNED_AT + timedelta(days=1))
    status = validate_pdf_signature(embedded, context)

    assert status.bottom_line, status.pretty_print_details()
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"
    assert len(embedded.signed_data["certificates"]) == 1  # the school's certificate, once


def test_a_naive_signing_time_is_taken_as_utc(school, unsigned):
    signed = sign_pdf(unsigned, school, signed_at=SIGNED_AT.replace(tzinfo=None), reason="r")
    assert verify_pdf_signature(signed, school_certificates(school)).signed_at == SIGNED_AT


# Every change is caught -------------------------------------------------------------------------------

def named_positions(signed: bytes) -> dict[str, int]:
    start, end = contents_span(signed)
    byte_range = signed.index(b"/ByteRange")
    xref = signed.index(b"xref")
    stream = signed.index(b"stream") + 10
    return {
        "first byte": 0,
        "header version": signed.index(b"%PDF-") + 7,
        "last byte": len(signed) - 1,
        "middle": len(signed) // 2,
        "page content": stream,
        "first xref": xref + 5,
        "last startxref": signed.rindex(b"startxref") + 12,
        "byte range": byte_range + 14,
        "opening <": start,
        "closing >": end - 1,
        "signature start": start + 1,
        "signature middle": start + 1400,
        "signature end": start + 3000,
        "contents padding": end - 20,
        "just after the gap": end,
        "field name": signed.index(SIGNATURE_FIELD.encode()),
    }


def test_one_changed_byte_anywhere_is_caught(school, signed):
    positions = named_positions(signed)
    rng = random.Random(20260302)
    positions |= {f"random {n}": rng.randrange(len(signed)) for n in range(40)}
    start, end = contents_span(signed)
    positions |= {f"random in signature {n}": rng.randrange(start + 1, end - 1) for n in range(20)}
    trusted = school_certificates(school)

    missed = {}
    for name, position in positions.items():
        check = verify_pdf_signature(flipped(signed, position), trusted)
        if check.ok or not check.problems:
            missed[name] = position
    assert missed == {}


@pytest.mark.parametrize("where", ["signature start", "signature middle", "contents padding",
                                   "page content", "last byte"])
def test_a_changed_byte_is_called_a_change(school, signed, where):
    check = verify_pdf_signature(flipped(signed, named_positions(signed)[where]), school_certificates(school))
    assert not check.ok
    assert not check.intact
    assert CHANGED in check.problems


def test_a_changed_character_in_the_visible_text_is_caught(school, signed, unsigned):
    # reportlab compresses page content; an uncompressed file shows the change in plain text too
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pageCompression=0)
    page.drawString(72, 760, "I, Alex Example, have read the policy.")
    page.save()
    original = sign_pdf(buffer.getvalue(), school, signed_at=SIGNED_AT, reason="r")
    forged = original.replace(b"Alex Example", b"Alex Exampld")
    assert forged != original and len(forged) == len(original)

    check = verify_pdf_signature(forged, school_certificates(school))
    assert not check.ok
    assert CHANGED in check.problems


def test_bytes_appended_after_the_end_are_caught(school, signed):
    for tail in (b"\n% a note\n", b"x" * 5000):
        check = verify_pdf_signature(signed + tail, school_certificates(school))
        assert not check.ok
        assert check.intact  # what was signed is still as it was
        assert not check.covers_whole_file
        assert ADDED in check.problems


def test_an_incremental_update_after_signing_is_caught(school, signed):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = generic.pdf_string("en-GB")
    writer.update_root()
    updated = io.BytesIO()
    writer.write(updated)

    check = verify_pdf_signature(updated.getvalue(), school_certificates(school))
    assert not check.ok
    assert not check.covers_whole_file
    assert ADDED in check.problems


def test_a_second_signature_is_not_accepted(school, signed, tmp_path):
    """Someone else's signature added after the school's: the school's no longer covers the whole file."""
    other = SchoolSigningKey(tmp_path / "other")
    other.create("Somewhere Else Academy")
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    twice = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Another"),
                             signer=other.signer()).getvalue()

    check = verify_pdf_signature(twice, school_certificates(school))
    assert not check.ok
    assert not check.covers_whole_file


# Whose key -------------------------------------------------------------------------------------------

def test_another_schools_key_is_not_trusted(school, unsigned, tmp_path):
    elsewhere = SchoolSigningKey(tmp_path / "elsewhere")
    theirs = elsewhere.create(SCHOOL)  # same name, different key
    signed = sign_pdf(unsigned, elsewhere, signed_at=SIGNED_AT, reason="r")

    check = verify_pdf_signature(signed, school_certificates(school))

    assert not check.ok
    assert check.intact and check.covers_whole_file
    assert not check.trusted
    assert check.signer_fingerprint == theirs.fingerprint
    assert check.problems == (
        f"signed by a key that is not this school's (certificate {theirs.fingerprint[:16]})",)


def test_no_school_certificates_means_not_trusted(signed):
    check = verify_pdf_signature(signed, [])
    assert check.intact and not check.trusted and not check.ok


def test_a_retired_keys_attestations_still_verify(unsigned, tmp_path):
    key = SchoolSigningKey(tmp_path / "data")
    key.create(SCHOOL, now=CREATED)
    old = sign_pdf(unsigned, key, signed_at=SIGNED_AT, reason="r")

    key.create(SCHOOL, now=CREATED + timedelta(days=365))
    new = sign_pdf(unsigned, key, signed_at=SIGNED_AT + timedelta(days=366), reason="r")

    certificates = school_certificates(key)
    assert len(certificates) == 2
    assert verify_pdf_signature(old, certificates).ok
    assert verify_pdf_signature(new, certificates).ok
    assert verify_pdf_signature(old, certificates).signer_fingerprint != \
        verify_pdf_signature(new, certificates).signer_fingerprint


def test_an_imported_key_with_its_issuer_signs_and_every_change_is_caught(unsigned, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12

    from tests.core.test_signing_key import certificate_for

    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = certificate_for(root_key, "Holbrook Trust Root", ca=True, serial=1)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = certificate_for(key, SCHOOL, issuer_key=root_key, issuer_name="Holbrook Trust Root")
    p12 = tmp_path / "school.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(b"s", key, leaf, [root],
                                                          serialization.NoEncryption()))
    imported = SchoolSigningKey(tmp_path / "data")
    imported.import_pkcs12(p12, None)
    signed = sign_pdf(unsigned, imported, signed_at=datetime.now(UTC), reason="r")
    trusted = school_certificates(imported)
    assert verify_pdf_signature(signed, trusted).ok

    # nothing signs the issuer's certificate inside the container but its own issuer: change it anywhere
    root_hex = root.public_bytes(serialization.Encoding.DER).hex().encode()
    found = re.search(re.escape(root_hex), signed, re.IGNORECASE)
    assert found
    rng = random.Random(7)
    for position in [found.start(), found.end() - 1, *(rng.randrange(found.start(), found.end())
                                                       for _ in range(30))]:
        assert not verify_pdf_signature(flipped(signed, position), trusted).ok, position


# Not a signed PDF at all -------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"\x00", bytes(range(256)) * 40, b"Dear parents,\n" * 100,
                                  b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\ngarbage"], ids=["empty", "nul", "random",
                                                                               "text", "header only"])
def test_things_that_are_not_pdfs(school, data):
    check = verify_pdf_signature(data, school_certificates(school))
    assert not check.ok
    assert check.problems in ((NOT_A_PDF,), (UNREADABLE,))
    assert check.signer_fingerprint is None


def test_random_bytes_are_not_a_pdf(school):
    check = verify_pdf_signature(random.Random(1).randbytes(5000), school_certificates(school))
    assert check.problems == (NOT_A_PDF,)


def test_an_unsigned_pdf_has_no_signature(school, unsigned):
    check = verify_pdf_signature(unsigned, school_certificates(school))
    assert check.problems == (NO_SIGNATURE,)
    assert not check.ok


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_a_truncated_file_is_not_ok(school, signed, keep):
    check = verify_pdf_signature(signed[:int(len(signed) * keep)], school_certificates(school))
    assert not check.ok
    assert check.problems and check.problems[0] in (CHANGED, UNREADABLE)


def test_a_file_short_of_its_last_byte_is_changed(school, signed):
    check = verify_pdf_signature(signed[:-1], school_certificates(school))
    assert check.problems[0] == CHANGED


# Signing: refusals -----------------------------------------------------------------------------------

def test_signing_needs_a_key(unsigned, tmp_path):
    with pytest.raises(SigningKeyError, match="no signing key"):
        sign_pdf(unsigned, SchoolSigningKey(tmp_path), signed_at=SIGNED_AT, reason="r")


def test_an_expired_key_does_not_sign(unsigned, tmp_path):
    key = SchoolSigningKey(tmp_path)
    key.create(SCHOOL, now=datetime(2010, 1, 1, tzinfo=UTC), years=10)
    with pytest.raises(SigningKeyError, match="expired"):
        sign_pdf(unsigned, key, signed_at=SIGNED_AT, reason="r")


def test_bytes_that_are_not_a_pdf_are_not_signed(school):
    with pytest.raises(ValueError, match="not a PDF"):
        sign_pdf(b"Dear parents", school, signed_at=SIGNED_AT, reason="r")


def test_a_signed_file_is_not_signed_again(school, signed):
    with pytest.raises(ValueError, match="already signed"):
        sign_pdf(signed, school, signed_at=SIGNED_AT, reason="r")


# A timestamp server ------------------------------------------------------------------------------------

@pytest.fixture
def timestamp_server():
    """A local RFC 3161 server answering with pyHanko's test time-stamper (no network needed)."""
    from asn1crypto import tsp
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko.sign.timestamps import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Time Stamping Authority")])
    start = datetime.now(UTC) - timedelta(days=1)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(7).not_valid_before(start).not_valid_after(start + timedelta(days=30))
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
                   .sign(key, hashes.SHA256()))
    # an intermediate whose own issuer is not sent: nothing in the token could show it was tampered with
    stray_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elsewhere = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Somebody's Root")])
    stray = (x509.CertificateBuilder().subject_name(name).issuer_name(elsewhere)
             .public_key(stray_key.public_key()).serial_number(8).not_valid_before(start)
             .not_valid_after(start + timedelta(days=30)).sign(stray_key, hashes.SHA256()))
    stamper = DummyTimeStamper(tsa_cert=translate_pyca_cryptography_cert_to_asn1(certificate),
                               tsa_key=translate_pyca_cryptography_key_to_asn1(key),
                               certs_to_embed=SimpleCertificateStore.from_certs(
                                   [translate_pyca_cryptography_cert_to_asn1(stray)]))
    requests: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            requests.append(len(body))
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", requests
    server.shutdown()
    server.server_close()


def test_a_timestamp_is_added_only_when_asked_for(school, unsigned, signed, timestamp_server):
    url, requests = timestamp_server
    stamped = sign_pdf(unsigned, school, signed_at=SIGNED_AT, reason="r", timestamp_url=url)

    assert requests  # the server was asked
    check = verify_pdf_signature(stamped, school_certificates(school))
    assert check.ok, check.problems
    from pyhanko.pdf_utils.reader import PdfFileReader

    for data, expected in ((stamped, ["signature_time_stamp_token"]), (signed, None)):
        info = PdfFileReader(io.BytesIO(data)).embedded_signatures[0].signer_info
        attrs = info["unsigned_attrs"].native
        assert ([a["type"] for a in attrs] if attrs else None) == expected
    token = PdfFileReader(io.BytesIO(stamped)).embedded_signatures[0].signer_info["unsigned_attrs"][0]
    kept = [c.chosen.subject.native["common_name"] for c in token["values"][0]["content"]["certificates"]]
    assert kept == ["Test Time Stamping Authority"]  # the unverifiable intermediate was left out

    start, end = contents_span(stamped)
    rng = random.Random(3)
    for position in (rng.randrange(start + 1, end - 1) for _ in range(30)):
        assert not verify_pdf_signature(flipped(stamped, position), school_certificates(school)).ok, position


# Other readers -----------------------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler's pdfsig is not installed")
def test_pdfsig_finds_the_signature_valid_and_covering_the_document(signed, tmp_path):
    path = tmp_path / "attestation.pdf"
    path.write_bytes(signed)
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)

    assert "Signature Validation: Signature is Valid." in result.stdout, result.stdout + result.stderr
    assert "Total document signed" in result.stdout
    assert f"Signature Field Name: {SIGNATURE_FIELD}" in result.stdout
    assert f"Signer Certificate Common Name: {SCHOOL}" in result.stdout
    assert "Signing Hash Algorithm: SHA-256" in result.stdout


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler's pdfsig is not installed")
def test_pdfsig_notices_a_change(signed, tmp_path):
    path = tmp_path / "attestation.pdf"
    path.write_bytes(flipped(signed, named_positions(signed)["page content"]))
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    assert "Signature is Valid." not in result.stdout


@pytest.mark.skipif(shutil.which("pdfsig") is None or shutil.which("certutil") is None,
                    reason="needs poppler's pdfsig and NSS's certutil")
def test_pdfsig_trusts_the_school_once_an_auditor_adds_its_certificate(school, signed, tmp_path):
    """What an auditor does: put the exported certificate in an NSS database as a trusted CA."""
    certificate = school.export_certificate(tmp_path / "school.cer")
    database = tmp_path / "nss"
    database.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{database}", "--empty-password"], check=True,
                   capture_output=True, timeout=60)
    subprocess.run(["certutil", "-A", "-d", f"sql:{database}", "-n", SCHOOL, "-t", "C,C,C",
                    "-i", str(certificate)], check=True, capture_output=True, timeout=60)
    path = tmp_path / "attestation.pdf"
    path.write_bytes(signed)

    result = subprocess.run(["pdfsig", "-nssdir", f"sql:{database}", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert "Signature is Valid." in result.stdout, result.stdout + result.stderr
    assert "Certificate is Trusted." in result.stdout, result.stdout

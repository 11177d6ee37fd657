"""Sign attestation PDFs with the school's key (PAdES) and check such signatures, offline.

pyHanko is imported inside the functions: it costs about half a second to import."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import warnings
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from holbrook_desktop.core.attestation.signing_key import SigningKeyUnusable, short_fingerprint
from holbrook_desktop.core.dates import for_people

if TYPE_CHECKING:
    from holbrook_desktop.core.attestation.signing_key import SchoolSigningKey

log = logging.getLogger(__name__)
# Whether the school signed a file is decided here, not by pyHanko's path validation, which logs a
# warning with a traceback for every certificate that is not the school's (another school's, a
# retired one past its date): an expected answer, not a fault, and no place for a traceback on stderr.
logging.getLogger("pyhanko.sign.validation.generic_cms").setLevel(logging.ERROR)

SIGNATURE_FIELD = "HolbrookAttestation"

NOT_A_PDF = "this is not a PDF file"
UNREADABLE = "the file is damaged and cannot be read as a PDF"
NO_SIGNATURE = "the file has no signature"
CHANGED = "the file was changed after it was signed"
ADDED = "something was added to the file after it was signed"
SEVERAL = "the file has more than one signature"
NOT_OURS = "signed by a key that is not this school's (certificate {})"
UNKNOWN_SIGNER = "the signer's certificate cannot be read"

# Room for the signature container when no timestamp is asked for: the certificates plus the signed
# attributes and an RSA-3072 signature come to well under this. Fixing it saves pyHanko a trial signature.
_CMS_OVERHEAD = 4096


def sign_pdf(pdf: bytes, key: SchoolSigningKey, *, signed_at: datetime, reason: str,
             location: str | None = None, contact: str | None = None,
             timestamp_url: str | None = None) -> bytes:
    """Sign ``pdf`` with the school's current key: a PAdES baseline signature (SHA-256, the certificate
    embedded, an invisible field named `SIGNATURE_FIELD`) added as an incremental update, so every byte
    of the original stays as it was. ``signed_at`` becomes the signing time (a naive value is taken as
    UTC). With ``timestamp_url`` an RFC 3161 timestamp is fetched from that server; without it nothing
    goes over the network.

    Raises SigningKeyError for a missing, damaged or expired key, ValueError for a PDF that cannot be
    signed (not a PDF, or already signed)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.signers import PdfSignatureMetadata

    if signed_at.tzinfo is None:
        signed_at = signed_at.replace(tzinfo=UTC)
    signer = key.signer()
    expires = signer.signing_cert.not_valid_after
    if signed_at > expires:
        raise SigningKeyUnusable(f"The school's signing certificate expired on {for_people(expires)}. "
                                 f"Create or import a new signing key.")
    timestamper = None
    bytes_reserved: int | None = None
    if timestamp_url:
        timestamper = _timestamper(timestamp_url)  # the reply's size varies, so pyHanko measures it
    else:
        certificates = len(signer.signing_cert.dump()) + sum(len(c.dump()) for c in signer.cert_registry)
        bytes_reserved = 2 * (certificates + _CMS_OVERHEAD)  # hex: two characters a byte
    metadata = PdfSignatureMetadata(field_name=SIGNATURE_FIELD, md_algorithm="sha256",
                                    subfilter=SigSeedSubFilter.PADES, reason=reason, location=location,
                                    contact_info=contact)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    except Exception as exc:  # pyHanko raises many kinds for bytes that are not a PDF
        raise ValueError(f"Cannot sign: {NOT_A_PDF} ({exc})") from exc
    pdf_signer = _signer_at(signed_at)(metadata, signer=signer, timestamper=timestamper)
    output = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, bytes_reserved=bytes_reserved, output=output)
    except SigningError as exc:
        if "already" in str(exc).lower():  # the field is filled: pyHanko says so only in words
            raise ValueError("Cannot sign: the file is already signed.") from exc
        raise
    return output.getvalue()


def _timestamper(url: str):
    """An RFC 3161 client that keeps in each token only the certificates a verifier can check from inside
    the token (see `_issuers_vouched`); a missing intermediate can still be found by a PDF reader online."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    class AttestationTimeStamper(HTTPTimeStamper):
        async def async_timestamp(self, message_digest, md_algorithm):
            token = await super().async_timestamp(message_digest, md_algorithm)
            return _with_checkable_certificates(token)

    return AttestationTimeStamper(url, timeout=15)


def _with_checkable_certificates(token):
    from asn1crypto import cms

    signed_data = token["content"]
    certificates = [c.chosen for c in signed_data["certificates"] if c.name == "certificate"] \
        if signed_data["certificates"].dump() else []
    signer = _named_by(signed_data["signer_infos"][0]["sid"], certificates) if certificates else None
    if signer is None:
        return token
    others = [c for c in certificates if c.dump() != signer.dump()]
    kept = [signer, *[c for c in others if _vouched_among(c, others)]]
    if len(kept) == len(signed_data["certificates"]) and signed_data["crls"].dump() == b"":
        return token
    log.info("keeping %d of the %d certificates in the timestamp", len(kept), len(certificates))
    rebuilt = cms.ContentInfo({"content_type": "signed_data", "content": cms.SignedData({
        "version": signed_data["version"], "digest_algorithms": signed_data["digest_algorithms"],
        "encap_content_info": signed_data["encap_content_info"],
        "certificates": [cms.CertificateChoices(name="certificate", value=c) for c in kept],
        "signer_infos": signed_data["signer_infos"]})})
    return cms.ContentInfo.load(rebuilt.dump())


_SIGNER_CLASS: type | None = None


def _signer_at(signed_at: datetime):
    """A PdfSigner whose signing time is ``signed_at`` rather than the clock, so that the time in the PDF
    is the time of the acknowledgement it records (and tests are reproducible)."""
    global _SIGNER_CLASS
    if _SIGNER_CLASS is None:
        from pyhanko.sign.signers import PdfSigner

        class AttestationSigner(PdfSigner):
            signed_at: datetime

            def init_signing_session(self, pdf_out, existing_fields_only=False):
                session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
                session.system_time = self.signed_at
                return session

        _SIGNER_CLASS = AttestationSigner

    def build(*args, **kwargs):
        pdf_signer = _SIGNER_CLASS(*args, **kwargs)
        pdf_signer.signed_at = signed_at
        return pdf_signer

    return build


# Checking --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SignatureCheck:
    intact: bool  # cryptographically valid and the covered bytes unchanged
    covers_whole_file: bool  # no bytes after the signed revision (nothing appended or modified later)
    trusted: bool  # the signer certificate is one of the school's certificates (current or retired),
    #                or was issued by the school's certificate (a PC of the school)
    signer_subject: str | None
    signer_fingerprint: str | None
    signed_at: datetime | None
    problems: tuple[str, ...]  # one plain-English line per failed check
    issued_by_school: str | None = None  # the fingerprint of the school certificate that vouches for it
    signer_der: bytes | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.intact and self.covers_whole_file and self.trusted and not self.problems


def _failed(problem: str) -> SignatureCheck:
    return SignatureCheck(False, False, False, None, None, None, (problem,))


def verify_pdf_signature(pdf: bytes, trusted_certificates: list[bytes], *,
                         school_certificates: list[bytes] | None = None) -> SignatureCheck:
    """Check the one signature in ``pdf`` against the school's certificates (DER): this PC's own,
    pinned, and ``school_certificates``, whose PC certificates are trusted too (one school identity).
    Never raises: whatever the bytes are, the answer is a SignatureCheck whose problems say, in plain
    English, what is wrong."""
    try:
        return _verify(bytes(pdf), trusted_certificates, school_certificates=school_certificates or [])
    except Exception:  # a file from anywhere may upset the PDF or ASN.1 parsers in any way at all
        log.warning("could not check a PDF signature", exc_info=True)
        return _failed(CHANGED if _looks_signed(bytes(pdf or b"")) else UNREADABLE)


def _verify(pdf: bytes, trusted_certificates: list[bytes], *, salvage: bool = True,
            school_certificates: list[bytes] | None = None) -> SignatureCheck:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    signed = _looks_signed(pdf)
    if b"%PDF-" not in pdf[:1024]:
        return _failed(CHANGED if signed else NOT_A_PDF)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # damaged beyond reading: pyHanko's parser raises many kinds
        log.info("could not read a PDF to check its signature", exc_info=True)
        appended = (_check_without_tail(pdf, trusted_certificates, school_certificates or [])
                    if signed and salvage else None)
        return appended or _failed(CHANGED if signed else UNREADABLE)
    if not signatures:  # a /ByteRange left behind means a signature was there until the file was changed
        return _failed(CHANGED if signed else NO_SIGNATURE)
    embedded = next((s for s in signatures if s.field_name == SIGNATURE_FIELD), signatures[0])

    signer_der = b""
    try:
        signer_der = embedded.signer_cert.dump()
        fingerprint: str | None = hashlib.sha256(signer_der).hexdigest()
        subject = _common_name(embedded.signer_cert)
    except Exception:  # no readable signer certificate: the signature container itself is damaged
        log.info("no readable signer certificate", exc_info=True)
        fingerprint = subject = None

    # pyHanko checks the cryptography and how much of the file is covered. Whether the school signed it
    # we decide ourselves, by the certificate's fingerprint: the school's certificates are pinned, not
    # trusted as CAs, and a retired certificate must still count after it has expired, which pyHanko's
    # path validation (done as of today) would refuse. The certificates are still given as trust roots
    # so that pyHanko never reaches for the operating system's store or the network.
    trusted_set = {hashlib.sha256(der).hexdigest() for der in trusted_certificates}
    roots = _asn1_certificates(trusted_certificates + (school_certificates or []))
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = validate_pdf_signature(embedded, context, skip_diff=True)
        stamp = status.timestamp_validity  # trusted or not, a timestamp must not have been tampered with
        intact = bool(status.intact and status.valid and (stamp is None or (stamp.intact and stamp.valid)))
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        signed_at = status.signer_reported_dt
    except Exception:  # e.g. the signing-certificate attribute no longer matches the certificate
        log.info("the signature did not validate", exc_info=True)
        intact = whole = False
        signed_at = None
    # The digest covers everything outside /Contents. Inside it, the signature covers only the signed
    # attributes; the rest of the container (versions, algorithm lists, extra certificates, the zero
    # padding) could be changed without upsetting pyHanko, so we check that ourselves.
    intact = intact and _contents_untouched(pdf, embedded) and _container_as_signed(embedded)

    problems: list[str] = []
    if not intact:
        problems.append(CHANGED)
    elif not whole:
        problems.append(ADDED)
    if len(signatures) > 1:
        problems.append(SEVERAL)
    trusted = fingerprint is not None and fingerprint in trusted_set
    school = None
    if fingerprint is not None and school_certificates:
        school = _vouching_school(signer_der, school_certificates, signed_at)
        trusted = trusted or school is not None
    if not trusted:
        problems.append(NOT_OURS.format(short_fingerprint(fingerprint)) if fingerprint else UNKNOWN_SIGNER)
    return SignatureCheck(intact=intact, covers_whole_file=whole and len(signatures) == 1, trusted=trusted,
                          signer_subject=subject, signer_fingerprint=fingerprint,
                          signed_at=signed_at.astimezone(UTC) if signed_at else None,
                          problems=tuple(problems), issued_by_school=school,
                          signer_der=signer_der if fingerprint else None)


def _vouching_school(signer_der: bytes, school_certificates: list[bytes], signed_at) -> str | None:
    """The fingerprint of the school certificate that issued the signer's certificate, if one did and
    the signature was made while that certificate was valid (a PC certificate signs documents only).
    Revocation is the caller's to judge: it depends on when, not only whether."""
    from cryptography import x509

    from holbrook_desktop.core.attestation.signing_key import issued_by

    try:
        signer = x509.load_der_x509_certificate(signer_der)
        usage = signer.extensions.get_extension_for_class(x509.BasicConstraints).value
    except (ValueError, x509.ExtensionNotFound):
        return None
    if usage.ca:
        return None
    if signed_at is not None and not (signer.not_valid_before_utc <= signed_at <= signer.not_valid_after_utc):
        return None
    for der in school_certificates:
        try:
            school = x509.load_der_x509_certificate(der)
        except ValueError:
            continue
        if issued_by(signer, school):
            return hashlib.sha256(der).hexdigest()
    return None


def _looks_signed(pdf: bytes) -> bool:
    """Traces of a signature, for naming the problem when the file is too damaged to read."""
    return any(mark in pdf for mark in (b"/ByteRange", b"/ETSI.CAdES.detached", b"/adbe.pkcs7.detached"))


def _check_without_tail(pdf: bytes, trusted_certificates: list[bytes],
                        school_certificates: list[bytes]) -> SignatureCheck | None:
    """When bytes were stuck on after the end of a signed file the reader may give up; if the file up to
    one of its last end-of-file markers is intact, report the addition rather than a damaged file."""
    end = len(pdf)
    for _ in range(4):
        end = pdf.rfind(b"%%EOF", 0, end)
        if end < 0:
            return None
        cut = end + 5
        cut += 2 if pdf[cut:cut + 2] == b"\r\n" else 1 if pdf[cut:cut + 1] in (b"\n", b"\r") else 0
        if cut < len(pdf):
            earlier = _verify(pdf[:cut], trusted_certificates, salvage=False,
                              school_certificates=school_certificates)
            if earlier.intact:
                problems = (ADDED, *(p for p in earlier.problems if p != ADDED))
                return replace(earlier, covers_whole_file=False, problems=problems)
    return None


_HEX = re.compile(rb"[0-9A-Fa-f]*")


def _contents_untouched(pdf: bytes, embedded) -> bool:
    """The gap the /ByteRange leaves is exactly ``<hex>``, the hex is the signature container the
    validator read, and everything after the container is zero padding."""
    try:
        offsets = [int(n) for n in embedded.byte_range]
    except (TypeError, ValueError):
        return False
    if len(offsets) != 4 or offsets[0] != 0:
        return False
    gap = pdf[offsets[1]:offsets[2]]
    if len(gap) < 2 or gap[:1] != b"<" or gap[-1:] != b">" or not _HEX.fullmatch(gap[1:-1]) or len(gap) % 2:
        return False
    contents = bytes.fromhex(gap[1:-1].decode("ascii"))
    if contents != embedded.pkcs7_content:
        return False
    length = _der_length(contents)
    return length is not None and not any(contents[length:])


def _container_as_signed(embedded) -> bool:
    """The signature container holds nothing that could change without pyHanko noticing. Its signature
    covers only the signed attributes; the signer's certificate is bound to them by its hash and a
    timestamp token by its own signature; but versions, algorithm lists and extra certificates are
    covered by nothing. Each of those must be the one value a signer writes (see `_as_written`)."""
    from asn1crypto import cms

    try:
        length = _der_length(embedded.pkcs7_content)
        if length is None:
            return False
        written = embedded.pkcs7_content[:length]
        return _as_written(cms.ContentInfo.load(written), written, token=False)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        log.info("the signature container is not as it was written", exc_info=True)
        return False


_ABSENT_OR_NULL = (b"", b"\x05\x00")  # the two ways of writing "no parameters" for an algorithm


def _as_written(content_info, der: bytes, *, token: bool) -> bool:
    """Check the unprotected parts of a CMS SignedData (ours, or a timestamp token inside ours): versions as
    RFC 5652 fixes them, one signer, the digest algorithm listed once and the same as the signer's,
    algorithm parameters absent or NULL, the signer named by the certificate that signed, every other
    certificate verified by a certificate beside it, and no unsigned attributes except one timestamp.
    Finally the container, put back together from its parts, must give exactly the bytes it came from."""
    from asn1crypto import cms

    if content_info["content_type"].native != "signed_data":
        return False
    signed_data = content_info["content"]
    if len(signed_data["signer_infos"]) != 1 or signed_data["crls"].dump() != b"":
        return False
    info = signed_data["signer_infos"][0]
    choices = list(signed_data["certificates"]) if signed_data["certificates"].dump() else []
    if any(choice.name != "certificate" for choice in choices):
        return False
    certificates = [choice.chosen for choice in choices]
    signer = _named_by(info["sid"], certificates)
    if signer is None or not _issuers_vouched(certificates, signer):
        return False

    encapsulated = signed_data["encap_content_info"]
    has_content = encapsulated["content"].dump() != b""
    if encapsulated["content_type"].native != ("tst_info" if token else "data") or has_content != token:
        return False
    info_version = "v1" if info["sid"].name == "issuer_and_serial_number" else "v3"
    data_version = "v1" if info_version == "v1" and not token else "v3"
    if info["version"].native != info_version or signed_data["version"].native != data_version:
        return False
    digest = info["digest_algorithm"]
    if digest["parameters"].dump() not in _ABSENT_OR_NULL:
        return False
    if [d.dump() for d in signed_data["digest_algorithms"]] != [digest.dump()]:
        return False
    mechanism = info["signature_algorithm"]
    pss = mechanism["algorithm"].native == "rsassa_pss"  # PSS parameters are checked with the signature
    if not pss and mechanism["parameters"].dump() not in _ABSENT_OR_NULL:
        return False
    unsigned = info["unsigned_attrs"]
    if unsigned.dump():
        if token:
            return False
        for attribute in unsigned:
            if attribute["type"].native != "signature_time_stamp_token" or len(attribute["values"]) != 1:
                return False
            stamp = attribute["values"][0]
            if not _as_written(stamp, stamp.dump(), token=True):
                return False

    rebuilt_info = {name: info[name] for name in ("version", "sid", "digest_algorithm", "signed_attrs",
                                                    "signature_algorithm", "signature")}
    if unsigned.dump():
        rebuilt_info["unsigned_attrs"] = unsigned
    rebuilt_data = {"version": signed_data["version"], "digest_algorithms": signed_data["digest_algorithms"],
                    "encap_content_info": encapsulated, "signer_infos": [cms.SignerInfo(rebuilt_info)]}
    if choices:
        rebuilt_data["certificates"] = signed_data["certificates"]
    rebuilt = cms.ContentInfo({"content_type": "signed_data", "content": cms.SignedData(rebuilt_data)})
    return rebuilt.dump() == der


def _named_by(sid, certificates: list):
    """The certificate a SignerIdentifier names, or None."""
    for certificate in certificates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (wanted["issuer"].dump() == certificate.issuer.dump()
                    and wanted["serial_number"].native == certificate.serial_number):
                return certificate
        elif sid.name == "subject_key_identifier" and sid.chosen.native == certificate.key_identifier:
            return certificate
    return None


def _issuers_vouched(certificates: list, signer) -> bool:
    """Every certificate but the signer's is verified by one of the certificates beside it (or by itself,
    for a root): nothing else protects them. The signer's certificate appears exactly once."""
    signer_der = signer.dump()
    others = [c for c in certificates if c.dump() != signer_der]
    if len(others) + 1 != len(certificates):
        return False
    return all(_vouched_among(c, others) for c in others)


def _vouched_among(certificate, certificates: list) -> bool:
    """Whether one of ``certificates`` (asn1crypto) issued ``certificate``: its signature verifies."""
    from cryptography import x509

    from holbrook_desktop.core.attestation.signing_key import issued_by

    with warnings.catch_warnings():
        # cryptography only warns of some malformations (a negative serial number, say): take them as damage
        warnings.simplefilter("error")
        try:
            subject = x509.load_der_x509_certificate(certificate.dump())
            issuers = [x509.load_der_x509_certificate(issuer.dump()) for issuer in certificates]
        except (ValueError, Warning):
            return False
    return any(issued_by(subject, issuer) for issuer in issuers)


def _der_length(data: bytes) -> int | None:
    """Length of the DER SEQUENCE at the start of ``data`` (header included), or None if it isn't one."""
    if len(data) < 2 or data[0] != 0x30:
        return None
    first = data[1]
    if first < 0x80:
        total = 2 + first
    else:
        count = first & 0x7F
        if not 1 <= count <= 4 or len(data) < 2 + count:
            return None
        total = 2 + count + int.from_bytes(data[2:2 + count], "big")
    return total if total <= len(data) else None


def _asn1_certificates(ders: list[bytes]) -> list:
    from asn1crypto import x509

    found = []
    for der in ders:
        try:
            certificate = x509.Certificate.load(der)
            certificate.native  # parse it all now: asn1crypto is lazy, and a bad one would fail later  # noqa: B018
            found.append(certificate)
        except (ValueError, TypeError):
            log.warning("ignoring a school certificate that cannot be read")
    return found


def _common_name(certificate) -> str:
    names = certificate.subject.native
    return str(names.get("common_name") or certificate.subject.human_friendly)

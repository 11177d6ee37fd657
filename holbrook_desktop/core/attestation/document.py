"""Attestations: the record of an acknowledgement made into a signed PDF, and checking one later.

reportlab and pyHanko are imported inside these functions: they cost about 0.6 s together and the
window must not wait for them (see `warm_up`)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from holbrook_desktop import __version__
from holbrook_desktop.core.dates import for_people

if TYPE_CHECKING:
    from holbrook_desktop.core.attestation.acknowledgement import PassedQuiz
    from holbrook_desktop.core.attestation.pdf import AttestationContent
    from holbrook_desktop.core.attestation.pdf_signature import SignatureCheck
    from holbrook_desktop.core.attestation.school_root import SchoolRoot
    from holbrook_desktop.core.attestation.signature import Signature
    from holbrook_desktop.core.attestation.signing_key import SchoolSigningKey
    from holbrook_desktop.core.content.handbook import Policy
    from holbrook_desktop.core.records import StaffMember, Store
    from holbrook_desktop.core.records.acknowledgements import (
        AcknowledgementRecord,
        NewAcknowledgement,
        Stamp,
    )

log = logging.getLogger(__name__)
APP_VERSION = __version__


def warm_up() -> None:
    """Import the PDF and signing libraries ahead of need (from a background thread), so that
    pressing "Sign" does not wait half a second for them."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: F401
    from pyhanko.sign import signers  # noqa: F401
    from reportlab.pdfgen import canvas  # noqa: F401

    import holbrook_desktop.core.attestation.pdf
    import holbrook_desktop.core.attestation.pdf_signature  # noqa: F401


def attestation_content(stamp: Stamp, new: NewAcknowledgement, *, policy: Policy, member: StaffMember,
                        quiz: PassedQuiz | None, signature: Signature | None) -> AttestationContent:
    from holbrook_desktop.core.attestation.pdf import AttestationContent

    return AttestationContent(
        record_id=stamp.record_id, school=policy.meta.school, policy_id=policy.id,
        policy_title=policy.title, version_label=policy.meta.version, effective=policy.meta.effective,
        policy_sha256=policy.sha256, staff_id=member.id, full_name=member.full_name,
        role_label=member.role_label, staff_number=member.staff_number,
        declaration=new.declaration_text, method=new.method, typed_name=new.typed_name,
        signature=signature, quiz_summary=quiz.summary() if quiz else None,
        acknowledged_at=datetime.fromisoformat(stamp.at), recorded_by=new.os_user, machine=new.machine,
        app_version=new.app_version, on_behalf_note=new.on_behalf_note, audit_anchor=stamp.audit_anchor,
        certificate_fingerprint=new.certificate_fingerprint,
        record=whole_record(new, member=member, policy=policy, quiz=quiz),
        entered_at=datetime.fromisoformat(stamp.entered_at) if stamp.entered_at else None,
    )


def whole_record(new: NewAcknowledgement, *, member: StaffMember, policy: Policy,
                 quiz: PassedQuiz | None) -> dict:
    """What the PDF carries beyond what it prints, to recover the record from (recovery.py): every
    field the store keeps but the PNG (drawn again from the strokes), the person and the version as
    far as a record needs them, and the quiz passed."""
    return {
        "declaration_text": new.declaration_text, "declaration_sha256": new.declaration_sha256,
        "typed_name": new.typed_name, "signature_strokes": new.signature_strokes,
        "on_behalf_note": new.on_behalf_note, "os_user": new.os_user, "machine": new.machine,
        "app_version": new.app_version, "certificate_fingerprint": new.certificate_fingerprint,
        "person": {"full_name": member.full_name, "role": member.role, "staff_number": member.staff_number,
                   "start_date": member.start_date},
        "policy": {"title": policy.title, "label": policy.meta.version,
                   "effective": policy.meta.effective.isoformat()},
        "quiz": None if quiz is None else {"attempt_id": quiz.attempt_id, "mode": quiz.mode,
                                           "correct": quiz.correct, "total": quiz.total,
                                           "finished_at": quiz.finished_at},
    }


def signed_attestation(content: AttestationContent, key: SchoolSigningKey) -> bytes:
    """The attestation PDF, signed with the school's key (PAdES, as an incremental update)."""
    from holbrook_desktop.core.attestation.pdf import render_attestation
    from holbrook_desktop.core.attestation.pdf_signature import sign_pdf

    pdf = render_attestation(content)
    reason = (f"{content.full_name} acknowledges the {content.policy_title} ({content.version_label}); "
              f"record {content.record_id}")
    # A paper form is signed now, when it is entered: the key may not have existed on the form's date.
    return sign_pdf(pdf, key, signed_at=content.entered_at or content.acknowledged_at, reason=reason,
                    location=content.school)


# Checking an attestation -----------------------------------------------------------------------

@dataclass(frozen=True)
class CheckLine:
    name: str  # "signature", "school", "record"
    ok: bool
    message: str


@dataclass(frozen=True)
class AttestationCheck:
    lines: tuple[CheckLine, ...]
    record: AcknowledgementRecord | None = None

    @property
    def ok(self) -> bool:
        return all(line.ok for line in self.lines)

    @property
    def problems(self) -> list[str]:
        return [line.message for line in self.lines if not line.ok]

    def as_dict(self) -> dict:
        return {"ok": self.ok, "record_id": self.record.id if self.record else None,
                "checks": [{"check": c.name, "ok": c.ok, "message": c.message} for c in self.lines]}


def verify_attestation(pdf: bytes, *, store: Store | None, key: SchoolSigningKey,
                       school: SchoolRoot | None = None) -> AttestationCheck:
    """Four checks, each reported: the signature is intact and covers the whole file; it is this
    school's (current or an earlier key); the file is the one kept for a record in this database; and
    the audit anchor it carries is in this database's audit chain (by its first characters, said so,
    for a file made before the whole hash was embedded)."""
    from holbrook_desktop.core.attestation.pdf import read_attestation_metadata
    from holbrook_desktop.core.attestation.pdf_signature import verify_pdf_signature
    from holbrook_desktop.core.attestation.signing_key import short_fingerprint

    certificates = key.certificates()
    school_der = school.certificate_der() if school is not None else None
    earlier = school.earlier_certificates() if school is not None else {}
    result = verify_pdf_signature(pdf, [c.der for c in certificates] + [e[0] for e in earlier.values()],
                                  school_certificates=[school_der] if school_der else [])
    own = {c.fingerprint for c in certificates}
    lines: list[CheckLine] = []
    integrity = [p for p in result.problems if result.trusted or "not this school" not in p]
    if result.intact and result.covers_whole_file and not integrity:
        lines.append(CheckLine("signature", True, "the signature is valid and covers the whole file: "
                                                  "nothing has changed since it was signed"))
    else:
        lines.append(CheckLine("signature", False, "; ".join(integrity) or
                               "the signature does not cover the file as it is now"))
    if result.issued_by_school and school is not None:
        lines.append(_school_line(result, school))
    elif school is not None and result.trusted and result.signer_fingerprint in set(earlier) - own:
        lines.append(_earlier_line(result, school, *earlier[result.signer_fingerprint][1:]))
    elif not certificates:
        lines.append(CheckLine("school", False, "this installation has no school certificate to check "
                                                "against (no signing key has been set up)"))
    else:
        certificate = f"certificate {short_fingerprint(result.signer_fingerprint or '?')}"
        if result.trusted:
            lines.append(CheckLine("school", True,
                                   f"signed with this school's key ({result.signer_subject}, {certificate})"))
        else:
            who = f" ({certificate})" if result.signer_fingerprint else ""
            lines.append(CheckLine("school", False, f"not signed with this school's key{who}"))
    record = None
    metadata = read_attestation_metadata(pdf)
    if store is None:
        lines.append(CheckLine("record", False, "no records database is open to match it against"))
    elif not metadata or not isinstance(metadata.get("record_id"), int):
        lines.append(CheckLine("record", False, "the file does not say which record it belongs to"))
    else:
        elsewhere = store.acknowledgements.made_elsewhere_with_pdf(hashlib.sha256(pdf).hexdigest())
        if elsewhere is not None:
            record = elsewhere
            lines.extend(_made_elsewhere_lines(store, metadata, record))
            return AttestationCheck(tuple(lines), record)
        other_pc = _another_pc(result, school, own, earlier)
        if other_pc is not None:  # its number is that PC's: matching it to a record here would mislead
            number = metadata["record_id"]
            lines.append(CheckLine("record", False, f"made on {other_pc} as its record {number}, which has "
                                                    "not reached this PC through the sync folder (yet): "
                                                    "sync, then check again"))
            lines.append(CheckLine("anchor", False, f"its audit anchor is in the audit log of {other_pc}: "
                                                    "check it there with 'holbrook audit verify'"))
            return AttestationCheck(tuple(lines), None)
        record = store.acknowledgements.get(metadata["record_id"])
        lines.append(_record_line(pdf, metadata, record))
    if store is not None:
        lines.append(_anchor_line(store, pdf, record))
    return AttestationCheck(tuple(lines), record)


def _another_pc(result: SignatureCheck, school: SchoolRoot | None, own: set[str],
                earlier: dict[str, tuple[bytes, str, bytes]]) -> str | None:
    """"PC 'Staff room'" when the file was signed by another PC of the school, else None."""
    from cryptography import x509

    from holbrook_desktop.core.attestation.school_root import pc_name_of

    fingerprint = result.signer_fingerprint
    if school is None or not result.trusted or fingerprint is None or fingerprint in own:
        return None
    if fingerprint in earlier:
        return f"PC {earlier[fingerprint][1]!r}"
    if result.issued_by_school and result.signer_der:
        return f"PC {pc_name_of(x509.load_der_x509_certificate(result.signer_der)) or '?'!r}"
    return None


def _made_elsewhere_lines(store: Store, metadata: dict, record: AcknowledgementRecord) -> list[CheckLine]:
    """A record another PC of the school made and this one has from the sync folder: the file is the one
    kept for it (its hash was checked as it arrived, in a bundle that PC signed), and its audit anchor is
    in that PC's audit log, not in this one's."""
    from holbrook_desktop.core.records.events import acknowledgement_label, made_on

    label = acknowledgement_label(store, record.id)
    pc = f"PC {made_on(store, record.id) or '?'!r}"
    return [CheckLine("record", True, f"matches record {label}: {metadata.get('full_name')}, "
                                      f"{record.version_label}, acknowledged {record.acknowledged_at} (UTC); "
                                      f"made on {pc} and received through the sync folder"),
            CheckLine("anchor", True, f"its audit anchor is in the audit log of {pc}, where it was made "
                                      "(check it there with 'holbrook audit verify'); this PC has the record "
                                      "from that PC's signed bundle")]


def _school_line(result: SignatureCheck, school: SchoolRoot) -> CheckLine:
    """A PC certificate the school's certificate issued: which PC, and whether the school has revoked
    it. A signature made before the revocation still counts (the PC was the school's then); one made
    on or after it does not."""
    from cryptography import x509

    from holbrook_desktop.core.attestation.school_root import pc_name_of
    from holbrook_desktop.core.attestation.signing_key import short_fingerprint

    signer = x509.load_der_x509_certificate(result.signer_der or b"")
    pc = pc_name_of(signer)
    who = f"PC {pc!r}" if pc else (result.signer_subject or "a PC")
    certificate = f"certificate {short_fingerprint(result.signer_fingerprint or '?')}"
    vouched = (f"signed by {who} of {school.school_name()} ({certificate}, issued by the school's "
               f"certificate {short_fingerprint(result.issued_by_school or '?')})")
    revoked = school.revocation_of(result.signer_der or b"")
    if revoked is None:
        return CheckLine("school", True, vouched)
    if result.signed_at is not None and result.signed_at < revoked.revoked_at:
        return CheckLine("school", True, f"{vouched}; the school revoked that certificate later, on "
                                         f"{for_people(revoked.revoked_at)}, after this was signed")
    return CheckLine("school", False, f"{vouched}, but the school revoked that certificate on "
                                      f"{for_people(revoked.revoked_at)} ({revoked.reason_in_words}): "
                                      "a signature made since is not the school's")


def _earlier_line(result: SignatureCheck, school: SchoolRoot, pc_name: str, vouched_by: bytes) -> CheckLine:
    """A certificate a PC of the school signed with before it joined, vouched for by that PC in the sync
    folder with its school-issued certificate: the school's while that certificate stands."""
    from holbrook_desktop.core.attestation.signing_key import short_fingerprint

    said = (f"signed by PC {pc_name!r} of {school.school_name()} before it joined the school's identity (its "
            f"earlier certificate {short_fingerprint(result.signer_fingerprint or '?')}, vouched for by its "
            "certificate from the school)")
    revoked = school.revocation_of(vouched_by)
    if revoked is not None and (result.signed_at is None or result.signed_at >= revoked.revoked_at):
        return CheckLine("school", False, f"{said}, but the school revoked that PC's certificate on "
                                          f"{for_people(revoked.revoked_at)}: a signature made since is not "
                                          "the school's")
    return CheckLine("school", True, said)


def _anchor_line(store: Store, pdf: bytes, record: AcknowledgementRecord | None) -> CheckLine:
    """The anchor the signed file carries, found in this database's audit chain: the log held this
    record's history when the file was signed, and still holds it. A record recovered from this very
    file after a restore carries an anchor of the chain the restore rolled back: its recovery's audit
    row stands for it."""
    from holbrook_desktop.core.attestation.evidence import RECOVERED_NOTE, find_anchor, recovered_records
    from holbrook_desktop.core.attestation.pdf import read_audit_anchor

    found = find_anchor(store, read_audit_anchor(pdf))
    if not found.ok and record is not None and hashlib.sha256(pdf).hexdigest() == record.pdf_sha256 and \
            recovered_records(store).get(record.id) == (record.pdf_file, record.pdf_sha256):
        return CheckLine("anchor", True, RECOVERED_NOTE)
    return CheckLine("anchor", found.ok, found.message)


def _record_line(pdf: bytes, metadata: dict, record: AcknowledgementRecord | None) -> CheckLine:
    number = metadata["record_id"]
    if record is None:
        return CheckLine("record", False, f"no matching record: record {number} is not in this database")
    differences = [label for label, ours, theirs in (
        ("person", record.staff_id, metadata.get("staff_id")),
        ("policy version", record.policy_sha256, metadata.get("policy_sha256")),
        ("time", record.acknowledged_at, metadata.get("acknowledged_at")),
    ) if ours != theirs]
    if differences:
        return CheckLine("record", False, f"no matching record: record {number} in this database has a "
                                          f"different {', '.join(differences)}")
    if hashlib.sha256(pdf).hexdigest() != record.pdf_sha256:
        return CheckLine("record", False, f"record {number} matches, but the PDF kept for it is a different "
                                          "file")
    return CheckLine("record", True, f"matches record {number}: {metadata.get('full_name')}, "
                                     f"{record.version_label}, acknowledged {record.acknowledged_at} (UTC)")

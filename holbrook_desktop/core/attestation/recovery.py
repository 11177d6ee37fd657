"""Acknowledgements recovered from their signed PDFs: after the records are restored from an older
backup, the PDFs of acknowledgements made since are still in attestations/, each carrying its record."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from holbrook_desktop.core.attestation.school_root import SchoolRoot
    from holbrook_desktop.core.attestation.signing_key import SchoolSigningKey
    from holbrook_desktop.core.records import Store

from holbrook_desktop.core.records.errors import NotRecovered

log = logging.getLogger(__name__)

# The columns a recovered record takes from the PDF's embedded record ("record" in schema 2).
_FROM_WHOLE = ("declaration_text", "declaration_sha256", "typed_name", "signature_strokes", "on_behalf_note",
               "os_user", "machine", "app_version", "certificate_fingerprint")


@dataclass(frozen=True)
class RecoveredPdf:
    pdf_file: str
    record_id: int
    full_name: str
    acknowledged_at: str


@dataclass(frozen=True)
class RefusedPdf:
    pdf_file: str
    reason: str


@dataclass
class RecoveryReport:
    recovered: list[RecoveredPdf] = field(default_factory=list)
    refused: list[RefusedPdf] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok,
                "recovered": [{"pdf_file": r.pdf_file, "record_id": r.record_id, "full_name": r.full_name,
                               "acknowledged_at": r.acknowledged_at} for r in self.recovered],
                "refused": [{"pdf_file": r.pdf_file, "reason": r.reason} for r in self.refused]}


def unrecorded_pdfs(store: Store) -> list[Path]:
    """The signed PDFs in attestations/ that no record names (no pyHanko: cheap enough for start-up)."""
    return store.acknowledgements.unrecorded_pdfs()


def recover_acknowledgements(store: Store, key: SchoolSigningKey, school: SchoolRoot | None = None
                             ) -> RecoveryReport:
    """Each signed PDF no record names, checked (the school's signature, current or retired key,
    intact and covering the whole file; the whole record embedded) and put back on record as it was
    (records/recovered.py); one that fails a check is refused, named, and left where it is."""
    report = RecoveryReport()
    pdfs = unrecorded_pdfs(store)
    if not pdfs:
        return report
    certificates = [c.der for c in key.certificates()]
    if school is not None:
        certificates += [der for der, _pc, _by in school.earlier_certificates().values()]
    school_der = school.certificate_der() if school is not None else None
    for path in pdfs:
        relative = f"{path.parent.name}/{path.name}"
        try:
            recovered = _recover_one(store, path, relative, certificates, [school_der] if school_der else [])
        except NotRecovered as exc:
            report.refused.append(RefusedPdf(relative, str(exc)))
            log.warning("signed PDF %s not recovered: %s", relative, exc)
            continue
        report.recovered.append(recovered)
    return report


def _recover_one(store: Store, path: Path, relative: str, certificates: list[bytes],
                 school_certificates: list[bytes]) -> RecoveredPdf:
    from holbrook_desktop.core.attestation.pdf import METADATA_SCHEMA_WHOLE, read_attestation_metadata
    from holbrook_desktop.core.attestation.pdf_signature import verify_pdf_signature
    from holbrook_desktop.core.attestation.signature import Signature
    from holbrook_desktop.core.records.recovered import RecoveredAcknowledgement, recover

    try:
        pdf = path.read_bytes()
    except OSError as exc:
        raise NotRecovered(f"it cannot be read ({exc.strerror or exc})") from exc
    if not certificates:
        raise NotRecovered("there is no school certificate to check its signature against")
    check = verify_pdf_signature(pdf, certificates, school_certificates=school_certificates)
    if not (check.intact and check.covers_whole_file):
        why = "; ".join(check.problems) or "the file was changed after it was signed"
        raise NotRecovered(f"its signature is not valid: {why}; not imported")
    if not check.trusted:
        raise NotRecovered("it is not signed with this school's key (current or retired); not imported")
    metadata = read_attestation_metadata(pdf)
    whole = metadata.get("record") if metadata else None
    if not metadata or metadata.get("schema") != METADATA_SCHEMA_WHOLE or not isinstance(whole, dict):
        raise NotRecovered("it was made by an earlier version of the app, which did not embed the whole "
                           "record in the PDF: it is kept; file it by hand")
    try:
        strokes = whole["signature_strokes"]
        record = {
            "id": metadata["record_id"], "staff_id": metadata["staff_id"], "policy_id": metadata["policy_id"],
            "policy_sha256": metadata["policy_sha256"], "version_label": metadata["version_label"],
            "method": metadata["method"], "acknowledged_at": metadata["acknowledged_at"],
            "audit_anchor": metadata["audit_anchor"], **{name: whole[name] for name in _FROM_WHOLE},
            "signature_png": Signature.from_json(strokes).to_png() if strokes else None,
            "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
        }
        recovered = RecoveredAcknowledgement(record, whole["quiz"], dict(whole["person"]),
                                             dict(whole["policy"]), relative)
    except (KeyError, TypeError, ValueError) as exc:
        raise NotRecovered(f"the record it carries is incomplete ({exc})") from exc
    saved = recover(store, recovered)
    return RecoveredPdf(relative, saved.id, recovered.person.get("full_name", ""), saved.acknowledged_at)

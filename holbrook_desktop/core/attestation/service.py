"""`app.attestation`: acknowledging a policy, the signed PDF, checking one, the school's signing key."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementOffer, PassedQuiz
    from holbrook_desktop.core.attestation.document import AttestationCheck
    from holbrook_desktop.core.attestation.export import AttestationExportPlan, AttestationExportResult
    from holbrook_desktop.core.attestation.recovery import RecoveryReport
    from holbrook_desktop.core.attestation.signature import Signature
    from holbrook_desktop.core.attestation.signing_key import SchoolCertificate, SchoolSigningKey
    from holbrook_desktop.core.content.handbook import Policy
    from holbrook_desktop.core.records import StaffMember
    from holbrook_desktop.core.records.acknowledgements import AcknowledgementRecord


def _check_lengths(member: StaffMember, *, typed_name: str | None, note: str | None = None) -> None:
    """What is typed, and the name on record that the PDF prints, within core/limits.py's limits:
    checked before the write lock is taken, so that no PDF is ever laid out around a name of pages."""
    from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementRefused
    from holbrook_desktop.core.limits import TextTooLong, check_length

    try:
        check_length("typed_name", " ".join(typed_name.split()) if typed_name else None)
        check_length("on_behalf_note", " ".join(note.split()) if note else None)
    except TextTooLong as exc:
        raise AcknowledgementRefused(str(exc), "name" if exc.field == "typed_name" else "note") from exc
    try:
        check_length("full_name", member.full_name)
    except TextTooLong as exc:  # written before the limits, or by hand: the office must shorten it
        raise AcknowledgementRefused(f"The name on this person's record is too long to print: {exc} Ask "
                                     "the office to shorten it.", None) from exc


def paper_time(day: date) -> str:
    """The stored time of a paper form dated `day`: noon at the school, in UTC as the store writes."""
    return datetime.combine(day, time(12)).astimezone(UTC).isoformat(timespec="microseconds")


class AttestationService:
    def __init__(self, app: App) -> None:
        self._app = app

    def declaration_text(self, policy_id: str) -> str:
        return self._declaration_for(self._app.content.require_policy(policy_id))

    def _declaration_for(self, policy: Policy) -> str:
        from holbrook_desktop.core.content.declaration import read_declaration

        declaration = self._app.content.declarations.get(policy.id) or read_declaration(policy)
        # The school named in the set-up, as in the attestation's header: one school on one page.
        return declaration.text_for(policy, self._app.admin.school_profile().name)

    def _latest_pass(self, staff_id: int, policy: Policy) -> PassedQuiz | None:
        from holbrook_desktop.core.attestation.acknowledgement import PassedQuiz

        counted = {policy.sha256}
        if policy.sha256 == self._app.content.require_policy(policy.id).sha256:
            counted |= self._app.admin.counted_versions(policy.id)  # a minor change's pass counts
        for attempt in self._app.require_records().quiz_attempts.history(staff_id, policy.id):
            if attempt.status == "finished" and attempt.passed and attempt.policy_sha256 in counted:
                return PassedQuiz(attempt.id, attempt.mode, attempt.correct or 0, attempt.total,
                                  attempt.finished_at or "")
        return None

    def offer(self, policy_id: str) -> AcknowledgementOffer:
        """For the person signed in: what they would declare, and whether they may yet."""
        return self._offer(self._app.require_session().member, self._app.content.require_policy(policy_id),
                           reading_complete=self._app.reading.complete(policy_id))

    def _offer(self, member: StaffMember, policy: Policy, *, reading_complete: bool) -> AcknowledgementOffer:
        from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementOffer

        quiz = self._latest_pass(member.id, policy)
        already = None
        if quiz is not None:
            used = [a for a in self._app.require_records().acknowledgements.for_person(member.id, policy.id)
                    if a.quiz_attempt_id == quiz.attempt_id]
            already = used[0].acknowledged_at if used else None
        return AcknowledgementOffer(
            policy.id, policy.title, self._app.admin.school_profile().name, policy.meta.version,
            policy.meta.effective, policy.sha256, self._declaration_for(policy), reading_complete, quiz,
            already)

    def acknowledge(self, policy_id: str, *, typed_name: str, declared: bool,
                    signature: Signature | None) -> AcknowledgementRecord:
        """The signed-in person declares they have read and understood this version: recorded, with
        its signed attestation PDF, or AcknowledgementRefused saying what to put right."""
        from holbrook_desktop.core.attestation.acknowledgement import check_declaration, method_for

        offer = self.offer(policy_id)
        member = self._app.require_session().member
        _check_lengths(member, typed_name=typed_name)
        check_declaration(offer, full_name=member.full_name, typed_name=typed_name, declared=declared,
                          signature=signature)
        return self._record(member, self._app.content.require_policy(policy_id), offer, method_for(signature),
                            typed_name, signature, note=None)

    def acknowledge_on_behalf(self, staff_id: int, policy_id: str, *, note: str,
                              typed_name: str | None = None, on: date | None = None,
                              version_sha256: str | None = None) -> AcknowledgementRecord:
        """An administrator records someone's acknowledgement (a volunteer who signed on paper, for
        example). The note saying why is required; the record and the PDF say who did it.
        `on`: the date of a paper form signed earlier: the record carries that date (the audit row
        says when it was entered, and by whom). `version_sha256`: the version the form covered (one on
        record), when not the current one."""
        from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementRefused

        if not note or not note.strip():
            raise AcknowledgementRefused("Say why the acknowledgement is recorded on this person's behalf.")
        policy = self._app.content.require_policy(policy_id)
        member = self._app.require_records().staff.get(staff_id)
        if member is None:
            from holbrook_desktop.core.errors import UnknownStaff

            raise UnknownStaff(staff_id)
        _check_lengths(member, typed_name=typed_name, note=note)
        acknowledged_at = None
        if on is not None:
            from holbrook_desktop.core.dates import for_people

            if on > self._app.today():
                raise AcknowledgementRefused(f"{for_people(on)} is in the future: give the date on the form.")
            if on < date.fromisoformat(member.start_date):
                raise AcknowledgementRefused(
                    f"{for_people(on)} is before {member.full_name} started "
                    f"({for_people(date.fromisoformat(member.start_date))}).")
            if on < self._app.today():
                acknowledged_at = paper_time(on)
        if version_sha256 is not None and version_sha256 != policy.sha256:
            policy = self._version_on_record(policy, version_sha256)
        # Signed on paper: the reading and quiz rules are the administrator's to vouch for (the note).
        offer = self._offer(member, policy, reading_complete=True)
        return self._record(member, policy, offer, "on-behalf", typed_name or member.full_name, None,
                            note=" ".join(note.split()), acknowledged_at=acknowledged_at)

    def _version_on_record(self, policy: Policy, sha256: str) -> Policy:
        """The policy as it stood in an earlier version (its label, title, date and hash, from the
        versions on record), for a paper form that covered that version."""
        from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementRefused

        for version in self._app.require_records().policy_versions.history(policy.id):
            if version["sha256"] == sha256:
                meta = replace(policy.meta, version=version["label"], title=version["title"] or policy.title,
                               effective=date.fromisoformat(version["effective"]))
                return replace(policy, meta=meta, sha256=sha256)
        raise AcknowledgementRefused(f"No version {sha256[:12]}… of {policy.title} is on record.")

    def _record(self, member: StaffMember, policy: Policy, offer: AcknowledgementOffer, method: str,
                typed_name: str, signature: Signature | None, *, note: str | None,
                acknowledged_at: str | None = None) -> AcknowledgementRecord:
        from holbrook_desktop.core.attestation.document import (
            APP_VERSION,
            attestation_content,
            signed_attestation,
        )
        from holbrook_desktop.core.content.declaration import declaration_sha256
        from holbrook_desktop.core.identity import machine_name
        from holbrook_desktop.core.records.acknowledgements import NewAcknowledgement

        records = self._app.require_records()
        if policy.sha256 == self._app.content.require_policy(policy.id).sha256:
            records.policy_versions.record_seen(policy)
        key = self.signing_key()
        certificate = key.current() or self._first_signing_key()
        new = NewAcknowledgement(
            staff_id=member.id, policy_id=policy.id, policy_sha256=policy.sha256,
            version_label=policy.meta.version, quiz_attempt_id=offer.quiz.attempt_id if offer.quiz else None,
            declaration_text=offer.declaration, declaration_sha256=declaration_sha256(offer.declaration),
            typed_name=" ".join(typed_name.split()), method=method,
            signature_png=signature.to_png() if signature else None,
            signature_strokes=signature.to_json() if signature else None, on_behalf_note=note,
            os_user=records.actor.os_user, machine=machine_name(), app_version=APP_VERSION,
            certificate_fingerprint=certificate.fingerprint)
        quiz = offer.quiz
        profile = self._app.admin.school_profile()

        def make_pdf(stamp) -> bytes:
            content = attestation_content(stamp, new, policy=policy, member=member, quiz=quiz,
                                          signature=signature)
            # The school as the administrator named it, with its own logo (see school_profile), and
            # the PC that signs when the school's certificate issued its key.
            content = replace(content, school=profile.name, logo=profile.logo_path,
                              signing_pc=_pc_named_in(certificate.der))
            return signed_attestation(content, key)

        return records.acknowledgements.record(new, make_pdf, acknowledged_at=acknowledged_at)

    def last_acknowledgement(self, policy_id: str) -> AcknowledgementRecord | None:
        """The signed-in person's latest acknowledgement of the current version of this policy (or
        of one the administrator marked the same text: a minor change)."""
        app = self._app
        policy = app.content.policy(policy_id)
        if app.records is None or app.signed_in is None or policy is None:
            return None
        counted = app.admin.counted_versions(policy_id)
        for record in app.records.acknowledgements.for_person(app.signed_in.id, policy_id):
            if record.policy_sha256 in counted:
                return record
        return None

    def pdf(self, record: AcknowledgementRecord) -> bytes:
        return self._app.require_records().acknowledgements.pdf_bytes(record)

    def verify(self, pdf: bytes) -> AttestationCheck:
        from holbrook_desktop.core.attestation.document import verify_attestation
        from holbrook_desktop.core.attestation.school_root import SchoolRoot

        records = self._app.records
        school = SchoolRoot(records.data_dir) if records is not None else None
        return verify_attestation(pdf, store=records, key=self.signing_key(), school=school)

    # After a restore from an older backup ----------------------------------------------------

    def unrecorded_pdfs(self) -> list[Path]:
        """Signed PDFs in the data folder that no record names (quick: no signature is checked)."""
        from holbrook_desktop.core.attestation.recovery import unrecorded_pdfs

        return unrecorded_pdfs(self._app.require_records())

    def recover(self) -> RecoveryReport:
        """Each signed PDF that no record names (acknowledgements a restore from an older backup took
        away), checked against the school's keys and put back on record as it was, with an audit row;
        a PDF that fails a check is refused and named, never imported (see core/attestation/recovery)."""
        from holbrook_desktop.core.attestation.recovery import recover_acknowledgements
        from holbrook_desktop.core.attestation.school_root import SchoolRoot

        records = self._app.require_records()
        return recover_acknowledgements(records, self.signing_key(), SchoolRoot(records.data_dir))

    # The school's signing key ----------------------------------------------------------------

    def signing_key(self) -> SchoolSigningKey:
        from holbrook_desktop.core.attestation.signing_key import SchoolSigningKey

        return SchoolSigningKey(self._app.require_records().data_dir)

    def create_signing_key(self, school: str | None = None, *, now: datetime | None = None
                           ) -> SchoolCertificate:
        """A new self-signed key for the school (the first one, or replacing the current one; the old
        certificate is kept so earlier attestations still verify). In place with its audit row, or
        not at all (SigningKeyError saying which): see SchoolSigningKey._install."""
        school = school or self._app.admin.school_profile().name
        return self.signing_key().create(school, now=now, record=self._audited("signing.key-created"))

    def _first_signing_key(self) -> SchoolCertificate:
        """Made on the school's first acknowledgement; if another window or PC is making it at the
        same moment, theirs is used (one key, one audit row)."""
        certificate, _made = self.signing_key().create_first(
            self._app.admin.school_profile().name, record=self._audited("signing.key-created"))
        return certificate

    def import_signing_key(self, p12: Path, password: str | None) -> SchoolCertificate:
        """As `create_signing_key`, with the key from a PKCS#12 file."""
        return self.signing_key().import_pkcs12(p12, password,
                                                record=self._audited("signing.key-imported", file=str(p12)))

    def _audited(self, action: str, **extra: str):
        """The audit row of a key change, as a transaction the key is swapped inside (see Recorder)."""
        records = self._app.require_records()

        @contextlib.contextmanager
        def record(certificate: SchoolCertificate) -> Iterator[None]:
            with records.change(action) as change:
                change.details = {"fingerprint": certificate.fingerprint, "subject": certificate.subject,
                                  "not_after": certificate.not_after.isoformat(), **extra}
                yield

        return record

    # HR's copy for filing --------------------------------------------------------------------

    def export(self, folder: Path, *, since: date | None = None,
               progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> AttestationExportResult:
        """Every signed PDF (or those since a day) copied into `folder` under names HR can file."""
        from holbrook_desktop.core.attestation.export import export_attestations

        return export_attestations(self._app.require_records(), folder, since=since, progress=progress,
                                   cancelled=cancelled)

    def plan_export(self, *, since: date | None = None) -> AttestationExportPlan:
        """What to copy, read on the thread that opened the records; the copying may run on another."""
        from holbrook_desktop.core.attestation.export import plan_attestation_export

        return plan_attestation_export(self._app.require_records(), since=since)


def _pc_named_in(certificate_der: bytes) -> str | None:
    from cryptography import x509

    from holbrook_desktop.core.attestation.school_root import pc_name_of

    return pc_name_of(x509.load_der_x509_certificate(certificate_der))

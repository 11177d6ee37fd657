"""The façade the window and the command line both call: content, pages, search, reading progress."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from holbrook_desktop.core.content.diagnostics import Diagnostic, has_errors
from holbrook_desktop.core.content.folder import load_content
from holbrook_desktop.core.content.handbook import Handbook, Policy, Section
from holbrook_desktop.core.content.render import Location, PolicyRenderer, location_of, parse_href
from holbrook_desktop.core.dates import has_left
from holbrook_desktop.core.errors import NotSignedIn, RecordsNotOpen, UnknownPolicy, UnknownStaff
from holbrook_desktop.core.reading.progress import (
    InMemoryProgressStore,
    ProgressStore,
    ReadingTracker,
    SectionKey,
    minimum_reading_seconds,
)

if TYPE_CHECKING:
    from holbrook_desktop.core.admin.password import AdminPassword
    from holbrook_desktop.core.admin.school_profile import SchoolProfile
    from holbrook_desktop.core.admin.version_changes import VersionChanges
    from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementOffer, PassedQuiz
    from holbrook_desktop.core.attestation.document import AttestationCheck
    from holbrook_desktop.core.attestation.export import AttestationExportPlan, AttestationExportResult
    from holbrook_desktop.core.attestation.signature import Signature
    from holbrook_desktop.core.attestation.signing_key import SchoolCertificate, SchoolSigningKey
    from holbrook_desktop.core.content.install import ContentCheck
    from holbrook_desktop.core.content.search import SearchHit, SearchIndex
    from holbrook_desktop.core.hr.due import DueRules, PersonStatus
    from holbrook_desktop.core.hr.exports import AcknowledgementRow
    from holbrook_desktop.core.hr.reminders import ReminderList
    from holbrook_desktop.core.hr.retention import RetentionPlan, RetentionResult
    from holbrook_desktop.core.hr.staff_import import StaffImportPlan, StaffImportResult
    from holbrook_desktop.core.quiz.bank import QuizBank
    from holbrook_desktop.core.quiz.session import QuizSession
    from holbrook_desktop.core.records import NewStaffMember, StaffMember, Store
    from holbrook_desktop.core.records.acknowledgements import AcknowledgementRecord


@dataclass(frozen=True)
class QuizOutcome:
    mode: str
    correct: int
    total: int
    passed: bool
    finished_at: str  # UTC, ISO 8601


@dataclass(frozen=True)
class ReadingEstimate:
    """What a person is about to do: minutes of reading, from the words, and the quiz's length."""

    minutes: int
    words: int
    sections: int
    quiz_questions: int  # asked in an induction quiz


# A careful first read of a policy, not the quick pass the reading tracker accepts as a minimum
# (reading_progress.SECONDS_PER_WORD is 500 words a minute).
ESTIMATE_WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class ProgressSummary:
    read: int
    total: int
    read_sections: frozenset[str]


class HandbookService:
    def __init__(
        self,
        content_dir: Path,
        *,
        progress_store: ProgressStore | None = None,
        clock: Callable[[], float] = time.monotonic,
        seconds_for: Callable[[int], float] = minimum_reading_seconds,
        records: Store | None = None,
    ) -> None:
        self.records = records
        self.signed_in: StaffMember | None = None
        self._renderer = PolicyRenderer()
        self._progress_store = progress_store or InMemoryProgressStore()
        self._tracker = ReadingTracker(self._progress_store, clock, seconds_for)
        self._read_content(content_dir)

    def _read_content(self, content_dir: Path) -> None:
        # Quiz banks and the search index are made on first use: the window can appear without them.
        loaded = load_content(content_dir, quizzes=False)
        self.content_dir = content_dir
        self.handbook: Handbook = loaded.handbook
        self.diagnostics: tuple[Diagnostic, ...] = loaded.diagnostics
        self._declarations = loaded.declarations
        self._quizzes: dict[str, QuizBank] | None = None
        self._index: SearchIndex | None = None

    # Content -----------------------------------------------------------------------------

    @property
    def policies(self) -> tuple[Policy, ...]:
        return self.handbook.policies

    @property
    def content_ok(self) -> bool:
        return not has_errors(list(self.diagnostics))

    def policy(self, policy_id: str) -> Policy | None:
        return self.handbook.policy(policy_id)

    def section_at(self, location: Location) -> tuple[Policy, Section] | None:
        policy = self.handbook.policy(location.policy_id)
        section = policy.section(location.section_number) if policy else None
        return (policy, section) if policy and section else None

    def first_location(self) -> Location | None:
        for policy in self.policies:
            for section in policy.all_sections():
                return Location(policy.id, section.number)
        return None

    def locate(self, target: str) -> Location | None:
        """A link (holbrook:…), a clause id (social-media/5.6) or a section id → where to show it."""
        location = parse_href(target)
        if location is not None:
            return location if self.section_at(location) else None
        policy_id, _, number = target.partition("/")
        policy = self.handbook.policy(policy_id)
        return location_of(policy, number) if policy else None

    def section_page(self, location: Location) -> str | None:
        found = self.section_at(location)
        return self._renderer.section_page(*found) if found else None

    def policy_document(self, policy_id: str) -> str:
        policy = self.handbook.policy(policy_id)
        if policy is None:
            raise UnknownPolicy(policy_id)
        return self._renderer.policy_document(policy)

    def structure(self) -> dict[str, Any]:
        """The handbook as plain data, for `holbrook content show --json`."""
        return {
            "content_dir": str(self.content_dir),
            "policies": [
                {
                    "id": p.id,
                    "title": p.title,
                    "school": p.meta.school,
                    "version": p.meta.version,
                    "effective": p.meta.effective.isoformat(),
                    "review": p.meta.review.isoformat(),
                    "owner": p.meta.owner,
                    "sha256": p.sha256,
                    "file": str(p.path),
                    "sections": [
                        {
                            "id": s.id,
                            "number": s.number,
                            "title": s.title,
                            "parent": s.parent_number,
                            "clauses": [
                                {"id": c.id, "number": c.number, "text": c.plain_text}
                                for c in s.clauses
                            ],
                        }
                        for s in p.all_sections()
                    ],
                }
                for p in self.policies
            ],
        }

    # Staff on a shared PC ----------------------------------------------------------------

    def staff_list(self) -> list[StaffMember]:
        return self._records().staff.list()

    def add_staff(self, new: NewStaffMember) -> StaffMember:
        return self._records().staff.add(new)

    def sign_in(self, staff_id: int) -> StaffMember:
        """From now on, reading progress is this person's, read from and written to the records."""
        records = self._records()
        member = records.staff.get(staff_id)
        if member is None or not member.active or has_left(member.leaving_date, date.today()):
            raise UnknownStaff(staff_id)  # a leaver whose last day has passed signs in no more
        records.acting_as(staff_id)
        for policy in self.policies:  # so that every progress row names a version on record
            records.policy_versions.record_seen(policy)
        self.signed_in = member
        self._tracker.use_store(records.progress_for(staff_id))
        return member

    def sign_out(self) -> None:
        """Always signs out, even if the records cannot be written: nothing done afterwards may be
        recorded in the last person's name. A write failure is raised after signing out."""
        member = self.signed_in
        self.signed_in = None
        if self.records is not None:
            self.records.acting_as(None)
        self._progress_store = InMemoryProgressStore()
        self._tracker.use_store(self._progress_store)
        if self.records is not None and member is not None:
            # A quiz left part-way is kept, marked abandoned, never silently lost. Recorded as the
            # person's own act, though they are already signed out.
            self.records.acting_as(member.id)
            try:
                self.records.quiz_attempts.abandon_unfinished(member.id)
            finally:
                self.records.acting_as(None)

    def _records(self) -> Store:
        if self.records is None:
            raise RecordsNotOpen("The records are not open, so nothing can be looked up or recorded.")
        return self.records

    # Quizzes -----------------------------------------------------------------------------

    @property
    def quizzes(self) -> dict[str, QuizBank]:
        if self._quizzes is None:
            from holbrook_desktop.core.content.folder import load_quizzes

            self._quizzes, problems = load_quizzes(self.handbook)
            self.diagnostics = (*self.diagnostics, *problems)
        return self._quizzes

    def quiz_bank(self, policy_id: str) -> QuizBank | None:
        return self.quizzes.get(policy_id)

    def reading_complete(self, policy_id: str) -> bool:
        summary = self.progress(policy_id)
        return summary.total > 0 and summary.read == summary.total

    def last_quiz_outcome(self, policy_id: str) -> QuizOutcome | None:
        """The signed-in person's latest finished attempt on the current version of this policy."""
        policy = self.handbook.policy(policy_id)
        if self.records is None or self.signed_in is None or policy is None:
            return None
        for attempt in self.records.quiz_attempts.history(self.signed_in.id, policy_id):
            if attempt.status == "finished" and attempt.policy_sha256 == policy.sha256:
                return QuizOutcome(attempt.mode, attempt.correct or 0, attempt.total, bool(attempt.passed),
                                   attempt.finished_at or "")
        return None

    def start_quiz(self, policy_id: str, mode: str, seed: int | None = None) -> QuizSession:
        """A new attempt for the person signed in. Induction needs the whole policy read first."""
        import secrets

        from holbrook_desktop.core.quiz.engine import select_induction, select_refresher
        from holbrook_desktop.core.quiz.session import QuizNotReady, QuizSession

        records, member = self._records(), self.signed_in
        policy, bank = self.handbook.policy(policy_id), self.quizzes.get(policy_id)
        if member is None or policy is None or bank is None:
            raise QuizNotReady("Sign in, and choose a policy that has a quiz.")
        if mode == "induction" and not self.reading_complete(policy_id):
            raise QuizNotReady("Read every section of the policy first; then the quiz opens.")
        seed = secrets.randbits(31) if seed is None else seed
        history = records.quiz_attempts.history(member.id, policy_id)
        if mode == "induction":
            asked_before = {qid for a in history if a.mode == "induction" for qid in a.question_ids}
            presented = select_induction(
                bank, seed=seed, role=member.role, previously_asked=asked_before,
                section_of=lambda number: policy.clause(number).section_number)
        elif mode == "refresher":
            clauses_of = {q.id: q.clauses for q in bank.questions}
            # Favour what changed since the version they last acknowledged (or, before any
            # acknowledgement, the version they last passed).
            acknowledged = records.acknowledgements.for_person(member.id, policy_id)
            passed = [a for a in history if a.status == "finished" and a.passed]
            since = (acknowledged[0].policy_sha256 if acknowledged
                     else passed[0].policy_sha256 if passed else policy.sha256)
            changed = (records.policy_versions.changed_clauses(policy, since)
                       if since != policy.sha256 else set())
            last_refresher = next((a for a in history if a.mode == "refresher"), None)
            presented = select_refresher(
                bank, seed=seed, role=member.role, changed_clauses=changed,
                wrong_by_clause=records.quiz_attempts.wrong_by_clause(member.id, policy_id, clauses_of),
                last_set=last_refresher.question_ids if last_refresher else ())
        else:
            raise ValueError(f"unknown quiz mode {mode!r}")
        if not presented:
            raise QuizNotReady("There are no quiz questions for your role yet.")
        attempt_id = records.quiz_attempts.start(
            member.id, policy, mode, seed,
            [{"id": p.question.id, "option_order": list(p.option_order)} for p in presented])
        return QuizSession(records.quiz_attempts, attempt_id, mode, policy_id, presented,
                           bank.settings.pass_mark)

    # Acknowledgement and attestation -----------------------------------------------------

    def declaration_text(self, policy_id: str) -> str:
        from holbrook_desktop.core.content.declaration import read_declaration

        policy = self._policy(policy_id)
        declaration = self._declarations.get(policy_id) or read_declaration(policy)
        return declaration.text_for(policy)

    def _latest_pass(self, staff_id: int, policy: Policy) -> PassedQuiz | None:
        from holbrook_desktop.core.attestation.acknowledgement import PassedQuiz

        for attempt in self._records().quiz_attempts.history(staff_id, policy.id):
            if attempt.status == "finished" and attempt.passed and attempt.policy_sha256 == policy.sha256:
                return PassedQuiz(attempt.id, attempt.mode, attempt.correct or 0, attempt.total,
                                  attempt.finished_at or "")
        return None

    def acknowledgement_offer(self, policy_id: str) -> AcknowledgementOffer:
        """For the person signed in: what they would declare, and whether they may yet."""
        return self._offer(self._signed_in(), self._policy(policy_id),
                           reading_complete=self.reading_complete(policy_id))

    def _offer(self, member: StaffMember, policy: Policy, *, reading_complete: bool) -> AcknowledgementOffer:
        from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementOffer

        quiz = self._latest_pass(member.id, policy)
        already = None
        if quiz is not None:
            used = [a for a in self._records().acknowledgements.for_person(member.id, policy.id)
                    if a.quiz_attempt_id == quiz.attempt_id]
            already = used[0].acknowledged_at if used else None
        return AcknowledgementOffer(
            policy.id, policy.title, policy.meta.school, policy.meta.version, policy.meta.effective,
            policy.sha256, self.declaration_text(policy.id), reading_complete, quiz, already)

    def acknowledge(self, policy_id: str, *, typed_name: str, declared: bool,
                    signature: Signature | None) -> AcknowledgementRecord:
        """The signed-in person declares they have read and understood this version: recorded, with
        its signed attestation PDF, or AcknowledgementRefused saying what to put right."""
        from holbrook_desktop.core.attestation.acknowledgement import check_declaration, method_for

        offer = self.acknowledgement_offer(policy_id)
        member = self._signed_in()
        check_declaration(offer, full_name=member.full_name, typed_name=typed_name, declared=declared,
                          signature=signature)
        return self._record_acknowledgement(member, self._policy(policy_id), offer, method_for(signature),
                                            typed_name, signature, note=None)

    def acknowledge_on_behalf(self, staff_id: int, policy_id: str, *, note: str,
                              typed_name: str | None = None) -> AcknowledgementRecord:
        """An administrator records someone's acknowledgement (a volunteer who signed on paper, for
        example). The note saying why is required; the record and the PDF say who did it."""
        from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementRefused

        if not note or not note.strip():
            raise AcknowledgementRefused("Say why the acknowledgement is recorded on this person's behalf.")
        policy = self._policy(policy_id)
        member = self._records().staff.get(staff_id)
        if member is None:
            raise UnknownStaff(staff_id)
        # Signed on paper: the reading and quiz rules are the administrator's to vouch for (the note).
        offer = self._offer(member, policy, reading_complete=True)
        return self._record_acknowledgement(member, policy, offer, "on-behalf",
                                            typed_name or member.full_name, None, note=" ".join(note.split()))

    def _record_acknowledgement(self, member: StaffMember, policy: Policy, offer: AcknowledgementOffer,
                                method: str, typed_name: str, signature: Signature | None, *,
                                note: str | None) -> AcknowledgementRecord:
        from holbrook_desktop.core.attestation.document import (
            APP_VERSION,
            attestation_content,
            signed_attestation,
        )
        from holbrook_desktop.core.content.declaration import declaration_sha256
        from holbrook_desktop.core.identity import machine_name
        from holbrook_desktop.core.records.acknowledgements import NewAcknowledgement

        records = self._records()
        records.policy_versions.record_seen(policy)
        key = self.signing_key()
        certificate = key.current() or self.create_signing_key()
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
        profile = self.school_profile()

        def make_pdf(stamp) -> bytes:
            content = attestation_content(stamp, new, policy=policy, member=member, quiz=quiz,
                                          signature=signature)
            # The school as the administrator named it, with its own logo (see school_profile).
            content = replace(content, school=profile.name, logo=profile.logo_path)
            return signed_attestation(content, key)

        return records.acknowledgements.record(new, make_pdf)

    def last_acknowledgement(self, policy_id: str) -> AcknowledgementRecord | None:
        """The signed-in person's latest acknowledgement of the current version of this policy."""
        policy = self.handbook.policy(policy_id)
        if self.records is None or self.signed_in is None or policy is None:
            return None
        for record in self.records.acknowledgements.for_person(self.signed_in.id, policy_id):
            if record.policy_sha256 == policy.sha256:
                return record
        return None

    def attestation_pdf(self, record: AcknowledgementRecord) -> bytes:
        return self._records().acknowledgements.pdf_bytes(record)

    def verify_attestation(self, pdf: bytes) -> AttestationCheck:
        from holbrook_desktop.core.attestation.document import verify_attestation

        return verify_attestation(pdf, store=self.records, key=self.signing_key())

    def signing_key(self) -> SchoolSigningKey:
        from holbrook_desktop.core.attestation.signing_key import SchoolSigningKey

        return SchoolSigningKey(self._records().data_dir)

    def create_signing_key(self, school: str | None = None) -> SchoolCertificate:
        """A new self-signed key for the school (the first one, or replacing the current one; the old
        certificate is kept so earlier attestations still verify)."""
        school = school or self.school_profile().name
        certificate = self.signing_key().create(school)
        with self._records().change("signing.key-created") as change:
            change.details = {"fingerprint": certificate.fingerprint, "subject": certificate.subject,
                              "not_after": certificate.not_after.isoformat()}
        return certificate

    def import_signing_key(self, p12: Path, password: str | None) -> SchoolCertificate:
        certificate = self.signing_key().import_pkcs12(p12, password)
        with self._records().change("signing.key-imported") as change:
            change.details = {"fingerprint": certificate.fingerprint, "subject": certificate.subject,
                              "not_after": certificate.not_after.isoformat(), "file": str(p12)}
        return certificate

    # The school's name and logo, and what a person is about to do ----------------------------

    def school_profile(self) -> SchoolProfile:
        """The name and logo printed on attestations and reports; the policy's school and the
        shipped logo until the administrator chooses otherwise (also without records)."""
        from holbrook_desktop.core.admin.school_profile import (
            SchoolProfile,
            default_school_name,
            school_profile,
        )

        if self.records is None:
            from holbrook_desktop.core.admin.school_profile import LOGO_FILE
            from holbrook_desktop.core.paths import resource_path

            return SchoolProfile(default_school_name(self.policies), resource_path(LOGO_FILE), False)
        return school_profile(self.records.settings, self.records.data_dir, self.policies)

    def set_school_name(self, name: str) -> str:
        """Raises SchoolProfileRefused for an empty or overlong name; returns the name as stored."""
        from holbrook_desktop.core.admin.school_profile import set_school_name

        return set_school_name(self._records().settings, name)

    def set_school_logo(self, path: Path) -> SchoolProfile:
        """Raises SchoolProfileRefused, naming the file, for anything but a real PNG or JPEG picture."""
        from holbrook_desktop.core.admin.school_profile import set_school_logo

        set_school_logo(self._records(), Path(path))
        return self.school_profile()

    def use_default_school_logo(self) -> SchoolProfile:
        from holbrook_desktop.core.admin.school_profile import use_default_school_logo

        use_default_school_logo(self._records())
        return self.school_profile()

    def reading_estimate(self, policy_id: str | None = None, *, role: str | None = None) -> ReadingEstimate:
        """How long reading takes (from the words shown, rounded up to whole minutes) and how many
        questions the induction quiz asks; for every policy when `policy_id` is None."""
        from holbrook_desktop.core.quiz.engine import induction_length

        policies = [self._policy(policy_id)] if policy_id else list(self.policies)
        words = sections = questions = 0
        for policy in policies:
            reading = policy.reading_sections()
            sections += len(reading)
            words += sum(section.word_count for section in reading)
            bank = self.quizzes.get(policy.id)
            if bank is not None:
                questions += induction_length(bank, role)
        minutes = -(-words // ESTIMATE_WORDS_PER_MINUTE)  # rounded up: "about 16 minutes", never 0
        return ReadingEstimate(minutes, words, sections, questions)

    # Who is due, and HR's export ------------------------------------------------------------

    def statuses(self, policy_id: str | None = None, *, today: date | None = None,
                 include_leavers: bool = True) -> list[PersonStatus]:
        """Each person's standing on each policy (or one), by the rules in `core.due`."""
        from holbrook_desktop.core.hr.due import statuses_for

        policies = [self._policy(policy_id)] if policy_id else list(self.policies)
        return statuses_for(self._records(), policies, today=today or date.today(), rules=self.due_rules(),
                            equivalent_versions={p.id: self.equivalent_versions(p.id) for p in policies},
                            include_leavers=include_leavers)

    def acknowledgement_rows(self, statuses: list[PersonStatus]) -> list[AcknowledgementRow]:
        from holbrook_desktop.core.hr.exports import rows_for

        return rows_for(self._records(), statuses)

    def due_rules(self) -> DueRules:
        from holbrook_desktop.core.admin.settings import due_rules

        return due_rules(self._records().settings)

    def equivalent_versions(self, policy_id: str) -> frozenset[str]:
        """Earlier versions whose acknowledgements still count: the current version and each one
        before it that the administrator marked a minor change, back to the last major one."""
        from holbrook_desktop.core.admin.settings import equivalent_versions

        return equivalent_versions(self._records(), self._policy(policy_id))

    # The administrator ---------------------------------------------------------------------

    def admin_password(self) -> AdminPassword:
        from holbrook_desktop.core.admin.password import AdminPassword

        return AdminPassword(self._records().settings)

    def set_due_rules(self, rules: DueRules) -> None:
        from holbrook_desktop.core.admin.settings import set_due_rules

        set_due_rules(self._records().settings, rules)

    def retention_years(self) -> int:
        from holbrook_desktop.core.admin.settings import retention_years

        return retention_years(self._records().settings)

    def set_retention_years(self, years: int) -> None:
        from holbrook_desktop.core.admin.settings import set_retention_years

        set_retention_years(self._records().settings, years)

    def policy_versions(self, policy_id: str) -> list[dict]:
        """Every version of the policy shown here, oldest first, each with its minor-change mark."""
        from holbrook_desktop.core.admin.settings import versions_of

        records = self._records()
        records.policy_versions.record_seen(self._policy(policy_id))
        return versions_of(records, policy_id)

    def mark_minor_change(self, policy_id: str, sha256: str, minor: bool = True) -> None:
        from holbrook_desktop.core.admin.settings import mark_minor_change

        mark_minor_change(self._records(), policy_id, sha256, minor)

    def version_changes(self, policy_id: str) -> VersionChanges:
        """The current version against the one before it: the clauses added, changed, removed."""
        from holbrook_desktop.core.admin.version_changes import version_changes

        return version_changes(self._records(), self._policy(policy_id))

    # HR's other exports ----------------------------------------------------------------------

    def export_attestations(self, folder: Path, *, since: date | None = None,
                            progress: Callable[[int, int], None] | None = None,
                            cancelled: Callable[[], bool] | None = None) -> AttestationExportResult:
        """Every signed PDF (or those since a day) copied into `folder` under names HR can file."""
        from holbrook_desktop.core.attestation.export import export_attestations

        return export_attestations(self._records(), folder, since=since, progress=progress,
                                   cancelled=cancelled)

    def plan_attestation_export(self, *, since: date | None = None) -> AttestationExportPlan:
        """What to copy, read on the thread that opened the records; the copying may run on another."""
        from holbrook_desktop.core.attestation.export import plan_attestation_export

        return plan_attestation_export(self._records(), since=since)

    def status_report_pdf(self, statuses: list[PersonStatus], *, today: date | None = None) -> bytes:
        """The governors' printable report: counts by status and role, and the overdue list."""
        from holbrook_desktop.core.hr.status_report import status_report_pdf

        profile = self.school_profile()
        return status_report_pdf(statuses, school=profile.name, policies=list(self.policies),
                                 today=today or date.today(), logo=profile.logo_path)

    def reminder_list(self, statuses: list[PersonStatus]) -> ReminderList:
        from holbrook_desktop.core.hr.reminders import reminder_list

        return reminder_list(statuses, policy_titles={p.id: p.title for p in self.policies})

    # Staff import and leavers ----------------------------------------------------------------

    def plan_staff_import(self, csv_path: Path, *, today: date | None = None) -> StaffImportPlan:
        """What importing this CSV would do, row by row; nothing is written."""
        from holbrook_desktop.core.hr.staff_import import plan_import

        return plan_import(self._records(), csv_path, today=today or date.today())

    def apply_staff_import(self, plan: StaffImportPlan, *, all_or_nothing: bool = False) -> StaffImportResult:
        from holbrook_desktop.core.hr.staff_import import apply_import

        return apply_import(self._records(), plan, all_or_nothing=all_or_nothing)

    def mark_leaver(self, staff_id: int, leaving_date: date) -> StaffMember:
        return self._records().staff.mark_leaver(staff_id, leaving_date)

    # Retention and subject access (UK GDPR) -------------------------------------------------

    def retention_plan(self, *, today: date | None = None) -> RetentionPlan:
        """Leavers whose retention period is over: who would be erased, and why."""
        from holbrook_desktop.core.admin.settings import retention_years
        from holbrook_desktop.core.hr.retention import plan_retention

        records = self._records()
        return plan_retention(records, years=retention_years(records.settings), today=today or date.today())

    def apply_retention(self, plan: RetentionPlan) -> RetentionResult:
        from holbrook_desktop.core.hr.retention import apply_retention

        return apply_retention(self._records(), plan)

    def subject_access_export(self, staff_id: int, folder: Path) -> Path:
        """Everything stored about one person (JSON and their signed PDFs) in a new folder inside
        `folder`; returns that folder."""
        from holbrook_desktop.core.hr.subject_access import export_subject_access

        return export_subject_access(self._records(), staff_id, folder)

    def _policy(self, policy_id: str) -> Policy:
        policy = self.handbook.policy(policy_id)
        if policy is None:
            raise UnknownPolicy(policy_id)
        return policy

    def _signed_in(self) -> StaffMember:
        if self.signed_in is None:
            raise NotSignedIn("Nobody is signed in: sign in first.")
        return self.signed_in

    # Search ------------------------------------------------------------------------------

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        if self._index is None:
            # Built on first use (sqlite3 and the index): start-up never pays for it.
            from holbrook_desktop.core.content.search import SearchIndex

            self._index = SearchIndex(self.handbook)
        return self._index.search(query, limit)

    # Reading progress --------------------------------------------------------------------

    def open_section(self, location: Location) -> None:
        found = self.section_at(location)
        if not found or not found[1].clauses:
            self._tracker.close()  # a contents-only page (Appendix A's list of parts) is not read
            return
        policy, section = found
        self._tracker.open(SectionKey(policy.id, policy.sha256, section.number), section.word_count)

    def close_section(self) -> None:
        """Nothing is being read now (a quiz is on screen): the reading clock stops."""
        self._tracker.close()

    def end_of_section_seen(self) -> bool:
        return self._tracker.end_seen()

    def seconds_until_read(self) -> float:
        return self._tracker.seconds_remaining()

    def poll_reading(self) -> bool:
        return self._tracker.poll()

    def _current_progress(self) -> ProgressStore:
        if self.signed_in is not None and self.records is not None:
            return self.records.progress_for(self.signed_in.id)
        return self._progress_store

    def progress(self, policy_id: str) -> ProgressSummary:
        policy = self.handbook.policy(policy_id)
        if policy is None:
            raise UnknownPolicy(policy_id)
        numbers = {s.number for s in policy.reading_sections()}
        read = self._current_progress().read_sections(policy.id, policy.sha256) & numbers
        return ProgressSummary(len(read), len(numbers), frozenset(read))

    # Content updates (core/content/install.py) ---------------------------------------------

    def check_content_folder(self, folder: Path) -> ContentCheck:
        from holbrook_desktop.core.content.install import check_folder

        return check_folder(folder)

    def install_content(self, folder: Path) -> ContentCheck:
        """Check a new content folder, copy it into the data folder and read it from now on; raises
        ContentRefused, with the checker's messages, leaving everything as it was."""
        from holbrook_desktop.core.content.install import install

        store = self._records()
        installed = install(folder, store.data_dir)
        with store.change("content.installed") as change:
            change.details = {"from": str(folder),
                              "policies": [{"id": p.id, "version": p.version, "sha256": p.sha256}
                                           for p in installed.policies]}
        self.reload_content(installed.folder)
        return installed

    def use_shipped_content(self) -> bool:
        """Stop using content loaded into the data folder: back to the content shipped with the app."""
        from holbrook_desktop.core.content.install import remove_installed
        from holbrook_desktop.core.paths import shipped_content_dir

        store = self._records()
        if not remove_installed(store.data_dir):
            return False
        with store.change("content.reset") as change:
            change.details = {"to": str(shipped_content_dir())}
        self.reload_content(shipped_content_dir())
        return True

    def reload_content(self, content_dir: Path) -> None:
        """Read the content afresh (after an update); whoever was reading is signed out first."""
        if self.signed_in is not None:
            self.sign_out()
        self._tracker.close()
        self._read_content(content_dir)

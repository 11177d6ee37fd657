"""`app.hr`: the staff list, who is due, HR's exports, staff import, leavers, retention, subject access."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.content.handbook import Policy
    from holbrook_desktop.core.hr.due import NewStarters, PersonStatus
    from holbrook_desktop.core.hr.exports import AcknowledgementRow
    from holbrook_desktop.core.hr.paper_import import PaperImportPlan
    from holbrook_desktop.core.hr.reminders import ReminderList
    from holbrook_desktop.core.hr.retention import RetentionPlan, RetentionResult
    from holbrook_desktop.core.hr.staff_import import StaffImportPlan, StaffImportResult
    from holbrook_desktop.core.records import NewStaffMember, StaffMember


class HrService:
    def __init__(self, app: App) -> None:
        self._app = app

    # Staff ---------------------------------------------------------------------------------

    def staff_list(self) -> list[StaffMember]:
        return self._app.require_records().staff.list(today=self._app.today())

    def similar_staff(self, full_name: str) -> list[StaffMember]:
        """People already on the list whose name is this one, accents, case, apostrophes and spacing
        aside (core.names): "I'm new – add me" offers them before adding a second record."""
        from holbrook_desktop.core.dates import has_left
        from holbrook_desktop.core.names import name_key

        key = name_key(full_name)
        if not key:
            return []
        today = self._app.today()
        found = []
        for member in self.staff_list():
            names = {name_key(member.full_name)}
            if member.preferred_name:  # "Sian Jones" for "Siân Elizabeth Jones (Sian)"
                names.add(name_key(f"{member.preferred_name} {member.full_name.split()[-1]}"))
            if key in names and not has_left(member.leaving_date, today):
                found.append(member)
        return found

    def add_staff(self, new: NewStaffMember) -> StaffMember:
        return self._app.require_records().staff.add(new)

    def mark_leaver(self, staff_id: int, leaving_date: date, *, confirmed: bool = False) -> StaffMember:
        """A possible year (InputRefused), and not before their last acknowledgement unless
        `confirmed` (NeedsConfirmation, whose `question` the window asks)."""
        from holbrook_desktop.core.hr.staff_edit import mark_leaver

        app = self._app
        return mark_leaver(app.require_records(), staff_id, leaving_date, today=app.today(),
                           confirmed=confirmed)

    def update_staff(self, staff_id: int, changes: Mapping[str, Any], *,
                     confirmed: bool = False) -> StaffMember:
        """Edit a person ({field: value} of name, preferred name, role, staff number, email, start and
        leaving dates): checked, and audited field by field in one row (core/hr/staff_edit.py)."""
        from holbrook_desktop.core.hr.staff_edit import update_staff

        app = self._app
        return update_staff(app.require_records(), staff_id, changes, today=app.today(), confirmed=confirmed)

    def last_activity(self, staff_id: int):
        return self._app.require_records().staff.last_activity(staff_id)

    def plan_staff_import(self, csv_path: Path, *, today: date | None = None) -> StaffImportPlan:
        """What importing this CSV would do, row by row; nothing is written."""
        from holbrook_desktop.core.hr.staff_import import plan_import

        return plan_import(self._app.require_records(), csv_path, today=today or self._app.today())

    def apply_staff_import(self, plan: StaffImportPlan, *, all_or_nothing: bool = False) -> StaffImportResult:
        from holbrook_desktop.core.hr.staff_import import apply_import

        return apply_import(self._app.require_records(), plan, all_or_nothing=all_or_nothing)

    def plan_paper_import(self, csv_path: Path) -> PaperImportPlan:
        """Paper acknowledgements from a CSV (person, policy, version, date, note), checked line by
        line; nothing is written."""
        from holbrook_desktop.core.hr.paper_import import plan_paper_import

        app = self._app
        return plan_paper_import(app.require_records(), csv_path, list(app.content.policies),
                                 today=app.today())

    def apply_paper_import(self, plan: PaperImportPlan) -> PaperImportPlan:
        """Each planned line recorded on behalf, with the form's date and note, audited."""
        from holbrook_desktop.core.hr.paper_import import apply_paper_import

        attestation = self._app.attestation
        return apply_paper_import(plan, lambda row: attestation.acknowledge_on_behalf(
            row.member.id, row.policy_id, note=row.note, on=row.on, version_sha256=row.version_sha256).id)

    def version_in_force(self, policy_id: str, day: date) -> str:
        """The sha256 of the version of the policy in force on `day` (by the effective dates of the
        versions on record); the current one if none was yet."""
        from holbrook_desktop.core.hr.paper_import import version_named, versions_on_record

        app = self._app
        policy = app.content.require_policy(policy_id)
        found = version_named(versions_on_record(app.require_records(), policy), "", day)
        return found[0] if found else policy.sha256

    # Who is due, and what HR hands on ---------------------------------------------------------

    def statuses(self, policy_id: str | None = None, *, today: date | None = None,
                 include_leavers: bool = True, as_of: date | None = None) -> list[PersonStatus]:
        """Each person's standing on each policy (or one), by the rules in `core.hr.due`. `as_of`: a
        past day, judged from what the records held that day (people, records, versions)."""
        from holbrook_desktop.core.hr.due import statuses_for

        app = self._app
        policies = [app.content.require_policy(policy_id)] if policy_id else list(app.content.policies)
        return statuses_for(app.require_records(), policies, today=as_of or today or app.today(),
                            rules=app.admin.due_rules(),
                            equivalent_versions={p.id: app.admin.equivalent_versions(p.id)
                                                 for p in policies},
                            include_leavers=include_leavers, rollout=app.admin.rollout_date(),
                            as_of=as_of is not None)

    def overdue_at_once(self, policy: Policy) -> list[PersonStatus]:
        """Who installing `policy` (a new version, not yet in use) would make overdue today, who is
        not overdue now."""
        from holbrook_desktop.core.hr.due import overdue_at_once

        app = self._app
        return overdue_at_once(app.require_records(), policy, app.content.policy(policy.id),
                               today=app.today(), rules=app.admin.due_rules(),
                               rollout=app.admin.rollout_date())

    def status_of(self, staff_id: int, policy_id: str, *, today: date | None = None) -> PersonStatus:
        """One person's standing on one policy, by the same rules as `statuses` (for "My record")."""
        from holbrook_desktop.core.errors import UnknownStaff
        from holbrook_desktop.core.hr.due import status_for

        app = self._app
        records = app.require_records()
        member = records.staff.get(staff_id)
        if member is None:
            raise UnknownStaff(staff_id)
        policy = app.content.require_policy(policy_id)
        return status_for(member, policy, records.acknowledgements.for_person(staff_id, policy_id),
                          today or app.today(), app.admin.due_rules(),
                          equivalent_versions=app.admin.equivalent_versions(policy_id))

    def acknowledgement_rows(self, statuses: list[PersonStatus]) -> list[AcknowledgementRow]:
        from holbrook_desktop.core.hr.exports import rows_for

        return rows_for(self._app.require_records(), statuses,
                        {p.id: p.title for p in self._app.content.policies})

    def status_report_pdf(self, statuses: list[PersonStatus], *, today: date | None = None,
                          as_of: date | None = None) -> bytes:
        """The governors' printable report: counts by status and role, the overdue list, and how many
        new starters acknowledged within their deadline. `as_of`: the statuses are of that past day."""
        from holbrook_desktop.core.hr.status_report import status_report_pdf

        app = self._app
        profile = app.admin.school_profile()
        day = as_of or today or app.today()
        return status_report_pdf(statuses, school=profile.name, policies=list(app.content.policies),
                                 today=day, logo=profile.logo_path,
                                 new_starters=self.new_starters(statuses, today=today, as_of=as_of))

    def new_starters(self, statuses: list[PersonStatus], *, today: date | None = None,
                     as_of: date | None = None) -> dict[str, NewStarters]:
        """For the report: on each policy in `statuses`, how many people who started in the 12 months
        up to the report's day acknowledged within their first deadline."""
        from holbrook_desktop.core.hr.due import new_starters

        app = self._app
        policies = list(app.content.policies)
        present = {s.policy_id for s in statuses}
        chosen = [p for p in policies if p.id in present] or policies
        return new_starters(app.require_records(), chosen, today=as_of or today or app.today(),
                            rules=app.admin.due_rules(),
                            equivalent_versions={p.id: app.admin.equivalent_versions(p.id) for p in chosen},
                            rollout=app.admin.rollout_date(), as_of=as_of is not None)

    def record_export(self, kind: str, rows: int, target: Path | str) -> None:
        """An export of everyone's records is in the audit log ("export.<kind>"), with how many rows
        (people, PDFs) it held and where it went; called once the file is written."""
        records = self._app.require_records()
        with records.change(f"export.{kind}") as change:
            change.details = {"rows": rows, "file": str(target)}

    def reminder_list(self, statuses: list[PersonStatus]) -> ReminderList:
        from holbrook_desktop.core.hr.reminders import reminder_list

        return reminder_list(statuses, policy_titles={p.id: p.title for p in self._app.content.policies})

    # Retention and subject access (UK GDPR) -------------------------------------------------

    def retention_plan(self, *, today: date | None = None) -> RetentionPlan:
        """Leavers whose retention period is over: who would be erased, and why."""
        from holbrook_desktop.core.hr.retention import plan_retention

        return plan_retention(self._app.require_records(), years=self._app.admin.retention_years(),
                              today=today or self._app.today())

    def apply_retention(self, plan: RetentionPlan) -> RetentionResult:
        from holbrook_desktop.core.hr.retention import apply_retention

        return apply_retention(self._app.require_records(), plan)

    def subject_access_export(self, staff_id: int, folder: Path) -> Path:
        """Everything stored about one person (JSON and their signed PDFs) in a new folder inside
        `folder`; returns that folder."""
        from holbrook_desktop.core.hr.subject_access import export_subject_access

        app = self._app
        records = app.require_records()

        def question(policy_id: str, question_id: str):
            bank = app.quiz.bank(policy_id)
            return bank.question(question_id) if bank is not None else None

        made = export_subject_access(records, staff_id, folder, questions=question,
                                     policy_titles={p.id: p.title for p in app.content.policies})
        with records.change("export.subject-access") as change:
            change.details = {"staff_id": staff_id, "file": str(made),
                              "files": sorted(p.name for p in made.iterdir())}
        return made

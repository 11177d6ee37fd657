"""`app.hr`: the staff list, who is due, HR's exports, staff import, leavers, retention, subject access."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.hr.due import PersonStatus
    from holbrook_desktop.core.hr.exports import AcknowledgementRow
    from holbrook_desktop.core.hr.reminders import ReminderList
    from holbrook_desktop.core.hr.retention import RetentionPlan, RetentionResult
    from holbrook_desktop.core.hr.staff_import import StaffImportPlan, StaffImportResult
    from holbrook_desktop.core.records import NewStaffMember, StaffMember


class HrService:
    def __init__(self, app: App) -> None:
        self._app = app

    # Staff ---------------------------------------------------------------------------------

    def staff_list(self) -> list[StaffMember]:
        return self._app.require_records().staff.list()

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

    # Who is due, and what HR hands on ---------------------------------------------------------

    def statuses(self, policy_id: str | None = None, *, today: date | None = None,
                 include_leavers: bool = True) -> list[PersonStatus]:
        """Each person's standing on each policy (or one), by the rules in `core.hr.due`."""
        from holbrook_desktop.core.hr.due import statuses_for

        app = self._app
        policies = [app.content.require_policy(policy_id)] if policy_id else list(app.content.policies)
        return statuses_for(app.require_records(), policies, today=today or app.today(),
                            rules=app.admin.due_rules(),
                            equivalent_versions={p.id: app.admin.equivalent_versions(p.id) for p in policies},
                            include_leavers=include_leavers)

    def acknowledgement_rows(self, statuses: list[PersonStatus]) -> list[AcknowledgementRow]:
        from holbrook_desktop.core.hr.exports import rows_for

        return rows_for(self._app.require_records(), statuses)

    def status_report_pdf(self, statuses: list[PersonStatus], *, today: date | None = None) -> bytes:
        """The governors' printable report: counts by status and role, and the overdue list."""
        from holbrook_desktop.core.hr.status_report import status_report_pdf

        app = self._app
        profile = app.admin.school_profile()
        return status_report_pdf(statuses, school=profile.name, policies=list(app.content.policies),
                                 today=today or app.today(), logo=profile.logo_path)

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

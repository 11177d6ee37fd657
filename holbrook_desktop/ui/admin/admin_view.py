"""The admin area: who is due (with HR's exports and actions on people), policy versions, settings."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.errors import Refused
from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.ui.admin.content_page import ContentPage
from holbrook_desktop.ui.admin.roles_page import RolesPage
from holbrook_desktop.ui.admin.settings_page import SettingsPage
from holbrook_desktop.ui.admin.staff_edit_dialog import ask_to_confirm, date_edit
from holbrook_desktop.ui.admin.status_table import StatusTable
from holbrook_desktop.ui.admin.sync_page import SyncPage
from holbrook_desktop.ui.admin.versions_page import VersionsPage, fill_policy_choice
from holbrook_desktop.ui.operation import Operation
from holbrook_desktop.ui.screen_fit import scroll_above_buttons

log = logging.getLogger(__name__)

# How often the admin area, while shown, asks the records whether anything was written elsewhere
# (another window, another PC, the command line): a cheap question, reloaded only on a change.
POLL_MILLISECONDS = 3000


class AdminView(QWidget):
    lockRequested = Signal()
    changePasswordRequested = Signal()
    contentChanged = Signal()

    def __init__(self, service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        heading = QLabel(self.tr("Admin area"), self)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)
        self.lock_button = QPushButton(self.tr("&Lock the admin area"), self)
        self.lock_button.setToolTip(self.tr("Close the admin area; the password is needed to open it again"))
        self.lock_button.clicked.connect(self.lockRequested)
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(self.lock_button)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._due_tab(), self.tr("Who is due"))
        self.versions_page = VersionsPage(service, self)
        self.versions_page.minorChanged.connect(self.reload_statuses)
        self.tabs.addTab(self.versions_page, self.tr("Policy versions"))
        self.settings_page = SettingsPage(service, self)
        self.settings_page.rulesChanged.connect(self.reload_statuses)
        self.settings_page.changePasswordRequested.connect(self.changePasswordRequested)
        self.tabs.addTab(self.settings_page, self.tr("Settings"))
        self.roles_page = RolesPage(service, self)
        self.roles_page.rolesChanged.connect(self.reload_statuses)
        self.tabs.addTab(self.roles_page, self.tr("Roles"))
        self.content_page = ContentPage(service, self)
        self.content_page.contentChanged.connect(self._on_content_changed)
        self.tabs.addTab(self.content_page, self.tr("Content"))
        self.sync_page = SyncPage(service, self)
        self.tabs.addTab(self.sync_page, self.tr("Several PCs"))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.tabs, 1)
        self._seen_version: tuple[int, int] | None = None
        self.poll = QTimer(self)
        self.poll.setInterval(POLL_MILLISECONDS)
        self.poll.timeout.connect(self.reload_if_changed)

    # Changes made elsewhere ------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.poll.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self.poll.stop()
        super().hideEvent(event)

    def reload_if_changed(self) -> bool:
        """Reload who is due if the records changed since the table was filled; True if it did."""
        records = self.service.records
        if records is None:
            return False
        try:
            version = records.data_version()
        except StoreError as exc:
            log.warning("could not ask the records for changes: %s", exc)
            return False
        if version == self._seen_version:
            return False
        log.info("the records changed elsewhere: the admin area reloads")
        self.reload_statuses()
        return True

    def _due_tab(self) -> QWidget:
        page = QWidget(self)
        self.policy_choice = QComboBox(page)
        self.policy_choice.setAccessibleName(self.tr("Policy"))
        self._fill_policy_choice()
        self.policy_choice.currentIndexChanged.connect(lambda _i: self.reload_statuses())
        # "As of": who was due on a past day, from the records' history (today unless changed).
        self.as_of = QDateEdit(QDate(self.service.today()), page)
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("dd/MM/yyyy")
        self.as_of.setMaximumDate(QDate(self.service.today()))
        self.as_of.setAccessibleName(self.tr("As of"))
        self.as_of.setToolTip(self.tr("Show who was due on an earlier day; the report and spreadsheet "
                                      "follow it"))
        self.as_of.dateChanged.connect(lambda _d: self.reload_statuses())
        self.table = StatusTable(page)

        def button(text: str, tip: str, slot) -> QPushButton:
            made = QPushButton(text, page)
            made.setToolTip(tip)
            made.clicked.connect(slot)
            return made

        self.spreadsheet_button = button(self.tr("Spreadsheet…"),
                                         self.tr("Save the rows shown as Excel or CSV"),
                                         self.save_spreadsheet_dialog)
        self.report_button = button(self.tr("Governors' report…"),
                                    self.tr("A printable PDF: counts by status and role, and who is overdue"),
                                    self.save_report_dialog)
        self.reminders_button = button(self.tr("Reminder list…"),
                                       self.tr("Overdue and due-soon staff with their emails"),
                                       self.open_reminders)
        self.pdfs_button = button(self.tr("Signed PDFs…"),
                                  self.tr("Copy every signed attestation into a folder, named for filing"),
                                  self.open_attestation_export)
        self.import_button = button(self.tr("Import staff list…"),
                                    self.tr("Add and update staff from a CSV or Excel file, with a "
                                            "preview first"),
                                    self.import_staff_dialog)
        self.edit_button = button(self.tr("Edit…"),
                                  self.tr("Change the selected person's name, role, staff number, email "
                                          "or dates"),
                                  self.edit_staff_dialog)
        self.leaver_button = button(self.tr("Mark as leaver…"),
                                    self.tr("Give the selected person a leaving date"),
                                    self.mark_leaver_dialog)
        self.access_button = button(self.tr("Subject access…"),
                                    self.tr("Everything stored about the selected person, in a folder"),
                                    self.subject_access_dialog)
        self.on_behalf_button = button(self.tr("Record on behalf…"),
                                       self.tr("Record the selected person's acknowledgement (a paper "
                                               "form, say), with its date and a note"),
                                       self.on_behalf_dialog)
        self.retention_button = button(self.tr("Erase expired leavers…"),
                                       self.tr("Erase the personal data of leavers past the "
                                               "retention period"),
                                       self.retention_dialog)
        for needs_one in (self.edit_button, self.leaver_button, self.access_button, self.on_behalf_button):
            needs_one.setEnabled(False)
        self.table.selectionChanged.connect(self._on_selection_changed)
        choose = QHBoxLayout()
        choose.addWidget(QLabel(self.tr("Policy:"), page))
        choose.addWidget(self.policy_choice, 1)
        choose.addWidget(QLabel(self.tr("As of:"), page))
        choose.addWidget(self.as_of)
        exports = QHBoxLayout()
        exports.addWidget(QLabel(self.tr("Export:"), page))
        for item in (self.spreadsheet_button, self.report_button, self.reminders_button, self.pdfs_button):
            exports.addWidget(item)
        exports.addStretch(1)
        people = QHBoxLayout()
        people.addWidget(QLabel(self.tr("Staff:"), page))
        for item in (self.import_button, self.edit_button, self.leaver_button, self.on_behalf_button,
                     self.access_button, self.retention_button):
            people.addWidget(item)
        people.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addLayout(choose)
        layout.addWidget(self.table, 1)
        layout.addLayout(exports)
        layout.addLayout(people)
        return page

    def _fill_policy_choice(self) -> None:
        fill_policy_choice(self.policy_choice, self.service.content.policies, self.tr("All policies"))

    # Loading -------------------------------------------------------------------------------

    def reload(self) -> None:
        self.note.clear()
        self.reload_statuses()
        self.versions_page.reload()
        self.settings_page.reload()
        self.roles_page.reload()
        self.content_page.reload()

    def _on_content_changed(self) -> None:
        """Another policy version is in use: the lists of policies and who is due follow it."""
        self._fill_policy_choice()
        self.versions_page.set_policies(self.service.content.policies)
        self.reload_statuses()
        self.versions_page.reload()
        self.contentChanged.emit()

    def reload_statuses(self) -> None:
        titles = {p.id: p.title for p in self.service.content.policies}
        try:
            # Asked first: a change made while the statuses are read shows at the next poll.
            records = self.service.records
            self._seen_version = records.data_version() if records is not None else None
            statuses = self.service.hr.statuses(self.policy_choice.currentData(), as_of=self.as_of_day())
        except StoreError as exc:
            self.tell(str(exc))
            return
        self.table.set_statuses(statuses, titles)
        as_of = self.as_of_day()
        said = self.tr("As of %1: who was due on that day, from the records' history (today's "
                       "figures: set As of to today).")
        if as_of is not None:
            self.tell(said.replace("%1", as_of.strftime("%d/%m/%Y")))
        elif self.note.text().startswith(said.split("%1")[0]):
            self.note.clear()

    def as_of_day(self) -> date | None:
        """The day chosen in "As of", when it is before today (None: today)."""
        chosen = self.as_of.date().toPython()
        return chosen if chosen < self.service.today() else None

    def clear(self) -> None:
        """Locked: nothing of anyone's records stays in the widgets."""
        self.poll.stop()
        self._seen_version = None
        self.table.set_statuses([], {})
        self.table.search.clear()
        self.as_of.setDate(QDate(self.service.today()))
        self.note.clear()
        self.content_page.clear()
        self.tabs.setCurrentIndex(0)

    def tell(self, text: str) -> None:
        self.note.setText(text)

    def _on_selection_changed(self) -> None:
        one = len({s.member.id for s in self.table.selected_statuses()}) == 1
        self.edit_button.setEnabled(one)
        self.leaver_button.setEnabled(one)
        self.access_button.setEnabled(one)
        self.on_behalf_button.setEnabled(one)

    def _selected_member(self):
        chosen = {s.member.id: s.member for s in self.table.selected_statuses()}
        return next(iter(chosen.values())) if len(chosen) == 1 else None

    # Exports -------------------------------------------------------------------------------

    def save_spreadsheet_dialog(self) -> None:
        from holbrook_desktop.ui.save_target import choose_save_file

        path = choose_save_file(self, self.tr("Save the spreadsheet"), "acknowledgements.xlsx",
                                self.tr("Excel workbook (*.xlsx);;CSV for Excel (*.csv)"),
                                self.service.data_dir)
        if path is not None:
            self.save_spreadsheet(path)

    def save_spreadsheet(self, path: Path) -> Operation:
        """The rows the table shows now (its filters applied), as XLSX or CSV by the file's name:
        read from the records here, written on a worker."""
        from holbrook_desktop.core.hr.exports import write_csv, write_xlsx

        rows = self.service.hr.acknowledgement_rows(self.table.visible_statuses())
        writer = write_csv if path.suffix.lower() == ".csv" else write_xlsx
        not_saved = self.tr("The spreadsheet could not be saved as %1: %2").replace("%1", str(path))

        def write() -> int:
            try:
                return writer(rows, path)
            except OSError as exc:
                raise Refused(not_saved.replace("%2", exc.strerror or str(exc))) from exc

        def saved(count: int) -> None:
            self._audit_export("acknowledgements", count, path)
            self.tell(self.tr("Saved %1 rows to %2.").replace("%1", str(count)).replace("%2", str(path)))

        return self._export("spreadsheet export", write, saved, self.tr("Save the spreadsheet"))

    def save_report_dialog(self) -> None:
        from holbrook_desktop.ui.save_target import choose_save_file

        day = self.as_of_day() or self.service.today()
        path = choose_save_file(self, self.tr("Save the governors' report"),
                                f"status-report-{day.isoformat()}.pdf",
                                self.tr("PDF documents (*.pdf)"), self.service.data_dir)
        if path is not None:
            self.save_report(path)

    def save_report(self, path: Path) -> Operation:
        """The governors' report of the statuses shown: the school's name and logo read from the
        records here, the PDF made and written on a worker."""
        from holbrook_desktop.core.files import write_whole
        from holbrook_desktop.core.hr.status_report import status_report_pdf

        statuses = self.table.model.statuses()
        profile = self.service.admin.school_profile()
        policies = list(self.service.content.policies)
        as_of = self.as_of_day()
        day = as_of or self.service.today()
        starters = self.service.hr.new_starters(statuses, as_of=as_of)
        not_saved = self.tr("The report could not be saved as %1: %2").replace("%1", str(path))

        def write() -> int:
            pdf = status_report_pdf(statuses, school=profile.name, policies=policies, today=day,
                                    logo=profile.logo_path, new_starters=starters)
            try:
                write_whole(path, pdf)
            except OSError as exc:
                raise Refused(not_saved.replace("%2", exc.strerror or str(exc))) from exc
            log.info("governors' report written: %d people, %d bytes", len(statuses), len(pdf))
            return len(statuses)

        def saved(count: int) -> None:
            self._audit_export("report", count, path)
            self.tell(self.tr("The governors' report is saved as %1.").replace("%1", str(path)))

        return self._export("governors' report", write, saved, self.tr("Save the governors' report"))

    def _audit_export(self, kind: str, rows: int, path: Path) -> None:
        try:
            self.service.hr.record_export(kind, rows, path)
        except StoreError as exc:  # the file is written; the note of it could not be
            log.warning("the %s export could not be audited: %s", kind, exc)

    def _export(self, name: str, write, saved, title: str) -> Operation:
        return Operation(self, name, write, title=title, on_done=saved,
                         disable=[self.spreadsheet_button, self.report_button]).run()

    def open_reminders(self) -> QDialog:
        from holbrook_desktop.ui.admin.reminder_dialog import ReminderDialog

        dialog = ReminderDialog(self.service, self.table.model.statuses(), self)
        dialog.open()
        return dialog

    def open_attestation_export(self) -> QDialog:
        from holbrook_desktop.ui.admin.attestation_export_dialog import AttestationExportDialog

        dialog = AttestationExportDialog(self.service, self)
        dialog.open()
        return dialog

    # People --------------------------------------------------------------------------------

    def import_staff_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import a staff list"), "",
                                              self.tr("Staff lists (*.csv *.xlsx);;CSV files (*.csv);;"
                                                      "Excel workbooks (*.xlsx);;All files (*)"))
        if path:
            self.import_staff(Path(path))

    def import_staff(self, path: Path) -> QDialog | None:
        from holbrook_desktop.ui.admin.staff_import_dialog import StaffImportDialog

        try:
            dialog = StaffImportDialog(self.service, path, self)
        except (OSError, ValueError, StoreError) as exc:
            self.tell(str(exc))
            return None
        dialog.accepted.connect(self.reload_statuses)
        dialog.open()
        return dialog

    def edit_staff_dialog(self) -> QDialog | None:
        from holbrook_desktop.ui.admin.staff_edit_dialog import StaffEditDialog

        member = self._selected_member()
        if member is None:
            return None
        try:
            member = self.service.require_records().staff.get(member.id) or member  # as on record now
        except StoreError as exc:
            self.tell(str(exc))
            return None
        dialog = StaffEditDialog(self.service, member, self)
        dialog.accepted.connect(lambda: self._after_edit(dialog))
        dialog.open()
        return dialog

    def _after_edit(self, dialog) -> None:
        saved = dialog.saved_member
        if saved is not None:
            self.tell(self.tr("%1's record is saved; the audit log lists each change.").replace(
                "%1", saved.full_name))
        self.reload_statuses()

    def mark_leaver_dialog(self) -> QDialog | None:
        member = self._selected_member()
        if member is None:
            return None
        current = date.fromisoformat(member.leaving_date) if member.leaving_date else None
        dialog = LeavingDateDialog(member.full_name, self, current=current)
        dialog.accepted.connect(lambda: self.mark_leaver(member.id, dialog.leaving_date()))
        dialog.open()
        return dialog

    def mark_leaver(self, staff_id: int, leaving_date: date) -> bool:
        from holbrook_desktop.core.hr.staff_edit import NeedsConfirmation

        try:
            try:
                member = self.service.hr.mark_leaver(staff_id, leaving_date)
            except NeedsConfirmation as exc:
                if not ask_to_confirm(self, self.tr("Mark as leaver"), str(exc), exc.question):
                    self.tell(self.tr("The leaving date was not changed."))
                    return False
                member = self.service.hr.mark_leaver(staff_id, leaving_date, confirmed=True)
        except (Refused, StoreError) as exc:
            self.tell(str(exc))
            return False
        self.tell(self.tr("%1 leaves on %2. Their records are kept for %3 years after that.")
                  .replace("%1", member.full_name).replace("%2", leaving_date.strftime("%d/%m/%Y"))
                  .replace("%3", str(self.service.admin.retention_years())))
        self.reload_statuses()
        return True

    def on_behalf_dialog(self) -> QDialog | None:
        chosen = self.table.selected_statuses()
        member = self._selected_member()
        if member is None or not chosen:
            return None
        policy_id = chosen[0].policy_id
        title = next((p.title for p in self.service.content.policies if p.id == policy_id), policy_id)
        dialog = OnBehalfDialog(member.full_name, title, self.service.today(), self)
        dialog.accepted.connect(lambda: self.record_on_behalf(member.id, policy_id, dialog.note(),
                                                              dialog.day()))
        dialog.open()
        return dialog

    def record_on_behalf(self, staff_id: int, policy_id: str, note: str, day: date) -> Operation:
        """Recorded and signed on the records' thread; the table follows."""
        def done(record) -> None:
            self.tell(self.tr("Recorded on behalf: record %1, dated %2.").replace("%1", str(record.id))
                      .replace("%2", day.strftime("%d/%m/%Y")))
            self.reload_statuses()

        def record():
            version = self.service.hr.version_in_force(policy_id, day)
            return self.service.attestation.acknowledge_on_behalf(staff_id, policy_id, note=note, on=day,
                                                                  version_sha256=version)

        return Operation(self, "acknowledgement on behalf", record,
                         title=self.tr("Record on behalf"), on_done=done, disable=[self.on_behalf_button],
                         uses_records=True).run()

    def subject_access_dialog(self) -> None:
        from holbrook_desktop.ui.save_target import choose_save_folder

        member = self._selected_member()
        if member is None:
            return
        folder = choose_save_folder(self, self.tr("Where to put the subject-access folder"), "",
                                    self.service.data_dir)
        if folder is not None:
            self.subject_access(member.id, folder)

    def subject_access(self, staff_id: int, folder: Path) -> Path | None:
        try:
            made = self.service.hr.subject_access_export(staff_id, folder)
        except (KeyError, OSError, StoreError, Refused) as exc:
            self.tell(self.tr("The subject-access export could not be made: %1").replace("%1", str(exc)))
            return None
        self.tell(self.tr("Everything stored about this person is in %1.").replace("%1", str(made)))
        return made

    def retention_dialog(self) -> QDialog | None:
        from holbrook_desktop.ui.admin.erase_dialog import EraseDialog

        try:
            plan = self.service.hr.retention_plan()
        except StoreError as exc:
            self.tell(str(exc))
            return None
        if not plan.people:
            self.tell(self.tr("Nobody is past the retention period (%1 years after leaving).").replace(
                "%1", str(plan.years)))
            return None
        dialog = EraseDialog(plan, self)
        dialog.accepted.connect(lambda: self.apply_retention(plan))
        dialog.open()
        return dialog

    def apply_retention(self, plan) -> bool:
        """Erase now, on the records' thread (SQLite is used only where it was opened)."""
        erased = []

        def done(result) -> None:
            erased.append(result)
            told = [self.tr("Erased the personal data of %1 leavers.").replace("%1", str(len(result.erased)))]
            told += [f"{self.tr('Not erased')}: #{r.staff_id}: {r.reason}" for r in result.refused]
            told += [result.backups_note(), result.file_note or ""]
            self.tell(" ".join(t for t in told if t))
            self.reload_statuses()

        Operation(self, "erasure of expired leavers", lambda: self.service.hr.apply_retention(plan),
                  title=self.tr("Erase leavers' personal data"), on_done=done,
                  disable=[self.retention_button], uses_records=True).run()
        return bool(erased)


class LeavingDateDialog(QDialog):
    """Opens on the leaving date on record (today if there is none)."""

    def __init__(self, name: str, parent: QWidget | None = None, *, current: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mark as leaver"))
        self.date = date_edit(current, self.tr("Leaving date"), self)
        form = QFormLayout()
        form.addRow(QLabel(self.tr("When does %1 leave (their last day)?").replace("%1", name), self))
        form.addRow(self.tr("Leaving date:"), self.date)
        Button = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(Button.Ok | Button.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        scroll_above_buttons(self, buttons)

    def leaving_date(self) -> date:
        return self.date.date().toPython()


class OnBehalfDialog(QDialog):
    """One acknowledgement recorded on someone's behalf: the date on the form, and why."""

    def __init__(self, name: str, policy_title: str, today: date, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QLineEdit

        super().__init__(parent)
        self.setWindowTitle(self.tr("Record on behalf"))
        self.date = QDateEdit(QDate(today), self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setMaximumDate(QDate(today))
        self.date.setAccessibleName(self.tr("Date acknowledged"))
        self.note_field = QLineEdit(self)
        self.note_field.setPlaceholderText(self.tr("For example: signed the paper form at induction"))
        self.note_field.setAccessibleName(self.tr("Note"))
        form = QFormLayout()
        intro = QLabel(self.tr("Record that %1 acknowledged the %2: the version in force on the "
                               "form's date is the one recorded.")
                       .replace("%1", name).replace("%2", policy_title), self)
        intro.setWordWrap(True)  # at 200% text it would be wider than a small screen
        form.addRow(intro)
        form.addRow(self.tr("Date on the form:"), self.date)
        form.addRow(self.tr("Note (why on their behalf):"), self.note_field)
        Button = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(Button.Ok | Button.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        ok = self.buttons.button(Button.Ok)
        ok.setEnabled(False)
        self.note_field.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        scroll_above_buttons(self, self.buttons)

    def note(self) -> str:
        return self.note_field.text().strip()

    def day(self) -> date:
        return self.date.date().toPython()

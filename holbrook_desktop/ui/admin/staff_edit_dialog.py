"""Edit a person on record (name, preferred name, role, staff number, email, dates), from the admin area."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.errors import Refused
from holbrook_desktop.core.hr.roles import ROLE_LABELS, ROLES
from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.core.records.staff import StaffMember
from holbrook_desktop.ui import theme
from holbrook_desktop.ui.screen_fit import scroll_above_buttons


def date_edit(day: date | None, name: str, parent: QWidget) -> QDateEdit:
    """A day-first date field with a calendar, opening on `day` (today if there is none yet)."""
    edit = QDateEdit(QDate(day) if day else QDate.currentDate(), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setAccessibleName(name)
    return edit


def ask_to_confirm(parent: QWidget, title: str, message: str, question: str) -> bool:
    """The core's NeedsConfirmation as a question, No the default (Enter does not say yes)."""
    Button = QMessageBox.StandardButton
    answer = QMessageBox.question(parent, title, f"{message}\n\n{question}", Button.Yes | Button.No,
                                  Button.No)
    return answer == Button.Yes


class StaffEditDialog(QDialog):
    """Shows the person as on record; Save changes only the fields that differ (the core audits each
    one's old and new value). Blank text leaves a field as it is."""

    def __init__(self, service, member: StaffMember, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.member = member
        self.saved_member: StaffMember | None = None
        self.setWindowTitle(self.tr("Edit %1").replace("%1", member.full_name))
        self.full_name = self._line(member.full_name, self.tr("Full name"))
        self.preferred_name = self._line(member.preferred_name, self.tr("Preferred name"))
        self.role = QComboBox(self)
        self.role.setAccessibleName(self.tr("Role"))
        for role in ROLES:
            self.role.addItem(ROLE_LABELS[role], role)
        if member.role not in ROLES:  # a role from elsewhere stays as it is unless changed
            self.role.addItem(member.role_label, member.role)
        self.role.setCurrentIndex(self.role.findData(member.role))
        self.staff_number = self._line(member.staff_number, self.tr("Staff number"))
        self.email = self._line(member.work_email, self.tr("Work email"))
        self.start_date = date_edit(date.fromisoformat(member.start_date), self.tr("Start date"), self)
        leaving = date.fromisoformat(member.leaving_date) if member.leaving_date else None
        self.has_leaving_date = QCheckBox(self.tr("Leaves (or left) on:"), self)
        self.has_leaving_date.setChecked(leaving is not None)
        # Once set, a leaving date is changed, not removed, here: that would make a leaver staff again.
        self.has_leaving_date.setEnabled(leaving is None)
        self.leaving_date = date_edit(leaving, self.tr("Leaving date"), self)
        self.leaving_date.setEnabled(leaving is not None)
        self.has_leaving_date.toggled.connect(self.leaving_date.setEnabled)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        theme.keep_styled(self.problem, theme.error_style)
        self.problem.hide()

        form = QFormLayout()
        form.addRow(self.tr("Full name:"), self.full_name)
        form.addRow(self.tr("Preferred name:"), self.preferred_name)
        form.addRow(self.tr("Role:"), self.role)
        form.addRow(self.tr("Staff number:"), self.staff_number)
        form.addRow(self.tr("Work email:"), self.email)
        form.addRow(self.tr("Start date:"), self.start_date)
        form.addRow(self.has_leaving_date, self.leaving_date)
        Button = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(Button.Save | Button.Cancel, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Changes are recorded in the audit log, each with its old value."),
                                self))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        scroll_above_buttons(self, self.buttons)

    def _line(self, text: str | None, name: str) -> QLineEdit:
        line = QLineEdit(text or "", self)
        line.setAccessibleName(name)
        return line

    def changes(self) -> dict[str, Any]:
        """The fields as shown now; the core keeps only those that differ from the record."""
        values: dict[str, Any] = {
            "full_name": self.full_name.text(), "preferred_name": self.preferred_name.text(),
            "role": self.role.currentData(), "staff_number": self.staff_number.text(),
            "work_email": self.email.text(), "start_date": self.start_date.date().toPython()}
        if self.has_leaving_date.isChecked():
            values["leaving_date"] = self.leaving_date.date().toPython()
        return values

    def save(self) -> bool:
        from holbrook_desktop.core.hr.staff_edit import NeedsConfirmation

        changes = self.changes()
        try:
            try:
                self.saved_member = self.service.hr.update_staff(self.member.id, changes)
            except NeedsConfirmation as exc:
                if not ask_to_confirm(self, self.windowTitle(), str(exc), exc.question):
                    return False
                self.saved_member = self.service.hr.update_staff(self.member.id, changes, confirmed=True)
        except (Refused, StoreError) as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            return False
        self.accept()
        return True

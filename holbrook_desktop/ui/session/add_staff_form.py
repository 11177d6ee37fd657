"""“I’m new here”: a member of staff adds themselves to the list, then starts reading."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.hr.roles import ROLE_LABELS, ROLES
from holbrook_desktop.core.records.errors import DuplicateStaff, StoreError
from holbrook_desktop.core.records.staff import NewStaffMember, StaffMember
from holbrook_desktop.ui import theme
from holbrook_desktop.ui.accessibility import announce, caption, heading, mark_required


class StartDateEdit(QDateEdit):
    """Tab leaves the date, as in a Windows date picker; Left and Right move between its parts.
    (Qt's own date edit spends three Tab presses on day, month and year.)"""

    def focusNextPrevChild(self, forward: bool) -> bool:
        return QWidget.focusNextPrevChild(self, forward)


class AddStaffForm(QWidget):
    added = Signal(object)  # StaffMember
    cancelled = Signal()

    def __init__(self, add: Callable[[NewStaffMember], StaffMember], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._add = add
        self.heading = QLabel(self.tr("Add yourself"), self)
        heading(self.heading)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)  # as “Who are you?”
        font.setBold(True)
        self.heading.setFont(font)
        caption(self.heading, self.tr("Add yourself"))
        self.hint = QLabel(self.tr("Your name goes on the staff list of this PC, so that your reading "
                                   "is kept for you. Fields marked * are needed."), self)
        self.hint.setWordWrap(True)

        self.full_name = QLineEdit(self)
        self.full_name.setAccessibleName(self.tr("Full name"))
        self.full_name.setPlaceholderText(self.tr("As on your contract, e.g. Siân O’Brien"))
        self.preferred_name = QLineEdit(self)
        self.preferred_name.setAccessibleName(self.tr("Preferred name (optional)"))
        self.preferred_name.setPlaceholderText(self.tr("Optional: what colleagues call you"))
        self.role = QComboBox(self)
        self.role.setAccessibleName(self.tr("Role"))
        self.role.setPlaceholderText(self.tr("Choose your role"))
        for role in ROLES:
            self.role.addItem(ROLE_LABELS.get(role, role), role)
        self.start_date = StartDateEdit(self)
        self.start_date.setAccessibleName(self.tr("Start date"))
        self.start_date.setCalendarPopup(True)
        self.start_date.setDisplayFormat("d MMMM yyyy")
        self.staff_number = QLineEdit(self)
        self.staff_number.setAccessibleName(self.tr("Staff number (optional)"))
        self.staff_number.setPlaceholderText(self.tr("Optional, if the office gave you one"))
        for needed in (self.full_name, self.role, self.start_date):  # the * a screen reader cannot see
            mark_required(needed)

        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(theme.error_style())
        caption(self.error, self.tr("Problem with the form"))
        self.error.hide()

        self.add_button = QPushButton(self.tr("&Add me and start reading"), self)
        self.add_button.setDefault(True)
        self.back_button = QPushButton(self.tr("Back to the list"), self)
        self.back_button.setToolTip(self.tr("Back to the list of staff (Esc)"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(10)
        for text, field in (
            (self.tr("Full na&me *"), self.full_name),
            (self.tr("&Preferred name"), self.preferred_name),
            (self.tr("&Role *"), self.role),
            (self.tr("Start &date *"), self.start_date),
            (self.tr("Staff n&umber"), self.staff_number),
        ):
            label = QLabel(text, self)
            label.setBuddy(field)
            form.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._connect_signals()
        self.start()

    def _connect_signals(self) -> None:
        self.add_button.clicked.connect(self.submit)
        self.back_button.clicked.connect(self.cancelled)
        # A message about a field that has since been changed would only mislead.
        for line in (self.full_name, self.preferred_name, self.staff_number):
            line.textEdited.connect(self._clear_error)
        self.role.currentIndexChanged.connect(self._clear_error)

    def start(self, name: str = "") -> None:
        """A blank form (the name typed in the search, if any), dated today, cursor in the name."""
        self.full_name.setText(name.strip())
        self.preferred_name.clear()
        self.role.setCurrentIndex(-1)
        self.start_date.setDate(QDate.currentDate())
        self.staff_number.clear()
        self._show_error(None)
        self.full_name.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        if self.role.currentIndex() < 0:
            self._show_error(self.tr("Please choose your role."), self.role)
            return
        new = NewStaffMember(
            full_name=self.full_name.text(),
            role=self.role.currentData(),
            start_date=self.start_date.date().toPython(),
            preferred_name=self.preferred_name.text() or None,
            staff_number=self.staff_number.text() or None,
        )
        try:
            member = self._add(new)
        except DuplicateStaff as exc:
            self._show_error(str(exc), self.staff_number)
            return
        except ValueError as exc:
            self._show_error(str(exc), self.full_name if not new.full_name.strip() else None)
            return
        except StoreError as exc:  # disk full, read-only folder: nothing was saved
            self._show_error(str(exc))
            return
        self._show_error(None)
        self.added.emit(member)

    def _clear_error(self, *_args: object) -> None:
        self._show_error(None)

    def error_text(self) -> str:
        return self.error.text() if not self.error.isHidden() else ""

    def _show_error(self, text: str | None, field: QWidget | None = None) -> None:
        self.error.setText(text or "")
        self.error.setVisible(bool(text))
        if field is not None:
            field.setFocus(Qt.FocusReason.OtherFocusReason)
        announce(self.error, text or "", assertive=True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Line edits, the role list and the date pass Enter and Esc up to here.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)

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
    existingChosen = Signal(int)  # staff id: "That's me" on a similar name already on the list

    def __init__(self, add: Callable[[NewStaffMember], StaffMember], parent: QWidget | None = None,
                 similar: Callable[[str], list[StaffMember]] | None = None) -> None:
        super().__init__(parent)
        self._add = add
        self._similar = similar
        self._warned_for: str | None = None  # the name the similar-names warning was shown for
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

        # A second record for the same person splits their history: say who is already there.
        self.similar_box = QWidget(self)
        self.similar_box.setAccessibleName(self.tr("Similar names already on the list"))
        self.similar_text = QLabel(self.similar_box)
        self.similar_text.setWordWrap(True)
        self.similar_text.setStyleSheet(theme.error_style())
        self._similar_layout = QVBoxLayout(self.similar_box)
        self._similar_layout.setContentsMargins(0, 0, 0, 0)
        self._similar_layout.addWidget(self.similar_text)
        self.similar_buttons: list[QPushButton] = []
        self.similar_box.hide()

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
        layout.addWidget(self.similar_box)
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
        self.full_name.textEdited.connect(lambda _text: self._show_similar([]))
        self.role.currentIndexChanged.connect(self._clear_error)

    def start(self, name: str = "") -> None:
        """A blank form (the name typed in the search, if any), dated today, cursor in the name."""
        self.full_name.setText(name.strip())
        self.preferred_name.clear()
        self.role.setCurrentIndex(-1)
        self.start_date.setDate(QDate.currentDate())
        self.staff_number.clear()
        self._show_error(None)
        self._show_similar([])
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
        if self._warn_of_similar(new.full_name):
            return
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

    def _warn_of_similar(self, full_name: str) -> bool:
        """True when people with this name (accents, case, apostrophes aside) are on the list and
        the person has not yet seen them; pressing Add again adds them all the same."""
        from holbrook_desktop.core.names import name_key

        key = name_key(full_name)
        if self._similar is None or not key or key == self._warned_for:
            return False
        try:
            found = self._similar(full_name)
        except StoreError:
            return False  # the add itself will say what is wrong with the records
        self._show_similar(found)
        self._warned_for = key
        return bool(found)

    def _show_similar(self, people: list[StaffMember]) -> None:
        from datetime import date

        from holbrook_desktop.core.dates import for_people

        for button in self.similar_buttons:
            self._similar_layout.removeWidget(button)
            button.deleteLater()
        self.similar_buttons = []
        if not people:
            self._warned_for = None
            self.similar_box.hide()
            return
        self.similar_text.setText(self.tr(
            "Already on the list with this name – is one of these you? Choose yourself to sign in; "
            "if not, press “Add me and start reading” again."))
        for member in people:
            started = for_people(date.fromisoformat(member.start_date))
            button = QPushButton(self.tr("That’s me: %1 – %2, started %3").replace(
                "%1", member.full_name).replace("%2", member.role_label).replace("%3", started),
                self.similar_box)
            button.clicked.connect(
                lambda _checked=False, staff_id=member.id: self.existingChosen.emit(staff_id))
            self._similar_layout.addWidget(button)
            self.similar_buttons.append(button)
        self.similar_box.show()
        self.similar_buttons[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def similar_text_shown(self) -> str:
        return self.similar_text.text() if not self.similar_box.isHidden() else ""

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

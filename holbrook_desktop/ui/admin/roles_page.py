"""The school's roles: its job titles mapped to roles once (remembered for every import), and roles
of its own, whose names appear on reports."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.hr.roles import ROLE_LABELS, ROLES
from holbrook_desktop.core.records.errors import StoreError


def role_id_for(label: str) -> str:
    """"Site team" → "site-team": the id a role the school adds gets from its name."""
    words = re.sub(r"[^a-z0-9]+", "-", label.casefold()).strip("-")
    return (words if words[:1].isalpha() else f"role-{words}")[:40].strip("-")


class RolesPage(QWidget):
    rolesChanged = Signal()

    def __init__(self, service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service

        titles_box = QGroupBox(self.tr("Job titles from the school's MIS"), self)
        self.explain = QLabel(self.tr(
            "Each job title in the staff list is mapped to a role once; every import remembers it. A "
            "title not mapped yet is imported as Other, and the import lists it."), titles_box)
        self.explain.setWordWrap(True)
        self.titles = QTableWidget(0, 2, titles_box)
        self.titles.setHorizontalHeaderLabels([self.tr("Job title"), self.tr("Role")])
        self.titles.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.titles.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.titles.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.titles.verticalHeader().hide()
        self.titles.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.titles.setAccessibleName(self.tr("Job titles and their roles"))
        self.title = QLineEdit(titles_box)
        self.title.setPlaceholderText(self.tr("Job title, e.g. Site Manager"))
        self.title.setAccessibleName(self.tr("Job title"))
        self.role = QComboBox(titles_box)
        self.role.setAccessibleName(self.tr("Role for this job title"))
        self.map_button = QPushButton(self.tr("&Map"), titles_box)
        self.unmap_button = QPushButton(self.tr("Forget the selected title"), titles_box)
        self.unmap_button.setEnabled(False)
        map_row = QHBoxLayout()
        map_row.addWidget(self.title, 2)
        map_row.addWidget(self.role, 1)
        map_row.addWidget(self.map_button)
        titles_layout = QVBoxLayout(titles_box)
        titles_layout.addWidget(self.explain)
        titles_layout.addWidget(self.titles, 1)
        titles_layout.addLayout(map_row)
        titles_layout.addWidget(self.unmap_button, 0, Qt.AlignmentFlag.AlignLeft)

        add_box = QGroupBox(self.tr("A role of the school's own"), self)
        add_form = QFormLayout(add_box)
        self.new_label = QLineEdit(add_box)
        self.new_label.setPlaceholderText(self.tr("e.g. Site team"))
        self.new_label.setAccessibleName(self.tr("Name of the new role"))
        self.quiz_as = QComboBox(add_box)
        self.quiz_as.setAccessibleName(self.tr("Quiz questions for the new role"))
        self.quiz_as.addItem(self.tr("The general questions only"), None)
        for role in ROLES:
            if role != "other":
                self.quiz_as.addItem(self.tr("As %1").replace("%1", ROLE_LABELS[role]), role)
        self.add_button = QPushButton(self.tr("&Add the role"), add_box)
        add_form.addRow(self.tr("Name on reports:"), self.new_label)
        add_form.addRow(self.tr("Quiz questions:"), self.quiz_as)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        add_form.addRow(add_row)

        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setAccessibleName(self.tr("Roles"))
        layout = QVBoxLayout(self)
        layout.addWidget(titles_box, 1)
        layout.addWidget(add_box)
        layout.addWidget(self.note)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.map_button.clicked.connect(self.map_title)
        self.title.returnPressed.connect(self.map_title)
        self.unmap_button.clicked.connect(self.unmap_selected)
        self.add_button.clicked.connect(self.add_role)
        self.titles.itemSelectionChanged.connect(
            lambda: self.unmap_button.setEnabled(bool(self.titles.selectedItems())))

    def reload(self) -> None:
        roles = self.service.admin.school_roles()
        chosen = self.role.currentData()
        self.role.clear()
        for role in roles.ids:
            self.role.addItem(roles.label(role), role)
        self.role.setCurrentIndex(max(0, self.role.findData(chosen)))
        self.titles.setRowCount(0)
        for title, role in roles.titles.items():
            row = self.titles.rowCount()
            self.titles.insertRow(row)
            self.titles.setItem(row, 0, QTableWidgetItem(title))
            self.titles.setItem(row, 1, QTableWidgetItem(roles.label(role)))
        self.unmap_button.setEnabled(False)

    def map_title(self) -> bool:
        title = self.title.text().strip()
        if not title:
            self.note.setText(self.tr("Type the job title as the staff list has it."))
            return False
        try:
            role = self.service.admin.map_job_title(title, self.role.currentData())
        except (ValueError, StoreError) as exc:
            self.note.setText(str(exc))
            return False
        label = self.service.admin.school_roles().label(role)
        self.title.clear()
        self.reload()
        self.note.setText(self.tr("“%1” is %2 from now on. Import the staff list again to update the people "
                                  "imported as Other.").replace("%1", title).replace("%2", label))
        self.rolesChanged.emit()
        return True

    def unmap_selected(self) -> bool:
        items = self.titles.selectedItems()
        if not items:
            return False
        title = self.titles.item(items[0].row(), 0).text()
        try:
            self.service.admin.unmap_job_title(title)
        except StoreError as exc:
            self.note.setText(str(exc))
            return False
        self.reload()
        self.note.setText(self.tr("“%1” is no longer mapped; people on record keep their role.")
                          .replace("%1", title))
        self.rolesChanged.emit()
        return True

    def add_role(self) -> bool:
        label = " ".join(self.new_label.text().split())
        if not label:
            self.note.setText(self.tr("Give the new role a name."))
            return False
        role_id = role_id_for(label)
        if role_id in self.service.admin.school_roles().ids:
            self.note.setText(self.tr("There is a role called that already."))
            return False
        try:
            added = self.service.admin.add_role(role_id, label=label, quiz_as=self.quiz_as.currentData())
        except (ValueError, StoreError) as exc:
            self.note.setText(str(exc))
            return False
        self.new_label.clear()
        self.reload()
        self.role.setCurrentIndex(self.role.findData(added.id))
        self.note.setText(self.tr("%1 added: map job titles to it above.").replace("%1", added.label))
        self.rolesChanged.emit()
        return True

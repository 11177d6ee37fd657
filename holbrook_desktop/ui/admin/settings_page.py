"""The administrator's settings: the school's name and logo, the due rules, retention, the password,
the school's signing key."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.admin.school_profile import SchoolProfileRefused
from holbrook_desktop.core.admin.settings import LIMITS, RETENTION_LIMITS, SettingRefused
from holbrook_desktop.core.hr.due import DueRules
from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.ui.accessibility import caption

RULE_LABELS = {
    "new_starter_days": "Days a new starter has to acknowledge",
    "refresher_months": "Months between refreshers",
    "new_version_days": "Days everyone has after a new version",
    "due_soon_days": "Days before the due date that count as “due soon”",
}
LOGO_PREVIEW_SIDE = 64


def ask_for_logo(parent: QWidget) -> Path | None:
    """The file dialog for the school's logo (the settings page and the first-run wizard)."""
    chosen, _ = QFileDialog.getOpenFileName(parent, parent.tr("Choose the school logo"), str(Path.home()),
                                            parent.tr("Pictures (*.png *.jpg *.jpeg)"))
    return Path(chosen) if chosen else None


class SettingsPage(QWidget):
    rulesChanged = Signal()
    changePasswordRequested = Signal()

    def __init__(self, service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        school_box = QGroupBox(self.tr("The school"), self)
        school = QFormLayout(school_box)
        self.school_name = QLineEdit(school_box)
        self.school_name.setAccessibleName(self.tr("School name"))
        self.school_name.setToolTip(self.tr("Printed on attestations and the governors' report"))
        self.save_name_button = QPushButton(self.tr("Save the name"), school_box)
        self.save_name_button.clicked.connect(self.save_school_name)
        name_row = QHBoxLayout()
        name_row.addWidget(self.school_name, 1)
        name_row.addWidget(self.save_name_button)
        school.addRow(self.tr("School name:"), name_row)
        self.logo_preview = QLabel(school_box)
        self.logo_preview.setFixedSize(LOGO_PREVIEW_SIDE, LOGO_PREVIEW_SIDE)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setAccessibleName(self.tr("School logo"))
        self.choose_logo_button = QPushButton(self.tr("Choose a logo…"), school_box)
        self.choose_logo_button.setToolTip(self.tr("A PNG or JPEG picture of the school's logo or crest"))
        self.choose_logo_button.clicked.connect(self.choose_logo)
        self.default_logo_button = QPushButton(self.tr("Use the shipped logo"), school_box)
        self.default_logo_button.clicked.connect(self.use_default_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(self.choose_logo_button)
        logo_row.addWidget(self.default_logo_button)
        logo_row.addStretch(1)
        school.addRow(self.tr("Logo:"), logo_row)
        self.school_note = QLabel(school_box)
        self.school_note.setWordWrap(True)
        caption(self.school_note, self.tr("School settings"))
        school.addRow(self.school_note)

        rules_box = QGroupBox(self.tr("Who is due"), self)
        form = QFormLayout(rules_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.rule_fields: dict[str, QSpinBox] = {}
        for name, label in RULE_LABELS.items():
            field = QSpinBox(rules_box)
            field.setRange(*LIMITS[name])
            field.setMinimumWidth(110)
            field.setAccessibleName(self.tr(label))
            self.rule_fields[name] = field
            form.addRow(self.tr(label) + ":", field)
        self.retention = QSpinBox(rules_box)
        self.retention.setRange(*RETENTION_LIMITS)
        self.retention.setSuffix(self.tr(" years"))
        self.retention.setMinimumWidth(110)
        self.retention.setAccessibleName(self.tr("Years a leaver's records are kept after they leave"))
        form.addRow(self.tr("Keep a leaver's records for:"), self.retention)
        self.save_button = QPushButton(self.tr("Save the rules"), rules_box)
        self.save_button.clicked.connect(self.save)
        self.saved_note = QLabel(rules_box)
        self.saved_note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.saved_note, 1)
        form.addRow(buttons)

        access_box = QGroupBox(self.tr("Admin password and signing key"), self)
        access = QVBoxLayout(access_box)
        self.change_password_button = QPushButton(self.tr("Change the administrator password…"), access_box)
        self.change_password_button.clicked.connect(self.changePasswordRequested)
        self.key_label = QLabel(access_box)
        self.key_label.setWordWrap(True)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        password_row = QHBoxLayout()
        password_row.addWidget(self.change_password_button)
        password_row.addStretch(1)
        access.addLayout(password_row)
        access.addWidget(self.key_label)

        layout = QVBoxLayout(self)
        layout.addWidget(school_box)
        layout.addWidget(rules_box)
        layout.addWidget(access_box)
        layout.addStretch(1)

    def reload(self) -> None:
        rules = self.service.admin.due_rules()
        for name, field in self.rule_fields.items():
            field.setValue(getattr(rules, name))
        self.retention.setValue(self.service.admin.retention_years())
        self.saved_note.clear()
        self.school_note.clear()
        self._show_school()
        certificate = self.service.attestation.signing_key().current()
        if certificate is None:
            self.key_label.setText(self.tr("No signing key yet: it is made with the first acknowledgement."))
        else:
            self.key_label.setText(self.tr("Attestations are signed as “%1”, key %2, valid until %3. "
                                           "To replace or import a key, use “holbrook signing” on the "
                                           "command line.")
                                   .replace("%1", certificate.subject)
                                   .replace("%2", certificate.short_fingerprint)
                                   .replace("%3", certificate.not_after.strftime("%d/%m/%Y")))

    def save(self) -> bool:
        rules = DueRules(**{name: field.value() for name, field in self.rule_fields.items()})
        try:
            self.service.admin.set_due_rules(rules)
            self.service.admin.set_retention_years(self.retention.value())
        except (SettingRefused, StoreError) as exc:
            self.saved_note.setText(str(exc))
            return False
        self.saved_note.setText(self.tr("Saved. The table of who is due uses them now."))
        self.rulesChanged.emit()
        return True

    # The school's name and logo ------------------------------------------------------------

    def _show_school(self) -> None:
        profile = self.service.admin.school_profile()
        self.school_name.setText(profile.name)
        picture = QPixmap(str(profile.logo_path))
        if picture.isNull():
            self.logo_preview.setText(self.tr("(none)"))
        else:
            self.logo_preview.setPixmap(picture.scaled(
                LOGO_PREVIEW_SIDE, LOGO_PREVIEW_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        self.default_logo_button.setEnabled(profile.logo_is_custom)

    def save_school_name(self) -> bool:
        try:
            name = self.service.admin.set_school_name(self.school_name.text())
        except (SchoolProfileRefused, StoreError) as exc:
            self.school_note.setText(str(exc))
            return False
        self.school_name.setText(name)
        self.school_note.setText(self.tr("Saved. New attestations and reports use this name."))
        return True

    def choose_logo(self) -> None:
        if chosen := ask_for_logo(self):
            self.use_logo(chosen)

    def use_logo(self, path: Path) -> bool:
        try:
            self.service.admin.set_school_logo(path)
        except (SchoolProfileRefused, StoreError, OSError) as exc:
            self.school_note.setText(str(exc))
            return False
        self._show_school()
        self.school_note.setText(self.tr("Saved. New attestations and reports carry this logo."))
        return True

    def use_default_logo(self) -> None:
        try:
            self.service.admin.use_default_school_logo()
        except (StoreError, OSError) as exc:
            self.school_note.setText(str(exc))
            return
        self._show_school()
        self.school_note.setText(self.tr("The logo shipped with the app is used again."))

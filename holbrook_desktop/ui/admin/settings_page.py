"""The administrator's settings: the due rules, retention, the password, the school's signing key."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.admin_settings import LIMITS, RETENTION_LIMITS, SettingRefused
from holbrook_desktop.core.due import DueRules
from holbrook_desktop.core.store.errors import StoreError

RULE_LABELS = {
    "new_starter_days": "Days a new starter has to acknowledge",
    "refresher_months": "Months between refreshers",
    "new_version_days": "Days everyone has after a new version",
    "due_soon_days": "Days before the due date that count as “due soon”",
}


class SettingsPage(QWidget):
    rulesChanged = Signal()
    changePasswordRequested = Signal()

    def __init__(self, service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
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
        layout.addWidget(rules_box)
        layout.addWidget(access_box)
        layout.addStretch(1)

    def reload(self) -> None:
        rules = self.service.due_rules()
        for name, field in self.rule_fields.items():
            field.setValue(getattr(rules, name))
        self.retention.setValue(self.service.retention_years())
        self.saved_note.clear()
        certificate = self.service.signing_key().current()
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
            self.service.set_due_rules(rules)
            self.service.set_retention_years(self.retention.value())
        except (SettingRefused, StoreError) as exc:
            self.saved_note.setText(str(exc))
            return False
        self.saved_note.setText(self.tr("Saved. The table of who is due uses them now."))
        self.rulesChanged.emit()
        return True

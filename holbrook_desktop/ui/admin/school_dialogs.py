"""The dialog of the school identity: the administrator password asked again (with the PC's name, or the
PC to revoke and why): it seals and opens the school's key and the join files."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.limits import LIMITS
from holbrook_desktop.ui.screen_fit import scroll_above_buttons

PC_NAME_LENGTH = 50  # the core's limit: printed on every attestation the PC signs


def _intro(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class SchoolPasswordDialog(QDialog):
    """Asks the administrator password again, typed for this one step (it seals or opens the school's
    key): with the PC's name (`pc_name` given: the field starts with it), or the PC to revoke and why
    (`pcs` and `reasons`: (words, value) pairs). OK is enabled once everything asked is filled."""

    def __init__(self, parent: QWidget | None, title: str, intro: str, ok_text: str, *,
                 pc_name: str | None = None, pcs: list[tuple[str, str]] | None = None,
                 reasons: list[tuple[str, str]] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout()
        self.name_field: QLineEdit | None = None
        self.pc_choice: QComboBox | None = None
        self.reason_choice: QComboBox | None = None
        if pc_name is not None:
            self.name_field = QLineEdit(pc_name, self)
            self.name_field.setMaxLength(PC_NAME_LENGTH)
            self.name_field.setAccessibleName(self.tr("PC name"))
            self.name_field.setAccessibleDescription(self.tr("Printed on every attestation this PC signs"))
            self.name_field.setPlaceholderText(self.tr("e.g. Staff room"))
            form.addRow(self.tr("PC name:"), self.name_field)
        if pcs is not None:
            self.pc_choice = QComboBox(self)
            self.pc_choice.setAccessibleName(self.tr("PC to revoke"))
            for words, value in pcs:
                self.pc_choice.addItem(words, value)
            form.addRow(self.tr("PC:"), self.pc_choice)
        if reasons is not None:
            self.reason_choice = QComboBox(self)
            self.reason_choice.setAccessibleName(self.tr("Reason"))
            for words, value in reasons:
                self.reason_choice.addItem(words, value)
            form.addRow(self.tr("Reason:"), self.reason_choice)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(LIMITS["admin_password"].max_chars)
        self.password.setAccessibleName(self.tr("Administrator password"))
        form.addRow(self.tr("Administrator password:"), self.password)
        Button = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(Button.Ok | Button.Cancel, self)
        self.ok_button = self.buttons.button(Button.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(_intro(intro, self))
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.password.textChanged.connect(self._check_filled)
        if self.name_field is not None:
            self.name_field.textChanged.connect(self._check_filled)
        self._check_filled()
        self.setMinimumWidth(460)
        scroll_above_buttons(self, self.buttons)
        (self.name_field if self.name_field is not None and not pc_name else self.password).setFocus()

    def _check_filled(self) -> None:
        named = self.name_field is None or bool(self.name_field.text().strip())
        chosen = self.pc_choice is None or self.pc_choice.count() > 0
        self.ok_button.setEnabled(named and chosen and bool(self.password.text()))

    def typed_password(self) -> str:
        return self.password.text()

    def pc_name(self) -> str:
        return " ".join(self.name_field.text().split()) if self.name_field is not None else ""

    def chosen_pc(self) -> str:
        return self.pc_choice.currentData() if self.pc_choice is not None else ""

    def chosen_pc_words(self) -> str:
        return self.pc_choice.currentText() if self.pc_choice is not None else ""

    def reason(self) -> str:
        return self.reason_choice.currentData() if self.reason_choice is not None else ""

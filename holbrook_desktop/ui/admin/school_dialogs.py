"""The dialogs of the school identity: the administrator password asked again (with the PC's name, the
PC to revoke and why), the join code typed on a joining PC, and the join code shown once on HR's PC."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.limits import LIMITS
from holbrook_desktop.ui.accessibility import announce, caption
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


class JoinCodeEntryDialog(QDialog):
    """On the joining PC: the join code, as given by whoever made the file (dashes and case do not
    matter). Not hidden as a password is: it is read off a note, and a typo must be seen."""

    def __init__(self, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Join a school"))
        intro = _intro(self.tr("Type the join code that came with %1. Whoever made the file was shown it "
                               "once; it is not in the file.").replace("%1", file_name), self)
        self.code = QLineEdit(self)
        self.code.setMaxLength(40)
        self.code.setPlaceholderText("ABCD-EFGH-JKLM-NPQR")
        self.code.setAccessibleName(self.tr("Join code"))
        self.code.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        form = QFormLayout()
        form.addRow(self.tr("Join code:"), self.code)
        Button = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(Button.Ok | Button.Cancel, self)
        self.ok_button = self.buttons.button(Button.Ok)
        self.ok_button.setText(self.tr("Join"))
        self.ok_button.setEnabled(False)
        self.code.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        scroll_above_buttons(self, self.buttons)
        self.code.setFocus()

    def typed_code(self) -> str:
        return self.code.text().strip()


class JoinCodeShownDialog(QDialog):
    """On HR's PC, once: the join code of the file just made, large, selectable and in a fixed-width
    font (so 8 and B, 5 and S are told apart), with a button that copies it."""

    def __init__(self, code: str, pc_name: str, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.setWindowTitle(self.tr("Join code for %1").replace("%1", pc_name))
        intro = _intro(self.tr("The join file for %1 is saved as %2. On that PC, choose \"Join a school…\" "
                               "and type this code:").replace("%1", pc_name).replace("%2", path), self)
        self.code_label = QLabel(code, self)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), self.font().pointSizeF()) * 2)
        font.setWeight(QFont.Weight.Bold)
        self.code_label.setFont(font)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.code_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        caption(self.code_label, self.tr("Join code"))
        self.once = _intro(self.tr("The code is shown only now: the app does not keep it. Write it down or "
                                   "copy it, and give it to whoever sets up that PC apart from the file "
                                   "(the file is useless without it)."), self)
        self.copy_button = QPushButton(self.tr("&Copy code"), self)
        self.copy_button.setToolTip(self.tr("Copy the join code to the clipboard"))
        self.copy_button.clicked.connect(self.copy_code)
        self.copied = QLabel(self)
        caption(self.copied, self.tr("Copied"))
        copy_row = QHBoxLayout()
        copy_row.addStretch(1)
        copy_row.addWidget(self.copy_button)
        copy_row.addWidget(self.copied)
        copy_row.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addWidget(self.code_label)
        layout.addLayout(copy_row)
        layout.addSpacing(8)
        layout.addWidget(self.once)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        scroll_above_buttons(self, self.buttons)
        self.code_label.setFocus()

    def copy_code(self) -> None:
        QGuiApplication.clipboard().setText(self.code)
        self.copied.setText(self.tr("Copied."))
        announce(self.copied, self.tr("The join code is copied."))

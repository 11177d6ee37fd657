"""The erase dialog: leavers past the retention period, erased only once "erase" is typed."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.ui.screen_fit import scroll_above_buttons


class EraseDialog(QDialog):
    """Erasing is deliberate: the names listed, Cancel the default, and the word "erase" typed before
    the Erase button can be pressed, as the command line asks. Those whose records show activity
    after their leaving date are listed apart: they will not be erased (core/hr/retention.py)."""

    CONFIRM_WORD = "erase"

    def __init__(self, plan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(self.tr("Erase leavers' personal data"))
        due = [p for p in plan.people if not p.refusal]
        held = [p for p in plan.people if p.refusal]
        if due:
            text = self.tr("These leavers are past the retention period (%1 after leaving). Their names, "
                           "signatures, signed PDFs and what they typed are erased for good; anonymous "
                           "counts are kept. This cannot be undone.")
        else:
            text = self.tr("Nobody can be erased now: the leavers past the retention period (%1 after "
                           "leaving) are listed below with the reason.")
        years = self.tr("1 year") if plan.years == 1 else self.tr("%1 years").replace("%1", str(plan.years))
        intro = QLabel(text.replace("%1", years), self)
        intro.setWordWrap(True)
        self.names = QListWidget(self)
        self.names.setAccessibleName(self.tr("Leavers to be erased"))
        for p in due:
            self.names.addItem(f"{p.full_name} ({p.role_label}), left {p.leaving_date:%d/%m/%Y}")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.names, 1)
        self.held = QListWidget(self)
        self.held.setAccessibleName(self.tr("Leavers who will not be erased"))
        for p in held:
            self.held.addItem(f"{p.full_name}: {p.refusal}.")
        self.held.setWordWrap(True)
        if held:
            layout.addWidget(QLabel(self.tr("Not erased (check their leaving date first):"), self))
            layout.addWidget(self.held)
        else:
            self.held.hide()
        self.word = QLineEdit(self)
        self.word.setAccessibleName(self.tr("Type erase to confirm"))
        self.word.setPlaceholderText(self.CONFIRM_WORD)
        form = QFormLayout()
        form.addRow(self.tr("Type “%1” to confirm:").replace("%1", self.CONFIRM_WORD), self.word)
        layout.addLayout(form)
        Button = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(Button.Cancel, self)
        self.cancel_button = self.buttons.button(Button.Cancel)
        self.erase_button = self.buttons.addButton(self.tr("Erase"),
                                                   QDialogButtonBox.ButtonRole.DestructiveRole)
        self.erase_button.setAutoDefault(False)
        self.erase_button.setEnabled(False)
        self.cancel_button.setDefault(True)  # Enter cancels, whatever has the focus
        self.cancel_button.setAutoDefault(True)
        self.erase_button.clicked.connect(self._erase)
        self.buttons.rejected.connect(self.reject)
        self.word.textChanged.connect(self._on_word)
        layout.addWidget(self.buttons)
        self.resize(560, 380)
        scroll_above_buttons(self, self.buttons)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.word.setFocus()  # ready to type the word; Enter still means Cancel

    def can_erase(self) -> bool:
        return self.names.count() > 0 and self.word.text().strip().lower() == self.CONFIRM_WORD

    def _on_word(self, _text: str) -> None:
        self.erase_button.setEnabled(self.can_erase())

    def _erase(self) -> None:
        if self.can_erase():
            self.accept()

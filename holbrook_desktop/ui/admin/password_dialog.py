"""The administrator's password: asked before the admin area opens, chosen at first run, changed."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.admin.password import AdminPassword, PasswordRefused, problem_with
from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.ui import theme
from holbrook_desktop.ui.accessibility import announce, caption


class AdminPasswordDialog(QDialog):
    """mode "unlock": the current password opens the admin area. "first": choose one (first run).
    "change": the current one, then a new one twice."""

    def __init__(self, password: AdminPassword, mode: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._password = password
        # For "unlock": the core's audited sign-in (app.admin.unlock); without it, the bare check.
        self.unlock_with = None
        self.mode = mode
        self.setWindowTitle({"unlock": self.tr("Admin area"), "first": self.tr("Choose the administrator "
                             "password"), "change": self.tr("Change the administrator password")}[mode])
        intro = {
            "unlock": self.tr("The admin area shows every member of staff's records. Enter the "
                              "administrator password."),
            "first": self.tr("Choose the password that opens the admin area (who is due, exports, "
                             "the staff list). Keep it to the people who manage staff records: at "
                             "least 8 characters. It is stored only as a one-way hash."),
            "change": self.tr("Enter the current password, then the new one twice."),
        }[mode]
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        form = QFormLayout()
        self.current = self._field(self.tr("Current password")) if mode in ("unlock", "change") else None
        self.new = self._field(self.tr("New password")) if mode in ("first", "change") else None
        self.again = self._field(self.tr("New password again")) if self.new is not None else None
        for field in (self.current, self.new, self.again):
            if field is not None:
                form.addRow(field.accessibleName() + ":", field)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(theme.error_style())
        caption(self.message, self.tr("Problem"))
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText({"unlock": self.tr("Open"), "first": self.tr("Save password"),
                                "change": self.tr("Change password")}[mode])
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        # Counts the wait down after too many wrong tries, so nobody types into a dead box.
        self._wait_left = 0
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
        self.setMinimumWidth(420)

    def _field(self, name: str) -> QLineEdit:
        field = QLineEdit(self)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setAccessibleName(name)
        return field

    def submit(self) -> None:
        try:
            if self.mode == "unlock":
                self._unlock()
            elif self.mode == "first":
                if self._new_password_ok():
                    self._password.set_first(self.new.text())
                    self.accept()
            elif self._new_password_ok():
                self._password.change(self.current.text(), self.new.text())
                self.accept()
        except PasswordRefused as exc:
            self._show(str(exc), self.current if self.mode == "change" else self.new)
        except StoreError as exc:
            self._show(str(exc), None)

    def _unlock(self) -> None:
        from holbrook_desktop.core.admin.access import AdminSignInRefused

        if self.unlock_with is None:
            result = self._password.check(self.current.text())
            message, wait = ("", 0) if result.ok else (result.message, result.wait_seconds)
        else:
            try:  # the core's sign-in: audited whether right or wrong
                self.unlock_with(self.current.text())
                message, wait = "", 0
            except AdminSignInRefused as exc:
                message, wait = str(exc), exc.wait_seconds
        if not message:
            self.accept()
            return
        self.current.clear()
        self._show(message, self.current)
        if wait:
            self._wait_left = wait
            self.ok_button.setEnabled(False)
            self._countdown.start()

    def _tick(self) -> None:
        self._wait_left -= 1
        if self._wait_left <= 0:
            self._countdown.stop()
            self.ok_button.setEnabled(True)
            self.message.setText(self.tr("You can try again now."))
            self.current.setFocus()
        else:
            self.message.setText(self.tr("Too many wrong tries. Wait %1 seconds and try again.")
                                 .replace("%1", str(self._wait_left)))

    def _new_password_ok(self) -> bool:
        problem = problem_with(self.new.text())
        if problem:
            self._show(problem, self.new)
            return False
        if self.new.text() != self.again.text():
            self._show(self.tr("The two new passwords are different. Type them again."), self.again)
            self.again.clear()
            return False
        return True

    def _show(self, text: str, field: QLineEdit | None) -> None:
        self.message.setText(text)
        self.message.show()
        if field is not None:
            field.setFocus(Qt.FocusReason.OtherFocusReason)
            field.selectAll()
        announce(self.message, text, assertive=True)

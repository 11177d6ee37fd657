"""Opening and locking the admin area: the password first, the staff session closed, idle locking."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from holbrook_desktop import APP_NAME
from holbrook_desktop.core.records.errors import StoreError

if TYPE_CHECKING:
    from holbrook_desktop.ui.admin.admin_view import AdminView
    from holbrook_desktop.ui.admin.first_run_wizard import FirstRunWizard
    from holbrook_desktop.ui.admin.password_dialog import AdminPasswordDialog
    from holbrook_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class AdminAccess(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.view: AdminView | None = None
        self._open = False
        self.open_action = QAction(self.tr("Open the &admin area…"), window)
        self.open_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.open_action.setStatusTip(self.tr("Who is due, HR's exports, the staff list and settings "
                                              "(the administrator password is needed)"))
        self.open_action.triggered.connect(self.open_admin)
        self.lock_action = QAction(self.tr("&Lock the admin area"), window)
        self.lock_action.triggered.connect(lambda: self.lock())
        self.lock_action.setEnabled(False)
        window.addAction(self.open_action)

    def is_open(self) -> bool:
        return self._open

    def open_admin(self) -> AdminPasswordDialog | None:
        """Asks for the password (or, the first time, for a new one); the area opens once it is right."""
        from holbrook_desktop.ui.admin.password_dialog import AdminPasswordDialog

        service = self._window.service
        if service.records is None or self._open:
            return None
        try:
            password = service.admin.password()
            mode = "unlock" if password.is_set() else "first"
        except StoreError as exc:
            self._window.show_notice(str(exc))
            return None
        dialog = AdminPasswordDialog(password, mode, self._window)
        dialog.unlock_with = service.admin.unlock
        dialog.accepted.connect(self._after_first_set if mode == "first" else self.show_area)
        dialog.open()
        return dialog

    def offer_first_run(self) -> FirstRunWizard | None:
        """A fresh installation (records open, no password, no staff): the set-up wizard, which
        ends in the admin area. Cancelled, nothing is set and it is offered at the next start."""
        from holbrook_desktop.ui.admin.first_run_wizard import FirstRunWizard

        service = self._window.service
        try:
            fresh = (service.records is not None and not service.admin.password().is_set()
                     and not service.hr.staff_list())
        except StoreError:
            return None
        if not fresh:
            return None
        wizard = FirstRunWizard(service, self._window)
        wizard.accepted.connect(self.show_area)
        wizard.rejected.connect(self._after_set_up_cancelled)
        wizard.open()
        return wizard

    def _after_set_up_cancelled(self) -> None:
        try:
            password_set = self._window.service.admin.password().is_set()
        except StoreError:
            password_set = False
        if password_set:  # stopped after the password: the rest is in the admin area's settings
            self._window.show_notice(self.tr("Set-up stopped part-way. The rest can be done in the admin "
                                             "area's Settings."))
        else:
            self._window.show_notice(self.tr("Set-up was not finished; it is offered again the next time "
                                             "the handbook starts."))

    def _after_first_set(self) -> None:
        # Set-up also makes the school's signing key, so the first acknowledgement doesn't wait on it.
        service = self._window.service
        try:
            if service.attestation.signing_key().current() is None:
                service.attestation.create_signing_key()
        except (StoreError, OSError, ValueError) as exc:
            log.warning("signing key not created at set-up: %s", exc)
        self.show_area()

    def show_area(self) -> None:
        window = self._window
        if service_member := window.service.signed_in:
            log.info("admin area opened; signing out %s first", service_member.id)
            window.switch_person()  # a staff session never continues under the admin area
        if self.view is None:
            from holbrook_desktop.ui.admin.admin_view import AdminView

            self.view = AdminView(window.service, window)
            self.view.lockRequested.connect(lambda: self.lock())
            self.view.changePasswordRequested.connect(self.change_password)
            self.view.contentChanged.connect(window.content_reloaded)
            self.view.sync_page.syncRequested.connect(window.sync.run)
            window.pages.addWidget(self.view)
        self._open = True
        self.lock_action.setEnabled(True)
        self.open_action.setEnabled(False)
        window.show_admin_page(self.view)
        self.view.reload()
        window.idle_lock.start()

    def change_password(self) -> AdminPasswordDialog:
        from holbrook_desktop.ui.admin.password_dialog import AdminPasswordDialog

        dialog = AdminPasswordDialog(self._window.service.admin.password(), "change", self._window)
        if self.view is not None:
            dialog.accepted.connect(lambda: self.view.tell(self.tr("The administrator password is changed.")))
        dialog.open()
        return dialog

    def lock(self, note: str | None = None) -> None:
        """Back to the start screen; nothing of the records stays in the admin widgets."""
        if not self._open:
            return
        self.forget()
        self._window.idle_lock.stop()
        self._window.show_start_after_admin(note)

    def forget(self) -> None:
        self._open = False
        self.lock_action.setEnabled(False)
        self.open_action.setEnabled(True)
        if self.view is not None:
            self.view.clear()

    def title(self) -> str:
        return self.tr("Admin area · %1").replace("%1", APP_NAME)

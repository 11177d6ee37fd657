"""Who is at the keyboard: signing in on the start screen, switching person, the idle sign-out."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog

from holbrook_desktop import APP_NAME
from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.ui.records_damage import RecordsDamage
from holbrook_desktop.ui.session.idle_lock import idle_duration_text

if TYPE_CHECKING:
    from holbrook_desktop.core.records import StaffMember
    from holbrook_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class SessionController(QObject):
    """Moves the window between the start screen and the reader as people sign in and out; what the
    other parts of the window do about it is wired to its signals."""

    # The reader is up for someone who has just signed in: their reading starts afresh.
    signedIn = Signal(object)  # the StaffMember
    # The start screen is coming back: nothing of the last person may stay on screen.
    personLeft = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._service = window.service
        # The warning before the idle sign-out is this controller's own business (main_window.py
        # wires the sign-out itself; it is kept under 400 lines).
        window.idle_lock.warning.connect(self.on_idle_warning)
        window.idle_lock.stillHere.connect(self.on_still_here)
        # Damage met in the records while the window runs, wherever: one place stops and explains.
        self.records_damage = RecordsDamage(window)

    def sign_in(self, staff_id: int) -> bool:
        """The person chosen on the start screen reads from here on; False (and why) if not."""
        start_screen = self._window.start_screen
        if start_screen is None:
            return False
        try:
            member = self._service.sign_in(staff_id).member
        except KeyError:
            start_screen.reset(self.tr("That person is no longer on the staff list."))
            return False
        except StoreError as exc:
            start_screen.show_note(self.tr("You could not be signed in. %1").replace("%1", str(exc)))
            return False
        self._show_reader_for(member)
        return True

    def switch_person(self) -> None:
        """“Not you?”: sign out and go back to the start screen, in one step."""
        self._sign_out()

    def on_idle(self) -> None:
        window = self._window
        if window.admin.is_open():
            self._close_open_dialogs()
            window.admin.lock(self.tr("The admin area locked after %1 without use.").replace(
                "%1", idle_duration_text(window.idle_lock.timeout_ms)))
            return
        if self._service.signed_in is None:
            return
        self._close_open_dialogs()
        self._sign_out(self.tr("Signed out after %1 without use.").replace(
            "%1", idle_duration_text(window.idle_lock.timeout_ms)))

    def on_idle_warning(self) -> None:
        """A minute before the idle sign-out: said on the status bar, and the window asks for notice."""
        from PySide6.QtWidgets import QApplication

        if self._service.signed_in is None and not self._window.admin.is_open():
            return
        text = self.tr("Still there? You will be signed out in %1 unless you use the keyboard or mouse. "
                       "Your place and any quiz answers are kept.").replace(
            "%1", idle_duration_text(self._window.idle_lock.warning_ms))
        self._window.statusBar().showMessage(text)
        QApplication.alert(self._window)

    def on_still_here(self) -> None:
        self._window.statusBar().clearMessage()

    def _close_open_dialogs(self) -> None:
        """A print or save dialog left open must not outlive the person who opened it."""
        for dialog in self._window.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()

    def _sign_out(self, note: str | None = None) -> None:
        if self._window.start_screen is None:
            return
        self._window.idle_lock.stop()
        try:
            self._service.sign_out()  # a quiz left part-way is kept, to resume within a day
        except StoreError as exc:
            log.warning("sign-out not recorded: %s", exc)
            told = self.tr("Any quiz answers given are kept, but an unfinished quiz could not be "
                           "marked as left. %1").replace("%1", str(exc))
            note = " ".join(filter(None, (note, told)))
        self.show_start_screen(note)

    def _show_reader_for(self, member: StaffMember) -> None:
        window = self._window
        window.signed_in_label.setText(self.tr("Signed in as %1").replace("%1", member.full_name))
        window.signed_in_label.setToolTip(self.tr("%1 · %2").replace("%1", member.display_name).replace(
            "%2", member.role_label))
        window.signed_in_label.show()
        window.switch_person_button.show()
        window.progress_label.show()
        window.commands.show_reading_tools(True)
        window.commands.show_signed_in(True)
        window.commands.show_reading_menus(True)
        window.pages.setCurrentWidget(window.reading_page)
        self.signedIn.emit(member)
        window.idle_lock.start()
        window.reader.setFocus(Qt.FocusReason.OtherFocusReason)
        window.statusBar().showMessage(self.tr("Welcome, %1.").replace("%1", member.display_name), 4000)

    def show_start_screen(self, note: str | None = None, *, reload: bool = True) -> None:
        window = self._window
        assert window.start_screen is not None
        if window.admin.is_open():
            window.admin.forget()  # leaving the admin area by any road locks it
        window.read_aloud.stop()
        window.signed_in_label.hide()
        window.switch_person_button.hide()
        window.progress_label.hide()
        window.progress_label.clear()
        window.commands.show_reading_tools(False)
        window.commands.show_signed_in(False)
        window.commands.show_reading_menus(False)
        self.personLeft.emit()
        window.statusBar().clearMessage()
        window.setWindowTitle(APP_NAME)
        window.pages.setCurrentWidget(window.start_screen)
        window.start_screen.reset(note, reload=reload)

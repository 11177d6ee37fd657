"""Damage found in the records while the window is running: one place that stops, explains, offers.

The core reports damage met by any statement or fetch as DatabaseDamaged and refuses every write
after it (core/records/damage.py); `App.on_records_damaged` is called the first time. Whatever part
of the window met it (a sign-in, a reading mark, a quiz answer, a signature, the admin area), this
handler then, once: closes open dialogs, signs the person out (that writes nothing), says the file is
damaged and nothing more will be written, and offers the newest backup (the start-up restore path,
with the recovery of signed PDFs) or reading on without saving, as when the records could not be
opened at start.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QMessageBox

from holbrook_desktop.ui import records_startup

if TYPE_CHECKING:
    from holbrook_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class RecordsDamage(QObject):
    # Emitted from whichever thread met the damage; handled on the window's thread, after the
    # handler that caught the error has finished (so the person's click is over first).
    found = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._handling = False
        self.found.connect(self.handle, Qt.ConnectionType.QueuedConnection)
        window.service.on_records_damaged = self.found.emit

    def handle(self) -> None:
        window, service = self._window, self._window.service
        store = service.records
        damage = store.damage() if store is not None else None
        if self._handling or store is None or damage is None:
            return
        self._handling = True
        try:
            log.error("records damaged while open: %s", damage)
            for dialog in window.findChildren(QDialog):  # nothing half-done stays on screen
                if dialog.isVisible():
                    dialog.reject()
            window.idle_lock.stop()
            service.sign_out()  # writes nothing: the person is signed out whatever the records say
            restore = self._ask(damage)
            store.close()
            service.use_records(None)
            if restore:
                opening = records_startup.restore_newest_and_open(service, window)
            else:
                opening = records_startup.RecordsOpening(None, records_startup.reading_only_note())
            self._show(opening)
        finally:
            self._handling = False

    def _ask(self, damage) -> bool:
        """True if the person chose the newest backup."""
        text = self.tr("The staff records file is damaged, so nothing more will be written to it. %1") \
            .replace("%1", records_startup.damage_text(damage))
        box = QMessageBox(QMessageBox.Icon.Critical, self.tr("The staff records are damaged"), text,
                          QMessageBox.StandardButton.NoButton, self._window)
        carry_on_text = self.tr("Continue reading without saving")
        if damage.backups:
            box.setInformativeText(self.tr(
                "Whoever was signed in has been signed out. You can put the newest backup in its place "
                "(the damaged file is kept beside it, renamed; acknowledgements signed since are put "
                "back from their PDFs), or carry on reading without saving progress."))
            restore = box.addButton(self.tr("Restore the newest backup"), QMessageBox.ButtonRole.AcceptRole)
            box.setDefaultButton(restore)
        else:
            restore = None
            box.setInformativeText(self.tr(
                "Whoever was signed in has been signed out. There is no backup to put in its place: you "
                "can carry on reading, but progress will not be saved. Please tell whoever looks after "
                "this PC."))
        carry_on = box.addButton(carry_on_text, QMessageBox.ButtonRole.RejectRole)
        box.setEscapeButton(carry_on)
        box.exec()
        return restore is not None and box.clickedButton() is restore

    def _show(self, opening: records_startup.RecordsOpening) -> None:
        """The start screen over the restored records, or the reader without any (reading only)."""
        window = self._window
        if opening.store is not None:
            window.session_controller.show_start_screen()
        else:
            if window.admin.is_open():
                window.admin.forget()
            window.session_controller.personLeft.emit()
            for page in (window.start_screen, window.quiz_view, window.acknowledgement_view):
                if page is not None:
                    window.pages.removeWidget(page)
                    page.deleteLater()
            window.start_screen = window.quiz_view = window.acknowledgement_view = None
            commands = window.commands
            menu = commands.admin_menu.menuAction()
            for action in (commands.switch_person, commands.check_attestation, menu):
                action.setVisible(False)
            commands.show_signed_in(False)
            for label in (window.signed_in_label, window.switch_person_button, window.progress_label):
                label.hide()
            window.records_note.setText(opening.problem or "")
            window.records_note.setToolTip(opening.problem or "")
            window.records_note.setVisible(bool(opening.problem))
            window.show_reading_page()
            window.reading_controller.show_first_location()
        if opening.notice:
            window.show_notice(opening.notice)

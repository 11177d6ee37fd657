"""The policy being read: the section shown, its end seen, the reading time, the progress marks, the title."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from holbrook_desktop import APP_NAME
from holbrook_desktop.core.records.errors import DatabaseDamaged, StoreError
from holbrook_desktop.ui.accessibility import announce, caption
from holbrook_desktop.ui.content_problems import no_content_page

if TYPE_CHECKING:
    from holbrook_desktop.core.content.handbook import Policy
    from holbrook_desktop.core.content.render import Location
    from holbrook_desktop.core.content.search import SearchHit
    from holbrook_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class ReadingController(QObject):
    """Between the reader, the contents and the app's reading service: a section counts as read once its
    end has been seen and enough time spent on it, which the timer looks for."""

    progressChanged = Signal()  # the marks of the policy shown were redrawn: the next step may differ

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._service = window.service
        self.current_policy_id: str | None = None
        self._store_error_told = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        # A coarse timer may fire up to 5% early: 0.9 s before an 18-second section is read.
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_reading_time_elapsed)
        # What it takes for the section on screen to count as read, said while it does not yet.
        from PySide6.QtWidgets import QLabel

        self.section_hint = QLabel(window)
        caption(self.section_hint, self.tr("What this section needs to count as read"))
        self.section_hint.setToolTip(self.tr("A section counts as read once you have scrolled to its end "
                                             "and spent long enough on it to read it"))
        window.statusBar().addPermanentWidget(self.section_hint)
        self.section_hint.hide()
        self._hint_timer = QTimer(self)
        self._hint_timer.setInterval(1000)
        self._hint_timer.timeout.connect(self.update_hint)

    def current_policy(self) -> Policy | None:
        return self._service.content.policy(self.current_policy_id) if self.current_policy_id else None

    # Where the reader is -------------------------------------------------------------------

    def show_location(self, location: Location) -> None:
        reader = self._window.reader
        reader.show_location(location)
        if location.clause_number:
            reader.highlight_clause(location.clause_number)  # show which clause was meant

    def open_search_hit(self, hit: SearchHit) -> None:
        location = self._service.content.locate(hit.clause_id)
        if location is None:
            return
        reader = self._window.reader
        reader.show_location(location)
        reader.highlight_clause(hit.number, hit.terms)
        reader.setFocus()

    def focus_search(self) -> None:
        field = self._window.search_panel.field
        field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        field.selectAll()

    def show_next_unread(self) -> None:
        """“Next unread section”: on from the section shown, round to the start; said when none is left."""
        location = self._service.reading.next_unread_after(self._window.reader.location())
        if location is None:
            self._window.statusBar().showMessage(self.tr("You have read every section."), 6000)
            return
        self.show_location(location)
        self._window.reader.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_first_location(self, *, unread: bool = False) -> None:
        """The first section (the first still to read, for someone signing in: their place is kept)."""
        first = (self._service.reading.first_unread() if unread else None) or \
            self._service.content.first_location()
        if first is not None:
            self.show_location(first)
            if self.current_policy_id is None:  # the page was already showing: no signal came
                self.on_location_changed(first)
        else:
            self._window.reader.setHtml(no_content_page(self._service.content.content_dir))
            self._window.setWindowTitle(APP_NAME)

    def on_location_changed(self, location: Location) -> None:
        self._window.contents.select_location(location)
        try:
            self._service.reading.open_section(location)
        except StoreError as exc:
            self._tell_store_error(exc)
        self.schedule_check()
        self.update_hint()
        if location.policy_id != self.current_policy_id:
            self.current_policy_id = location.policy_id
            self.show_policy_title()
            self.refresh_progress()

    def update_hint(self) -> None:
        """“Scroll to the end; about 40 s more”: on the status bar while the section is not yet read."""
        window = self._window
        on_page = window.has_reading_page() and window.pages.currentWidget() is window.reading_page
        hint = self._service.reading.section_hint() if on_page else None
        if hint is None:
            self.section_hint.hide()
            self._hint_timer.stop()
            return
        # The core's words, as the issue asks: "Scroll to the end; about 40 s more".
        text = self.tr("This section counts as read") if hint.read else hint.text()
        self.section_hint.setText(text)
        self.section_hint.show()
        if hint.read:
            self._hint_timer.stop()
        elif not self._hint_timer.isActive():
            self._hint_timer.start()

    def show_policy_title(self) -> None:
        policy = self.current_policy()
        if policy is not None:
            self._window.setWindowTitle(f"{policy.title} — {policy.meta.version} · {APP_NAME}")

    # Who is reading --------------------------------------------------------------------------

    def start_afresh(self) -> None:
        """Each person starts at the beginning with their own marks, not the last person's trail."""
        self._store_error_told = False
        self._window.reader.clearHistory()
        self.refresh_all_progress()
        self.current_policy_id = None
        self.show_first_location(unread=True)
        self._window.commands.back.setEnabled(False)
        self._window.commands.forward.setEnabled(False)

    def forget_person(self) -> None:
        """Back to the start screen: nobody's search or marks are left showing."""
        self._timer.stop()
        self.update_hint()
        self.current_policy_id = None
        if self._window.has_reading_page():  # else it is made afresh, with no search or marks
            self._window.search_panel.field.clear()
            self.refresh_all_progress()

    def content_changed(self) -> None:
        """Other content was put in use: the contents, search and the reader start afresh."""
        self._window.contents.set_policies(self._service.content.policies)
        self._window.search_panel.field.clear()
        self._window.reader.clearHistory()
        self.current_policy_id = None

    # The time spent reading ------------------------------------------------------------------

    def pause(self) -> None:
        """Nobody is reading for now (the admin area, a sign-out)."""
        self._timer.stop()

    def leave_text(self) -> None:
        """The quiz or the acknowledgement: time on them is not time spent reading."""
        self._timer.stop()
        self._service.reading.close_section()
        self.update_hint()

    def on_end_of_page_visible(self) -> None:
        try:
            just_read = self._service.reading.end_of_section_seen()
        except StoreError as exc:
            self._tell_store_error(exc)
            return
        if just_read:
            self.refresh_progress(just_read=True)
        else:
            self.schedule_check()
            self.update_hint()

    def schedule_check(self) -> None:
        remaining = self._service.reading.seconds_until_read()
        self._timer.start(int(remaining * 1000) + 50)
        self.update_hint()

    def _on_reading_time_elapsed(self) -> None:
        try:
            just_read = self._service.reading.poll()
        except StoreError as exc:
            self._tell_store_error(exc)
            return
        if just_read:
            self.refresh_progress(just_read=True)
        elif self._service.reading.seconds_until_read() > 0:
            self.schedule_check()  # woken a little early: look again when the time is up

    # Progress --------------------------------------------------------------------------------

    def refresh_all_progress(self) -> None:
        """Every policy's marks, for whoever is reading now (or nobody)."""
        for policy in self._service.content.policies:
            self._window.contents.set_read_sections(
                policy.id, self._service.reading.progress(policy.id).read_sections)

    def refresh_progress(self, *, just_read: bool = False) -> None:
        policy_id = self.current_policy_id
        if policy_id is None:
            return
        summary = self._service.reading.progress(policy_id)
        self._window.contents.set_read_sections(policy_id, summary.read_sections)
        self._window.progress_label.setText(
            self.tr("%1 of %2 sections read").replace("%1", str(summary.read)).replace(
                "%2", str(summary.total))
        )
        self.update_hint()
        if just_read:
            self._window.statusBar().showMessage(self.tr("Section marked as read."), 4000)
            announce(self._window.progress_label, self.tr("Section marked as read. %1").replace(
                "%1", self._window.progress_label.text()))
        self.progressChanged.emit()

    def _tell_store_error(self, exc: StoreError) -> None:
        """The reading goes on; the person is told, once in a box and then in the status bar."""
        log.warning("reading progress not saved: %s", exc)
        if isinstance(exc, DatabaseDamaged):
            return  # said once, with the backup offered, by the window (ui/records_damage.py)
        text = self.tr("Your reading progress could not be saved. %1").replace("%1", str(exc))
        self._window.statusBar().showMessage(text, 30000)
        if self._store_error_told:
            return
        self._store_error_told = True
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Reading progress not saved"), text,
                          QMessageBox.StandardButton.Ok, self._window)
        box.setInformativeText(self.tr("You can keep reading. Please tell whoever looks after this PC."))
        box.open()

    # Text size and reading aloud -------------------------------------------------------------

    def toggle_read_aloud(self, *_args) -> None:
        read_aloud = self._window.read_aloud  # looked up each time: a test gives the window a voice
        if read_aloud.speaking:
            read_aloud.stop()
        else:
            read_aloud.speak(self._window.reader.toPlainText())

    def on_zoom_changed(self, percent: int) -> None:
        self._window.preferences.set_zoom(percent)
        self._window.statusBar().showMessage(self.tr("Text size %1%").replace("%1", str(percent)), 2000)

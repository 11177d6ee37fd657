"""The main window: “Who are you?” first on a shared PC, then contents, search and the policy text."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import QLabel, QMainWindow, QPushButton, QSizePolicy, QStackedWidget, QWidget

from holbrook_desktop.app import App
from holbrook_desktop.core.content.render import Location
from holbrook_desktop.core.paths import resource_path
from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.ui import content_problems, theme
from holbrook_desktop.ui.accessibility import caption
from holbrook_desktop.ui.attestation import attestation_check
from holbrook_desktop.ui.preferences import Preferences
from holbrook_desktop.ui.quiz_controller import QuizController
from holbrook_desktop.ui.reading.read_aloud import ReadAloud
from holbrook_desktop.ui.reading_controller import ReadingController
from holbrook_desktop.ui.screen_fit import fit_to_screen, scrolling
from holbrook_desktop.ui.session.idle_lock import DEFAULT_IDLE_MS, IdleLock
from holbrook_desktop.ui.session_controller import SessionController
from holbrook_desktop.ui.window_actions import WindowActions

if TYPE_CHECKING:
    from PySide6.QtWidgets import QSplitter

    from holbrook_desktop.core.attestation.document import AttestationCheck
    from holbrook_desktop.ui.attestation.acknowledgement_view import AcknowledgementView
    from holbrook_desktop.ui.quiz.quiz_bar import QuizBar
    from holbrook_desktop.ui.quiz.quiz_view import QuizView
    from holbrook_desktop.ui.reading.contents_tree import ContentsTree
    from holbrook_desktop.ui.reading.policy_printing import PolicyPrinting
    from holbrook_desktop.ui.reading.reader_view import ReaderView
    from holbrook_desktop.ui.reading.search_panel import SearchPanel
    from holbrook_desktop.ui.reading_page import ReadingPage
    from holbrook_desktop.ui.session.start_screen import StartScreen
    from holbrook_desktop.ui.sync_controller import SyncController

log = logging.getLogger(__name__)
# Dialog classes (QMessageBox, QFileDialog, printing) are imported where they are used: each
# costs milliseconds of start-up that a person reading the policy should not wait for.


class MainWindow(QMainWindow):
    """With a records store, a person signs in on the start screen first and their reading is kept;
    without one (tests, or records that could not be opened) the reader shows straight away.

    The window lays out the pages and wires its parts together; the parts do the work: the session
    (who is signed in), the reading (what is read), the quiz and acknowledgement, printing, and the
    actions of the menus and toolbar."""

    def __init__(
        self,
        service: App,
        preferences: Preferences,
        *,
        idle_timeout_ms: int = DEFAULT_IDLE_MS,
        records_problem: str | None = None,
        records_pending: bool = False,
    ) -> None:
        super().__init__()
        self.service = service
        self.preferences = preferences
        self.setWindowIcon(QIcon(str(resource_path("icons", "holbrook.svg"))))
        self._stylesheet = resource_path("reader.css").read_text(encoding="utf-8")
        self._reading_page: ReadingPage | None = None  # made on first use (`reading_parts`)
        self._printing: PolicyPrinting | None = None
        self.signed_in_label = QLabel(self)
        caption(self.signed_in_label, self.tr("Signed in"))
        self.switch_person_button = QPushButton(self.tr("Not you? Switch person"), self)
        self.switch_person_button.setAccessibleDescription(
            self.tr("Signs you out and goes back to the list of staff"))
        self.switch_person_button.setAutoDefault(False)
        self.progress_label = QLabel(self)
        caption(self.progress_label, self.tr("Reading progress"))
        self.records_note = QLabel(self)
        caption(self.records_note, self.tr("Records"))
        theme.keep_styled(self.records_note, theme.warning_style)
        # A long note must not set the window's minimum width; the whole of it is in the tooltip.
        self.records_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        status = self.statusBar()
        status.addWidget(self.records_note, 1)
        status.addPermanentWidget(self.signed_in_label)
        status.addPermanentWidget(self.switch_person_button)
        status.addPermanentWidget(self.progress_label)
        self.signed_in_label.hide()
        self.switch_person_button.hide()
        self._show_records_note(records_problem)

        self.pages = QStackedWidget(self)
        self.setCentralWidget(scrolling(self.pages))
        self.start_screen: StartScreen | None = None
        self.quiz_view: QuizView | None = None
        self.acknowledgement_view: AcknowledgementView | None = None  # made on first use
        self.idle_lock = IdleLock(idle_timeout_ms, self)
        self.records_pending = records_pending
        if service.records is not None:
            self._add_start_screen()

        self.offer_admin_setup = False  # the app sets it: a fresh installation asks for the password
        from holbrook_desktop.ui.admin.admin_access import AdminAccess
        self.admin = AdminAccess(self)
        self.read_aloud = ReadAloud(self)
        # `commands`, not `actions`: QWidget.actions() is Qt's list of the window's actions.
        self.commands = WindowActions(self, self.admin, with_records=service.records is not None)
        self.reading_controller = ReadingController(self)
        self.session_controller = SessionController(self)
        self.quiz_controller = QuizController(self)
        self._sync: SyncController | None = None
        if service.records is not None:
            self._start_syncing()
        self._connect_signals()
        # Looked for once the window is up (two turns: Qt paints a shown window after the first turn's
        # timers): the speech plugins take a moment to list their voices.
        QTimer.singleShot(0, lambda: QTimer.singleShot(0, lambda: self.commands.read_aloud.setVisible(
            self.read_aloud.available())))
        geometry = preferences.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1200, 760)
        fit_to_screen(self)
        if records_pending:
            self._show_opening_records()
        elif self.start_screen is not None:
            self.session_controller.show_start_screen(reload=False)  # the list was read a moment ago
            self.make_reading_page_soon()
        else:
            self.reading_controller.show_first_location()

    # The reading page: hidden at the first paint, so made just after it or on first use ----------

    def reading_parts(self) -> ReadingPage:
        if self._reading_page is None:
            from holbrook_desktop.ui.reading_page import ReadingPage

            self._reading_page = ReadingPage(self, self._stylesheet)
            self._reading_page.connect(self)
        return self._reading_page

    def make_reading_page_soon(self) -> None:
        QTimer.singleShot(0, self, self.reading_parts)  # not if the window is gone meanwhile

    def has_reading_page(self) -> bool:
        return self._reading_page is not None

    @property
    def reading_page(self) -> QSplitter:
        return self.reading_parts().splitter

    @property
    def reader(self) -> ReaderView:
        return self.reading_parts().reader

    @property
    def contents(self) -> ContentsTree:
        return self.reading_parts().contents

    @property
    def search_panel(self) -> SearchPanel:
        return self.reading_parts().search_panel

    @property
    def quiz_bar(self) -> QuizBar:
        return self.reading_parts().quiz_bar

    @property
    def printing(self) -> PolicyPrinting:
        if self._printing is None:
            from holbrook_desktop.ui.reading.policy_printing import PolicyPrinting

            self._printing = PolicyPrinting(self, self.service.content, self._stylesheet,
                                            self.reading_controller.current_policy,
                                            lambda: self.service.data_dir)
        return self._printing

    @property
    def sync(self) -> SyncController:
        return self._sync or self._start_syncing()

    def _start_syncing(self) -> SyncController:
        """Several PCs: a sync at each start screen and every few minutes. Made with the records
        (before their first start screen), off the way to the window's first paint."""
        from holbrook_desktop.ui.sync_controller import SyncController

        self._sync = self._sync or SyncController(self)
        return self._sync

    def _add_start_screen(self) -> None:
        from holbrook_desktop.ui.quiz.quiz_view import QuizView  # quizzes are kept in the records
        from holbrook_desktop.ui.session.start_screen import StartScreen  # only on a PC with records

        self.start_screen = StartScreen(self.service, self)
        self.pages.addWidget(self.start_screen)
        self.quiz_view = QuizView(self)
        self.pages.addWidget(self.quiz_view)

    def acknowledgement_page(self) -> AcknowledgementView:
        if self.acknowledgement_view is None:
            from holbrook_desktop.ui.attestation.acknowledgement_view import AcknowledgementView

            self.acknowledgement_view = AcknowledgementView(self.service, self)
            self._connect_acknowledgement_signals(self.acknowledgement_view)
            self.pages.addWidget(self.acknowledgement_view)
        return self.acknowledgement_view

    def _show_records_note(self, problem: str | None) -> None:
        self.records_note.setVisible(bool(problem))
        self.records_note.setText(problem or "")
        self.records_note.setToolTip(problem or "")

    # Wiring ------------------------------------------------------------------------------

    def _connect_signals(self) -> None:
        """The reading page's own wiring is made with it (ui/reading_page.py)."""
        commands = self.commands
        reading, session, quiz = self.reading_controller, self.session_controller, self.quiz_controller
        commands.connect_to(self)
        self.read_aloud.stateChanged.connect(commands.read_aloud.setChecked)
        reading.progressChanged.connect(quiz.refresh_offer)
        self.switch_person_button.clicked.connect(session.switch_person)
        self.idle_lock.expired.connect(session.on_idle)
        session.signedIn.connect(lambda _member: reading.start_afresh())
        session.personLeft.connect(quiz.forget)
        session.personLeft.connect(reading.forget_person)
        self._connect_page_signals()

    def _connect_page_signals(self) -> None:
        """The start screen and the quiz page exist only with records, which may open late."""
        if self.start_screen is not None:
            self.start_screen.signInRequested.connect(self.session_controller.sign_in)
        if self.quiz_view is not None:
            self.quiz_view.readClauseRequested.connect(self.quiz_controller.read_clause)
            self.quiz_view.retakeRequested.connect(self.quiz_controller.retake_quiz)
            self.quiz_view.backToPolicyRequested.connect(self.quiz_controller.leave_quiz)
            self.quiz_view.acknowledgeRequested.connect(self.quiz_controller.acknowledge_after_quiz)

    def _connect_acknowledgement_signals(self, view: AcknowledgementView) -> None:
        """The acknowledgement page is made on first use."""
        view.backToPolicyRequested.connect(self.quiz_controller.leave_acknowledgement)
        view.acknowledged.connect(lambda _record_id: self.quiz_controller.refresh_offer())

    # Records that open after the window is up ------------------------------------------

    def _show_opening_records(self) -> None:
        """The window appears at once; the records (sqlite-utils, checks, backup) follow."""
        waiting = QLabel(self.tr("Opening the staff records…"), self)
        waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        caption(waiting, self.tr("Opening the staff records"))
        self._opening_page = waiting
        self.pages.addWidget(waiting)
        self.pages.setCurrentWidget(waiting)
        self.commands.show_reading_tools(False)
        self.commands.switch_person.setEnabled(False)

    def attach_records(self, store, *, problem: str | None = None, notice: str | None = None) -> None:
        """The records are open (or could not be): show the start screen, or read without them."""
        self.records_pending = False
        self.service.use_records(store)
        if store is not None:
            self._add_start_screen()
            self._connect_page_signals()
            self._start_syncing()
            self.commands.records_opened()
            self.session_controller.show_start_screen(reload=False)
            if self.offer_admin_setup:
                self.admin.offer_first_run()
        else:
            self._show_records_note(problem)
            self.commands.show_reading_tools(True)
            self.reading_controller.show_first_location()
        self.pages.removeWidget(self._opening_page)
        self._opening_page.deleteLater()
        self.make_reading_page_soon()
        if notice:
            self.show_notice(notice)

    # Pages -------------------------------------------------------------------------------

    def show_reading_page(self) -> None:
        self.commands.show_reading_tools(True)
        self.commands.back.setEnabled(self.reader.isBackwardAvailable())
        self.commands.forward.setEnabled(self.reader.isForwardAvailable())
        self.commands.show_reading_menus(True)
        self.pages.setCurrentWidget(self.reading_page)
        self.reading_controller.show_policy_title()
        self.reading_controller.schedule_check()
        self.quiz_controller.refresh_offer()

    def show_task_page(self, page: QWidget) -> None:
        """The quiz, the acknowledgement or the admin area: the reading tools step aside."""
        self.read_aloud.stop()
        self.commands.show_reading_tools(False)
        self.commands.show_reading_menus(False)
        self.pages.setCurrentWidget(page)

    def show_admin_page(self, page: QWidget) -> None:
        self.reading_controller.pause()
        self.show_task_page(page)
        self.setWindowTitle(self.admin.title())

    def show_start_after_admin(self, note: str | None) -> None:
        self.session_controller.show_start_screen(note)

    def content_reloaded(self) -> None:
        """An administrator put other content in use: contents, search and the reader start afresh
        (the service has already signed out whoever was reading)."""
        self.reading_controller.content_changed()
        self.quiz_controller.clear_pages()
        if self.start_screen is not None:
            self.start_screen.refresh_intro()

    def is_showing_start_screen(self) -> bool:
        return self.start_screen is not None and self.pages.currentWidget() is self.start_screen

    def is_showing_quiz(self) -> bool:
        return self.quiz_view is not None and self.pages.currentWidget() is self.quiz_view

    def is_showing_acknowledgement(self) -> bool:
        view = self.acknowledgement_view
        return view is not None and self.pages.currentWidget() is view

    def is_showing_admin(self) -> bool:
        return self.admin.is_open() and self.pages.currentWidget() is self.admin.view

    # What a person does, by name (the window's parts do the work) --------------------------

    def sign_in(self, staff_id: int) -> bool:
        return self.session_controller.sign_in(staff_id)

    def switch_person(self) -> None:
        self.session_controller.switch_person()

    def show_location(self, location: Location) -> None:
        self.reading_controller.show_location(location)

    def take_quiz(self) -> bool:
        return self.quiz_controller.take_quiz()

    def leave_quiz(self) -> None:
        self.quiz_controller.leave_quiz()

    def acknowledge_policy(self, policy_id: str | None = None) -> bool:
        return self.quiz_controller.acknowledge_policy(policy_id)

    def save_policy_pdf(self, path: Path) -> bool:
        return self.printing.save_pdf(path)

    def check_attestation(self, path: Path) -> AttestationCheck | None:
        return attestation_check.check_attestation(self, path)

    # Telling the person ------------------------------------------------------------------

    def show_notice(self, text: str) -> None:
        """Something the person should know on arrival (a restored backup, for example)."""
        if self.is_showing_start_screen():
            self.start_screen.show_note(text)
        else:
            self.statusBar().showMessage(text, 15000)

    def warn(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self).open()
        self.statusBar().showMessage(text, 15000)

    def content_problems_text(self) -> str | None:
        return content_problems.content_problems_text(self.service.content.diagnostics)

    def show_content_problems(self) -> None:
        content_problems.show_content_problems(self.service.content.diagnostics, self)

    def show_help(self) -> None:
        from holbrook_desktop.ui.help_page import HelpDialog

        dialog = HelpDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_about(self) -> None:
        from holbrook_desktop.ui.about_dialog import AboutDialog

        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # Closing -----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.read_aloud.stop()
        self.preferences.set_geometry(self.saveGeometry())
        if self.quiz_view is not None and self.quiz_view.has_unfinished_session():
            try:
                self.service.sign_out()  # the quiz left part-way is kept, to resume within a day
            except StoreError as exc:
                log.warning("unfinished quiz not marked as left: %s", exc)
        super().closeEvent(event)
        for timer in self.findChildren(QTimer):  # a closed window syncs, polls and locks no more
            timer.stop()

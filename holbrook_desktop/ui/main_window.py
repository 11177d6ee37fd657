"""The main window: “Who are you?” first on a shared PC, then contents, search and the policy text."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop import APP_NAME
from holbrook_desktop.app import App
from holbrook_desktop.core.content.diagnostics import Severity
from holbrook_desktop.core.content.render import Location
from holbrook_desktop.core.paths import resource_path
from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.ui import theme
from holbrook_desktop.ui.preferences import Preferences
from holbrook_desktop.ui.quiz.quiz_bar import QuizBar
from holbrook_desktop.ui.reading.contents_tree import ContentsTree
from holbrook_desktop.ui.reading.read_aloud import ReadAloud
from holbrook_desktop.ui.reading.reader_view import ReaderView, render_print_document
from holbrook_desktop.ui.reading.search_panel import SearchPanel
from holbrook_desktop.ui.session.idle_lock import DEFAULT_IDLE_MS, IdleLock, idle_duration_text

if TYPE_CHECKING:
    from holbrook_desktop.core.content.search import SearchHit
    from holbrook_desktop.core.records import StaffMember
    from holbrook_desktop.ui.attestation.acknowledgement_view import AcknowledgementView
    from holbrook_desktop.ui.quiz.quiz_view import QuizView
    from holbrook_desktop.ui.session.start_screen import StartScreen

log = logging.getLogger(__name__)
MAX_PROBLEMS_SHOWN = 8
# Dialog classes (QMessageBox, QFileDialog, printing) are imported where they are used: each
# costs milliseconds of start-up that a person reading the policy should not wait for.


class MainWindow(QMainWindow):
    """With a records store, a person signs in on the start screen first and their reading is kept;
    without one (tests, or records that could not be opened) the reader shows straight away."""

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
        self._current_policy_id: str | None = None
        self._store_error_told = False
        self._quiz_mode = "induction"
        self._quiz_policy_id: str | None = None
        self.setWindowIcon(QIcon(str(resource_path("icons", "holbrook.svg"))))
        self._stylesheet = resource_path("reader.css").read_text(encoding="utf-8")

        self.search_panel = SearchPanel(service.content.search, self)
        self.contents = ContentsTree(service.content.policies, self)
        self.reader = ReaderView(service.content.section_page, self._stylesheet, self)
        self.quiz_bar = QuizBar(self)
        self.signed_in_label = QLabel(self)
        self.signed_in_label.setAccessibleName(self.tr("Signed in"))
        self.switch_person_button = QPushButton(self.tr("Not you? Switch person"), self)
        self.switch_person_button.setAccessibleDescription(
            self.tr("Signs you out and goes back to the list of staff"))
        self.switch_person_button.setAutoDefault(False)
        self.progress_label = QLabel(self)
        self.progress_label.setAccessibleName(self.tr("Reading progress"))
        self.records_note = QLabel(self)
        self.records_note.setAccessibleName(self.tr("Records"))
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
        self.records_note.setVisible(bool(records_problem))
        self.records_note.setText(records_problem or "")
        self.records_note.setToolTip(records_problem or "")
        self._reading_timer = QTimer(self)
        self._reading_timer.setSingleShot(True)
        # A coarse timer may fire up to 5% early: 0.9 s before an 18-second section is read.
        self._reading_timer.setTimerType(Qt.TimerType.PreciseTimer)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(self.search_panel)
        left_layout.addWidget(self.contents, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        text_column = QWidget(self)
        text_layout = QVBoxLayout(text_column)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.setSpacing(0)
        text_layout.addWidget(self.quiz_bar)
        text_layout.addWidget(self.reader, 1)
        splitter.addWidget(text_column)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 870])
        splitter.setChildrenCollapsible(False)
        self.reading_page = splitter
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.reading_page)
        self.setCentralWidget(self.pages)
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
        self._create_actions()
        self._connect_signals()
        self.reader.set_zoom(preferences.zoom())
        geometry = preferences.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1200, 760)
        if records_pending:
            self._show_opening_records()
        elif self.start_screen is not None:
            self._show_start_screen(reload=False)  # the list was read a moment ago
        else:
            self._show_first_location()

    def _add_start_screen(self) -> None:
        from holbrook_desktop.ui.quiz.quiz_view import QuizView  # quizzes are kept in the records
        from holbrook_desktop.ui.session.start_screen import StartScreen  # only on a PC with records

        self.start_screen = StartScreen(self.service, self)
        self.pages.addWidget(self.start_screen)
        self.quiz_view = QuizView(self)
        self.pages.addWidget(self.quiz_view)

    # Records that open after the window is up ------------------------------------------

    def _show_opening_records(self) -> None:
        """The window appears at once; the records (sqlite-utils, checks, backup) follow."""
        waiting = QLabel(self.tr("Opening the staff records…"), self)
        waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        waiting.setAccessibleName(self.tr("Opening the staff records"))
        self._opening_page = waiting
        self.pages.addWidget(waiting)
        self.pages.setCurrentWidget(waiting)
        self.toolbar.hide()
        for reading_action in (*self._reading_actions, self.switch_person_action):
            reading_action.setEnabled(False)

    def attach_records(self, store, *, problem: str | None = None, notice: str | None = None) -> None:
        """The records are open (or could not be): show the start screen, or read without them."""
        self.records_pending = False
        self.service.use_records(store)
        if store is not None:
            self._add_start_screen()
            self._connect_page_signals()
            self.switch_person_action.setVisible(True)
            self.check_attestation_action.setVisible(True)
            self._admin_menu.menuAction().setVisible(True)
            self._show_start_screen(reload=False)
            if self.offer_admin_setup:
                self.admin.offer_first_run()
        else:
            self.records_note.setVisible(bool(problem))
            self.records_note.setText(problem or "")
            self.records_note.setToolTip(problem or "")
            self.toolbar.show()
            for reading_action in self._reading_actions:
                reading_action.setEnabled(True)
            self._show_first_location()
        self.pages.removeWidget(self._opening_page)
        self._opening_page.deleteLater()
        if notice:
            self.show_notice(notice)

    # Set-up ------------------------------------------------------------------------------

    def _create_actions(self) -> None:
        def action(text: str, shortcuts, slot, tip: str = "") -> QAction:
            new = QAction(text, self)
            new.setShortcuts(shortcuts if isinstance(shortcuts, list) else [shortcuts])
            new.triggered.connect(slot)
            new.setToolTip(f"{text.replace('&', '')} ({new.shortcut().toString(QKeySequence.NativeText)})")
            new.setStatusTip(tip)
            self.addAction(new)
            return new

        Key = QKeySequence.StandardKey
        self.back_action = action(self.tr("&Back"), QKeySequence(Key.Back), self.reader.backward,
                                  self.tr("Go back to the previous place you read"))
        self.forward_action = action(self.tr("&Forward"), QKeySequence(Key.Forward), self.reader.forward)
        self.zoom_in_action = action(
            self.tr("Zoom &in"), [QKeySequence(Key.ZoomIn), QKeySequence("Ctrl+=")], self.reader.zoom_in,
        )
        self.zoom_out_action = action(self.tr("Zoom &out"), QKeySequence(Key.ZoomOut), self.reader.zoom_out)
        self.zoom_reset_action = action(self.tr("&Actual size"), QKeySequence("Ctrl+0"),
                                        self.reader.reset_zoom)
        self.read_aloud = ReadAloud(self)
        self.read_aloud_action = action(self.tr("Read &aloud"), QKeySequence("Ctrl+Shift+R"),
                                        self.toggle_read_aloud,
                                        self.tr("Read the current section aloud; choose it again to stop"))
        self.read_aloud_action.setCheckable(True)
        # Only where Qt's speech module and a voice exist (PySide6-Addons): otherwise it is not offered.
        # Looked for once the window is up: the speech plugins take a moment to list their voices.
        self.read_aloud_action.setVisible(False)
        QTimer.singleShot(0, lambda: self.read_aloud_action.setVisible(self.read_aloud.available()))
        self.read_aloud.stateChanged.connect(self.read_aloud_action.setChecked)
        self.find_action = action(self.tr("&Find…"), QKeySequence(Key.Find), self.focus_search)
        self.print_action = action(self.tr("&Print…"), QKeySequence(Key.Print), self.print_policy)
        self.save_pdf_action = action(self.tr("Save as &PDF…"), QKeySequence("Ctrl+Shift+S"),
                                      self.save_policy_pdf_dialog)
        self.quit_action = action(self.tr("&Quit"), QKeySequence(Key.Quit), self.close)
        self.switch_person_action = action(self.tr("&Switch person"), QKeySequence("Ctrl+Shift+L"),
                                           self.switch_person,
                                           self.tr("Sign out and go back to the list of staff"))
        self.take_quiz_action = self._quiz_action(
            self.tr("&Take the quiz"), self.take_quiz,
            self.tr("The quiz on this policy; it opens once every section has been read"))
        self.refresher_quiz_action = self._quiz_action(
            self.tr("&Refresher quiz"), self.take_refresher_quiz,
            self.tr("A shorter quiz to refresh what the policy says"))
        self.back_to_quiz_action = self._quiz_action(
            self.tr("&Back to the quiz"), self.back_to_quiz, self.tr("Return to the quiz under way"))
        self.acknowledge_action = self._quiz_action(
            self.tr("&Acknowledge the policy…"), self.acknowledge_policy,
            self.tr("Once you have passed the quiz: confirm you have read and understood it, and sign"))
        self.check_attestation_action = QAction(self.tr("&Check an attestation…"), self)
        self.check_attestation_action.setStatusTip(
            self.tr("Check that a signed attestation PDF is genuine, unchanged and on record here"))
        self.check_attestation_action.triggered.connect(self.check_attestation_dialog)
        self.check_attestation_action.setVisible(self.service.records is not None)
        # Help works everywhere, the start screen included: not one of the reading actions.
        self.help_action = action(self.tr("&Help"), QKeySequence(Key.HelpContents), self.show_help,
                                  self.tr("How to read, take the quiz and sign; keyboard shortcuts"))
        self.about_action = QAction(self.tr("&About %1").replace("%1", APP_NAME), self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        self.back_action.setEnabled(False)
        self.forward_action.setEnabled(False)
        self.switch_person_action.setVisible(self.start_screen is not None)
        # Actions that act on the policy shown: not available while the start screen is up.
        self._reading_actions = (self.back_action, self.forward_action, self.zoom_in_action,
                                 self.zoom_out_action, self.zoom_reset_action, self.find_action,
                                 self.print_action, self.save_pdf_action, self.read_aloud_action)

        toolbar = self.addToolBar(self.tr("Reading"))
        self.toolbar = toolbar
        toolbar.setObjectName("reading-toolbar")
        toolbar.setAccessibleName(self.tr("Reading tools"))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for item in (self.back_action, self.forward_action, None, self.zoom_out_action,
                     self.zoom_reset_action, self.zoom_in_action, self.read_aloud_action, None,
                     self.print_action, self.save_pdf_action):
            toolbar.addSeparator() if item is None else toolbar.addAction(item)

        menus = self.menuBar()
        file_menu = menus.addMenu(self.tr("&File"))
        for item in (self.print_action, self.save_pdf_action, None, self.check_attestation_action, None,
                     self.switch_person_action, None, self.quit_action):
            file_menu.addSeparator() if item is None else file_menu.addAction(item)
        view_menu = menus.addMenu(self.tr("&View"))
        for item in (self.find_action, None, self.zoom_in_action, self.zoom_out_action,
                     self.zoom_reset_action, None, self.read_aloud_action):
            view_menu.addSeparator() if item is None else view_menu.addAction(item)
        go_menu = menus.addMenu(self.tr("&Go"))
        go_menu.addAction(self.back_action)
        go_menu.addAction(self.forward_action)
        self._reading_menus = (view_menu, go_menu)
        self._quiz_menu = menus.addMenu(self.tr("&Quiz"))
        for item in (self.take_quiz_action, self.refresher_quiz_action, None, self.back_to_quiz_action,
                     None, self.acknowledge_action):
            self._quiz_menu.addSeparator() if item is None else self._quiz_menu.addAction(item)
        self._quiz_menu.menuAction().setVisible(False)  # for a signed-in person only
        self._admin_menu = menus.addMenu(self.tr("A&dmin"))
        self._admin_menu.addAction(self.admin.open_action)
        self._admin_menu.addAction(self.admin.lock_action)
        self._admin_menu.menuAction().setVisible(self.service.records is not None)
        help_menu = menus.addMenu(self.tr("&Help"))
        help_menu.addAction(self.help_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _quiz_action(self, text: str, slot, tip: str) -> QAction:
        new = QAction(text, self)
        new.triggered.connect(slot)
        new.setStatusTip(tip)
        new.setEnabled(False)
        self.addAction(new)
        return new

    def _connect_signals(self) -> None:
        self.contents.locationActivated.connect(self.show_location)
        self.search_panel.hitActivated.connect(self.open_search_hit)
        # While a search is showing its results, they take the contents' place.
        self.search_panel.field.textChanged.connect(
            lambda text: self.contents.setVisible(not text.strip())
        )
        self.reader.locationChanged.connect(self._on_location_changed)
        self.reader.locationChanged.connect(lambda _location: self.read_aloud.stop())
        self.reader.backwardAvailable.connect(self.back_action.setEnabled)
        self.reader.forwardAvailable.connect(self.forward_action.setEnabled)
        self.reader.endOfPageVisible.connect(self._on_end_of_page_visible)
        self.reader.zoomChanged.connect(self._on_zoom_changed)
        self._reading_timer.timeout.connect(self._on_reading_time_elapsed)
        self.switch_person_button.clicked.connect(self.switch_person)
        self.idle_lock.expired.connect(self._on_idle)
        self.quiz_bar.takeRequested.connect(self.take_quiz)
        self.quiz_bar.backRequested.connect(self.back_to_quiz)
        self.quiz_bar.acknowledgeRequested.connect(self.acknowledge_policy)
        self._connect_page_signals()

    def _connect_page_signals(self) -> None:
        """The start screen and the quiz page exist only with records, which may open late."""
        if self.start_screen is not None:
            self.start_screen.signInRequested.connect(self.sign_in)
        if self.quiz_view is not None:
            self.quiz_view.readClauseRequested.connect(self.read_quiz_clause)
            self.quiz_view.retakeRequested.connect(self.retake_quiz)
            self.quiz_view.backToPolicyRequested.connect(self.leave_quiz)
            self.quiz_view.acknowledgeRequested.connect(self.acknowledge_after_quiz)

    def _show_first_location(self) -> None:
        first = self.service.content.first_location()
        if first is not None:
            self.show_location(first)
            if self._current_policy_id is None:  # the page was already showing: no signal came
                self._on_location_changed(first)
        else:
            self.reader.setHtml(self._no_content_page())
            self.setWindowTitle(APP_NAME)

    # Who is reading ----------------------------------------------------------------------

    def sign_in(self, staff_id: int) -> bool:
        """The person chosen on the start screen reads from here on; False (and why) if not."""
        if self.start_screen is None:
            return False
        try:
            member = self.service.sign_in(staff_id).member
        except KeyError:
            self.start_screen.reset(self.tr("That person is no longer on the staff list."))
            return False
        except StoreError as exc:
            self.start_screen.show_note(self.tr("You could not be signed in. %1").replace("%1", str(exc)))
            return False
        self._store_error_told = False
        self._show_reader_for(member)
        return True

    def switch_person(self) -> None:
        """“Not you?”: sign out and go back to the start screen, in one step."""
        self._sign_out()

    def _on_idle(self) -> None:
        if self.admin.is_open():
            self._close_open_dialogs()
            self.admin.lock(self.tr("The admin area locked after %1 without use.").replace(
                "%1", idle_duration_text(self.idle_lock.timeout_ms)))
            return
        if self.service.signed_in is None:
            return
        self._close_open_dialogs()
        self._sign_out(self.tr("Signed out after %1 without use.").replace(
            "%1", idle_duration_text(self.idle_lock.timeout_ms)))

    def _sign_out(self, note: str | None = None) -> None:
        if self.start_screen is None:
            return
        self.idle_lock.stop()
        self._reading_timer.stop()
        try:
            self.service.sign_out()  # a quiz left part-way is kept, marked abandoned
        except StoreError as exc:
            log.warning("sign-out not recorded: %s", exc)
            told = self.tr("Any quiz answers given are kept, but an unfinished quiz could not be "
                           "marked as left. %1").replace("%1", str(exc))
            note = " ".join(filter(None, (note, told)))
        self._show_start_screen(note)

    def _show_reader_for(self, member: StaffMember) -> None:
        self.signed_in_label.setText(self.tr("Signed in as %1").replace("%1", member.full_name))
        self.signed_in_label.setToolTip(self.tr("%1 · %2").replace("%1", member.display_name).replace(
            "%2", member.role_label))
        self.signed_in_label.show()
        self.switch_person_button.show()
        self.progress_label.show()
        self.toolbar.show()
        for reading_action in (*self._reading_actions, self.switch_person_action):
            reading_action.setEnabled(True)
        for menu in (*self._reading_menus, self._quiz_menu):
            menu.menuAction().setVisible(True)
        self.pages.setCurrentWidget(self.reading_page)
        # Each person starts at the beginning with their own marks, not the last person's trail.
        self.reader.clearHistory()
        self._refresh_all_progress()
        self._current_policy_id = None
        self._show_first_location()
        self.back_action.setEnabled(False)
        self.forward_action.setEnabled(False)
        self.idle_lock.start()
        self.reader.setFocus(Qt.FocusReason.OtherFocusReason)
        self.statusBar().showMessage(self.tr("Welcome, %1.").replace("%1", member.display_name), 4000)

    def _show_start_screen(self, note: str | None = None, *, reload: bool = True) -> None:
        assert self.start_screen is not None
        if self.admin.is_open():
            self.admin.forget()  # leaving the admin area by any road locks it
        self.read_aloud.stop()
        self.signed_in_label.hide()
        self.switch_person_button.hide()
        self.progress_label.hide()
        self.progress_label.clear()
        self.toolbar.hide()
        for reading_action in (*self._reading_actions, self.switch_person_action):
            reading_action.setEnabled(False)
        for menu in (*self._reading_menus, self._quiz_menu):
            menu.menuAction().setVisible(False)
        if self.quiz_view is not None:
            self.quiz_view.clear()  # the attempt is in the records; nothing of it stays on screen
        if self.acknowledgement_view is not None:
            self.acknowledgement_view.clear()
        self._refresh_quiz_offer()
        self.search_panel.field.clear()
        self.statusBar().clearMessage()
        self._refresh_all_progress()  # nobody's marks are left showing
        self._current_policy_id = None
        self.setWindowTitle(APP_NAME)
        self.pages.setCurrentWidget(self.start_screen)
        self.start_screen.reset(note, reload=reload)

    def show_notice(self, text: str) -> None:
        """Something the person should know on arrival (a restored backup, for example)."""
        if self.start_screen is not None and self.pages.currentWidget() is self.start_screen:
            self.start_screen.show_note(text)
        else:
            self.statusBar().showMessage(text, 15000)

    def show_admin_page(self, page: QWidget) -> None:
        self._reading_timer.stop()
        self._show_task_page(page)
        self.setWindowTitle(self.admin.title())

    def content_reloaded(self) -> None:
        """An administrator put other content in use: contents, search and the reader start afresh
        (the service has already signed out whoever was reading)."""
        self.contents.set_policies(self.service.content.policies)
        self.search_panel.field.clear()
        self.reader.clearHistory()
        self._current_policy_id = None
        if self.quiz_view is not None:
            self.quiz_view.clear()
        if self.acknowledgement_view is not None:
            self.acknowledgement_view.clear()
        if self.start_screen is not None:
            self.start_screen.refresh_intro()

    def show_start_after_admin(self, note: str | None) -> None:
        self._show_start_screen(note)

    def is_showing_admin(self) -> bool:
        return self.admin.is_open() and self.pages.currentWidget() is self.admin.view

    def is_showing_start_screen(self) -> bool:
        return self.start_screen is not None and self.pages.currentWidget() is self.start_screen

    def _close_open_dialogs(self) -> None:
        """A print or save dialog left open must not outlive the person who opened it."""
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()

    # Navigation --------------------------------------------------------------------------

    def show_location(self, location: Location) -> None:
        self.reader.show_location(location)
        if location.clause_number:
            self.reader.highlight_clause(location.clause_number)  # show which clause was meant

    def open_search_hit(self, hit: SearchHit) -> None:
        location = self.service.content.locate(hit.clause_id)
        if location is None:
            return
        self.reader.show_location(location)
        self.reader.highlight_clause(hit.number, hit.terms)
        self.reader.setFocus()

    def focus_search(self) -> None:
        self.search_panel.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_panel.field.selectAll()

    def _on_location_changed(self, location: Location) -> None:
        self.contents.select_location(location)
        try:
            self.service.reading.open_section(location)
        except StoreError as exc:
            self._tell_store_error(exc)
        self._schedule_reading_check()
        if location.policy_id != self._current_policy_id:
            self._current_policy_id = location.policy_id
            self._show_policy_title()
            self._refresh_progress()

    def _show_policy_title(self) -> None:
        policy = self._current_policy()
        if policy is not None:
            self.setWindowTitle(f"{policy.title} — {policy.meta.version} · {APP_NAME}")

    # Reading progress --------------------------------------------------------------------

    def _on_end_of_page_visible(self) -> None:
        try:
            just_read = self.service.reading.end_of_section_seen()
        except StoreError as exc:
            self._tell_store_error(exc)
            return
        if just_read:
            self._refresh_progress(just_read=True)
        else:
            self._schedule_reading_check()

    def _schedule_reading_check(self) -> None:
        remaining = self.service.reading.seconds_until_read()
        self._reading_timer.start(int(remaining * 1000) + 50)

    def _on_reading_time_elapsed(self) -> None:
        try:
            just_read = self.service.reading.poll()
        except StoreError as exc:
            self._tell_store_error(exc)
            return
        if just_read:
            self._refresh_progress(just_read=True)
        elif self.service.reading.seconds_until_read() > 0:
            self._schedule_reading_check()  # woken a little early: look again when the time is up

    def _refresh_all_progress(self) -> None:
        """Every policy's marks, for whoever is reading now (or nobody)."""
        for policy in self.service.content.policies:
            self.contents.set_read_sections(policy.id, self.service.reading.progress(policy.id).read_sections)

    def _tell_store_error(self, exc: StoreError) -> None:
        """The reading goes on; the person is told, once in a box and then in the status bar."""
        log.warning("reading progress not saved: %s", exc)
        text = self.tr("Your reading progress could not be saved. %1").replace("%1", str(exc))
        self.statusBar().showMessage(text, 30000)
        if self._store_error_told:
            return
        self._store_error_told = True
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Reading progress not saved"), text,
                          QMessageBox.StandardButton.Ok, self)
        box.setInformativeText(self.tr("You can keep reading. Please tell whoever looks after this PC."))
        box.open()

    def _refresh_progress(self, *, just_read: bool = False) -> None:
        policy_id = self._current_policy_id
        if policy_id is None:
            return
        summary = self.service.reading.progress(policy_id)
        self.contents.set_read_sections(policy_id, summary.read_sections)
        self.progress_label.setText(
            self.tr("%1 of %2 sections read").replace("%1", str(summary.read)).replace(
                "%2", str(summary.total))
        )
        if just_read:
            self.statusBar().showMessage(self.tr("Section marked as read."), 4000)
        self._refresh_quiz_offer()

    # Quizzes -----------------------------------------------------------------------------

    def take_quiz(self) -> bool:
        """The induction quiz on the policy being read; why not, if it is not open yet."""
        return self._start_quiz("induction", self._current_policy_id)

    def take_refresher_quiz(self) -> bool:
        return self._start_quiz("refresher", self._current_policy_id)

    def retake_quiz(self) -> bool:
        """A new attempt of the same kind: the core picks other questions where the bank allows."""
        return self._start_quiz(self._quiz_mode, self._quiz_policy_id)

    def _start_quiz(self, mode: str, policy_id: str | None) -> bool:
        from holbrook_desktop.core.quiz.session import QuizNotReady

        if self.quiz_view is None or self.service.signed_in is None:
            return False
        if self.quiz_view.has_unfinished_session():
            # Starting another would leave this one abandoned: go back to it instead.
            self.back_to_quiz()
            self.statusBar().showMessage(
                self.tr("You are part-way through a quiz; your answers so far are kept."), 8000)
            return False
        try:
            session = self.service.quiz.start(policy_id or "", mode)
        except QuizNotReady as exc:
            self._explain_quiz_not_ready(str(exc), policy_id)
            return False
        except StoreError as exc:
            log.warning("quiz not started: %s", exc)
            self._warn(self.tr("The quiz could not be started"),
                       self.tr("%1 Please tell whoever looks after this PC.").replace("%1", str(exc)))
            return False
        if not session.questions:
            self._warn(self.tr("No questions for you yet"),
                       self.tr("This quiz has no questions for your role yet. Please tell whoever "
                               "looks after the policies."))
            return False
        self._quiz_mode, self._quiz_policy_id = mode, session.policy_id
        policy = self.service.content.policy(session.policy_id)
        self.quiz_view.start(session, policy.title if policy else session.policy_id)
        self._show_quiz_page()
        return True

    def _explain_quiz_not_ready(self, reason: str, policy_id: str | None) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Information, self.tr("The quiz is not open yet"), reason,
                          QMessageBox.StandardButton.Ok, self)
        if policy_id and self.service.content.policy(policy_id) is not None:
            summary = self.service.reading.progress(policy_id)
            box.setInformativeText(self.tr("You have read %1 of %2 sections. A section counts as read "
                                           "once you have reached its end and spent a little time on it.")
                                   .replace("%1", str(summary.read)).replace("%2", str(summary.total)))
        box.open()
        self.statusBar().showMessage(reason, 10000)

    def _warn(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self).open()
        self.statusBar().showMessage(text, 15000)

    def back_to_quiz(self) -> None:
        """From the reader to the quiz under way: the same question, its feedback still shown."""
        if self.quiz_view is None or not self.quiz_view.has_session():
            return
        self.statusBar().clearMessage()  # the hint about coming back has done its job
        self._show_quiz_page()
        self.quiz_view.restore_focus()

    def read_quiz_clause(self, number: str) -> None:
        location = self.service.content.locate(f"{self._quiz_policy_id}/{number}")
        if location is None:
            self.statusBar().showMessage(
                self.tr("Clause %1 is not in the current text of the policy.").replace("%1", number), 8000)
            return
        self._show_reading_page()
        self.show_location(location)
        self.reader.setFocus(Qt.FocusReason.OtherFocusReason)
        self.statusBar().showMessage(
            self.tr("Clause %1. “Back to the quiz” (Alt+B) returns to your question.").replace(
                "%1", number), 10000)

    def leave_quiz(self) -> None:
        """“Back to the policy” after the result."""
        if self.quiz_view is None:
            return
        self.quiz_view.clear()
        self.statusBar().clearMessage()
        self._show_reading_page()
        self.reader.setFocus(Qt.FocusReason.OtherFocusReason)

    # Acknowledgement ---------------------------------------------------------------------

    def acknowledge_after_quiz(self) -> None:
        """From the quiz result straight to the acknowledgement of the same policy."""
        policy_id = self._quiz_policy_id
        self.leave_quiz()
        self.acknowledge_policy(policy_id)

    def acknowledge_policy(self, policy_id: str | None = None) -> bool:
        """The acknowledgement page for this policy (the one on screen by default)."""
        policy_id = policy_id or self._current_policy_id
        if self.service.signed_in is None or policy_id is None or self.start_screen is None:
            return False
        view = self._acknowledgement_page()
        try:
            ready = view.start(policy_id)
        except StoreError as exc:
            self._warn(self.tr("The acknowledgement could not be opened"), str(exc))
            return False
        self._reading_timer.stop()
        self.service.reading.close_section()
        self._show_task_page(view)
        policy = self.service.content.policy(policy_id)
        if policy is not None:
            self.setWindowTitle(self.tr("Acknowledge: %1 · %2").replace("%1", policy.title).replace(
                "%2", APP_NAME))
        return ready

    def _acknowledgement_page(self) -> AcknowledgementView:
        if self.acknowledgement_view is None:
            from holbrook_desktop.ui.attestation.acknowledgement_view import AcknowledgementView

            view = AcknowledgementView(self.service, self)
            view.backToPolicyRequested.connect(self.leave_acknowledgement)
            view.acknowledged.connect(lambda _record_id: self._refresh_quiz_offer())
            self.pages.addWidget(view)
            self.acknowledgement_view = view
        return self.acknowledgement_view

    def leave_acknowledgement(self) -> None:
        if self.acknowledgement_view is not None:
            self.acknowledgement_view.clear()
        self._show_reading_page()
        self.reader.setFocus(Qt.FocusReason.OtherFocusReason)

    def is_showing_acknowledgement(self) -> bool:
        view = self.acknowledgement_view
        return view is not None and self.pages.currentWidget() is view

    def check_attestation_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(self, self.tr("Check an attestation"), "",
                                              self.tr("PDF documents (*.pdf)"))
        if path:
            self.check_attestation(Path(path))

    def check_attestation(self, path: Path):
        """The same three checks as `holbrook verify`, shown in a box; the result is returned."""
        from PySide6.QtWidgets import QMessageBox

        try:
            check = self.service.attestation.verify(path.read_bytes())
        except OSError as exc:
            self._warn(self.tr("The file could not be read"), f"{path}: {exc.strerror or exc}")
            return None
        lines = "\n".join(("✔ " if line.ok else "✘ ") + line.message for line in check.lines)
        if check.ok:
            box = QMessageBox(QMessageBox.Icon.Information, self.tr("A genuine attestation"),
                              self.tr("%1 is a genuine attestation.").replace("%1", path.name),
                              QMessageBox.StandardButton.Ok, self)
        else:
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Not verified"),
                              self.tr("%1 could not be verified.").replace("%1", path.name),
                              QMessageBox.StandardButton.Ok, self)
        box.setInformativeText(lines)
        box.open()
        return check

    def is_showing_quiz(self) -> bool:
        return self.quiz_view is not None and self.pages.currentWidget() is self.quiz_view

    def _show_quiz_page(self) -> None:
        assert self.quiz_view is not None
        self._reading_timer.stop()  # time on the quiz is not time spent reading
        self.service.reading.close_section()
        self._show_task_page(self.quiz_view)
        policy = self.service.content.policy(self._quiz_policy_id or "")
        if policy is not None:
            self.setWindowTitle(self.tr("Quiz: %1 · %2").replace("%1", policy.title).replace(
                "%2", APP_NAME))
        self._refresh_quiz_offer()

    def _show_task_page(self, page: QWidget) -> None:
        """The quiz or the acknowledgement: the reading tools step aside."""
        self.read_aloud.stop()
        self.toolbar.hide()
        for reading_action in self._reading_actions:
            reading_action.setEnabled(False)
        for menu in self._reading_menus:
            menu.menuAction().setVisible(False)
        self.pages.setCurrentWidget(page)

    def _show_reading_page(self) -> None:
        self.toolbar.show()
        for reading_action in self._reading_actions:
            reading_action.setEnabled(True)
        self.back_action.setEnabled(self.reader.isBackwardAvailable())
        self.forward_action.setEnabled(self.reader.isForwardAvailable())
        for menu in self._reading_menus:
            menu.menuAction().setVisible(True)
        self.pages.setCurrentWidget(self.reading_page)
        self._show_policy_title()
        self._schedule_reading_check()
        self._refresh_quiz_offer()

    def _refresh_quiz_offer(self) -> None:
        """The quiz bar and the Quiz menu, for who is signed in and the policy on screen."""
        view = self.quiz_view
        signed_in = view is not None and self.service.signed_in is not None
        policy_id = self._current_policy_id
        has_quiz = signed_in and policy_id is not None and self.service.quiz.bank(policy_id) is not None
        on_quiz_page = self.is_showing_quiz() or self.is_showing_acknowledgement()
        under_way = signed_in and view is not None and view.has_session()
        self.take_quiz_action.setEnabled(has_quiz and not on_quiz_page)
        self.refresher_quiz_action.setEnabled(has_quiz and not on_quiz_page)
        self.back_to_quiz_action.setEnabled(under_way and not on_quiz_page)
        self.acknowledge_action.setEnabled(has_quiz and not on_quiz_page and not under_way)
        if not (has_quiz or under_way):
            self.quiz_bar.hide()
            return
        if under_way:
            quiz_policy = self.service.content.policy(self._quiz_policy_id or "")
            title = quiz_policy.title if quiz_policy else ""
            if view.is_showing_result():
                text = self.tr("Your quiz result on the %1 is waiting.").replace("%1", title)
            else:
                text = self.tr("Your quiz on the %1 is waiting (%2).").replace("%1", title).replace(
                    "%2", view.progress_label.text())
            self.quiz_bar.waiting(text)
            return
        policy = self._current_policy()
        step = self.service.reading.next_step(policy_id)
        last = step.last_quiz
        if step.kind == "done" and step.acknowledgement is not None:
            from holbrook_desktop.ui.attestation.acknowledgement_view import local_time_text

            acknowledged = step.acknowledgement
            self.quiz_bar.offer(self.tr("✔ You acknowledged this version on %1 (record %2). The next "
                                        "acknowledgement follows your yearly refresher quiz.").replace(
                                            "%1", local_time_text(acknowledged.acknowledged_at)).replace(
                                            "%2", str(acknowledged.id)),
                                self.tr("&Take the quiz again"))
        elif step.kind in ("acknowledge", "done") and last is not None:
            self.quiz_bar.offer_acknowledgement(
                self.tr("You passed the quiz: %1 of %2. Next: acknowledge the policy and sign.").replace(
                    "%1", str(last.correct)).replace("%2", str(last.total)))
        elif step.kind == "retake" and last is not None:
            self.quiz_bar.offer(self.tr("Not passed last time: %1 of %2. Read the clauses again, then "
                                        "retake the quiz.").replace(
                                            "%1", str(last.correct)).replace("%2", str(last.total)),
                                self.tr("&Retake the quiz"))
        elif step.kind == "quiz":
            self.quiz_bar.offer(self.tr("You have read every section of the %1. Now take the quiz: a "
                                        "few everyday situations.").replace("%1", policy.title))
        else:
            summary = step.progress
            self.quiz_bar.explain(self.tr("This policy ends with a short quiz. It opens once you have read "
                                          "every section: %1 of %2 read so far.").replace(
                                              "%1", str(summary.read)).replace("%2", str(summary.total)))

    # Help --------------------------------------------------------------------------------

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

    # Zoom and reading aloud ----------------------------------------------------------------

    def toggle_read_aloud(self, *_args) -> None:
        if self.read_aloud.speaking:
            self.read_aloud.stop()
        else:
            self.read_aloud.speak(self.reader.toPlainText())

    def _on_zoom_changed(self, percent: int) -> None:
        self.preferences.set_zoom(percent)
        self.statusBar().showMessage(self.tr("Text size %1%").replace("%1", str(percent)), 2000)

    # Printing ----------------------------------------------------------------------------

    def _current_policy(self):
        return self.service.content.policy(self._current_policy_id) if self._current_policy_id else None

    def print_policy(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter  # only when printing

        policy = self._current_policy()
        if policy is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(f"{policy.title} ({policy.meta.version})")
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            render_print_document(self.service.content.policy_document(policy.id),
                                  self._stylesheet).print_(printer)

    def save_policy_pdf_dialog(self) -> None:
        from PySide6.QtCore import QStandardPaths
        from PySide6.QtWidgets import QFileDialog

        policy = self._current_policy()
        if policy is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / f"{policy.title} ({policy.meta.version}).pdf")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the policy as PDF"), suggested, self.tr("PDF documents (*.pdf)")
        )
        if path:
            self.save_policy_pdf(Path(path))

    def save_policy_pdf(self, path: Path) -> bool:
        """Write the current policy as a PDF; tell the person plainly if that failed."""
        from PySide6.QtGui import QPageSize
        from PySide6.QtPrintSupport import QPrinter

        policy = self._current_policy()
        if policy is None:
            return False
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setDocName(f"{policy.title} ({policy.meta.version})")
        printer.setCreator(APP_NAME)
        before = path.stat().st_mtime_ns if path.exists() else None
        render_print_document(self.service.content.policy_document(policy.id),
                              self._stylesheet).print_(printer)
        written = path.exists() and path.stat().st_size > 0 and path.stat().st_mtime_ns != before
        if not written:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(
                self, self.tr("Could not save the PDF"),
                self.tr("The PDF could not be written to %1. Check that the folder exists, that you "
                        "may write there and that the disk is not full.").replace("%1", str(path)),
            )
            return False
        self.statusBar().showMessage(self.tr("Saved %1").replace("%1", str(path)), 6000)
        return True

    # Content problems --------------------------------------------------------------------

    def content_problems_text(self) -> str | None:
        errors = [d for d in self.service.content.diagnostics if d.severity is Severity.ERROR]
        if not errors:
            return None
        lines = [str(d) for d in errors[:MAX_PROBLEMS_SHOWN]]
        if len(errors) > MAX_PROBLEMS_SHOWN:
            lines.append(self.tr("… and %1 more.").replace("%1", str(len(errors) - MAX_PROBLEMS_SHOWN)))
        return "\n".join(lines)

    def show_content_problems(self) -> None:
        text = self.content_problems_text()
        if text is None:
            return
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Problems in the handbook's content"),
                          self.tr("Some content files have errors. What could be read is shown; "
                                  "please pass these lines to whoever maintains the policies:"),
                          QMessageBox.StandardButton.Ok, self)
        box.setDetailedText(text)
        box.setInformativeText(text)
        box.open()

    def _no_content_page(self) -> str:
        return self.tr(
            "<h1>No policy to show</h1><p>No policy could be read from <b>%1</b>.</p>"
            "<p>Run <code>holbrook content check</code> to see what is wrong.</p>"
        ).replace("%1", str(self.service.content.content_dir))

    # Closing -----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.read_aloud.stop()
        self.preferences.set_geometry(self.saveGeometry())
        if self.quiz_view is not None and self.quiz_view.has_unfinished_session():
            try:
                self.service.sign_out()  # the quiz left part-way is kept, marked abandoned
            except StoreError as exc:
                log.warning("unfinished quiz not marked as left: %s", exc)
        super().closeEvent(event)

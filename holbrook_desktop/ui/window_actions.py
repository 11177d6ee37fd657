"""The main window's actions, shortcuts, toolbar and menus, and what each one does (`connect_to`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from holbrook_desktop import APP_NAME

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from holbrook_desktop.ui.admin.admin_access import AdminAccess
    from holbrook_desktop.ui.main_window import MainWindow


class WindowActions(QObject):
    """Each action belongs to the window (its shortcut works on every page that allows it, and the help
    page lists it); the menus and the toolbar show or hide them as the window changes page."""

    def __init__(self, window: QMainWindow, admin: AdminAccess, *, with_records: bool) -> None:
        super().__init__(window)
        self._window = window
        Key = QKeySequence.StandardKey
        self.back = self._action(self.tr("&Back"), QKeySequence(Key.Back),
                                 self.tr("Go back to the previous place you read"))
        self.forward = self._action(self.tr("&Forward"), QKeySequence(Key.Forward))
        self.zoom_in = self._action(self.tr("Zoom &in"), [QKeySequence(Key.ZoomIn), QKeySequence("Ctrl+=")])
        self.zoom_out = self._action(self.tr("Zoom &out"), QKeySequence(Key.ZoomOut))
        self.zoom_reset = self._action(self.tr("&Actual size"), QKeySequence("Ctrl+0"))
        self.read_aloud = self._action(self.tr("Read &aloud"), QKeySequence("Ctrl+Shift+R"),
                                       self.tr("Read the current section aloud; choose it again to stop"))
        self.read_aloud.setCheckable(True)
        # Only where Qt's speech module and a voice exist (PySide6-Addons): the window shows it once
        # it has looked, after it is up (the speech plugins take a moment to list their voices).
        self.read_aloud.setVisible(False)
        self.next_unread = self._action(self.tr("&Next unread section"), QKeySequence("Ctrl+Shift+N"),
                                        self.tr("Go to the next section you have not read yet"))
        self.find = self._action(self.tr("&Find…"), QKeySequence(Key.Find))
        self.print = self._action(self.tr("&Print…"), QKeySequence(Key.Print))
        self.save_pdf = self._action(self.tr("Save as &PDF…"), QKeySequence("Ctrl+Shift+S"))
        self.quit = self._action(self.tr("&Quit"), QKeySequence(Key.Quit))
        self.switch_person = self._action(self.tr("&Switch person"), QKeySequence("Ctrl+Shift+L"),
                                          self.tr("Sign out and go back to the list of staff"))
        self.take_quiz = self._quiz_action(
            self.tr("&Take the quiz"),
            self.tr("The quiz on this policy; it opens once every section has been read"))
        self.refresher_quiz = self._quiz_action(
            self.tr("&Refresher quiz"), self.tr("A shorter quiz to refresh what the policy says"))
        self.back_to_quiz = self._quiz_action(
            self.tr("&Back to the quiz"), self.tr("Return to the quiz under way"))
        self.acknowledge = self._quiz_action(
            self.tr("&Acknowledge the policy…"),
            self.tr("Once you have passed the quiz: confirm you have read and understood it, and sign"))
        self.my_record = self._action(
            self.tr("&My record"), QKeySequence("Ctrl+Shift+M"),
            self.tr("Your standing on each policy, your certificates, and what changed since you signed"))
        self.my_record.setEnabled(False)
        self.check_attestation = QAction(self.tr("&Check an attestation…"), window)
        self.check_attestation.setStatusTip(
            self.tr("Check that a signed attestation PDF is genuine, unchanged and on record here"))
        self.check_attestation.setVisible(with_records)
        # Help works everywhere, the start screen included: not one of the reading actions.
        self.help = self._action(self.tr("&Help"), QKeySequence(Key.HelpContents),
                                 self.tr("How to read, take the quiz and sign; keyboard shortcuts"))
        self.about = QAction(self.tr("&About %1").replace("%1", APP_NAME), window)
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self.back.setEnabled(False)
        self.forward.setEnabled(False)
        self.switch_person.setVisible(with_records)
        # Actions that act on the policy shown: not available while the start screen is up.
        self.reading = (self.back, self.forward, self.zoom_in, self.zoom_out, self.zoom_reset, self.find,
                        self.print, self.save_pdf, self.read_aloud, self.next_unread)

        toolbar = window.addToolBar(self.tr("Reading"))
        self.toolbar = toolbar
        toolbar.setObjectName("reading-toolbar")
        toolbar.setAccessibleName(self.tr("Reading tools"))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for item in (self.back, self.forward, self.next_unread, None, self.zoom_out, self.zoom_reset,
                     self.zoom_in, self.read_aloud, None, self.print, self.save_pdf, None, self.my_record):
            toolbar.addSeparator() if item is None else toolbar.addAction(item)

        menus = window.menuBar()
        file_menu = menus.addMenu(self.tr("&File"))
        for item in (self.print, self.save_pdf, None, self.check_attestation, None, self.switch_person,
                     None, self.quit):
            file_menu.addSeparator() if item is None else file_menu.addAction(item)
        view_menu = menus.addMenu(self.tr("&View"))
        for item in (self.find, None, self.zoom_in, self.zoom_out, self.zoom_reset, None, self.read_aloud):
            view_menu.addSeparator() if item is None else view_menu.addAction(item)
        go_menu = menus.addMenu(self.tr("&Go"))
        go_menu.addAction(self.back)
        go_menu.addAction(self.forward)
        go_menu.addAction(self.next_unread)
        self.reading_menus = (view_menu, go_menu)
        self.quiz_menu = menus.addMenu(self.tr("&Quiz"))
        for item in (self.take_quiz, self.refresher_quiz, None, self.back_to_quiz, None, self.acknowledge,
                     None, self.my_record):
            self.quiz_menu.addSeparator() if item is None else self.quiz_menu.addAction(item)
        self.quiz_menu.menuAction().setVisible(False)  # for a signed-in person only
        self.admin_menu = menus.addMenu(self.tr("A&dmin"))
        self.admin_menu.addAction(admin.open_action)
        self.admin_menu.addAction(admin.lock_action)
        self.admin_menu.menuAction().setVisible(with_records)
        help_menu = menus.addMenu(self.tr("&Help"))
        help_menu.addAction(self.help)
        help_menu.addSeparator()
        help_menu.addAction(self.about)

    def connect_to(self, window: MainWindow) -> None:
        """What each action does, through the window's reader, printing and controllers."""
        from holbrook_desktop.ui.attestation import attestation_check

        reading = window.reading_controller
        session, quiz = window.session_controller, window.quiz_controller
        # The reader and printing are made on first use (after the window's first paint).
        self.back.triggered.connect(lambda: window.reader.backward())
        self.forward.triggered.connect(lambda: window.reader.forward())
        self.zoom_in.triggered.connect(lambda: window.reader.zoom_in())
        self.zoom_out.triggered.connect(lambda: window.reader.zoom_out())
        self.zoom_reset.triggered.connect(lambda: window.reader.reset_zoom())
        self.read_aloud.triggered.connect(reading.toggle_read_aloud)
        self.find.triggered.connect(reading.focus_search)
        self.print.triggered.connect(lambda: window.printing.print_policy())
        self.save_pdf.triggered.connect(lambda: window.printing.save_pdf_dialog())
        self.quit.triggered.connect(window.close)
        self.switch_person.triggered.connect(session.switch_person)
        self.take_quiz.triggered.connect(quiz.take_quiz)
        self.refresher_quiz.triggered.connect(quiz.take_refresher_quiz)
        self.back_to_quiz.triggered.connect(quiz.back_to_quiz)
        self.acknowledge.triggered.connect(quiz.acknowledge_policy)
        self.my_record.triggered.connect(quiz.show_my_record)
        self.next_unread.triggered.connect(reading.show_next_unread)
        self.check_attestation.triggered.connect(lambda: attestation_check.choose_and_check(window))
        self.help.triggered.connect(window.show_help)
        self.about.triggered.connect(window.show_about)

    def _action(self, text: str, shortcuts: QKeySequence | list[QKeySequence], tip: str = "") -> QAction:
        new = QAction(text, self._window)
        new.setShortcuts(shortcuts if isinstance(shortcuts, list) else [shortcuts])
        new.setToolTip(f"{text.replace('&', '')} ({new.shortcut().toString(QKeySequence.NativeText)})")
        new.setStatusTip(tip)
        self._window.addAction(new)
        return new

    def _quiz_action(self, text: str, tip: str) -> QAction:
        new = QAction(text, self._window)
        new.setStatusTip(tip)
        new.setEnabled(False)
        self._window.addAction(new)
        return new

    def records_opened(self) -> None:
        """The records opened after the window: what needs them is offered from now on."""
        self.switch_person.setVisible(True)
        self.check_attestation.setVisible(True)
        self.admin_menu.menuAction().setVisible(True)

    def show_reading_tools(self, shown: bool) -> None:
        """The toolbar, and the actions on the policy shown."""
        self.toolbar.setVisible(shown)
        for action in self.reading:
            action.setEnabled(shown)

    def show_reading_menus(self, shown: bool) -> None:
        for menu in self.reading_menus:
            menu.menuAction().setVisible(shown)

    def show_signed_in(self, signed_in: bool) -> None:
        """Switching person and the Quiz menu: for someone signed in."""
        self.switch_person.setEnabled(signed_in)
        self.my_record.setEnabled(signed_in)
        self.my_record.setVisible(signed_in)
        self.quiz_menu.menuAction().setVisible(signed_in)

    def offer_quiz(self, *, take: bool, back: bool, acknowledge: bool) -> None:
        self.take_quiz.setEnabled(take)
        self.refresher_quiz.setEnabled(take)
        self.back_to_quiz.setEnabled(back)
        self.acknowledge.setEnabled(acknowledge)

"""“Who are you?”: find yourself by typing part of your name, or add yourself if you are new."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.identity import os_user
from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.ui import theme
from holbrook_desktop.ui.accessibility import announce, caption, heading
from holbrook_desktop.ui.session.add_staff_form import AddStaffForm
from holbrook_desktop.ui.session.staff_list_model import (
    STAFF_ID_ROLE,
    StaffFilterProxy,
    StaffListModel,
    StaffRowDelegate,
)

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.records import StaffMember

log = logging.getLogger(__name__)
COLUMN_WIDTH = 560
MOVE_KEYS = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 10, Qt.Key.Key_PageUp: -10}


class StartScreen(QWidget):
    signInRequested = Signal(int)  # staff id

    def __init__(self, service: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.model = StaffListModel(self)
        self.proxy = StaffFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.heading = QLabel(self.tr("Who are you?"), self)
        heading(self.heading)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.heading.setFont(font)
        self.intro = QLabel(self.intro_text(), self)
        self.intro.setWordWrap(True)
        caption(self.intro, self.tr("What you will do"))
        self.intro.setVisible(bool(self.intro.text()))
        self.hint = QLabel(self.tr("Type part of your name, choose it with the arrow keys and press "
                                   "Enter. Your reading is then kept for you."), self)
        self.hint.setWordWrap(True)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        theme.keep_styled(self.note, theme.note_style)
        caption(self.note, self.tr("Notice"))
        self.note.hide()
        self.field = QLineEdit(self)
        field_font = QFont(self.field.font())
        field_font.setPointSizeF(field_font.pointSizeF() * 1.25)
        self.field.setFont(field_font)
        self.field.setMinimumHeight(self.field.fontMetrics().height() + 16)
        self.field.setTextMargins(6, 0, 6, 0)
        self.field.setPlaceholderText(self.tr("Your name"))
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName(self.tr("Find your name"))
        self.field.setAccessibleDescription(
            self.tr("Type part of your name. Up and Down choose from the list; Enter signs you in.")
        )
        self.people = QListView(self)
        self.people.setModel(self.proxy)
        self.people.setItemDelegate(StaffRowDelegate(self.people))
        self.people.setUniformItemSizes(True)  # constant time per row with thousands of staff
        self.people.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.people.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.people.setAccessibleName(self.tr("Staff"))
        self.people.setAccessibleDescription(self.tr("Enter or a double click signs that person in."))
        self.count = QLabel(self)
        self.count.setWordWrap(True)
        theme.keep_styled(self.count, theme.quiet_style)
        caption(self.count, self.tr("Matching staff"))
        self.sign_in_button = QPushButton(self.tr("&Sign in"), self)
        self.sign_in_button.setDefault(True)
        self.new_button = QPushButton(self.tr("I’m &new – add me"), self)
        self.account = QLabel(self)
        self.account.setWordWrap(True)
        theme.keep_styled(self.account, theme.quiet_style)
        self.account.setText(self.tr("This PC is logged in as %1. No password is needed here: "
                                     "the PC’s login keeps the records safe.").replace("%1", os_user()))

        choose = QWidget(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.sign_in_button)
        choose_layout = QVBoxLayout(choose)
        choose_layout.setContentsMargins(0, 0, 0, 0)
        choose_layout.setSpacing(10)
        choose_layout.addWidget(self.heading)
        choose_layout.addWidget(self.intro)
        choose_layout.addWidget(self.hint)
        choose_layout.addWidget(self.note)
        choose_layout.addWidget(self.field)
        choose_layout.addWidget(self.people, 1)
        choose_layout.addWidget(self.count)
        choose_layout.addLayout(buttons)

        self.form = AddStaffForm(service.hr.add_staff, self, similar=service.hr.similar_staff)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(choose)
        self.pages.addWidget(self.form)
        self._choose_page = choose

        column = QVBoxLayout()
        column.setSpacing(14)
        column.addWidget(self.pages, 1)
        column.addWidget(self.account)
        column_widget = QWidget(self)
        column_widget.setLayout(column)
        column_widget.setMaximumWidth(COLUMN_WIDTH)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(24, 28, 24, 16)
        outer.addStretch(1)
        outer.addWidget(column_widget, 100)
        outer.addStretch(1)
        self.setTabOrder(self.field, self.people)
        self.setTabOrder(self.people, self.sign_in_button)
        self.setTabOrder(self.sign_in_button, self.new_button)
        self._connect_signals()
        self.reload()

    def _connect_signals(self) -> None:
        self.field.textChanged.connect(self._on_query_changed)
        self.field.returnPressed.connect(self.sign_in_current)
        self.field.installEventFilter(self)
        self.people.activated.connect(self._request_sign_in)
        self.people.selectionModel().currentChanged.connect(self._update_buttons)
        self.people.selectionModel().currentChanged.connect(self._say_current)
        self.sign_in_button.clicked.connect(self.sign_in_current)
        self.new_button.clicked.connect(self.show_add_form)
        self.form.added.connect(self._on_added)
        self.form.cancelled.connect(self.show_list)
        self.form.existingChosen.connect(self._on_existing_chosen)

    def intro_text(self) -> str:
        """Two sentences: what staff are about to do and how long it takes, from the policy's words
        and its quiz bank (empty if the content could not be read)."""
        try:
            estimate = self._service.reading.estimate()
        except (KeyError, OSError, ValueError) as exc:
            log.warning("no reading estimate: %s", exc)
            return ""
        policies = self._service.content.policies
        if not policies or not estimate.words:
            return ""
        minutes = (self.tr("about 1 minute") if estimate.minutes == 1 else
                   self.tr("about %1 minutes").replace("%1", str(estimate.minutes)))
        if len(policies) == 1:
            reading = (self.tr("You’ll read the %1 (%2)").replace("%2", minutes)
                       .replace("%1", policies[0].title))
            sign = self.tr("then sign to say you’ve understood it.")
        else:
            reading = (self.tr("You’ll read %1 policies (%2 in all)").replace("%1", str(len(policies)))
                       .replace("%2", minutes))
            sign = self.tr("then sign to say you’ve understood each.")
        questions = estimate.quiz_questions
        if questions:
            situations = (self.tr("answer 1 short everyday situation") if questions == 1 else
                          self.tr("answer %1 short everyday situations").replace("%1", str(questions)))
            first = (self.tr("%1 and %2, %3").replace("%3", sign).replace("%2", situations)
                     .replace("%1", reading))
        else:
            first = self.tr("%1, %2").replace("%1", reading).replace("%2", sign)
        return first + " " + self.tr("Stop whenever you need to: your place is kept.")

    # What the window asks of it ------------------------------------------------------------

    def reload(self) -> None:
        """Read the staff list again (someone may have been added from another window or the CLI)."""
        try:
            staff = self._service.hr.staff_list()
        except StoreError as exc:
            log.warning("could not read the staff list: %s", exc)
            staff = []
            self.show_note(str(exc))
        self.model.set_staff(staff)
        self._on_query_changed(self.field.text())

    def refresh_intro(self) -> None:
        """After an administrator loaded a new policy version: its length and quiz may differ."""
        self.intro.setText(self.intro_text())
        self.intro.setVisible(bool(self.intro.text()))

    def reset(self, note: str | None = None, *, reload: bool = True) -> None:
        """Ready for the next person: list shown, search empty, an optional note on top."""
        self.field.clear()
        if reload:
            self.reload()
        self.show_list()
        self.show_note(note)

    def show_note(self, text: str | None) -> None:
        self.note.setText(text or "")
        self.note.setVisible(bool(text))

    def note_text(self) -> str:
        return self.note.text() if not self.note.isHidden() else ""

    def show_list(self) -> None:
        self.pages.setCurrentWidget(self._choose_page)
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_add_form(self) -> None:
        self.show_note(None)
        self.pages.setCurrentWidget(self.form)
        self.form.start(self.field.text() if self.proxy.rowCount() == 0 else "")

    def shown_names(self) -> list[str]:
        return [self.proxy.index(row, 0).data() for row in range(self.proxy.rowCount())]

    def current_name(self) -> str | None:
        index = self.people.currentIndex()
        return index.data() if index.isValid() else None

    # Finding a person ---------------------------------------------------------------------

    def _on_query_changed(self, text: str) -> None:
        self.proxy.set_query(text)
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if shown and text.strip():
            # The best guess is always highlighted, so that typing then Enter is enough.
            self.people.setCurrentIndex(self.proxy.index(0, 0))
            self.people.scrollToTop()
        else:
            # Before anything is typed, Enter must not sign in whoever is first in the alphabet.
            self.people.setCurrentIndex(QModelIndex())
            self.people.clearSelection()
        if total == 0:
            summary = self.tr("No one has been added on this PC yet. Choose “I’m new – add me” to begin.")
        elif not text.strip():
            summary = (self.tr("1 person on the staff list.") if total == 1 else
                       self.tr("%1 people on the staff list.").replace("%1", f"{total:,}"))
        elif shown == 0:
            summary = self.tr("No one matches “%1”. If you are new, choose “I’m new – add me”."
                              ).replace("%1", text.strip())
        elif shown == 1:
            summary = self.tr("1 person matches. Press Enter to sign in.")
        else:
            summary = self.tr("%1 people match.").replace("%1", f"{shown:,}")
        self.count.setText(summary)
        self._update_buttons()

    def _say_current(self, current: QModelIndex, *_args: object) -> None:
        # Up and Down in the name box move through the list while the focus stays in the box: the
        # list's own focus events are not sent, so the name is announced. (In the list, Qt says it.)
        if current.isValid() and not self.people.hasFocus():
            announce(self.people, self.tr("%1, %2 of %3").replace("%1", str(current.data())).replace(
                "%2", str(current.row() + 1)).replace("%3", str(self.proxy.rowCount())))

    def _update_buttons(self, *_args: object) -> None:
        self.sign_in_button.setEnabled(self.people.currentIndex().isValid())

    def sign_in_current(self) -> None:
        index = self.people.currentIndex()
        if index.isValid():
            self._request_sign_in(index)

    def _request_sign_in(self, index: QModelIndex) -> None:
        staff_id = index.data(STAFF_ID_ROLE)
        if staff_id is not None:
            self.signInRequested.emit(staff_id)

    def _on_added(self, member: StaffMember) -> None:
        self.field.clear()
        self.reload()
        self.signInRequested.emit(member.id)

    def _on_existing_chosen(self, staff_id: int) -> None:
        """“That’s me” on a similar name: sign in as that person, no second record made."""
        self.field.clear()
        self.signInRequested.emit(staff_id)

    def _move_current(self, step: int) -> None:
        rows = self.proxy.rowCount()
        if not rows:
            return
        current = self.people.currentIndex()
        row = current.row() + step if current.isValid() else 0
        self.people.setCurrentIndex(self.proxy.index(max(0, min(rows - 1, row)), 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up and Down move through the list while the cursor stays in the name box, so that a
        # person can keep typing, correct a letter, or press Enter at any moment.
        if watched is self.field and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            step = MOVE_KEYS.get(event.key())
            if step is not None:
                self._move_current(step)
                return True
            if event.key() == Qt.Key.Key_Escape and self.field.text():
                self.field.clear()
                return True
        return super().eventFilter(watched, event)

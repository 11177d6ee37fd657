"""“Reminder list…”: who is overdue or due soon, to copy, or to open in the mail program (Bcc only)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.hr.reminders import NO_EMAIL_HEADING, ReminderList
from holbrook_desktop.ui.accessibility import caption
from holbrook_desktop.ui.screen_fit import scroll_above_buttons


def _bcc_count(url: str) -> int:
    return len(parse_qs(urlsplit(url).query).get("bcc", [""])[0].split(","))


class ReminderDialog(QDialog):
    def __init__(self, service, statuses, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.reminders: ReminderList = service.hr.reminder_list(list(statuses))
        self.urls = self.reminders.mailto_urls()
        self.setWindowTitle(self.tr("Reminder list"))
        self.resize(640, 480)
        entries, without = self.reminders.entries, self.reminders.without_email

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        count = len(entries) + len(without)
        if count == 1:
            self.summary.setText(self.tr("1 person is overdue, has never acknowledged, or is due soon."))
        elif count:
            self.summary.setText(self.tr("%1 people are overdue, have never acknowledged, or are due soon. "
                                         "Their addresses go in Bcc, so nobody sees who else was reminded.")
                                 .replace("%1", str(count)))
        else:
            self.summary.setText(self.tr("Nobody needs a reminder: everyone is up to date."))
        self.list_view = self._lines_box(entries, self.tr("People to remind, with their email addresses"))
        self.no_email_label = QLabel(self.tr("%1 (%2):").replace("%1", self.tr(NO_EMAIL_HEADING))
                                     .replace("%2", str(len(without))), self)
        self.no_email_view = self._lines_box(without, self.tr(NO_EMAIL_HEADING))
        self.no_email_label.setVisible(bool(without))
        self.no_email_view.setVisible(bool(without))

        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        caption(self.note, self.tr("What happened"))
        if len(self.urls) > 1:
            self.note.setText(self.tr("The list is long: %1 emails will open, each with up to %2 addresses "
                                      "in Bcc.").replace("%1", str(len(self.urls)))
                              .replace("%2", str(max(_bcc_count(url) for url in self.urls))))

        self.copy_list_button = QPushButton(self.tr("Copy &list"), self)
        self.copy_list_button.setToolTip(self.tr("Names, email addresses and dates, one person a line"))
        self.copy_emails_button = QPushButton(self.tr("Copy &email addresses"), self)
        self.copy_emails_button.setToolTip(self.tr("Addresses only, separated by semicolons, to paste "
                                                   "into Bcc"))
        self.mail_button = QPushButton(self.tr("Open in &mail program"), self)
        self.mail_button.setToolTip(self.tr("A new email with everyone in Bcc, ready to send"))
        self.close_button = QPushButton(self.tr("Close"), self)
        self.copy_list_button.setEnabled(bool(entries or without))
        for needs_email in (self.copy_emails_button, self.mail_button):
            needs_email.setEnabled(bool(self.urls))
        buttons = QHBoxLayout()
        for button in (self.copy_list_button, self.copy_emails_button, self.mail_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list_view, 3)
        layout.addWidget(self.no_email_label)
        layout.addWidget(self.no_email_view, 1)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        scroll_above_buttons(self, buttons)
        self._connect_signals()

    def _lines_box(self, people, name: str) -> QPlainTextEdit:
        box = QPlainTextEdit(self)
        box.setReadOnly(True)  # still selectable, for copying a few lines
        box.setAccessibleName(name)
        box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        box.setPlainText("\n".join(person.line(with_titles=self.reminders.with_titles) for person in people))
        return box

    def _connect_signals(self) -> None:
        self.copy_list_button.clicked.connect(self.copy_list)
        self.copy_emails_button.clicked.connect(self.copy_emails)
        self.mail_button.clicked.connect(self.open_in_mail)
        self.close_button.clicked.connect(self.reject)

    def copy_list(self) -> None:
        QGuiApplication.clipboard().setText(self.reminders.as_text())
        self.note.setText(self.tr("The list is copied: paste it into an email or a note."))

    def copy_emails(self) -> None:
        emails = self.reminders.emails()
        # Semicolons: what Outlook expects between addresses; Gmail accepts them too.
        QGuiApplication.clipboard().setText("; ".join(emails))
        self.note.setText(self.tr("%1 email addresses are copied: paste them into Bcc.")
                          .replace("%1", str(len(emails))))

    def open_in_mail(self) -> int:
        """Opens one new email per link; returns how many the system accepted."""
        opened = 0
        for url in self.urls:
            opened += bool(QDesktopServices.openUrl(QUrl(url, QUrl.ParsingMode.StrictMode)))
        if opened < len(self.urls):
            self.note.setText(self.tr("No mail program answered on this computer. Copy the email addresses "
                                      "instead, and paste them into Bcc."))
        elif opened > 1:
            self.note.setText(self.tr("%1 new emails are open in your mail program.")
                              .replace("%1", str(opened)))
        else:
            self.note.setText(self.tr("A new email is open in your mail program."))
        return opened

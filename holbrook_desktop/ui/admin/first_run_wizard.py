"""First run: the administrator names the school, sets the password, makes the signing key, sees
where the data lives; or, on one more PC of a school, joins it with HR's join file (the school's
name, password and settings, and this PC's key, come from the file). Everything is written through
the façade, page by page."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from holbrook_desktop import APP_NAME
from holbrook_desktop.core import paths
from holbrook_desktop.core.admin.password import PasswordRefused
from holbrook_desktop.core.admin.school_profile import SchoolProfileRefused
from holbrook_desktop.core.admin.settings import SettingRefused
from holbrook_desktop.core.limits import LIMITS
from holbrook_desktop.core.records.backups import BACKUP_FOLDER
from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.ui import theme
from holbrook_desktop.ui.accessibility import announce, caption

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.attestation.school import Joined

log = logging.getLogger(__name__)
LOGO_PREVIEW_SIDE = 96
# Page ids: the join page comes after the new-school pages' ids, so "next" by number never reaches it.
WELCOME_PAGE, SCHOOL_PAGE, PASSWORD_PAGE, KEY_PAGE, FOLDER_PAGE, DONE_PAGE, JOIN_PAGE = range(7)


def current_certificate(service: App):
    from holbrook_desktop.core.attestation.signing_key import (
        SigningKeyError,  # cryptography: not before it's needed
    )

    try:
        return service.attestation.signing_key().current()
    except (SigningKeyError, OSError, ValueError) as exc:  # a damaged key folder: don't stop set-up
        log.warning("signing key unreadable: %s", exc)
        return None


def _paragraph(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _problem_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    theme.keep_styled(label, theme.error_style)
    caption(label, parent.tr("Problem"))
    label.hide()
    return label


def _show_problem(label: QLabel, text: str, field: QWidget | None = None) -> None:
    label.setText(text)
    label.show()
    if field is not None:
        field.setFocus(Qt.FocusReason.OtherFocusReason)


class WelcomePage(QWizardPage):
    """The two ways in: a new school (the default), or one more PC of a school that has the handbook."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Welcome to %1").replace("%1", APP_NAME))
        layout = QVBoxLayout(self)
        layout.addWidget(_paragraph(self.tr(
            "This sets up the handbook on this PC in about 2 minutes. Staff cannot sign in until it is "
            "done. If you stop now, it is offered again the next time the handbook starts."), self))
        self.new_school_choice = QRadioButton(self.tr("Set up a &new school on this PC"), self)
        self.new_school_choice.setAccessibleDescription(self.tr(
            "The school's name and logo, the administrator password, the school's signing key"))
        self.join_choice = QRadioButton(self.tr(
            "&Join a school that already uses the handbook (with a join file from HR's PC)"), self)
        self.join_choice.setAccessibleDescription(self.tr(
            "The school's name, password and settings come from the join file"))
        self.new_school_choice.setChecked(True)
        self._choices = QButtonGroup(self)
        for choice in (self.new_school_choice, self.join_choice):
            self._choices.addButton(choice)
            layout.addWidget(choice)
        layout.addWidget(_paragraph(self.tr(
            "Joining makes this PC one of the school's: it signs as the school, and takes the school's "
            "name, administrator password and settings from the file. HR makes the file on their PC "
            "(admin area → Several PCs → Make a join file…)."), self))
        layout.addStretch(1)

    def nextId(self) -> int:
        return JOIN_PAGE if self.join_choice.isChecked() else SCHOOL_PAGE

    def keep_to_joining(self) -> None:
        """Joined: Back to here must not lead on to making a new school as well."""
        self.join_choice.setChecked(True)
        self.new_school_choice.setEnabled(False)


class SchoolPage(QWizardPage):
    def __init__(self, service: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.setTitle(self.tr("The school"))
        profile = service.admin.school_profile()
        self.name = QLineEdit(profile.name, self)
        self.name.setAccessibleName(self.tr("School name"))
        self.logo_preview = QLabel(self)
        self.logo_preview.setFixedSize(LOGO_PREVIEW_SIDE, LOGO_PREVIEW_SIDE)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setAccessibleName(self.tr("School logo"))
        self.logo_note = _paragraph("", self)
        self.choose_logo_button = QPushButton(self.tr("&Choose…"), self)
        self.choose_logo_button.setAccessibleName(self.tr("Choose the school logo"))
        self.choose_logo_button.setToolTip(self.tr("A PNG or JPEG picture of the school's logo or crest"))
        self.choose_logo_button.clicked.connect(self.choose_logo)
        # The day the school starts using the app: the first deadlines run from it (today unless
        # HR starts with a later term), so nobody is overdue on day one.
        rollout = service.admin.rollout_date() if service.records is not None else None
        self.rollout = QDateEdit(QDate(rollout or service.today()), self)
        self.rollout.setCalendarPopup(True)
        self.rollout.setDisplayFormat("dd/MM/yyyy")
        self.rollout.setAccessibleName(self.tr("Rollout date"))
        for part in self.rollout.findChildren(QLineEdit):  # what a screen reader lands on
            part.setAccessibleName(self.tr("Rollout date"))
        self.rollout.setToolTip(self.tr("Staff have the usual days from this date to acknowledge; paper "
                                        "forms signed earlier can be brought in with their own dates"))
        self.problem = _problem_label(self)
        logo_column = QVBoxLayout()
        logo_column.addWidget(self.logo_preview, 0, Qt.AlignmentFlag.AlignLeft)
        logo_column.addWidget(self.logo_note)
        logo_column.addWidget(self.choose_logo_button, 0, Qt.AlignmentFlag.AlignLeft)
        form = QFormLayout(self)
        # A paragraph, not a subtitle: a subtitle switches the wizard to a different header style.
        form.addRow(_paragraph(self.tr("Printed at the top of every attestation and on the governors' "
                                       "report."), self))
        form.addRow(self.tr("School &name:"), self.name)
        form.addRow(self.tr("Logo:"), logo_column)
        form.addRow(self.tr("Staff start using the app on:"), self.rollout)
        form.addRow(self.problem)
        self._show_logo()

    def _show_logo(self) -> None:
        profile = self._service.admin.school_profile()
        picture = QPixmap(str(profile.logo_path))
        if picture.isNull():
            self.logo_preview.setText(self.tr("(none)"))
        else:
            self.logo_preview.setPixmap(picture.scaled(
                LOGO_PREVIEW_SIDE, LOGO_PREVIEW_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        self.logo_note.setText(self.tr("Your school's logo.") if profile.logo_is_custom else self.tr(
            "The logo shipped with the app. Choose your school's own (PNG or JPEG), or keep this one."))

    def choose_logo(self) -> None:
        from holbrook_desktop.ui.admin.settings_page import ask_for_logo

        if chosen := ask_for_logo(self):
            self.use_logo(chosen)

    def use_logo(self, path: Path) -> bool:
        try:
            self._service.admin.set_school_logo(path)
        except (SchoolProfileRefused, StoreError, OSError) as exc:
            _show_problem(self.problem, str(exc), self.choose_logo_button)
            return False
        self.problem.hide()
        self._show_logo()
        return True

    def validatePage(self) -> bool:
        try:
            self._service.admin.set_school_name(self.name.text())
        except (SchoolProfileRefused, StoreError) as exc:
            _show_problem(self.problem, str(exc), self.name)
            return False
        try:
            self._service.admin.set_rollout_date(self.rollout.date().toPython())
        except (SettingRefused, StoreError) as exc:
            _show_problem(self.problem, str(exc), self.rollout)
            return False
        return True


class PasswordPage(QWizardPage):
    """The same rules as the admin password dialog: AdminPassword.set_first checks them."""

    def __init__(self, service: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.setTitle(self.tr("Administrator password"))
        # Once saved there is no going back to choose another: it is changed from the admin area.
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Save password"))
        self.new = self._field(self.tr("New password"))
        self.again = self._field(self.tr("New password again"))
        self.problem = _problem_label(self)
        form = QFormLayout(self)
        form.addRow(_paragraph(self.tr(
            "It opens the admin area: who is due, HR's exports, the staff list. "
            "Keep it to the people who manage staff records. Use at least 8 characters. It is stored "
            "only as a one-way hash, so nobody can read it back."), self))
        form.addRow(self.tr("&New password:"), self.new)
        form.addRow(self.tr("New password &again:"), self.again)
        form.addRow(self.problem)

    def _field(self, name: str) -> QLineEdit:
        field = QLineEdit(self)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setAccessibleName(name)
        return field

    def validatePage(self) -> bool:
        try:
            password = self._service.admin.password()
            if password.is_set():
                return True  # set already (by the command line, say): nothing to choose here
            if self.new.text() != self.again.text():
                self.again.clear()
                _show_problem(self.problem, self.tr("The two passwords are different. Type them again."),
                              self.again)
                return False
            password.set_first(self.new.text())
        except PasswordRefused as exc:
            _show_problem(self.problem, str(exc), self.new)
            self.new.selectAll()
            return False
        except StoreError as exc:
            _show_problem(self.problem, str(exc))
            return False
        self.new.clear()  # not kept in the widget once it is stored
        self.again.clear()
        return True


class SigningKeyPage(QWizardPage):
    def __init__(self, service: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.setTitle(self.tr("The school's signing key"))
        layout = QVBoxLayout(self)
        layout.addWidget(_paragraph(self.tr(
            "Each acknowledgement is saved as a PDF signed with this key, so anyone can check later "
            "that it came from this school and has not been changed."), self))
        self.create_choice = QRadioButton(self.tr("&Create the school's key now (recommended)"), self)
        self.later_choice = QRadioButton(self.tr(
            "&Not now: IT will import the school's key with “holbrook signing import FILE.p12”"), self)
        self.create_choice.setChecked(True)
        self._choices = QButtonGroup(self)
        for choice in (self.create_choice, self.later_choice):
            self._choices.addButton(choice)
            layout.addWidget(choice)
        self.state = _paragraph("", self)
        caption(self.state, self.tr("Signing key"))
        self.problem = _problem_label(self)
        layout.addWidget(self.state)
        layout.addWidget(self.problem)
        layout.addStretch(1)

    def initializePage(self) -> None:
        certificate = self._current()
        for choice in (self.create_choice, self.later_choice):
            choice.setVisible(certificate is None)
        self.state.setText(self.tr("The school's key is ready. Its fingerprint is %1.").replace(
            "%1", certificate.short_fingerprint) if certificate else "")

    def _current(self):
        return current_certificate(self._service)

    def validatePage(self) -> bool:
        from holbrook_desktop.core.attestation.signing_key import SigningKeyError

        if self._current() is not None or not self.create_choice.isChecked():
            return True
        try:
            certificate = self._service.attestation.create_signing_key()
        except (SigningKeyError, StoreError, OSError, ValueError) as exc:
            _show_problem(self.problem, self.tr("The key could not be made: %1").replace("%1", str(exc)))
            return False
        self.initializePage()
        log.info("signing key created at first run: %s", certificate.fingerprint)
        return True


class JoinPage(QWizardPage):
    """One more PC of a school: the join file and the school's administrator password. Joining takes the
    PC's key and certificate and the school's settings (its password among them) from the file, so the
    school, password and signing-key pages are skipped. Once joined there is no going back."""

    joinedSchool = Signal()

    def __init__(self, service: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.joined: Joined | None = None
        self.path: Path | None = None
        self.setTitle(self.tr("Join the school"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Next >"))
        self.file = _paragraph(self.tr("(none chosen)"), self)
        caption(self.file, self.tr("Join file"))
        self.choose_button = QPushButton(self.tr("&Choose the join file…"), self)
        self.choose_button.setToolTip(self.tr("The .holbrook-join file HR made for this PC"))
        self.choose_button.clicked.connect(self.choose_file)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(LIMITS["admin_password"].max_chars)
        self.password.setAccessibleName(self.tr("The school's administrator password"))
        self.join_button = QPushButton(self.tr("&Join"), self)
        self.join_button.setAccessibleName(self.tr("Join the school"))
        self.join_button.clicked.connect(self.join)
        self.password.textChanged.connect(self._check_filled)
        self.password.returnPressed.connect(self.join_button.click)
        self.outcome = _paragraph("", self)
        caption(self.outcome, self.tr("Joined"))
        self.outcome.hide()
        self.problem = _problem_label(self)
        file_row = QVBoxLayout()
        file_row.addWidget(self.file)
        file_row.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignLeft)
        form = QFormLayout(self)
        form.addRow(_paragraph(self.tr(
            "HR makes a join file for this PC on their PC. It is sealed with the school's administrator "
            "password; the school's name, password and settings, and this PC's signing key, come from "
            "it."), self))
        form.addRow(self.tr("Join file:"), file_row)
        form.addRow(self.tr("The school's administrator &password:"), self.password)
        join_row = QHBoxLayout()
        join_row.addWidget(self.join_button)
        join_row.addStretch(1)
        form.addRow("", join_row)
        form.addRow(self.outcome)
        form.addRow(self.problem)
        self._check_filled()

    def _check_filled(self) -> None:
        filled = self.path is not None and bool(self.password.text())
        self.join_button.setEnabled(self.joined is None and filled)

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Choose the join file"), str(Path.home()),
                                                self.tr("Join files (*.holbrook-join);;All files (*)"))
        if chosen:
            self.use_file(Path(chosen))

    def use_file(self, path: Path) -> None:
        self.path = path
        self.file.setText(str(path))
        self.problem.hide()
        self._check_filled()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def join(self) -> bool:
        from holbrook_desktop.core.errors import Failure, Refused

        if self.joined is not None or self.path is None:
            return self.joined is not None
        path, password = self.path, self.password.text()
        try:
            joined = self._service.school.join(path, password)
            # A join file made before the settings travelled in it carries no password: the one that
            # opened it is the school's, so the installation ends with a password either way.
            admin = self._service.admin.password()
            if not admin.is_set():
                admin.set_first(password)
        except (Refused, Failure, OSError, ValueError) as exc:
            message = str(exc)
            if str(path) not in message:
                message = self.tr("Joining with %1 did not work: %2").replace("%1", str(path)).replace(
                    "%2", message)
            _show_problem(self.problem, message, self.password)
            self.password.selectAll()
            announce(self.problem, message, assertive=True)
            return False
        self.joined = joined
        self.password.clear()  # not kept in the widget once it has done its work
        for control in (self.choose_button, self.password):
            control.setEnabled(False)
        self._check_filled()
        self.problem.hide()
        self.outcome.setText(joined_in_words(self, joined))
        self.outcome.show()
        announce(self.outcome, self.outcome.text())
        log.info("joined the school at first run as %s", joined.pc_name)
        self.joinedSchool.emit()
        # Next is enabled on the next turn of the event loop: the Return that pressed Join would
        # otherwise go on to the wizard's default button and skip past these words unread.
        QTimer.singleShot(0, self.completeChanged.emit)
        return True

    def isComplete(self) -> bool:
        return self.joined is not None

    def nextId(self) -> int:
        return FOLDER_PAGE


def joined_in_words(widget: QWidget, joined: Joined) -> str:
    told = [widget.tr("This PC is now '%1' of %2: it signs as the school, and the school's name, "
                      "administrator password and settings are in place. Delete the join file now.")
            .replace("%1", joined.pc_name).replace("%2", joined.school)]
    if joined.sync_folder:
        told.append(widget.tr("The sync folder is set to %1.").replace("%1", joined.sync_folder))
    elif joined.sync_folder_unreachable:
        told.append(widget.tr("The join file names the sync folder %1, which this PC cannot reach now: "
                              "IT sets it with “holbrook sync set-folder PATH”.")
                    .replace("%1", joined.sync_folder_unreachable))
    else:
        told.append(widget.tr("The school has no sync folder yet."))
    return " ".join(told)


class DataFolderPage(QWizardPage):
    def __init__(self, service: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.setTitle(self.tr("Where the records are kept"))
        data_dir = service.records.data_dir if service.records is not None else paths.data_dir()
        layout = QVBoxLayout(self)
        layout.addWidget(_paragraph(self.tr(
            "Staff records, signed attestations and the school's key are kept in this folder:"), self))
        self.folder = _paragraph(str(data_dir), self)
        caption(self.folder, self.tr("Data folder"))
        layout.addWidget(self.folder)
        layout.addWidget(_paragraph(self.tr(
            "A backup of the records is made there each day, in “%1”. Include the whole folder in the "
            "school's own backups.").replace("%1", str(data_dir / BACKUP_FOLDER)), self))
        self.change_button = QPushButton(self.tr("&Use another folder…"), self)
        self.change_button.clicked.connect(self.choose_folder)
        self.outcome = _paragraph("", self)
        caption(self.outcome, self.tr("Data folder change"))
        if paths.may_write_machine_setting():
            self.outcome.setText(self.tr("A different folder (a shared drive, say) takes effect the next "
                                         "time the handbook starts; the records here are not moved."))
        else:
            self.change_button.setEnabled(False)
            self.outcome.setText(self.tr("Only IT can choose another folder for this PC: with the "
                                         "installer's /DATADIR option, or “holbrook data-dir set”."))
        layout.addWidget(self.change_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.outcome)
        layout.addStretch(1)

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose the data folder"), str(Path.home()))
        if chosen:
            self.use_folder(Path(chosen))

    def use_folder(self, folder: Path) -> bool:
        try:
            config = paths.write_machine_data_dir(folder, written_by=f"{APP_NAME}'s first-run set-up")
        except OSError as exc:
            self.outcome.setText(self.tr("This account may not change the folder (%1). IT can set it with "
                                         "the installer's /DATADIR option.").replace("%1", exc.strerror or
                                                                                      str(exc)))
            return False
        self.outcome.setText(self.tr("From the next start the handbook uses %1 (set in %2). Move or copy "
                                     "the records there first if they should come too.")
                             .replace("%1", str(folder.resolve())).replace("%2", str(config)))
        return True


class DonePage(QWizardPage):
    def __init__(self, service: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.setTitle(self.tr("Where things are"))
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        caption(self.summary, self.tr("Where things are"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def initializePage(self) -> None:
        import html

        service = self._service
        data_dir = service.records.data_dir if service.records is not None else paths.data_dir()
        certificate = current_certificate(service)
        joined = self.joined()
        if joined is not None:  # the PC's certificate, issued by the school's, from the join file
            key = self.tr("this PC's certificate from the school: %1; fingerprint %2").replace(
                "%1", certificate.subject if certificate else joined.certificate.subject).replace(
                "%2", (certificate or joined.certificate).short_fingerprint)
        else:
            key = (self.tr("made; fingerprint %1").replace("%1", certificate.short_fingerprint)
                   if certificate else
                   self.tr("not yet: it is made with the first acknowledgement, or IT imports the school's"))
        rows = [
            (self.tr("Admin area"), self.tr("Admin menu → Open the admin area, or Ctrl+Shift+A")),
            (self.tr("Records"), str(data_dir)),
            (self.tr("Backups"), str(data_dir / BACKUP_FOLDER)),
            (self.tr("Signing key"), key),
            (self.tr("School"), service.admin.school_profile().name),
            (self.tr("First deadlines from"), self._rollout_words()),
            (self.tr("Help"), self.tr("Help menu, or F1")),
        ]
        if joined is not None:
            rows.append((self.tr("Sync folder"), joined.sync_folder or (
                self.tr("%1 (not reachable from this PC now: IT sets it with “holbrook sync set-folder "
                        "PATH”)").replace("%1", joined.sync_folder_unreachable)
                if joined.sync_folder_unreachable else self.tr("none yet: Admin area → Several PCs"))))
            rows.append((self.tr("Several PCs"), self.tr("This PC is '%1' of the school; Admin area → "
                                                          "Several PCs").replace("%1", joined.pc_name)))
        else:
            rows.append((self.tr("Several PCs"), self.tr("Admin area → Several PCs: the sync folder, and "
                                                          "joining the school with HR's join file")))
        items = "".join(f"<tr><td><b>{html.escape(a)}</b>&nbsp;&nbsp;</td><td>{html.escape(b)}</td></tr>"
                        for a, b in rows)
        intro = self.tr("Set-up is done. Finish opens the admin area, where staff can be added or imported.")
        self.summary.setText(f"<p>{html.escape(intro)}</p><table>{items}</table>")

    def joined(self) -> Joined | None:
        wizard = self.wizard()
        return wizard.join_page.joined if isinstance(wizard, FirstRunWizard) else None

    def nextId(self) -> int:
        return -1  # the last page, though the join page's id is higher

    def _rollout_words(self) -> str:
        from holbrook_desktop.core.dates import for_people

        day = self._service.admin.rollout_date() if self._service.records is not None else None
        return for_people(day) if day else self.tr("the first day in use")


class FirstRunWizard(QWizard):
    """Finishing needs the password to be set (chosen on the password page, or the school's, taken when
    joining); Cancel before then leaves the installation fresh."""

    def __init__(self, service: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle(self.tr("Set up %1").replace("%1", APP_NAME))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)  # the same on every platform, readable
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.welcome_page = WelcomePage(self)
        self.school_page = SchoolPage(service, self)
        self.password_page = PasswordPage(service, self)
        self.key_page = SigningKeyPage(service, self)
        self.folder_page = DataFolderPage(service, self)
        self.done_page = DonePage(service, self)
        self.join_page = JoinPage(service, self)
        for page_id, page in ((WELCOME_PAGE, self.welcome_page), (SCHOOL_PAGE, self.school_page),
                              (PASSWORD_PAGE, self.password_page), (KEY_PAGE, self.key_page),
                              (FOLDER_PAGE, self.folder_page), (DONE_PAGE, self.done_page),
                              (JOIN_PAGE, self.join_page)):
            self.setPage(page_id, page)
        self.join_page.joinedSchool.connect(self.welcome_page.keep_to_joining)
        self.setMinimumSize(620, 460)

    def accept(self) -> None:
        try:
            ready = self.service.admin.password().is_set()
        except StoreError:
            ready = False
        if not ready:  # never reached through the pages; a guard all the same
            self.restart()
            return
        super().accept()

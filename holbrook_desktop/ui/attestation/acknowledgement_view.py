"""The acknowledgement: the declaration, the typed name, the signature, then the signed certificate."""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.dates import school_day
from holbrook_desktop.ui import theme
from holbrook_desktop.ui.accessibility import announce, caption, heading, mark_required
from holbrook_desktop.ui.attestation.signature_pad import SignatureField
from holbrook_desktop.ui.operation import Operation
from holbrook_desktop.ui.quiz.quiz_style import (
    COLUMN_WIDTH,
    big_button,
    scaled,
    wrapping_label,
)

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementOffer
    from holbrook_desktop.core.records.acknowledgements import AcknowledgementRecord

log = logging.getLogger(__name__)
_warmed_up = threading.Event()


def warm_up_signing() -> None:
    """Load the PDF and signing libraries (about half a second) in the background while the person
    reads the declaration, so that pressing "Sign" does not wait for them. The thread only imports
    modules; it never touches a widget."""
    if _warmed_up.is_set():
        return
    _warmed_up.set()

    def load() -> None:
        from holbrook_desktop.core.attestation.document import warm_up

        try:
            warm_up()
        except Exception:  # only a head start: signing imports them itself if this failed
            log.debug("warm-up of the signing libraries failed", exc_info=True)

    threading.Thread(target=load, name="signing-warm-up", daemon=True).start()


def local_time_text(utc_iso: str) -> str:
    moment = datetime.fromisoformat(utc_iso).astimezone()
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M}"


class AcknowledgementView(QWidget):
    """Signing is open only when the core says so (every section read, the quiz passed); the core
    checks everything again when "Sign" is pressed."""

    backToPolicyRequested = Signal()
    acknowledged = Signal(int)  # the record's id

    def __init__(self, service: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.offer: AcknowledgementOffer | None = None
        self.record: AcknowledgementRecord | None = None
        self.pages = QStackedWidget(self)
        self.form_page = self._build_form()
        self.done_page = self._build_done()
        self.pages.addWidget(self.form_page)
        self.pages.addWidget(self.done_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    # The form ----------------------------------------------------------------------------

    def _build_form(self) -> QWidget:
        base = self.font()
        self.heading = QLabel(self)
        heading(self.heading)
        self.heading.setFont(scaled(base, 1.6, bold=True))
        theme.keep_styled(self.heading, theme.heading_style)
        self.heading.setWordWrap(True)
        self.details = wrapping_label("", self)
        theme.keep_styled(self.details, theme.quiet_style)
        caption(self.details, self.tr("Policy version and quiz result"))
        self.declaration = wrapping_label("", self, font=scaled(base, 1.15))
        theme.keep_styled(self.declaration, theme.story_style)
        caption(self.declaration, self.tr("Declaration"))
        self.declaration.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name_label = QLabel(self.tr("Type your &full name"), self)
        self.name_field = QLineEdit(self)
        self.name_field.setFont(scaled(base, 1.15))
        self.name_field.setAccessibleName(self.tr("Your full name"))
        self.name_label.setBuddy(self.name_field)
        mark_required(self.name_field)
        self.name_hint = wrapping_label("", self)
        theme.keep_styled(self.name_hint, theme.quiet_style)
        self.declare_box = QCheckBox(self.tr("I &make this declaration"), self)
        self.declare_box.setFont(scaled(base, 1.1, bold=True))
        self.signature_label = QLabel(self.tr("Your signature"), self)
        self.signature_label.setFont(scaled(base, 1.05, bold=True))
        self.signature_field = SignatureField(self)
        self.typed_only_box = QCheckBox(self.tr("I cannot draw a signature here: confirm with my &typed name "
                                                "only"), self)
        self.typed_only_box.setAccessibleDescription(
            self.tr("For keyboard users. Your record will say that you confirmed with your typed name."))
        self.problem = wrapping_label("", self)
        theme.keep_styled(self.problem, theme.note_style)
        caption(self.problem, self.tr("What to put right"))
        self.problem.hide()
        self.back_button = big_button(self.tr("Back to the policy"), self)
        self.sign_button = big_button(self.tr("&Sign"), self)
        self.sign_button.setAccessibleDescription(
            self.tr("Records your acknowledgement and makes your signed certificate"))

        column = QWidget(self)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(10)
        for widget in (self.heading, self.details, self.declaration, self.name_label, self.name_field,
                       self.name_hint, self.declare_box, self.signature_label, self.signature_field,
                       self.typed_only_box, self.problem):
            column_layout.addWidget(widget)
        column_layout.addSpacing(6)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.sign_button)
        column_layout.addLayout(buttons)
        column_layout.addStretch(1)
        page = _centred_scroll(column, self)

        self.typed_only_box.toggled.connect(self._on_typed_only)
        self.sign_button.clicked.connect(self.sign)
        self.back_button.clicked.connect(self.backToPolicyRequested)
        self.name_field.returnPressed.connect(self.declare_box.setFocus)
        for changed in (self.name_field.textChanged, self.declare_box.toggled, self.signature_field.changed,
                        self.typed_only_box.toggled):
            changed.connect(self._clear_problem)
        return page

    def start(self, policy_id: str) -> bool:
        """Show the form for this policy; False (the form says why) if signing is not open."""
        warm_up_signing()
        self.record = None
        self.offer = offer = self._service.attestation.offer(policy_id)
        member = self._service.signed_in
        self.heading.setText(self.tr("Acknowledge the %1").replace("%1", offer.policy_title))
        quiz = offer.quiz.summary() if offer.quiz else self.tr("not passed yet")
        self.details.setText(self.tr("%1 · Version: %2 · Effective from %3\nYour quiz: %4").replace(
            "%1", offer.school).replace("%2", offer.version_label).replace(
            "%3", f"{offer.effective.day} {offer.effective:%B %Y}").replace("%4", quiz))
        self.declaration.setText(offer.declaration)
        self.name_field.clear()
        self.name_hint.setText(self.tr("As it is on your record: %1. Capitals and spaces do not matter.")
                               .replace("%1", member.full_name if member else ""))
        self.declare_box.setChecked(False)
        self.typed_only_box.setChecked(False)
        self.signature_field.clear()
        self._set_open(offer.ready)
        if not offer.ready:
            self._show_problem(offer.reason or "")
        else:
            self._clear_problem()
        self.pages.setCurrentWidget(self.form_page)
        self.name_field.setFocus(Qt.FocusReason.OtherFocusReason)
        return offer.ready

    def _set_open(self, ready: bool) -> None:
        for control in (self.name_field, self.declare_box, self.signature_field, self.typed_only_box,
                        self.sign_button):
            control.setEnabled(ready)

    def _on_typed_only(self, typed_only: bool) -> None:
        self.signature_field.setEnabled(not typed_only)
        self.signature_label.setEnabled(not typed_only)

    def sign(self) -> bool:
        """Check, record and sign; the certificate page on success, or what to put right."""
        from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementRefused

        if self.offer is None:
            return False
        typed_only = self.typed_only_box.isChecked()
        signature = None if typed_only else self.signature_field.signature()
        if signature is not None and signature.is_empty:
            self._show_problem(self.tr("Draw your signature in the box, or tick “confirm with my typed name "
                                       "only”."))
            self.signature_field.setFocus()
            return False
        policy_id, typed_name = self.offer.policy_id, self.name_field.text()
        declared = self.declare_box.isChecked()
        signed: list[AcknowledgementRecord] = []

        def done(record: AcknowledgementRecord) -> None:
            signed.append(record)
            self._signed(record)

        # The records are written, and the PDF signed inside their transaction, on the thread that
        # opened them: so at once, on this one (see Operation's uses_records). Nothing is disabled
        # meanwhile: the keyboard's focus stays on "Sign" if the person has something to put right.
        Operation(self, "signing an acknowledgement",
                  lambda: self._service.attestation.acknowledge(policy_id, typed_name=typed_name,
                                                                declared=declared, signature=signature),
                  title=self.tr("Sign"), on_done=done, refusals=(AcknowledgementRefused,),
                  on_refused=self._sign_refused, on_failed=self._sign_failed, uses_records=True).run()
        return bool(signed)

    def _signed(self, record: AcknowledgementRecord) -> None:
        self.record = record
        self._show_done(record)
        self.acknowledged.emit(record.id)

    def _sign_refused(self, exc: Exception) -> None:
        self._show_problem(str(exc))
        self._focus_field(getattr(exc, "field", None))

    def _sign_failed(self, exc: BaseException) -> None:
        # Logged with its traceback by the Operation. Among the causes: the records (StoreError), the
        # signing key (SigningKeyError), the disk (OSError), a certificate that could not be laid out
        # (ValueError: a declaration far too long to fit).
        self._show_problem(self.tr("Your acknowledgement could not be recorded. %1 Please tell whoever "
                                   "looks after this PC.").replace("%1", str(exc)))

    def _focus_field(self, field: str | None) -> None:
        control = {"name": self.name_field, "declaration": self.declare_box,
                   "signature": self.signature_field}.get(field or "")
        if control is not None:
            control.setFocus()

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        announce(self.problem, text, assertive=True)

    def _clear_problem(self, *_args) -> None:
        if self.offer is not None and self.offer.ready:
            self.problem.hide()

    # The certificate ---------------------------------------------------------------------

    def _build_done(self) -> QWidget:
        base = self.font()
        self.done_heading = wrapping_label("", self, font=scaled(base, 1.5, bold=True))
        theme.keep_styled(self.done_heading, theme.right_panel_style)
        self.done_text = wrapping_label("", self, font=scaled(base, 1.15))
        theme.keep_styled(self.done_text, theme.ink_style)
        self.done_note = wrapping_label("", self)
        theme.keep_styled(self.done_note, theme.quiet_style)
        self.save_button = big_button(self.tr("Save a &copy…"), self)
        self.save_button.setAccessibleDescription(self.tr("Saves your signed certificate as a PDF file"))
        self.open_button = big_button(self.tr("&Open to print"), self)
        self.open_button.setAccessibleDescription(
            self.tr("Opens your signed certificate in the PC's PDF reader, to read or print"))
        self.done_back_button = big_button(self.tr("Back to the policy"), self)
        column = QWidget(self)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(14)
        for widget in (self.done_heading, self.done_text, self.done_note):
            column_layout.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.done_back_button)
        column_layout.addLayout(buttons)
        column_layout.addStretch(1)
        self.save_button.clicked.connect(self.save_copy_dialog)
        self.open_button.clicked.connect(self.open_certificate)
        self.done_back_button.clicked.connect(self.backToPolicyRequested)
        return _centred_scroll(column, self)

    def _show_done(self, record: AcknowledgementRecord) -> None:
        member = self._service.signed_in
        name = member.display_name if member else record.typed_name
        self.done_heading.setText(self.tr("✔ Thank you, %1. Your acknowledgement is recorded.").replace(
            "%1", name))
        offer = self.offer
        title = offer.policy_title if offer else record.policy_id
        self.done_text.setText(self.tr("You acknowledged the %1 (%2) on %3. Record number %4.").replace(
            "%1", title).replace("%2", record.version_label).replace(
            "%3", local_time_text(record.acknowledged_at)).replace("%4", str(record.id)))
        self.done_note.setText(self.tr("The school keeps your signed certificate. You may save or print a "
                                       "copy for yourself; any change to the file would show, so it can "
                                       "always be checked."))
        self.pages.setCurrentWidget(self.done_page)
        self.save_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def suggested_file_name(self) -> str:
        record = self.record
        member = self._service.signed_in
        title = self.offer.policy_title if self.offer else "Policy"
        who = member.full_name if member else ""
        day = school_day(record.acknowledged_at).isoformat() if record else ""
        return f"{title} attestation - {who} - {day}.pdf".replace("/", "-")

    def save_copy_dialog(self) -> None:
        from PySide6.QtCore import QStandardPaths

        from holbrook_desktop.ui.save_target import choose_save_file

        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path = choose_save_file(self, self.tr("Save a copy of your certificate"),
                                str(Path(folder) / self.suggested_file_name()),
                                self.tr("PDF documents (*.pdf)"), self._service.data_dir, suffix=".pdf")
        if path is not None:
            self.save_copy(path)

    def save_copy(self, path: Path) -> bool:
        """The signed PDF exactly as kept (a copy, so that it still verifies)."""
        if self.record is None:
            return False
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        try:
            path.write_bytes(self._service.attestation.pdf(self.record))
        except OSError as exc:
            self._tell(self.tr("Your copy could not be saved as %1: %2. Check the folder exists, that you "
                               "may write there and that the disk is not full.").replace(
                "%1", str(path)).replace("%2", exc.strerror or str(exc)))
            return False
        self._tell(self.tr("Saved %1").replace("%1", str(path)))
        return True

    def open_certificate(self) -> bool:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        if self.record is None:
            return False
        path = self._service.records.acknowledgements.pdf_path(self.record)
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        if not opened:
            self._tell(self.tr("No PDF reader opened the certificate. Use “Save a copy…” and open it from "
                               "there."))
        return opened

    def _tell(self, text: str) -> None:
        self.done_note.setText(text)

    def clear(self) -> None:
        """Nothing of the last person stays on screen."""
        self.offer = None
        self.record = None
        self.name_field.clear()
        self.declare_box.setChecked(False)
        self.typed_only_box.setChecked(False)
        self.signature_field.clear()
        self.problem.hide()
        self.done_heading.clear()
        self.done_text.clear()
        self.pages.setCurrentWidget(self.form_page)


def _centred_scroll(content: QWidget, parent: QWidget) -> QScrollArea:
    """The column in the middle of the page, never wider than the quiz's, scrolling when the window
    is small or the text is large."""
    content.setMaximumWidth(COLUMN_WIDTH)
    holder = QWidget(parent)
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(24, 18, 24, 14)
    layout.addStretch(1)
    layout.addWidget(content, 100)
    layout.addStretch(1)
    scroll = QScrollArea(parent)
    scroll.setWidget(holder)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    # A Tab stop (the arrows scroll a long declaration at large text), so it is named.
    scroll.setAccessibleName(scroll.tr("Acknowledgement page; the arrow keys scroll it"))
    return scroll

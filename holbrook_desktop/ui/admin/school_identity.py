"""The "This school" group of the admin area's Several PCs tab: what this PC is in the school's one
identity, and the steps that apply to it (make the school's certificate, join, make a join file,
revoke a PC, save the certificate for auditors). The work is `app.school`'s (core/attestation/school.py)."""

from __future__ import annotations

import logging
import re
import socket
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QHideEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.dates import for_people
from holbrook_desktop.core.errors import HolbrookError
from holbrook_desktop.ui import theme
from holbrook_desktop.ui.accessibility import announce, caption
from holbrook_desktop.ui.admin.school_dialogs import (
    SchoolPasswordDialog,
)
from holbrook_desktop.ui.operation import Operation

log = logging.getLogger(__name__)

JOIN_SUFFIX = ".holbrook-join"
CERTIFICATE_SUFFIXES = (".pem", ".cer", ".crt", ".der")
ROWS_SHOWN = 4  # the issued table's height, in rows, before it scrolls: the sync tables below need room


def short_fingerprint(fingerprint: str | None) -> str:
    """The first 16 hex digits (as `holbrook school show` prints them), in fours to read aloud."""
    head = (fingerprint or "")[:16]
    return " ".join(head[i:i + 4] for i in range(0, len(head), 4))


def _day(stamp: str) -> str:
    try:
        return for_people(datetime.fromisoformat(stamp))
    except ValueError:
        return stamp[:10]


def _file_name_for(pc_name: str) -> str:
    """"Staff room" → "staff-room.holbrook-join"."""
    words = re.sub(r"[^A-Za-z0-9]+", "-", pc_name).strip("-").lower()
    return f"{words or 'pc'}{JOIN_SUFFIX}"


class SchoolIdentityGroup(QGroupBox):
    """Shows `app.school.status()` in plain words; each action asks what it needs, runs through an
    Operation (on the records' thread where the records are written) and refreshes the group."""

    changed = Signal()  # this PC's identity or the sync folder changed: the page shows them afresh

    def __init__(self, service, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("This school"), parent)
        self.service = service
        self.status: dict[str, Any] | None = None
        self._warn = False
        self.state_label = QLabel(self)
        self.state_label.setWordWrap(True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        caption(self.state_label, self.tr("This PC in the school"))
        theme.keep_styled(self.state_label, self._state_style)
        self.fingerprint_label = QLabel(self)
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        caption(self.fingerprint_label, self.tr("The school's certificate"))

        def button(text: str, tip: str, slot) -> QPushButton:
            made = QPushButton(text, self)
            made.setToolTip(tip)
            made.clicked.connect(slot)
            return made

        self.create_button = button(self.tr("Make the school's certificate…"),
                                    self.tr("Make this PC HR's PC: it holds the school's certificate, and "
                                            "each other PC joins with a join file"),
                                    self.create_dialog)
        self.join_button = button(self.tr("Join a school…"),
                                  self.tr("Make this PC one of the school's, with a join file from HR's "
                                          "PC and the administrator password"),
                                  self.join_dialog)
        self.join_file_button = button(self.tr("Make a join file…"),
                                       self.tr("A file, sealed with the administrator password, with which "
                                               "another PC joins"),
                                       self.join_file_dialog)
        self.revoke_button = button(self.tr("Revoke a PC…"),
                                    self.tr("A lost, stolen or retired PC: what it signs from now on is not "
                                            "the school's"),
                                    self.revoke_dialog)
        self.export_button = button(self.tr("Save the school's certificate…"),
                                    self.tr("For auditors: with it, any PDF reader shows the attestations of "
                                            "every PC of the school as the school's"),
                                    self.export_dialog)
        self.buttons = (self.create_button, self.join_button, self.join_file_button, self.revoke_button,
                        self.export_button)
        actions = QHBoxLayout()
        for made in self.buttons:
            actions.addWidget(made)
        actions.addStretch(1)
        actions.addWidget(self.fingerprint_label)  # on the buttons' row: the tab must fit a 768-pixel screen

        self.issued = QTableWidget(0, 3, self)
        self.issued.setHorizontalHeaderLabels([self.tr("PC"), self.tr("Issued"), self.tr("State")])
        self.issued.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.issued.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.issued.setTabKeyNavigation(False)  # one Tab stop: the arrows move inside, Tab leaves
        self.issued.verticalHeader().hide()
        self.issued.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.issued.horizontalHeader().setStretchLastSection(True)
        self.issued.setAccessibleName(self.tr("PCs the school's certificate was issued to here"))
        self.issued.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        caption(self.note, self.tr("School identity"))
        self.note.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.state_label)
        layout.addLayout(actions)
        layout.addWidget(self.issued)
        layout.addWidget(self.note)
        self.dialog: QDialog | None = None  # the one opened last, for tests and for the keyboard
        self.confirmation: QMessageBox | None = None

    # What this PC is --------------------------------------------------------------------------

    def hideEvent(self, event: QHideEvent) -> None:
        """What the last step said is for then: the page shows afresh when it comes back."""
        self.tell("")
        super().hideEvent(event)

    def _state_style(self) -> str:
        return theme.warning_style() if self._warn else ""

    def reload(self) -> None:
        if self.service.records is None:
            return
        try:
            status = self.service.school.status()
        except HolbrookError as exc:
            log.warning("school identity not read: %s", type(exc).__name__)
            self._show_state(str(exc), warn=True)
            self.status = None
            self._show_actions(None)
            return
        self.show_status(status)

    def show_status(self, status: dict[str, Any]) -> None:
        self.status = status
        pc = status["this_pc"] or {}
        if not status["member"]:
            text = self.tr("Not part of a school identity yet. With one, the attestations every PC signs "
                           "verify as the school's on all its PCs and for auditors, and a lost PC can be "
                           "revoked.")
            warn = False
        elif pc.get("revoked"):
            # "PC 'Staff room': revoked on 6 December 2026 (…)": the words after the colon
            text = self.tr("This PC's certificate was %1: what it signs from now on is not the school's. "
                           "Join again with a new join file from HR's PC.").replace(
                               "%1", pc["revoked"].split(": ", 1)[-1])
            warn = True
        elif status["holds_school_key"]:
            text = self.tr("This PC holds the school's certificate (HR's PC) for %1.").replace(
                "%1", status["school"] or "")
            warn = False
        elif pc.get("vouched_by_school"):
            text = self.tr("This PC is '%1' of %2; its certificate was issued by the school.").replace(
                "%1", pc["subject"].removeprefix("PC ")).replace("%2", status["school"] or "")
            warn = False
        else:
            text = self.tr("This PC trusts %1's certificate, but its own was not issued by the school: "
                           "join with a join file from HR's PC.").replace("%1", status["school"] or "")
            warn = True
        self._show_state(text, warn=warn)
        if status["member"]:
            self.fingerprint_label.setText(self.tr("School certificate: %1").replace(
                "%1", short_fingerprint(status["school_certificate"])))
            self.fingerprint_label.setToolTip(self.tr("SHA-256 fingerprint: %1").replace(
                "%1", status["school_certificate"]))
            self.fingerprint_label.show()
        else:
            self.fingerprint_label.hide()
        self._show_actions(status)
        self._fill_issued(status)

    def _show_state(self, text: str, *, warn: bool) -> None:
        self._warn = warn
        self.state_label.setStyleSheet(self._state_style())
        self.state_label.setText(text)

    def _show_actions(self, status: dict[str, Any] | None) -> None:
        member = bool(status and status["member"])
        holds_key = bool(status and status["holds_school_key"])
        self.create_button.setVisible(status is not None and not member)
        self.join_button.setVisible(status is not None and not holds_key)
        self.join_file_button.setVisible(holds_key)
        self.revoke_button.setVisible(holds_key)
        self.export_button.setVisible(member)
        self.issued.setVisible(holds_key)

    def _fill_issued(self, status: dict[str, Any]) -> None:
        mine = (status["this_pc"] or {}).get("fingerprint")
        rows = []
        for issued in status["issued"]:
            name = issued["pc_name"]
            if issued["fingerprint"] == mine:
                name = self.tr("%1 (this PC)").replace("%1", name)
            state = self.tr("In use")
            if issued["revoked"]:
                words = issued["revoked"].split(": ", 1)[-1]
                state = words[:1].upper() + words[1:]
            rows.append(([name, _day(issued["issued_at"]), state], bool(issued["revoked"])))
        warning = QColor(theme.colours().warning)
        self.issued.setRowCount(len(rows))
        for r, (row, revoked) in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if revoked and c == 2:
                    item.setForeground(warning)
                self.issued.setItem(r, c, item)
        self._fit_issued_height()

    def _fit_issued_height(self) -> None:
        """As tall as its rows, up to ROWS_SHOWN (then it scrolls), so the page keeps to the window."""
        table = self.issued
        rows = min(max(table.rowCount(), 1), ROWS_SHOWN)
        row = table.verticalHeader().defaultSectionSize()
        height = table.horizontalHeader().sizeHint().height() + rows * row + 2 * table.frameWidth()
        table.setFixedHeight(height)

    def tell(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))
        if text:
            announce(self.note, text)

    def _after(self, text: str) -> None:
        self.reload()
        self.tell(text)
        self.changed.emit()

    def _open(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # Make the school's certificate (HR's PC) -------------------------------------------------

    def create_dialog(self) -> SchoolPasswordDialog:
        dialog = SchoolPasswordDialog(
            self, self.tr("Make the school's certificate"),
            self.tr("This PC becomes HR's PC: it holds the school's certificate, sealed with the "
                    "administrator password, and each other PC then joins with a join file made here."),
            self.tr("Make the certificate"), pc_name=socket.gethostname() or "HR")
        dialog.accepted.connect(lambda: self.create(dialog.typed_password(), dialog.pc_name()))
        self._open(dialog)
        return dialog

    def create(self, password: str, pc_name: str) -> Operation:
        def done(certificate) -> None:
            self._after(self.tr("Made the school's certificate; this PC now signs as %1. Make a join file "
                                "for each other PC.").replace("%1", certificate.subject))

        return self._run("school certificate made", lambda: self.service.school.create(
            password, pc_name=pc_name or None), done, self.tr("Make the school's certificate"))

    # Join a school ---------------------------------------------------------------------------

    def join_dialog(self) -> SchoolPasswordDialog | None:
        from PySide6.QtWidgets import QFileDialog

        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Choose the join file"), "",
                                                self.tr("Join files (*.holbrook-join);;All files (*)"))
        if not chosen:
            return None
        path = Path(chosen)
        dialog = SchoolPasswordDialog(
            self, self.tr("Join a school"),
            self.tr("%1 is sealed with the school's administrator password, as it was when HR made the file. "
                    "Type it to make this PC one of the school's.").replace("%1", path.name),
            self.tr("Join"))
        dialog.accepted.connect(lambda: self.join(path, dialog.typed_password()))
        self._open(dialog)
        return dialog

    def join(self, path: Path, password: str) -> Operation:
        def done(joined) -> None:
            told = [self.tr("This PC is now '%1' of %2: its attestations verify on every PC of the school. "
                            "Delete the join file now.").replace("%1", joined.pc_name).replace(
                                "%2", joined.school)]
            if joined.sync_folder:
                told.append(self.tr("The sync folder is set to %1.").replace("%1", joined.sync_folder))
            elif joined.sync_folder_unreachable:
                told.append(self.tr("The join file names the sync folder %1, which this PC cannot reach "
                                    "now: IT sets it with `holbrook sync set-folder PATH`.").replace(
                                        "%1", joined.sync_folder_unreachable))
            self._after(" ".join(told))

        return self._run("school joined", lambda: self.service.school.join(path, password), done,
                         self.tr("Join a school"))

    # Make a join file (HR's PC) --------------------------------------------------------------

    def join_file_dialog(self) -> SchoolPasswordDialog:
        dialog = SchoolPasswordDialog(
            self, self.tr("Make a join file"),
            self.tr("A join file lets one more PC sign as the school's. Give the PC a name (it is printed "
                    "on its attestations); next, choose where to save the file."),
            self.tr("Choose where to save…"), pc_name="")
        dialog.accepted.connect(lambda: self.save_join_file(dialog.typed_password(), dialog.pc_name()))
        self._open(dialog)
        return dialog

    def save_join_file(self, password: str, pc_name: str) -> Operation | None:
        from holbrook_desktop.ui.save_target import choose_save_file

        path = choose_save_file(self, self.tr("Save the join file"), _file_name_for(pc_name),
                                self.tr("Join files (*.holbrook-join)"), self.service.data_dir,
                                suffix=JOIN_SUFFIX)
        if path is None:
            return None
        return self.make_join_file(password, pc_name, path)

    def make_join_file(self, password: str, pc_name: str, path: Path) -> Operation:
        def done(made) -> None:
            self._after(self.tr("Made the join file for %1: %2. It is sealed with the administrator "
                                "password; on that PC, choose \"Join a school…\" and type it. Delete the "
                                "file once it has joined.").replace("%1", made.pc_name).replace(
                                    "%2", str(made.path)))

        return self._run("join file made", lambda: self.service.school.make_join_file(
            password, pc_name, path), done, self.tr("Make a join file"))

    # Revoke a PC (HR's PC) -------------------------------------------------------------------

    def revoke_dialog(self) -> SchoolPasswordDialog | None:
        from holbrook_desktop.core.attestation.school_root import REVOCATION_REASONS

        status = self.status or {}
        mine = (status.get("this_pc") or {}).get("fingerprint")
        pcs = [(f"{c['pc_name']} ({self.tr('issued')} {_day(c['issued_at'])})", c["fingerprint"])
               for c in status.get("issued", []) if not c["revoked"] and c["fingerprint"] != mine]
        if not pcs:
            self.tell(self.tr("No PC to revoke: only this PC's certificate is in use."))
            return None
        words = {"lost": self.tr("Lost or stolen"), "retired": self.tr("No longer used"),
                 "compromised": self.tr("Its key may have been copied")}
        dialog = SchoolPasswordDialog(
            self, self.tr("Revoke a PC"),
            self.tr("What a revoked PC signs from now on is not the school's, on every PC once it has "
                    "synced; what it signed before stays valid."),
            self.tr("Revoke…"), pcs=pcs, reasons=[(words.get(key, text), key)
                                                  for key, text in REVOCATION_REASONS.items()])
        dialog.accepted.connect(lambda: self.confirm_revoke(dialog.typed_password(), dialog.chosen_pc(),
                                                            dialog.chosen_pc_words(), dialog.reason()))
        self._open(dialog)
        return dialog

    def confirm_revoke(self, password: str, fingerprint: str, words: str, reason: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Revoke a PC"),
                          self.tr("Revoke the certificate of %1? It cannot be undone: that PC must join "
                                  "again with a new join file to sign as the school's.").replace("%1", words),
                          QMessageBox.StandardButton.Cancel, self)
        revoke = box.addButton(self.tr("Revoke"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda clicked: self.revoke(password, fingerprint, reason)
                                  if clicked is revoke else None)
        self.confirmation = box
        box.open()
        return box

    def revoke(self, password: str, fingerprint: str, reason: str) -> Operation:
        def done(revocation) -> None:
            self._after(self.tr("%1. The other PCs learn of it at their next sync.").replace(
                "%1", revocation.in_words))

        return self._run("PC certificate revoked", lambda: self.service.school.revoke(
            password, fingerprint, reason), done, self.tr("Revoke a PC"))

    # Save the school's certificate (for auditors) --------------------------------------------

    def export_dialog(self) -> Operation | None:
        from holbrook_desktop.ui.save_target import choose_save_file

        path = choose_save_file(self, self.tr("Save the school's certificate"), "school-certificate.pem",
                                self.tr("Certificates (*.pem *.cer *.crt *.der)"), self.service.data_dir)
        if path is None:
            return None
        if path.suffix.lower() not in CERTIFICATE_SUFFIXES:
            path = path.with_name(path.name + ".pem")
        return self.export(path)

    def export(self, path: Path) -> Operation:
        def done(written: Path) -> None:
            self.tell(self.tr("Saved the school's certificate as %1. An auditor who trusts it sees every "
                              "attestation of every PC of the school as signed by the school.").replace(
                                  "%1", str(written)))

        # Files only (no records): off the window's thread.
        return Operation(self, "school certificate saved",
                         lambda: self.service.school.export_certificate(path),
                         title=self.tr("Save the school's certificate"), on_done=done,
                         disable=[self.export_button]).run()

    def _run(self, name: str, work, done, title: str) -> Operation:
        """Work that writes the audit log: on the records' thread (see Operation), the buttons disabled."""
        return Operation(self, name, work, title=title, on_done=done, disable=list(self.buttons),
                         uses_records=True).run()

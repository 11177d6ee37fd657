"""“My record”: the person signed in sees where they stand on each policy, their certificates, and
what changed since they signed. The core (`app.reading.my_record()`) decides; this page only draws."""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.dates import for_people
from holbrook_desktop.core.errors import Failure, Refused
from holbrook_desktop.ui import theme

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.reading.my_record import AcknowledgedVersion, MyRecord, PolicyStanding

log = logging.getLogger(__name__)

MARKS = {"ok": "✔", "due": "●", "overdue": "✖", "none": "–"}


def standing_style(standing: str) -> str:
    """Colour as well as words: green only for "acknowledged", amber when due, red when overdue."""
    c = theme.colours()
    if standing == "ok":
        text, background, border = c.right_text, c.right_background, c.right_border
    elif standing == "overdue":
        text, background, border = c.wrong_text, c.wrong_background, c.wrong_border
    else:
        text, background, border = c.note_text, c.note_background, c.note_border
    return (f"color: {text}; background: {background}; border: 1px solid {border}; border-radius: 4px; "
            "padding: 6px 10px; font-weight: 600;")


def changes_since_html(standing: PolicyStanding) -> str:
    """The clauses changed against the version the person acknowledged, word by word (HR's view)."""
    from holbrook_desktop.ui.admin.versions_page import changes_html

    changes = standing.changes
    if changes is None:
        return ""
    return changes_html(changes)


class MyRecordView(QWidget):
    """One block per policy: the standing, the next refresher, what changed, the certificates."""

    backRequested = Signal()
    readChangesRequested = Signal(str)  # policy id: the first section still to read

    def __init__(self, service: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.setAccessibleName(self.tr("My record"))
        self.heading = QLabel(self.tr("My record"), self)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.heading.setFont(font)
        self.who = QLabel(self)
        self.who.setWordWrap(True)
        self.back_button = QPushButton(self.tr("&Back to the policy"), self)
        self.back_button.setToolTip(self.tr("Back to the policy (Esc)"))
        self.back_button.clicked.connect(self.backRequested)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Message"))
        self.message.hide()
        self._body = QWidget(self)
        self._body_layout = QVBoxLayout(self._body)
        self._body_layout.setContentsMargins(0, 0, 0, 0)
        self._body_layout.setSpacing(16)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._body)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addLayout(top)
        layout.addWidget(self.who)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        self.status_labels: dict[str, QLabel] = {}
        self.changes_views: dict[str, QTextBrowser] = {}
        self.save_buttons: list[tuple[AcknowledgedVersion, QPushButton]] = []
        self.read_buttons: dict[str, QPushButton] = {}
        self.record: MyRecord | None = None

    def show_record(self) -> None:
        """Drawn afresh from the records each time it is opened."""
        record = self._service.reading.my_record()
        self.record = record
        self._clear()
        self.message.hide()
        member = record.member
        self.who.setText(self.tr("%1 · %2 · as of %3").replace("%1", member.full_name).replace(
            "%2", member.role_label).replace("%3", for_people(record.today)))
        for standing in record.policies:
            self._body_layout.addWidget(self._policy_block(standing))
        self._body_layout.addStretch(1)
        self.back_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear(self) -> None:
        """Nobody's record stays on screen after they have gone."""
        self.record = None
        self._clear()
        self.who.clear()
        self.message.hide()

    def _clear(self) -> None:
        while self._body_layout.count():
            item = self._body_layout.takeAt(0)
            widget = item.widget()
            if widget is not None:  # gone from the page now, not at the next turn of the event loop
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.status_labels.clear()
        self.changes_views.clear()
        self.save_buttons.clear()
        self.read_buttons.clear()

    def _policy_block(self, standing: PolicyStanding) -> QWidget:
        block = QFrame(self._body)
        block.setAccessibleName(standing.title)
        layout = QVBoxLayout(block)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(f"<h3>{escape(standing.title)}</h3>", block)
        layout.addWidget(title)
        status = QLabel(f"{MARKS[standing.standing]}  {standing.words}", block)
        status.setObjectName(f"standing-{standing.standing}")
        status.setAccessibleName(self.tr("Status: %1").replace("%1", standing.words))
        theme.keep_styled(status, lambda s=standing.standing: standing_style(s))
        layout.addWidget(status)
        self.status_labels[standing.policy_id] = status
        lines = [self.tr("Version in force: %1.").replace("%1", standing.version_label)]
        if standing.next_refresher is not None:
            lines.append(self.tr("Next refresher: by %1.").replace(
                "%1", for_people(standing.next_refresher)))
        elif standing.standing != "none" and standing.due is not None and standing.acknowledged:
            lines.append(self.tr("Acknowledge this version: by %1.").replace("%1", for_people(standing.due)))
        elif standing.standing != "none" and standing.due is not None:
            lines.append(self.tr("First acknowledgement: by %1.").replace("%1", for_people(standing.due)))
        facts = QLabel(" ".join(lines), block)
        facts.setWordWrap(True)
        layout.addWidget(facts)
        if standing.changes is not None:
            layout.addWidget(self._changes_block(standing, block))
        layout.addWidget(QLabel(f"<b>{escape(self.tr('Versions you acknowledged'))}</b>", block))
        if not standing.acknowledged:
            layout.addWidget(QLabel(self.tr("None yet."), block))
        for version in standing.acknowledged:
            row = QHBoxLayout()
            still = self.tr(" (still counts)") if version.current else ""
            text = QLabel(self.tr("%1, acknowledged on %2 – record %3%4").replace(
                "%1", version.version_label).replace("%2", for_people(version.day)).replace(
                "%3", str(version.record.id)).replace("%4", still), block)
            text.setWordWrap(True)
            save = QPushButton(self.tr("Save a copy…"), block)
            save.setAccessibleName(self.tr("Save a copy of the certificate for %1, record %2").replace(
                "%1", version.version_label).replace("%2", str(version.record.id)))
            save.setAutoDefault(True)
            save.clicked.connect(lambda _checked=False, v=version: self.save_copy_dialog(v))
            row.addWidget(text, 1)
            row.addWidget(save)
            layout.addLayout(row)
            self.save_buttons.append((version, save))
        return block

    def _changes_block(self, standing: PolicyStanding, parent: QWidget) -> QWidget:
        assert standing.changes is not None
        box = QWidget(parent)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 4)
        changes = standing.changes
        count = len(changes.clauses)
        summary = QLabel(self.tr("What changed since you signed (%1 → %2): %3. Only the sections with "
                                 "changed clauses need reading again before the refresher quiz.").replace(
            "%1", changes.previous_label or "").replace("%2", changes.current_label).replace(
            "%3", self.tr("1 clause") if count == 1 else self.tr("%1 clauses").replace("%1", str(count))),
            box)
        summary.setWordWrap(True)
        layout.addWidget(summary)
        view = QTextBrowser(box)
        view.setAccessibleName(self.tr("What changed since you signed"))
        view.setHtml(changes_since_html(standing))
        view.setMinimumHeight(180)
        layout.addWidget(view)
        self.changes_views[standing.policy_id] = view
        progress = self._service.reading.progress(standing.policy_id)
        if progress.read < progress.total:
            read = QPushButton(self.tr("Read what changed (%1 of %2 sections to read)").replace(
                "%1", str(progress.total - progress.read)).replace("%2", str(progress.total)), box)
            read.setAutoDefault(True)
            read.clicked.connect(
                lambda _checked=False, p=standing.policy_id: self.readChangesRequested.emit(p))
            layout.addWidget(read, 0, Qt.AlignmentFlag.AlignLeft)
            self.read_buttons[standing.policy_id] = read
        return box

    # Certificates --------------------------------------------------------------------------------

    def save_copy_dialog(self, version: AcknowledgedVersion) -> None:
        from holbrook_desktop.ui.save_target import choose_save_file

        name = f"attestation-{version.record.id:06d}-{version.record.policy_id}.pdf"
        path = choose_save_file(self, self.tr("Save a copy of your certificate"), Path.home() / name,
                                self.tr("PDF (*.pdf)"), self._service.data_dir, suffix=".pdf")
        if path is not None:
            self.save_copy(version, path)

    def save_copy(self, version: AcknowledgedVersion, path: Path) -> bool:
        """The signed PDF as kept (checked against its SHA-256 by the core), copied to `path`."""
        from holbrook_desktop.core.files import write_whole
        from holbrook_desktop.core.paths import check_output_target

        try:
            if self._service.data_dir is not None:  # never over the records, however `path` was chosen
                check_output_target(path, self._service.data_dir)
            pdf = self._service.attestation.pdf(version.record)
            write_whole(path, pdf)
        except (Refused, Failure, OSError) as exc:
            log.warning("certificate copy not saved: %s", exc)
            self._say(self.tr("The copy was not saved: %1").replace("%1", str(exc)), problem=True)
            return False
        self._say(self.tr("A copy of record %1 was saved to %2.").replace(
            "%1", str(version.record.id)).replace("%2", str(path)))
        return True

    def _say(self, text: str, *, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(theme.error_style() if problem else "")
        self.message.show()

    def message_text(self) -> str:
        return self.message.text() if not self.message.isHidden() else ""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.backRequested.emit()
            return
        super().keyPressEvent(event)

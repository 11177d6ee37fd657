"""The admin area's "Several PCs" tab: this PC in the school's identity (ui/admin/school_identity.py),
the sync folder, each PC's last sync, the bundles refused and why, and "Sync now"."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.core.sync import folder as sync
from holbrook_desktop.ui.accessibility import caption
from holbrook_desktop.ui.admin.school_identity import SchoolIdentityGroup

log = logging.getLogger(__name__)


def _when(stamp: str | None, never: str = "") -> str:
    """"2026-12-06T14:32:10.123456+00:00" → "2026-12-06 14:32 UTC"; `never` for none."""
    if not stamp:
        return never
    return f"{stamp[:10]} {stamp[11:16]} UTC"


class _Table(QTableWidget):
    """Asks for the room of a few rows (it grows with the window): the page shares a 768-pixel screen
    with the school's group above."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        rows = self.horizontalHeader().sizeHint().height() + 3 * self.verticalHeader().defaultSectionSize()
        return QSize(hint.width(), min(hint.height(), rows + 2 * self.frameWidth()))


def _table(parent: QWidget, headers: list[str], name: str) -> QTableWidget:
    table = _Table(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setAccessibleName(name)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)


class SyncPage(QWidget):
    syncRequested = Signal()

    def __init__(self, service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.school = SchoolIdentityGroup(service, self)
        self.school.changed.connect(self._reload_sync)  # joining may set the sync folder
        self.folder_label = QLabel(self)
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        caption(self.folder_label, self.tr("Sync folder"))
        self.sync_button = QPushButton(self.tr("&Sync now"), self)
        self.sync_button.setToolTip(self.tr("Send this PC's new records to the sync folder and apply the "
                                            "other PCs'"))
        self.sync_button.clicked.connect(self.syncRequested)
        self.last_label = QLabel(self)
        self.last_label.setWordWrap(True)
        caption(self.last_label, self.tr("Last sync from this window"))
        self.last_label.hide()  # until a sync from this window: its empty line would push the page down
        top = QHBoxLayout()
        top.addWidget(self.folder_label, 1)
        top.addWidget(self.sync_button)

        pcs_box = QGroupBox(self.tr("The school's PCs"), self)
        self.pcs = _table(pcs_box, [self.tr("PC"), self.tr("Last sync"), self.tr("Bundles"),
                                    self.tr("Records")], self.tr("The school's PCs and their last sync"))
        QVBoxLayout(pcs_box).addWidget(self.pcs)
        refused_box = QGroupBox(self.tr("Bundles refused"), self)
        self.refused_note = QLabel(self.tr(
            "A bundle is refused whole when it was changed after its PC signed it, names a PDF that is "
            "missing or changed, comes with a key that is not its PC's, or (once this PC has the "
            "school's certificate) comes from a PC that is not one of the school's or was revoked. "
            "Nothing of it is applied; it is tried again at each sync."), refused_box)
        self.refused_note.setWordWrap(True)
        self.refused = _table(refused_box, [self.tr("PC"), self.tr("File"), self.tr("Since"),
                                            self.tr("Why")], self.tr("Bundles refused and why"))
        refused_layout = QVBoxLayout(refused_box)
        refused_layout.addWidget(self.refused_note)
        refused_layout.addWidget(self.refused)

        layout = QVBoxLayout(self)
        layout.addWidget(self.school)
        layout.addLayout(top)
        layout.addWidget(self.last_label)
        layout.addWidget(pcs_box, 2)
        layout.addWidget(refused_box, 1)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        self.school.reload()
        self._reload_sync()

    def _reload_sync(self) -> None:
        records = self.service.records
        if records is None:
            return
        try:
            found = sync.status(records)
        except StoreError as exc:
            log.warning("sync state not read: %s", exc)
            self.folder_label.setText(self.tr("The sync state could not be read: %1").replace("%1", str(exc)))
            return
        self.show_status(found)

    def show_status(self, found: dict[str, Any]) -> None:
        folder = found["folder"]
        if not folder:
            self.folder_label.setText(self.tr(
                "No sync folder is set: this PC keeps its records to itself. To share them with the "
                "school's other PCs, IT sets one on each PC with `holbrook sync set-folder PATH`."))
        elif found["reachable"]:
            self.folder_label.setText(self.tr("Sync folder: %1").replace("%1", folder))
        else:
            self.folder_label.setText(self.tr("Sync folder: %1 — not reachable now; this PC works offline "
                                              "and sends its records once it is back.").replace("%1", folder))
        self.sync_button.setEnabled(bool(folder))
        names = {pc["pc_id"]: pc["name"] for pc in found["pcs"]}
        this_pc = self.tr("%1 (this PC)")
        _fill(self.pcs, [[this_pc.replace("%1", pc["name"]) if pc["pc_id"] == found["pc_id"] else pc["name"],
                          _when(pc["last_sync"], self.tr("never")), str(pc["bundles"]), str(pc["events"])]
                         for pc in found["pcs"]])
        _fill(self.refused, [[names.get(r["pc_id"], r["pc_id"][:8]), r["file"], _when(r["at"]), r["reason"]]
                             for r in found["refused"]])

    def show_outcome(self, outcome) -> None:
        """A sync from this window ended: what it said, and the state it left."""
        at = f"{outcome.at:%H:%M}" if outcome.at else ""
        if outcome.state == "synced":
            report = outcome.report
            new = sum(applied["new"] for applied in report.applied) if report else 0
            sent = report.exported if report else 0
            self.last_label.setText(self.tr("Last sync at %1: %2 changes sent, %3 received.").replace(
                "%1", at).replace("%2", str(sent)).replace("%3", str(new)))
        elif outcome.state == "offline":
            self.last_label.setText(self.tr("Sync at %1: the sync folder could not be reached; working "
                                            "offline.").replace("%1", at))
        else:
            self.last_label.setText(self.tr("Sync at %1 did not finish: %2").replace("%1", at).replace(
                "%2", outcome.message))
        self.last_label.show()
        if outcome.status is not None:
            self.show_status(outcome.status)
        else:
            self.reload()

    def set_running(self, running: bool) -> None:
        self.sync_button.setEnabled(not running)
        if running:
            self.last_label.setText(self.tr("Syncing…"))
            self.last_label.show()

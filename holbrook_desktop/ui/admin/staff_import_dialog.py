"""Importing HR's staff list (CSV or Excel): a preview of every row (added, updated, unchanged,
rejected and why, and what is worth a check), then Import or Cancel; the rejected rows can be saved
as a CSV to fix. Nothing is written to the records until Import is pressed."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.hr.roles import ROLE_LABELS
from holbrook_desktop.core.hr.staff_import import (
    CREATE,
    REJECT,
    UNCHANGED,
    UPDATE,
    StaffImportError,
    StaffImportStale,
    write_rejected,
)
from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.ui import theme
from holbrook_desktop.ui.accessibility import announce, caption
from holbrook_desktop.ui.screen_fit import scroll_above_buttons

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.hr.staff_import import PlannedRow, StaffImportPlan, StaffImportResult

log = logging.getLogger(__name__)
Index = QModelIndex | QPersistentModelIndex
# Rejected rows say so in bold, with a warning icon: colour alone would fail people who cannot see it.
ACTION_TEXT = {CREATE: "Add", UPDATE: "Update", UNCHANGED: "Unchanged", REJECT: "Rejected"}
WRAPPED_ROWS_AT_MOST = 2000  # beyond this, long reasons stay on one line (full text in the tooltip)


class ImportPlanModel(QAbstractTableModel):
    """One row per row of the file, in the file's order."""

    HEADERS = ("Line", "Action", "Name", "Role", "Staff number", "Email", "What changes, or why not")
    REASON_COLUMN = 6

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PlannedRow] = []
        self._cells: list[tuple[str, ...]] = []

    def set_plan(self, plan: StaffImportPlan) -> None:
        self.beginResetModel()
        self._rows = list(plan.rows)
        self._cells = [(str(r.line), self.tr(ACTION_TEXT[r.action]), r.name,
                        r.role_label or ROLE_LABELS.get(r.values.role or "", r.values.role or ""),
                        r.values.staff_number or "", r.values.work_email or "", self._what(r))
                       for r in self._rows]
        self.endResetModel()

    def _what(self, row: PlannedRow) -> str:
        checks = [self.tr("Check: %1.").replace("%1", warning) for warning in row.warnings]
        return ". ".join([row.describe(), " ".join(checks)]) if checks else row.describe()

    def row_at(self, row: int) -> PlannedRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        planned, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][column]
        if role == Qt.ItemDataRole.ToolTipRole and column in (2, self.REASON_COLUMN):
            text = self._cells[index.row()][self.REASON_COLUMN]
            if planned.staff_id is not None and not planned.rejected:
                text = self.tr("On record as number %1 (matched by %2). ").replace(
                    "%1", str(planned.staff_id)).replace("%2", planned.matched_by or "") + text
            return text or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return ", ".join(cell for cell in self._cells[index.row()] if cell)
        if planned.warnings and not planned.rejected and column == 1 \
                and role == Qt.ItemDataRole.DecorationRole:  # a garbled name, a title to map: look
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
        if planned.rejected and column == 1:
            if role == Qt.ItemDataRole.DecorationRole:
                return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.HEADERS[section])
        return None


class StaffImportDialog(QDialog):
    """Reads the file when made: raises StaffImportFileError (a ValueError) if it cannot be used,
    so there is nothing to preview. Accepted after a successful import; rejected on Cancel."""

    imported = Signal(object)  # StaffImportResult

    def __init__(self, service: App, csv_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.csv_path = Path(csv_path)
        self.plan: StaffImportPlan = service.hr.plan_staff_import(self.csv_path)
        self.result: StaffImportResult | None = None
        self.result_box: QMessageBox | None = None
        self.setWindowTitle(self.tr("Import staff from %1").replace("%1", self.csv_path.name))

        self.counts = QLabel(self)
        font = QFont(self.counts.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.counts.setFont(font)
        caption(self.counts, self.tr("What the import will do"))
        self.about_file = QLabel(self)
        self.about_file.setWordWrap(True)
        self.about_file.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rejected_only = QCheckBox(self.tr("Show only the &rejected rows"), self)
        self.model = ImportPlanModel(self)
        self.view = QTableView(self)
        self.view.setTabKeyNavigation(False)  # one Tab stop: the arrows move inside, Tab leaves
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setMinimumSectionSize(26)  # rows fitted to their text keep some air
        self.view.setAccessibleName(self.tr("The rows of the file and what happens to each"))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((45, 105, 170, 130, 100, 170)):
            self.view.setColumnWidth(column, width)
        # Row heights follow the reason column's width, once it settles (after showing, resizing).
        self._fit_rows = QTimer(self)
        self._fit_rows.setSingleShot(True)
        self._fit_rows.setInterval(0)

        self.all_or_nothing = QCheckBox(self.tr("&All or nothing: import nobody if any row is rejected"),
                                        self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(theme.error_style())
        caption(self.message, self.tr("Problem"))
        self.message.hide()
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(self.tr("&Import"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setToolTip(self.tr("Close without changing anything (Esc)"))
        self.save_rejected_button = self.buttons.addButton(self.tr("&Save rejected rows…"),
                                                           QDialogButtonBox.ButtonRole.ActionRole)
        self.save_rejected_button.setToolTip(
            self.tr("Save the rejected rows as a CSV, with the file's columns and a “problem” column, "
                    "to fix and import again"))

        options = QHBoxLayout()
        options.addWidget(self.rejected_only)
        options.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addWidget(self.about_file)
        layout.addLayout(options)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.all_or_nothing)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(1100, 600)
        scroll_above_buttons(self, self.buttons)  # at 200% text on a small screen: Import stays in sight
        self._connect_signals()
        self._show_plan()

    def _connect_signals(self) -> None:
        self.import_button.clicked.connect(self.import_now)
        self.save_rejected_button.clicked.connect(self.save_rejected_dialog)
        self.cancel_button.clicked.connect(self.reject)
        self.rejected_only.toggled.connect(self._apply_filter)
        self._fit_rows.timeout.connect(self._fit_row_heights)
        self.view.horizontalHeader().sectionResized.connect(lambda *_args: self._fit_rows.start())
        self.all_or_nothing.toggled.connect(lambda _on: self._show_message(None))

    # The preview ---------------------------------------------------------------------------

    def _show_plan(self) -> None:
        plan = self.plan
        self.model.set_plan(plan)
        self.counts.setText(self.counts_text())
        about = [self.tr("From %1.").replace("%1", str(plan.file))]
        about += list(plan.notes)
        if plan.ignored_columns:
            about.append(self.tr("Columns ignored: %1.").replace("%1", ", ".join(plan.ignored_columns)))
        if plan.count(REJECT):
            about.append(self.tr("Rejected rows are not imported; the reason is in the last column."))
        self.about_file.setText("\n".join(about))
        self.import_button.setEnabled(plan.has_changes)
        self.import_button.setToolTip("" if plan.has_changes else self.tr("Nobody to add or update"))
        self.rejected_only.setEnabled(plan.count(REJECT) > 0)
        self.save_rejected_button.setEnabled(plan.count(REJECT) > 0)
        self._apply_filter()
        self._fit_rows.start()

    def _fit_row_heights(self) -> None:
        if self.model.rowCount() <= WRAPPED_ROWS_AT_MOST:
            self.view.resizeRowsToContents()  # a long reason wraps onto a second line

    def counts_text(self) -> str:
        """“12 to add, 3 to update, 2 rejected”: the counts that are not zero."""
        plan = self.plan
        parts = [text.replace("%1", str(n)) for n, text in (
            (plan.count(CREATE), self.tr("%1 to add")), (plan.count(UPDATE), self.tr("%1 to update")),
            (plan.count(UNCHANGED), self.tr("%1 unchanged")), (plan.count(REJECT), self.tr("%1 rejected")))
            if n]
        return ", ".join(parts) if parts else self.tr("Nobody in the file")

    def _apply_filter(self) -> None:
        only_rejected = self.rejected_only.isChecked()
        for row in range(self.model.rowCount()):
            self.view.setRowHidden(row, only_rejected and not self.model.row_at(row).rejected)

    def visible_rows(self) -> list[PlannedRow]:
        return [self.model.row_at(r) for r in range(self.model.rowCount()) if not self.view.isRowHidden(r)]

    # The rejected rows, to fix ----------------------------------------------------------------

    def save_rejected_dialog(self) -> Path | None:
        from holbrook_desktop.ui.save_target import choose_save_file

        suggested = self.csv_path.with_name(f"{self.csv_path.stem} - rejected rows.csv")
        chosen = choose_save_file(self, self.tr("Save the rejected rows"), suggested,
                                  self.tr("CSV for Excel (*.csv)"), self.service.data_dir, suffix=".csv")
        return self.save_rejected(chosen) if chosen is not None else None

    def save_rejected(self, path: Path) -> Path | None:
        """The rejected rows as a CSV with the file's columns and a "problem" column; says where."""
        if Path(path).resolve() == self.csv_path.resolve():
            self._show_message(self.tr("Choose another name: that is the file being imported."))
            return None
        try:
            count = write_rejected(self.plan, Path(path))
        except OSError as exc:
            self._show_message(self.tr("The rejected rows could not be saved: %1").replace(
                "%1", exc.strerror or str(exc)))
            return None
        self._show_message(None)
        self.about_file.setText(self.about_file.text() + "\n" + self.tr(
            "%1 rejected rows saved to %2: fix them there and import that file.").replace(
            "%1", str(count)).replace("%2", str(path)))
        return Path(path)

    # Importing ----------------------------------------------------------------------------

    def import_now(self) -> None:
        if not self.plan.has_changes:
            return
        try:
            result = self.service.hr.apply_staff_import(self.plan,
                                                     all_or_nothing=self.all_or_nothing.isChecked())
        except StaffImportStale as exc:  # someone changed the records since the preview
            self._show_message(str(exc))
            self._preview_again()
            return
        except StoreError as exc:  # a full disk, a read-only folder: nothing was written
            self._show_message(self.tr("Nothing was imported: %1").replace("%1", str(exc)))
            return
        if result.refused:
            self._show_message(self.tr("Nothing was imported: %1 rejected, and “All or nothing” is ticked. "
                                       "Fix those rows in the file, or untick it to import the others.")
                               .replace("%1", str(result.rejected)))
            return
        self.result = result
        log.info("staff import from %s: %s", self.csv_path, result.summary())
        self.imported.emit(result)
        self._show_result(result)
        self.accept()

    def _preview_again(self) -> None:
        try:
            self.plan = self.service.hr.plan_staff_import(self.csv_path)
        except (StaffImportError, ValueError, StoreError) as exc:
            self._show_message(str(exc))
            self.import_button.setEnabled(False)
            return
        self._show_plan()

    def _show_result(self, result: StaffImportResult) -> None:
        text = self.tr("%1 added, %2 updated, %3 unchanged.").replace("%1", str(result.created)).replace(
            "%2", str(result.updated)).replace("%3", str(result.unchanged))
        if result.rejected:
            text += " " + self.tr("%1 rejected rows were not imported: fix them in the file and import it "
                                  "again.").replace("%1", str(result.rejected))
        # Not modal, and owned by the window behind: it stays after this dialog closes.
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Staff imported"), text,
                          QMessageBox.StandardButton.Ok, self.parentWidget())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.result_box = box

    def _show_message(self, text: str | None) -> None:
        self.message.setText(text or "")
        announce(self.message, text or "", assertive=True)
        self.message.setVisible(bool(text))

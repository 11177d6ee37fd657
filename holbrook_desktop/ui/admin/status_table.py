"""Who is due, as a table: a model over the core's statuses, a filter proxy, and counts on top."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.dates import school_day
from holbrook_desktop.core.hr.due import Status
from holbrook_desktop.ui.session.staff_list_model import fold

if TYPE_CHECKING:
    from holbrook_desktop.core.hr.due import PersonStatus

Index = QModelIndex | QPersistentModelIndex
STATUS_ORDER = {Status.OVERDUE: 0, Status.NEVER: 1, Status.DUE_SOON: 2, Status.ACKNOWLEDGED: 3,
                Status.LEAVER: 4}
# Shown as words first; the mark only helps the eye (colour alone would fail people who can't see it).
STATUS_MARKS = {Status.OVERDUE: "⚠ ", Status.NEVER: "⚠ ", Status.DUE_SOON: "… ", Status.ACKNOWLEDGED: "✔ ",
                Status.LEAVER: ""}


class StatusTableModel(QAbstractTableModel):
    HEADERS = ("Name", "Role", "Policy", "Status", "Due by", "Version acknowledged", "Acknowledged on")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PersonStatus] = []
        self._cells: list[tuple[str, ...]] = []
        self._sort_keys: list[tuple] = []
        self.search_keys: list[str] = []  # what the filter compares: name, role, number, email, folded

    def set_statuses(self, statuses: Sequence[PersonStatus], policy_titles: dict[str, str]) -> None:
        self.beginResetModel()
        self._rows = list(statuses)
        self._cells, self._sort_keys, self.search_keys = [], [], []
        for s in self._rows:
            m, ack = s.member, s.acknowledgement
            acknowledged_on = school_day(ack.acknowledged_at).strftime("%d/%m/%Y") if ack else ""
            self._cells.append((m.full_name, m.role_label, policy_titles.get(s.policy_id, s.policy_id),
                                STATUS_MARKS[s.status] + s.status.value.capitalize(),
                                s.due.strftime("%d/%m/%Y") if s.due else "",
                                ack.version_label if ack else "", acknowledged_on))
            self._sort_keys.append((fold(m.full_name), m.role_label, s.policy_id, STATUS_ORDER[s.status],
                                    s.due.toordinal() if s.due else 0, ack.version_label if ack else "",
                                    ack.acknowledged_at if ack else ""))
            self.search_keys.append(" ".join(fold(x) for x in (m.full_name, m.preferred_name or "",
                                                               m.role_label, m.staff_number or "",
                                                               m.work_email or "")))
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorted here, in one Python sort, rather than by the proxy: its comparisons would call
        back into Python a hundred thousand times for ten thousand rows."""
        if not self._rows or not 0 <= column < len(self.HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        ordered = sorted(range(len(self._rows)), key=lambda i: self._sort_keys[i][column],
                         reverse=order == Qt.SortOrder.DescendingOrder)
        old_persistent = self.persistentIndexList()
        where = {old: new for new, old in enumerate(ordered)}
        for name in ("_rows", "_cells", "_sort_keys", "search_keys"):
            values = getattr(self, name)
            setattr(self, name, [values[i] for i in ordered])
        self.changePersistentIndexList(old_persistent, [self.index(where[i.row()], i.column())
                                                        for i in old_persistent])
        self.layoutChanged.emit()

    def status_at(self, row: int) -> PersonStatus:
        return self._rows[row]

    def statuses(self) -> list[PersonStatus]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            m = self._rows[index.row()].member
            return " · ".join(x for x in (m.staff_number, m.work_email) if x) or None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.HEADERS[section])
        return None


class StatusFilterProxy(QSortFilterProxyModel):
    """Words typed (any part of name, role, staff number or email; accents ignored) and the
    statuses chosen. Sorting is the model's, by its sort keys, so dates sort as dates."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._statuses: frozenset[Status] | None = None
        self.setDynamicSortFilter(False)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)  # the proxy keeps the model's order: see StatusTableModel

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_words", fold(text).split()))

    def set_statuses(self, statuses: frozenset[Status] | None) -> None:
        self._refilter(lambda: setattr(self, "_statuses", statuses or None))

    def _refilter(self, change) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10 and later; invalidateFilter is deprecated there
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if self._statuses is not None and model.status_at(source_row).status not in self._statuses:
            return False
        if self._words:
            key = model.search_keys[source_row]
            return all(word in key for word in self._words)
        return True


class StatusTable(QWidget):
    """Counts by status on top (each a button that filters), a search field, then the table."""

    selectionChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = StatusTableModel(self)
        self.proxy = StatusFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.count_buttons: dict[Status, QPushButton] = {}
        counts = QHBoxLayout()
        counts.addWidget(QLabel(self.tr("Show:"), self))
        for status in (Status.OVERDUE, Status.NEVER, Status.DUE_SOON, Status.ACKNOWLEDGED, Status.LEAVER):
            button = QPushButton(self)
            button.setCheckable(True)
            button.toggled.connect(self._on_status_toggled)
            self.count_buttons[status] = button
            counts.addWidget(button)
        counts.addStretch(1)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Filter by name, role, staff number or email"))
        self.search.setAccessibleName(self.tr("Filter the table"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_text)
        self.search.textChanged.connect(lambda _text: self._update_shown())
        self.shown = QLabel(self)
        self.view = QTableView(self)
        self.view.setTabKeyNavigation(False)  # one Tab stop: the arrows move inside, Tab leaves
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # the ones needing action first
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.setAccessibleName(self.tr("Staff acknowledgement status"))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((220, 140, 150, 130, 90, 150)):
            header.resizeSection(column, width)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.selectionChanged.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(counts)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.shown)
        layout.addLayout(search_row)
        layout.addWidget(self.view, 1)

    def set_statuses(self, statuses: Sequence[PersonStatus], policy_titles: dict[str, str]) -> None:
        self.model.set_statuses(statuses, policy_titles)
        header = self.view.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())  # as the view shows
        counts = Counter(s.status for s in statuses)
        for status, button in self.count_buttons.items():
            button.setText(f"{status.value.capitalize()}: {counts.get(status, 0)}")
            button.setAccessibleName(self.tr("%1 people: %2, show only these").replace(
                "%1", status.value).replace("%2", str(counts.get(status, 0))))
        self._update_shown()

    def visible_statuses(self) -> list[PersonStatus]:
        """What the filters leave, in the order shown: what an export of "this view" takes."""
        return [self.model.status_at(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
                for row in range(self.proxy.rowCount())]

    def selected_statuses(self) -> list[PersonStatus]:
        rows = {self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()}
        return [self.model.status_at(row) for row in sorted(rows)]

    def _on_status_toggled(self) -> None:
        chosen = frozenset(s for s, b in self.count_buttons.items() if b.isChecked())
        self.proxy.set_statuses(chosen)
        self._update_shown()

    def _update_shown(self) -> None:
        self.shown.setText(self.tr("%1 of %2 shown").replace("%1", str(self.proxy.rowCount())).replace(
            "%2", str(self.model.rowCount())))

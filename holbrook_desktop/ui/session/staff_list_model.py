"""The staff list as a Qt model, filtered as a person types part of their name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from holbrook_desktop.core.names import fold

if TYPE_CHECKING:
    from holbrook_desktop.core.records import StaffMember

STAFF_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROLE_LABEL_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


def list_label(member: StaffMember) -> str:
    if member.preferred_name and fold(member.preferred_name) not in fold(member.full_name).split():
        return f"{member.full_name} ({member.preferred_name})"
    return member.full_name


class StaffListModel(QAbstractListModel):
    """One row per member of staff: no widget each, so ten thousand rows cost little."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._staff: list[StaffMember] = []
        self._labels: list[str] = []
        self._keys: list[str] = []

    def set_staff(self, staff: Sequence[StaffMember]) -> None:
        self.beginResetModel()
        # By name as people read it: "Siân O’Brien" sits next to "Sian Williams", not after her.
        entries = sorted(((fold(m.full_name), m) for m in staff), key=lambda entry: (entry[0], entry[1].id))
        self._staff = [member for _name, member in entries]
        self._labels = [list_label(member) for member in self._staff]
        self._keys = [f"{name} {fold(m.preferred_name)}" if m.preferred_name else name for name, m in entries]
        self.endResetModel()

    def member(self, row: int) -> StaffMember:
        return self._staff[row]

    def search_key(self, row: int) -> str:
        return self._keys[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._staff)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._staff):
            return None
        row = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._labels[row]
        if role == ROLE_LABEL_ROLE:
            return self._staff[row].role_label
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self._labels[row]}, {self._staff[row].role_label}"
        if role == STAFF_ID_ROLE:
            return self._staff[row].id
        return None


class StaffFilterProxy(QSortFilterProxyModel):
    """Keeps the rows whose name holds every word typed, ignoring case, accents and apostrophes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()

    def set_query(self, text: str) -> None:
        words = tuple(fold(text).split())
        if words == self._words:
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+: the non-deprecated way
            self.beginFilterChange()
            self._words = words
            self.endFilterChange()
        else:  # pragma: no cover - older Qt
            self._words = words
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._words:
            return True
        key = self.sourceModel().search_key(source_row)
        return all(word in key for word in self._words)


class StaffRowDelegate(QStyledItemDelegate):
    """The name on the left, the role quietly on the right, on one row."""

    def paint(self, painter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        widget = option.widget
        style = widget.style() if widget else None
        name = option.text
        option.text = ""
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        role = index.data(ROLE_LABEL_ROLE) or ""
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Active if option.state & QStyle.StateFlag.State_Active \
            else QPalette.ColorGroup.Inactive
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        area = option.rect.adjusted(8, 0, -8, 0)
        metrics = option.fontMetrics
        role_width = metrics.horizontalAdvance(role)
        painter.save()
        painter.setFont(option.font)
        painter.setPen(option.palette.color(group, text_role))
        name_area = QRect(area.left(), area.top(), max(0, area.width() - role_width - 16), area.height())
        painter.drawText(name_area, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         metrics.elidedText(name, Qt.TextElideMode.ElideRight, name_area.width()))
        if not selected:
            quiet = option.palette.color(group, QPalette.ColorRole.Text)
            quiet.setAlphaF(0.68)  # softer than the name, still about 6:1 on a white list
            painter.setPen(quiet)
        painter.drawText(area, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, role)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), option.fontMetrics.height() + 12))

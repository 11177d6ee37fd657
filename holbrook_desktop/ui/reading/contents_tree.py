"""The contents tree: policies → sections → clauses, with a read/unread mark on each section."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QIcon, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

from holbrook_desktop.core.content.handbook import Clause, Policy, Section
from holbrook_desktop.core.content.render import Location
from holbrook_desktop.core.paths import resource_path

LOCATION_ROLE = Qt.ItemDataRole.UserRole + 1
READ_ROLE = Qt.ItemDataRole.UserRole + 2
CLAUSE_PREVIEW_WORDS = 7


class ContentsTree(QTreeView):
    locationActivated = Signal(object)  # Location

    def __init__(self, policies: tuple[Policy, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._read_icon = QIcon(str(resource_path("icons", "section-read.svg")))
        self._unread_icon = QIcon(str(resource_path("icons", "section-unread.svg")))
        self._model = QStandardItemModel(self)
        self._sections: dict[tuple[str, str], QStandardItem] = {}
        self._items: dict[Location, QStandardItem] = {}
        self.setModel(self._model)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAccessibleName(self.tr("Contents"))
        self.setAccessibleDescription(
            self.tr("Policies, their sections and clauses. Arrow keys move; the text follows.")
        )
        self.set_policies(policies)
        self.selectionModel().currentChanged.connect(self._on_current_changed)
        self.activated.connect(self._on_activated)

    def set_policies(self, policies: tuple[Policy, ...]) -> None:
        """The tree for these policies (at start, and when an administrator loads new content)."""
        self._model.clear()
        self._sections.clear()
        self._items.clear()
        for policy in policies:
            self._model.appendRow(self._policy_item(policy))
        self.expandToDepth(0)

    def _policy_item(self, policy: Policy) -> QStandardItem:
        item = QStandardItem(policy.title)
        font = QFont(item.font())
        font.setBold(True)
        item.setFont(font)
        first = next(policy.all_sections(), None)
        if first is not None:
            item.setData(Location(policy.id, first.number), LOCATION_ROLE)
        for section in policy.sections:
            item.appendRow(self._section_item(policy, section))
        return item

    def _section_item(self, policy: Policy, section: Section) -> QStandardItem:
        label = f"Appendix {section.number}: {section.title}" if section.is_appendix else section.heading
        item = QStandardItem(label)
        location = Location(policy.id, section.number)
        item.setData(location, LOCATION_ROLE)
        item.setToolTip(label)
        self._items[location] = item
        if section.clauses:
            self._sections[(policy.id, section.number)] = item
            self._set_mark(item, read=False)
        for clause in section.clauses:
            if clause.number != section.number:
                item.appendRow(self._clause_item(policy, section, clause))
        for child in section.children:
            item.appendRow(self._section_item(policy, child))
        return item

    def _clause_item(self, policy: Policy, section: Section, clause: Clause) -> QStandardItem:
        words = clause.plain_text.split()
        preview = " ".join(words[:CLAUSE_PREVIEW_WORDS]) + ("…" if len(words) > CLAUSE_PREVIEW_WORDS else "")
        item = QStandardItem(f"{clause.number}  {preview}")
        item.setToolTip(clause.plain_text[:300])
        location = Location(policy.id, section.number, clause.number)
        item.setData(location, LOCATION_ROLE)
        self._items[location] = item
        return item

    # Read marks --------------------------------------------------------------------------

    def set_read_sections(self, policy_id: str, read: frozenset[str] | set[str]) -> None:
        for (item_policy, number), item in self._sections.items():
            if item_policy == policy_id:
                self._set_mark(item, read=number in read)

    def is_marked_read(self, policy_id: str, section_number: str) -> bool:
        item = self._sections.get((policy_id, section_number))
        return bool(item and item.data(READ_ROLE))

    def _set_mark(self, item: QStandardItem, *, read: bool) -> None:
        item.setData(read, READ_ROLE)
        item.setIcon(self._read_icon if read else self._unread_icon)
        state = self.tr("read") if read else self.tr("not yet read")
        item.setData(f"{item.text()}, {state}", Qt.ItemDataRole.AccessibleTextRole)

    # Selection ---------------------------------------------------------------------------

    def select_location(self, location: Location) -> None:
        """Follow the reader: select the clause or section shown, without navigating again."""
        item = self._items.get(location) or self._items.get(
            Location(location.policy_id, location.section_number)
        )
        if item is None:
            return
        index = self._model.indexFromItem(item)
        if index == self.currentIndex():
            return
        blocker = self.selectionModel().blockSignals(True)
        self.setCurrentIndex(index)
        self.selectionModel().blockSignals(blocker)
        self.scrollTo(index)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        location = current.data(LOCATION_ROLE)
        if location is not None:
            self.locationActivated.emit(location)

    def _on_activated(self, index: QModelIndex) -> None:
        location = index.data(LOCATION_ROLE)
        if location is not None:
            self.locationActivated.emit(location)

"""The search box and its results: clause number and the matching phrase highlighted."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSize, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel, QTextDocument
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.ui import theme
from holbrook_desktop.ui.accessibility import announce, caption

if TYPE_CHECKING:
    from holbrook_desktop.core.content.search import SearchHit

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
HTML_ROLE = Qt.ItemDataRole.UserRole + 2


def hit_html(hit: SearchHit, number_colour: str | None = None) -> str:
    """Clause number in bold, then the snippet with the matching words in bold."""
    text = hit.plain_snippet
    parts, cursor = [], 0
    for start, end in hit.highlights:
        parts.append(html.escape(text[cursor:start]))
        parts.append(f"<b>{html.escape(text[start:end])}</b>")
        cursor = end
    parts.append(html.escape(text[cursor:]))
    style = f' style="color:{number_colour}"' if number_colour else ""
    return f'<b{style}>{html.escape(hit.number)}</b>&nbsp; {"".join(parts)}'


class RichTextDelegate(QStyledItemDelegate):
    """Draws an item's HTML (HTML_ROLE) wrapped to the view's width."""

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setHtml(index.data(HTML_ROLE) or "")
        document.setTextWidth(max(100, option.rect.width() - 8))
        return document

    def paint(self, painter, option, index) -> None:
        self.initStyleOption(option, index)
        widget = option.widget
        style = widget.style() if widget else None
        option_text_free = QStyleOptionViewItem(option)
        option_text_free.text = ""
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option_text_free, painter, widget)
        document = self._document(option, index)
        hit = index.data(HIT_ROLE)
        if option.state & QStyle.StateFlag.State_Selected and hit is not None:
            # On the selection colour every part of the text takes the palette's highlighted text.
            # drawContents paints in the application's text colour whatever body's CSS says, so the
            # colour goes on the text itself.
            colour = option.palette.highlightedText().color().name()
            document.setHtml(f'<div style="color:{colour}">{hit_html(hit, number_colour=colour)}</div>')
        painter.save()
        painter.translate(option.rect.left() + 4, option.rect.top() + 3)
        document.drawContents(painter)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        self.initStyleOption(option, index)
        width = option.widget.viewport().width() if option.widget else 300
        option.rect.setWidth(width)
        document = self._document(option, index)
        return QSize(width, int(document.size().height()) + 8)


class SearchPanel(QWidget):
    hitActivated = Signal(object)  # SearchHit

    def __init__(self, search: Callable[[str], list[SearchHit]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self.field = QLineEdit(self)
        self.field.setPlaceholderText(self.tr("Search the handbook (Ctrl+F)"))
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName(self.tr("Search the handbook"))
        self.field.setAccessibleDescription(
            self.tr("Type words to find; Down moves to the results, Enter opens the first.")
        )
        self.summary = QLabel(self)
        caption(self.summary, self.tr("Search result count"))
        self.summary.setWordWrap(True)
        self.results = QListView(self)
        self.results.setAccessibleName(self.tr("Search results"))
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(False)
        self.results.setItemDelegate(RichTextDelegate(self.results))
        self.results.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self._model = QStandardItemModel(self)
        self.results.setModel(self._model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)
        self._connect_signals()
        self._show_results(False)

    def _connect_signals(self) -> None:
        self.field.textChanged.connect(self.run_search)
        self.field.returnPressed.connect(self._activate_current_or_first)
        self.results.activated.connect(self._emit_hit)
        self.field.installEventFilter(self)
        self.results.installEventFilter(self)

    def has_query(self) -> bool:
        return bool(self.field.text().strip())

    def run_search(self, text: str) -> None:
        self._model.clear()
        if not text.strip():
            self._show_results(False)
            return
        hits = self._search(text)
        for hit in hits:
            item = QStandardItem(f"{hit.number} {hit.plain_snippet}")
            item.setData(hit, HIT_ROLE)
            item.setData(hit_html(hit, number_colour=theme.colours().heading), HTML_ROLE)
            item.setData(f"Clause {hit.number}: {hit.plain_snippet}", Qt.ItemDataRole.AccessibleTextRole)
            self._model.appendRow(item)
        if hits:
            self.results.setCurrentIndex(self._model.index(0, 0))
        count = len(hits)
        if count == 0:
            summary = self.tr("No clause matches “%1”.").replace("%1", text.strip())
        elif count == 1:
            summary = self.tr("1 clause found · Esc returns to the contents")
        else:
            summary = self.tr("%1 clauses found · Esc returns to the contents").replace("%1", str(count))
        self.summary.setText(summary)
        self._show_results(True)
        announce(self.summary, summary)

    def hits(self) -> list[SearchHit]:
        return [self._model.item(row).data(HIT_ROLE) for row in range(self._model.rowCount())]

    def _show_results(self, visible: bool) -> None:
        self.summary.setVisible(visible)
        self.results.setVisible(visible)

    def _activate_current_or_first(self) -> None:
        index = self.results.currentIndex()
        if not index.isValid() and self._model.rowCount():
            index = self._model.index(0, 0)
        if index.isValid():
            self._emit_hit(index)

    def _emit_hit(self, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if hit is not None:
            self.hitActivated.emit(hit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key == Qt.Key.Key_Escape and self.has_query():
                self.field.clear()
                self.field.setFocus()
                return True
            if watched is self.field and key == Qt.Key.Key_Down and self._model.rowCount():
                self.results.setFocus()
                return True
        return super().eventFilter(watched, event)

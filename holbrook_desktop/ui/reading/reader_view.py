"""The policy text on screen: one section a page, links, history, highlights, zoom."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QWheelEvent,
)
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

from holbrook_desktop.core.content.render import SCHEME, Location, clause_anchor, parse_href
from holbrook_desktop.ui import theme
from holbrook_desktop.ui.accessibility import announce

ZOOM_MIN, ZOOM_MAX, ZOOM_STEP = 50, 300, 10
# Long lines tire the eye: the text column stops growing past this width (at 100% zoom).
MAX_TEXT_WIDTH = 780
PAGE_MARGIN = 24


class ReaderView(QTextBrowser):
    locationChanged = Signal(object)  # Location
    endOfPageVisible = Signal()
    zoomChanged = Signal(int)

    def __init__(
        self, page_for: Callable[[Location], str | None], stylesheet: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._page_for = page_for
        self._zoom = 100
        self._base_point_size = self.font().pointSizeF()
        self._base_css = stylesheet  # light, as printed; the theme adds its colours on screen
        self.document().setDefaultStyleSheet(theme.reader_stylesheet(stylesheet))
        theme.on_theme_changed(self, self._follow_theme)
        self.document().setDocumentMargin(PAGE_MARGIN)
        self.setOpenLinks(True)
        self.setOpenExternalLinks(False)
        self.setAccessibleName(self.tr("Policy text"))
        self.setAccessibleDescription(
            self.tr("The current section. Tab moves between links; Enter follows one.")
        )
        self.sourceChanged.connect(self._on_source_changed)
        scroll = self.verticalScrollBar()
        scroll.valueChanged.connect(self._check_end_visible)
        scroll.rangeChanged.connect(self._check_end_visible)

    # Navigation --------------------------------------------------------------------------

    def show_location(self, location: Location) -> None:
        self.setSource(QUrl(location.href))

    def location(self) -> Location | None:
        return parse_href(self.source().toString())

    def loadResource(self, kind: int, url: QUrl | str):
        url = QUrl(url)
        if url.scheme() == SCHEME:
            location = parse_href(url.toString())
            page = self._page_for(location) if location else None
            return page or self.tr("<p>This part of the handbook does not exist.</p>")
        return super().loadResource(kind, url)

    def _on_source_changed(self, url: QUrl) -> None:
        self.setExtraSelections([])
        self._apply_text_width()  # a new page arrives with a fresh root frame
        location = parse_href(url.toString())
        if location is not None:
            self.locationChanged.emit(location)
            if self.page_heading():
                announce(self, self.tr("Opened %1").replace("%1", self.page_heading()))
        QTimer.singleShot(0, self._check_end_visible)  # after layout has settled

    def page_heading(self) -> str:
        """The first heading on the page shown (what a screen reader is told on arriving)."""
        block = self.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel() > 0 and block.text().strip():
                return block.text().strip()
            block = block.next()
        return ""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # A read-only browser ignores Ctrl+Home and Ctrl+End; readers expect the start and the end of
        # the section (and the end is where the section counts as read).
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and event.key() in (
                Qt.Key.Key_End, Qt.Key.Key_Home):
            scroll = self.verticalScrollBar()
            at_end = event.key() == Qt.Key.Key_End
            scroll.setValue(scroll.maximum() if at_end else scroll.minimum())
            cursor = self.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End if at_end else QTextCursor.MoveOperation.Start)
            self.setTextCursor(cursor)
            event.accept()
            return
        super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        moved = super().focusNextPrevChild(next)
        self._say_link()
        return moved

    def _say_link(self) -> None:
        """Tab onto a link selects it, with no signal (`highlighted` comes only from the mouse)."""
        cursor = self.textCursor()
        if not self.hasFocus() or not cursor.hasSelection():
            return
        probe = QTextCursor(self.document())
        probe.setPosition(cursor.selectionStart() + 1)
        if not probe.charFormat().isAnchor():
            return
        url = QUrl(probe.charFormat().anchorHref())
        target = url.fragment() or url.path().strip("/") or url.toString()
        announce(self, self.tr("Link: %1 (%2). Enter follows it.").replace(
            "%1", cursor.selectedText()).replace("%2", target))

    def _follow_theme(self) -> None:
        self.document().setDefaultStyleSheet(theme.reader_stylesheet(self._base_css))
        if not self.source().isEmpty():
            scroll = self.verticalScrollBar().value()
            self.reload()  # the page is parsed again with the new colours
            self.verticalScrollBar().setValue(scroll)

    def _check_end_visible(self, *_args: object) -> None:
        scroll = self.verticalScrollBar()
        if scroll.maximum() == 0 or scroll.value() >= scroll.maximum() - 2:
            self.endOfPageVisible.emit()

    # Highlighting ------------------------------------------------------------------------

    def anchor_positions(self) -> list[tuple[str, int]]:
        """Anchors on the current page (clauses, then the page end) with their text positions."""
        found = []
        block = self.document().begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                found += [(name, fragment.position()) for name in fragment.charFormat().anchorNames()]
                fragments += 1
            block = block.next()
        return found

    def clause_range(self, clause_number: str) -> tuple[int, int] | None:
        """Where a clause's text starts and stops on the current page."""
        anchors = self.anchor_positions()
        wanted = clause_anchor(clause_number)
        for index, (name, start) in enumerate(anchors):
            if name == wanted:
                following = anchors[index + 1][1] if index + 1 < len(anchors) else None
                return start, following or self.document().characterCount() - 1
        return None

    def highlight_clause(self, clause_number: str, terms: tuple[str, ...] = ()) -> bool:
        """Shade the clause and mark the matching words in it; False if it is not on this page."""
        span = self.clause_range(clause_number)
        if span is None:
            return False
        start, end = span
        colours = theme.colours()
        selections = [self._selection(start, end, QColor(colours.clause_highlight))]
        document = self.document()
        for term in terms:
            cursor = QTextCursor(document)
            cursor.setPosition(start)
            while True:
                cursor = document.find(term, cursor)
                if cursor.isNull() or cursor.selectionEnd() > end:
                    break
                found = (cursor.selectionStart(), cursor.selectionEnd())
                selections.append(self._selection(*found, QColor(colours.term_highlight),
                                                  QColor(colours.term_text)))
        self.setExtraSelections(selections)
        self.scrollToAnchor(clause_anchor(clause_number))
        # Leave a few lines of context above the clause rather than pinning it to the edge.
        scroll = self.verticalScrollBar()
        scroll.setValue(scroll.value() - self.viewport().height() // 6)
        return True

    def highlighted_text(self) -> list[str]:
        return [selection.cursor.selectedText() for selection in self.extraSelections()]

    def _selection(self, start: int, end: int, colour: QColor,
                   ink: QColor | None = None) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        text_format = QTextCharFormat()
        text_format.setBackground(colour)
        if ink is not None:  # links and headings keep their own colours, unreadable on the marker
            text_format.setForeground(ink)
        selection.format = text_format
        return selection

    # Zoom --------------------------------------------------------------------------------

    def zoom(self) -> int:
        return self._zoom

    def set_zoom(self, percent: int) -> None:
        percent = max(ZOOM_MIN, min(ZOOM_MAX, int(percent)))
        if percent == self._zoom and self.document().defaultFont().pointSizeF() > 0:
            self._apply_text_width()
            return
        self._zoom = percent
        font = self.document().defaultFont()
        font.setPointSizeF(self._base_point_size * percent / 100)
        self.document().setDefaultFont(font)
        self._apply_text_width()
        self.zoomChanged.emit(percent)

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom + ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom - ZOOM_STEP)

    def reset_zoom(self) -> None:
        self.set_zoom(100)

    def document_font_size(self) -> float:
        return self.document().defaultFont().pointSizeF()

    def event(self, event: QEvent) -> bool:
        # QTextEdit claims the zoom keys for itself; let them reach the window's actions so
        # that there is one zoom, which is remembered.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
            event.matches(QKeySequence.StandardKey.ZoomIn)
            or event.matches(QKeySequence.StandardKey.ZoomOut)
        ):
            event.ignore()
            return False
        return super().event(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y()
            if steps:
                self.zoom_in() if steps > 0 else self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)

    # Layout ------------------------------------------------------------------------------

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._apply_text_width()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._apply_text_width()

    def _apply_text_width(self) -> None:
        """Centre a readable column instead of stretching lines across a wide screen. Only while the
        reader is visible, and again each time it is shown: the first call (PySide making the
        viewport's Python type, 10-20 ms) is then not on the way to the window's first paint, where
        the reader is hidden behind "Opening the staff records…"."""
        if not self.isVisible():
            return
        widest = int(MAX_TEXT_WIDTH * self._zoom / 100)
        # The root frame's side margins replace the document margin, so never go below it.
        side = max(PAGE_MARGIN, (self.viewport().width() - widest) // 2)
        root = self.document().rootFrame()
        frame_format = root.frameFormat()
        if frame_format.leftMargin() != side or frame_format.rightMargin() != side:
            frame_format.setLeftMargin(side)
            frame_format.setRightMargin(side)
            root.setFrameFormat(frame_format)


def render_print_document(html: str, stylesheet: str) -> QTextDocument:
    document = QTextDocument()
    font = document.defaultFont()
    # Without ligatures, text copied or extracted from the PDF reads "Staff", not "Sta\ufb00".
    font.setFeature(QFont.Tag("liga"), 0)
    document.setDefaultFont(font)
    document.setDefaultStyleSheet(stylesheet)
    document.setHtml(html)
    return document

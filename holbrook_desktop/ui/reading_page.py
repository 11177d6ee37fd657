"""The reading page: search and contents beside the quiz bar and the policy text, made on first use.

It is hidden at the window's first paint (the records' opening, then the start screen, come first), and
its widgets and their modules (PySide makes each class's Python types the first time it is used) took
a good part of that paint's wait: the window makes it just after the paint, or when first asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from holbrook_desktop.ui.accessibility import keep_focus_off
from holbrook_desktop.ui.quiz.quiz_bar import QuizBar
from holbrook_desktop.ui.reading.contents_tree import ContentsTree
from holbrook_desktop.ui.reading.reader_view import ReaderView
from holbrook_desktop.ui.reading.search_panel import SearchPanel

if TYPE_CHECKING:
    from holbrook_desktop.ui.main_window import MainWindow


class ReadingPage:
    """The page's widgets, laid out and added to the window's pages; `connect` wires them once the
    window holds them (what they do is the reading and quiz controllers' work)."""

    def __init__(self, window: MainWindow, stylesheet: str) -> None:
        content = window.service.content
        self.search_panel = SearchPanel(content.search, window)
        self.contents = ContentsTree(content.policies, window)
        self.reader = ReaderView(content.section_page, stylesheet, window)
        self.reader.set_zoom(window.preferences.zoom())
        self.quiz_bar = QuizBar(window)

        left = QWidget(window)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(self.search_panel)
        left_layout.addWidget(self.contents, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, window)
        splitter.addWidget(left)
        text_column = QWidget(window)
        text_layout = QVBoxLayout(text_column)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.setSpacing(0)
        text_layout.addWidget(self.quiz_bar)
        text_layout.addWidget(self.reader, 1)
        splitter.addWidget(text_column)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 870])
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        window.pages.addWidget(splitter)  # the first page only when nothing else was (no records)

    def connect(self, window: MainWindow) -> None:
        reader, reading, quiz = self.reader, window.reading_controller, window.quiz_controller
        commands = window.commands
        self.contents.locationActivated.connect(reading.show_location)
        self.search_panel.hitActivated.connect(reading.open_search_hit)
        # While a search is showing its results, they take the contents' place.
        self.search_panel.field.textChanged.connect(
            lambda text: self.contents.setVisible(not text.strip())
        )
        reader.locationChanged.connect(reading.on_location_changed)
        reader.locationChanged.connect(lambda _location: window.read_aloud.stop())
        reader.backwardAvailable.connect(commands.back.setEnabled)
        reader.forwardAvailable.connect(commands.forward.setEnabled)
        reader.endOfPageVisible.connect(reading.on_end_of_page_visible)
        reader.zoomChanged.connect(reading.on_zoom_changed)
        keep_focus_off(window.switch_person_button, reader)
        self.quiz_bar.takeRequested.connect(quiz.take_quiz)
        self.quiz_bar.backRequested.connect(quiz.back_to_quiz)
        self.quiz_bar.acknowledgeRequested.connect(quiz.acknowledge_policy)
        self.quiz_bar.recordRequested.connect(quiz.show_my_record)
        # When the quiz bar's offer changes and its focused button vanishes, the focus goes back to
        # the text, not to the next button in the Tab chain (Enter would then open something else).
        keep_focus_off(self.quiz_bar.record_button, reader)
        quiz.refresh_offer()  # the bar shows what is offered to whoever is signed in now

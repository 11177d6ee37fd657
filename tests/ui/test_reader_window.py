"""The reader as a member of staff uses it: search, links, history, zoom, progress, PDF."""

from __future__ import annotations

import shutil
import subprocess

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox, QWidget

from holbrook_desktop.core.content.render import Location
from tests.conftest import policy_text


def _point_of_text(reader, text: str) -> QPoint:
    """The on-screen centre of the first occurrence of `text` in the reader."""
    cursor = reader.document().find(text)
    assert not cursor.isNull(), f"{text!r} is not on the page"
    middle = QTextCursor(reader.document())
    middle.setPosition((cursor.selectionStart() + cursor.selectionEnd()) // 2)
    reader.setTextCursor(middle)
    reader.ensureCursorVisible()
    return reader.cursorRect(middle).center()


def test_window_opens_on_the_first_section_with_a_title(window):
    assert window.reader.location() == Location("social-media", "1")
    assert "1 INTRODUCTION" in " ".join(window.reader.toPlainText().split())
    assert window.windowTitle().startswith("Social Media Policy — 2026 edition")


def test_typing_a_search_and_pressing_enter_shows_clause_5_6(window, qtbot):
    field = window.search_panel.field
    qtbot.keyClicks(field, "friend request")
    assert not window.contents.isVisible()
    assert window.search_panel.hits()[0].number == "5.6"
    assert "1 clause found" in window.search_panel.summary.text()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.reader.location() == Location("social-media", "5", "5.6")
    highlighted = window.reader.highlighted_text()
    assert highlighted[0].startswith("5.6")
    assert "friend requests" in highlighted[1:]
    # The clause is on screen, not somewhere below.
    start, _ = window.reader.clause_range("5.6")
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(start)
    assert window.reader.viewport().rect().contains(window.reader.cursorRect(cursor).center())


def test_escape_clears_the_search_and_brings_back_the_contents(window, qtbot):
    qtbot.keyClicks(window.search_panel.field, "photographs")
    qtbot.keyClick(window.search_panel.field, Qt.Key.Key_Escape)
    assert window.search_panel.field.text() == ""
    assert window.contents.isVisible()


def test_down_arrow_moves_into_results_and_enter_opens_that_hit(window, qtbot):
    field = window.search_panel.field
    qtbot.keyClicks(field, "former pupils")
    qtbot.keyClick(field, Qt.Key.Key_Down)
    results = window.search_panel.results
    assert results.hasFocus() or QApplication.focusWidget() is results
    qtbot.keyClick(results, Qt.Key.Key_Down)
    second = window.search_panel.hits()[1]
    qtbot.keyClick(results, Qt.Key.Key_Return)
    assert window.reader.location().clause_number == second.number


def test_clicking_a_cross_reference_jumps_and_history_goes_back(window, qtbot):
    window.show_location(Location("social-media", "2"))
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton,
                     pos=_point_of_text(window.reader, "sections 5"))
    assert window.reader.location() == Location("social-media", "5")
    assert window.commands.back.isEnabled()
    window.commands.back.trigger()
    assert window.reader.location() == Location("social-media", "2")
    window.commands.forward.trigger()
    assert window.reader.location() == Location("social-media", "5")


def test_appendix_link_and_missing_section_6(window, qtbot):
    window.show_location(Location("social-media", "2"))
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton,
                     pos=_point_of_text(window.reader, ", 6,"))
    assert window.reader.location() == Location("social-media", "2")  # not a link
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton,
                     pos=_point_of_text(window.reader, "Appendices A"))
    assert window.reader.location() == Location("social-media", "A")
    assert "A.2 CHILDREN AND YOUNG PEOPLE" in " ".join(window.reader.toPlainText().split())


def test_zoom_keys_change_text_size_and_it_is_remembered(open_window, qtbot):
    window = open_window()
    base = window.reader.document_font_size()
    qtbot.keyClick(window.reader, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.reader.zoom() == 110
    assert window.reader.document_font_size() > base
    qtbot.keyClick(window.reader, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.reader, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.reader.zoom() == 90
    qtbot.keyClick(window.reader, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.reader.zoom() == 100
    window.commands.zoom_in.trigger()
    window.commands.zoom_in.trigger()
    window.close()
    again = open_window()
    assert again.reader.zoom() == 120
    assert again.reader.document_font_size() > base


def test_ctrl_f_puts_the_cursor_in_the_search_box(window, qtbot):
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.search_panel.field.hasFocus())


def test_arrow_keys_in_the_contents_move_through_sections(window, qtbot):
    tree = window.contents
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    assert window.reader.location() == Location("social-media", "2")
    qtbot.keyClick(tree, Qt.Key.Key_Up)
    assert window.reader.location() == Location("social-media", "1")


def test_a_short_section_is_marked_read_after_its_time(window, qtbot):
    assert window.progress_label.text() == "0 of 13 sections read"
    assert not window.contents.is_marked_read("social-media", "1")
    qtbot.waitUntil(lambda: window.contents.is_marked_read("social-media", "1"), timeout=3000)
    assert window.progress_label.text() == "1 of 13 sections read"


def test_a_long_section_needs_its_end_scrolled_into_view(open_window, qtbot):
    window = open_window(size=(900, 420))
    window.show_location(Location("social-media", "5"))
    scroll = window.reader.verticalScrollBar()
    assert scroll.maximum() > 0
    qtbot.wait(600)  # longer than the reading time, but the end was never on screen
    assert not window.contents.is_marked_read("social-media", "5")
    scroll.setValue(scroll.maximum())
    qtbot.waitUntil(lambda: window.contents.is_marked_read("social-media", "5"), timeout=3000)
    assert "sections read" in window.progress_label.text()


def test_every_control_has_an_accessible_name(window):
    # A scroll area's inner viewport is announced through its view, which carries the name.
    viewports = {view.viewport() for view in (window.reader, window.contents,
                                              window.search_panel.results)}
    unnamed = [
        type(widget).__name__
        for widget in window.findChildren(QWidget)
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        and widget.isVisibleTo(window)
        and widget not in viewports
        and not widget.accessibleName()
        and not (isinstance(widget, QAbstractButton) and widget.text())
    ]
    assert unnamed == []


def test_save_as_pdf_writes_the_whole_policy(window, tmp_path):
    target = tmp_path / "policy.pdf"
    assert window.save_policy_pdf(target) is True
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True).stdout
        assert "Staff members must decline ‘friend requests’" in " ".join(text.split())
        assert "A.4.10" in text


def test_save_as_pdf_to_a_missing_folder_says_so(window, tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    assert window.save_policy_pdf(tmp_path / "no" / "such" / "folder" / "p.pdf") is False
    assert "could not be written" in warnings[0]


def test_content_errors_are_shown_with_file_and_line(open_window, make_content):
    root = make_content({
        "sample": policy_text("\n## 1 ONE\n\n1.1 Fine.\n"),
        "broken": b"\xff\xfe not text",
    })
    window = open_window(content=root)
    problems = window.content_problems_text()
    assert f"{root / 'policies' / 'broken' / 'policy.md'}:1: error:" in problems
    assert window.reader.location() == Location("sample", "1")  # the good policy is still shown


def test_no_content_at_all_shows_a_plain_message(open_window, tmp_path):
    window = open_window(content=tmp_path / "empty")
    assert "No policy to show" in window.reader.toPlainText()


def test_text_keeps_a_margin_and_a_readable_width_at_any_zoom(open_window):
    window = open_window(size=(1366, 768))
    frame = window.reader.document().rootFrame().frameFormat()
    wide_margin = frame.leftMargin()
    assert wide_margin > 100  # a wide window centres a column instead of stretching lines
    window.reader.set_zoom(200)
    frame = window.reader.document().rootFrame().frameFormat()
    assert 24 <= frame.leftMargin() < wide_margin
    assert frame.leftMargin() == frame.rightMargin()


def test_choosing_a_clause_in_the_contents_shades_it(window, qtbot):
    model = window.contents.model()
    section_5 = model.index(4, 0, model.index(0, 0))
    assert section_5.data().startswith("5 PERSONAL USE")
    clauses = [model.index(row, 0, section_5) for row in range(model.rowCount(section_5))]
    clause = next(index for index in clauses if index.data().startswith("5.10 "))
    tree = window.contents
    tree.setCurrentIndex(clause)
    assert window.reader.location() == Location("social-media", "5", "5.10")
    assert window.reader.highlighted_text()[0].startswith("5.10")


def test_every_policy_in_the_folder_is_in_the_contents(open_window, make_content):
    from tests.conftest import REAL_CONTENT

    root = make_content({
        "social-media": (REAL_CONTENT / "policies/social-media/policy.md").read_text("utf-8"),
        "e-safety": policy_text("\n## 1 ONLINE SAFETY\n\n1.1 Pupils use tablets safely.\n",
                                id="e-safety", title="E-safety Policy"),
    })
    window = open_window(content=root)
    model = window.contents.model()
    assert sorted(model.index(row, 0).data() for row in range(model.rowCount())) == [
        "E-safety Policy", "Social Media Policy",
    ]
    window.show_location(Location("e-safety", "1"))
    assert window.windowTitle().startswith("E-safety Policy — test edition")
    assert window.progress_label.text() == "0 of 1 sections read"


def test_a_reading_timer_that_wakes_early_looks_again(qtbot, data_dir):
    import time

    from holbrook_desktop.app import App
    from holbrook_desktop.ui.main_window import MainWindow
    from holbrook_desktop.ui.preferences import Preferences
    from tests.conftest import REAL_CONTENT

    # The reading clock runs at 90% of the timer's pace, as when a coarse timer fires 10% early.
    start = time.monotonic()
    service = App(REAL_CONTENT, reading_clock=lambda: start + (time.monotonic() - start) * 0.9,
                              seconds_for=lambda _words: 0.5)
    window = MainWindow(service, Preferences(data_dir))
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    qtbot.waitUntil(lambda: window.contents.is_marked_read("social-media", "1"), timeout=3000)

"""Accessibility as a keyboard or screen-reader user meets it: every control named, Tab reaching the
sign-in button, themes with AAA contrast and a focus ring, text that grows with the system font, and
reading aloud only when a voice exists."""

from __future__ import annotations

import importlib.util
from typing import ClassVar

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QSlider,
    QTextEdit,
    QWidget,
)

from holbrook_desktop.ui import theme
from holbrook_desktop.ui.reading.read_aloud import ReadAloud, plain_text
from tests.ui.test_acknowledgement_screen import passed_window  # noqa: F401 (a fixture)
from tests.ui.test_admin_area import SECRET
from tests.ui.test_first_run import fresh_window, machine_config  # noqa: F401 (the fixtures)
from tests.ui.test_first_run_join import chosen_file, school  # noqa: F401 (the fixtures)
from tests.ui.test_quiz_screen import (  # noqa: F401 (the fixtures)
    _mark_read,
    _sign_in,
    make_quiz_content,
    open_quiz_window,
    quiz_window,
)

CONTROLS = (QAbstractButton, QLineEdit, QAbstractItemView, QComboBox, QAbstractSpinBox, QTextEdit, QSlider)


# Names ------------------------------------------------------------------------------------

def _buddy_text(widget: QWidget) -> str:
    for label in widget.window().findChildren(QLabel):
        if label.buddy() is widget and label.text().strip():
            return label.text()
    return ""


def _name(widget: QWidget) -> str:
    if widget.accessibleName().strip():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
        return widget.text()
    return _buddy_text(widget)


def _inside_composite(widget: QWidget) -> bool:
    """The line edit inside a spin box, date edit or combo box is named by its owner."""
    parent = widget.parentWidget()
    return isinstance(parent, (QAbstractSpinBox, QComboBox))


def _describe(widget: QWidget) -> str:
    parent = widget.parentWidget()
    owner = f"{type(parent).__name__}({parent.objectName()!r})" if parent else "-"
    hint = widget.toolTip() or getattr(widget, "placeholderText", lambda: "")()
    return f"{type(widget).__name__}(objectName={widget.objectName()!r}, in {owner}, hint={hint!r})"


def reachable_controls(root: QWidget) -> list[QWidget]:
    """The visible controls that take Tab."""
    return [widget for widget in root.findChildren(QWidget)
            if isinstance(widget, CONTROLS) and widget.isVisible() and not _inside_composite(widget)
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus]


def _assert_named(root: QWidget, page: str, at_least: int = 3) -> None:
    controls = reachable_controls(root)
    assert len(controls) >= at_least, f"{page}: only {len(controls)} controls found; is the page shown?"
    offenders = [_describe(widget) for widget in controls if not _name(widget).strip()]
    assert not offenders, f"{page}: controls without an accessible name:\n  " + "\n  ".join(offenders)


def test_the_reader_page_names_every_control(window):
    _assert_named(window, "reader page")


def test_the_start_screen_and_the_add_form_name_every_control(staff_window):
    screen = staff_window.start_screen
    assert staff_window.is_showing_start_screen()
    _assert_named(staff_window, "start screen")
    screen.show_add_form()
    _assert_named(staff_window, "add-yourself form")


def test_the_quiz_and_acknowledgement_pages_name_every_control(open_quiz_window, qtbot, store, staff):  # noqa: F811
    window = open_quiz_window()
    _mark_read(window, store, staff["Siân O’Brien"].id)
    _sign_in(window, qtbot)
    _assert_named(window, "reader page, signed in")
    assert window.take_quiz() and window.is_showing_quiz()
    _assert_named(window, "quiz question")
    view = window.quiz_view
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert view.feedback_shown()
    _assert_named(window, "quiz feedback")
    window.leave_quiz()


def test_the_acknowledgement_page_names_every_control(passed_window):  # noqa: F811
    window = passed_window
    assert window.acknowledge_policy()
    _assert_named(window, "acknowledgement page")


def test_the_admin_area_names_every_control(open_staff_window, store, staff, qtbot):
    from holbrook_desktop.core.admin.password import AdminPassword

    AdminPassword(store.settings).set_first(SECRET)
    window = open_staff_window()
    dialog = window.admin.open_admin()
    _assert_named(dialog, "admin password dialog")
    dialog.current.setText(SECRET)
    dialog.submit()
    view = window.admin.view
    assert window.is_showing_admin()
    for index in range(view.tabs.count()):
        view.tabs.setCurrentIndex(index)
        _assert_named(window, f"admin tab {view.tabs.tabText(index)!r}")
    view.tabs.setCurrentIndex(0)
    for opened in (view.open_reminders(), view.open_attestation_export()):
        qtbot.addWidget(opened)
        _assert_named(opened, type(opened).__name__, at_least=2)
        opened.reject()


# Keyboard ---------------------------------------------------------------------------------

def test_tab_goes_round_the_start_screen_and_reaches_sign_in(staff_window, qtbot):
    screen = staff_window.start_screen
    qtbot.keyClicks(screen.field, "sian")
    assert screen.field.hasFocus() and screen.sign_in_button.isEnabled()
    reached = []
    for _ in range(40):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
        if reached[-1] is screen.field:
            break
    assert screen.sign_in_button in reached and screen.new_button in reached and screen.people in reached
    assert reached[-1] is screen.field, "Tab never came back to the name box: focus is trapped"
    assert reached.index(screen.people) < reached.index(screen.sign_in_button)


# Themes -----------------------------------------------------------------------------------

def _luminance(colour: str | QColor) -> float:
    colour = QColor(colour)

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green()) + 0.0722 * channel(colour.blue())


def contrast(one: str | QColor, other: str | QColor) -> float:
    lighter, darker = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _style_colour(style: str, prop: str) -> str:
    for part in style.split(";"):
        key, _, value = part.partition(":")
        if key.strip() == prop:
            return value.strip()
    raise AssertionError(f"no {prop} in {style!r}")


def test_contrast_is_computed_as_wcag_says():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.fixture
def restore_app_look(qapp):
    saved = (qapp.style().name(), QPalette(qapp.palette()), qapp.styleSheet())
    yield qapp
    if saved[0]:
        qapp.setStyle(saved[0])
    qapp.setPalette(saved[1])
    qapp.setStyleSheet(saved[2])
    theme.forget_applied_theme()


@pytest.mark.parametrize("name", ["dark", "high-contrast"])
def test_the_dark_and_high_contrast_themes_reach_aaa(name, monkeypatch, restore_app_look):
    app = restore_app_look
    theme.apply_theme(app, theme.Theme.LIGHT)
    light_note, light_quiet = theme.note_style(), theme.quiet_style()
    monkeypatch.setenv(theme.THEME_ENV, name)
    assert theme.system_theme() == theme.Theme(name)
    assert theme.apply_theme(app) == theme.Theme(name)

    palette, role = app.palette(), QPalette.ColorRole
    assert contrast(palette.color(role.Window), palette.color(role.WindowText)) >= 7
    assert contrast(palette.color(role.Base), palette.color(role.Text)) >= 7
    assert contrast(palette.color(role.Button), palette.color(role.ButtonText)) >= 7
    focus_ring = f"2px solid {palette.color(QPalette.ColorRole.Highlight).name()}"
    assert "QPushButton:focus" in app.styleSheet() and focus_ring in app.styleSheet()

    note, quiet = theme.note_style(), theme.quiet_style()
    assert note != light_note and quiet != light_quiet
    assert contrast(_style_colour(note, "color"), _style_colour(note, "background")) >= 4.5
    assert contrast(_style_colour(quiet, "color"), palette.color(QPalette.ColorRole.Window)) >= 4.5
    for panel in (theme.right_panel_style(), theme.wrong_panel_style(), theme.story_style()):
        assert contrast(_style_colour(panel, "color"), _style_colour(panel, "background")) >= 7
    for snippet in (theme.error_style(), theme.warning_style(), theme.heading_style()):
        assert contrast(_style_colour(snippet, "color"), palette.color(QPalette.ColorRole.Window)) >= 7
    assert "px" not in theme.reader_css_extra().replace("0px", "")


def test_every_theme_keeps_text_at_aaa_on_its_own_backgrounds():
    for chosen, c in theme.COLOURS.items():
        pairs = {
            "text on base": (c.text, c.base), "window text": (c.window_text, c.window),
            "quiet": (c.quiet, c.window), "heading": (c.heading, c.window),
            "note": (c.note_text, c.note_background),
            "right": (c.right_text, c.right_background), "wrong": (c.wrong_text, c.wrong_background),
            "error": (c.error, c.window), "link": (c.link, c.base),
            "selection": (c.highlighted_text, c.highlight),
            "key": (c.key_text, c.key_background), "story": (c.text, c.story_background),
        }
        weak = {what: round(contrast(*pair), 1) for what, pair in pairs.items() if contrast(*pair) < 7}
        assert not weak, f"{chosen.value}: under 7:1: {weak}"


def test_an_unknown_theme_name_falls_back_to_the_system(monkeypatch):
    monkeypatch.setenv(theme.THEME_ENV, "purple")
    assert theme.theme_from_env() is None
    assert theme.system_theme() in set(theme.Theme)


def test_styled_widgets_follow_a_change_of_theme(qtbot, restore_app_look):
    label = QLabel("Secondary text")
    qtbot.addWidget(label)
    theme.apply_theme(restore_app_look, theme.Theme.LIGHT)
    theme.keep_styled(label, theme.quiet_style)
    assert theme.LIGHT.quiet in label.styleSheet()
    theme.apply_theme(restore_app_look, theme.Theme.HIGH_CONTRAST)
    assert theme.HIGH_CONTRAST.quiet in label.styleSheet() and theme.LIGHT.quiet not in label.styleSheet()


def test_the_reader_shows_the_themes_colours(open_window, monkeypatch, restore_app_look):
    theme.apply_theme(restore_app_look, theme.Theme.DARK)
    window = open_window()
    css = window.reader.document().defaultStyleSheet()
    assert theme.DARK.link in css and theme.DARK.text in css
    theme.apply_theme(restore_app_look, theme.Theme.HIGH_CONTRAST)
    css = window.reader.document().defaultStyleSheet()
    assert theme.HIGH_CONTRAST.link in css and theme.DARK.link not in css


# Text size --------------------------------------------------------------------------------

@pytest.fixture
def double_font(qapp):
    saved = QFont(qapp.font())
    bigger = QFont(saved)
    bigger.setPointSizeF(saved.pointSizeF() * 2)
    qapp.setFont(bigger)
    yield bigger
    qapp.setFont(saved)


def _not_clipped(label: QLabel) -> bool:
    if label.wordWrap():
        return label.height() >= label.heightForWidth(label.width())
    return label.width() >= label.sizeHint().width() and label.height() >= label.sizeHint().height()


def test_start_and_quiz_labels_grow_with_a_doubled_system_font(
        double_font, open_quiz_window, qtbot, store, staff):  # noqa: F811 (the fixture)
    window = open_quiz_window()
    screen = window.start_screen
    assert screen.hint.font().pointSizeF() == pytest.approx(double_font.pointSizeF())
    for label in (screen.hint, screen.count, screen.account):
        assert label.wordWrap() and _not_clipped(label), label.text()
    assert screen.heading.font().pointSizeF() > double_font.pointSizeF()  # relative, so it grew too

    _mark_read(window, store, staff["Siân O’Brien"].id)
    _sign_in(window, qtbot)
    assert window.take_quiz()
    view = window.quiz_view
    qtbot.waitUntil(lambda: _not_clipped(view.scenario))
    for label in (view.scenario, view.prompt, view.progress_label):
        assert _not_clipped(label), label.text()
    assert view.scenario.font().pointSizeF() >= double_font.pointSizeF()


# Reading aloud ----------------------------------------------------------------------------

@pytest.mark.skipif(importlib.util.find_spec("PySide6.QtTextToSpeech") is not None,
                    reason="this PC has PySide6-Addons: the module is present")
def test_without_the_speech_module_read_aloud_is_unavailable():
    reader = ReadAloud()
    assert not reader.available()
    assert not reader.speak("Anything") and not reader.speaking


class FakeSpeech(QObject):
    """Stands in for QTextToSpeech: the same few members the app uses."""

    stateChanged = Signal(object)
    engines: ClassVar[list[str]] = ["fake"]
    said: ClassVar[list[str]] = []

    @classmethod
    def availableEngines(cls) -> list[str]:
        return cls.engines

    def say(self, text: str) -> None:
        FakeSpeech.said.append(text)
        self.stateChanged.emit("Speaking")

    def stop(self) -> None:
        self.stateChanged.emit("Ready")


def test_read_aloud_speaks_the_sections_plain_text(window, qtbot):
    FakeSpeech.said = []
    html = window.service.content.section_page(window.reader.location())
    assert html and "<" in html
    reader = ReadAloud(engine_class=FakeSpeech)
    assert reader.available()
    with qtbot.waitSignal(reader.stateChanged) as speaking:
        assert reader.speak_html(html)
    assert speaking.args == [True] and reader.speaking
    [said] = FakeSpeech.said
    assert said == plain_text(html) and "<" not in said and len(said) > 40
    assert said.split()[0] in window.reader.toPlainText()
    with qtbot.waitSignal(reader.stateChanged) as stopped:
        reader.stop()
    assert stopped.args == [False] and not reader.speaking


def test_no_engine_means_no_reading_aloud():
    class Silent(FakeSpeech):
        engines: ClassVar[list[str]] = []

    assert not ReadAloud(engine_class=Silent).available()


def test_the_window_offers_read_aloud_only_where_speech_exists_and_reads_the_section(window, qtbot):
    assert window.commands.read_aloud.isVisible() == window.read_aloud.available()
    FakeSpeech.said = []
    window.read_aloud = ReadAloud(window, engine_class=FakeSpeech)  # as on a PC with a voice
    window.commands.read_aloud.trigger()
    [said] = FakeSpeech.said
    assert said == window.reader.toPlainText()
    assert window.read_aloud.speaking
    window.commands.read_aloud.trigger()  # the same action stops it
    assert not window.read_aloud.speaking


@pytest.mark.parametrize("name", ["light", "dark", "high-contrast"])
def test_radio_buttons_and_check_boxes_are_drawn_in_the_themes_ink(name, qtbot, restore_app_look):
    """Fusion outlines an indicator in a shade of the window colour: black on the high-contrast theme's
    black. The theme draws it in the text colour instead; the indicator's pixels must show it."""
    from PySide6.QtWidgets import QRadioButton, QStyle, QStyleOptionButton

    theme.apply_theme(restore_app_look, name)
    ink = QColor(theme.colours().text)
    for button in (QRadioButton("Choose"), QCheckBox("Choose")):
        qtbot.addWidget(button)
        button.show()
        qtbot.waitExposed(button)
        image = button.grab().toImage()
        box = min(image.height(), button.fontMetrics().height() + 8)
        inked = sum(1 for x in range(box) for y in range(image.height())
                    if contrast(QColor(image.pixel(x, y)), ink) < 1.5)
        assert inked > 10, f"{type(button).__name__} indicator not visible on the {name} theme"
    # A radio button stays round: too small a radius draws a rounded square, like a check box.
    # Probed on the quiz's large answers, where it showed: a tenth of the way in from the corner of
    # the box is outside a circle but inside a rounded square's border.
    from holbrook_desktop.ui.quiz.quiz_option import OptionRow

    parent = QWidget()
    qtbot.addWidget(parent)
    for row in (OptionRow(1, "Round", False, parent.font(), parent), QRadioButton("Round", parent)):
        radio = row.button if isinstance(row, OptionRow) else row
        parent.show()
        qtbot.waitExposed(parent)
        option = QStyleOptionButton()
        radio.initStyleOption(option)
        box = radio.style().subElementRect(QStyle.SubElement.SE_RadioButtonIndicator, option, radio)
        image = radio.grab().toImage()
        inset = max(2, box.width() // 10)
        corner = QColor(image.pixel(box.left() + inset, box.top() + inset))
        assert contrast(corner, ink) > 3, f"the radio button is drawn square on the {name} theme"


# The walk: every screen's words reach a screen reader ---------------------------------------

from PySide6.QtGui import QAccessible  # noqa: E402

from holbrook_desktop.ui.accessibility import announcements, plain  # noqa: E402


def heard(widget: QWidget) -> str:
    """What QAccessible exposes for a widget: its name, description and value."""
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None and interface.isValid(), _describe(widget)
    parts = [interface.text(kind) for kind in (QAccessible.Text.Name, QAccessible.Text.Description,
                                               QAccessible.Text.Value)]
    return plain(" ".join(part for part in parts if part))


def _showing(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisible() and widget.window() is root.window() and widget.width() > 0


def assert_every_word_heard(root: QWidget, page: str, at_least: int = 1) -> None:
    """Every visible label's words are in its accessible name, description or value; every control
    that takes Tab has a non-empty accessible name; nothing takes Tab while unseen."""
    labels = [label for label in root.findChildren(QLabel)
              if _showing(label, root) and plain(label.text())]
    assert len(labels) >= at_least, f"{page}: only {len(labels)} labels showing; is the page shown?"
    hidden = [f"{_describe(label)}: {plain(label.text())[:60]!r} heard as {heard(label)[:60]!r}"
              for label in labels if plain(label.text()) not in heard(label)]
    assert not hidden, f"{page}: visible words a screen reader cannot reach:\n  " + "\n  ".join(hidden)
    unnamed = []
    for widget in root.findChildren(QWidget):
        if not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or not widget.isEnabled():
            continue
        if widget.window() is not root.window() or _inside_composite(widget) or widget.focusProxy():
            continue
        if not widget.isVisible():
            continue
        interface = QAccessible.queryAccessibleInterface(widget)
        if not interface.text(QAccessible.Text.Name).strip():
            unnamed.append(_describe(widget))
    assert not unnamed, f"{page}: Tab stops without a name:\n  " + "\n  ".join(unnamed)


def test_walk_the_start_screen_reader_and_search(staff_window, qtbot):
    assert_every_word_heard(staff_window, "start screen", at_least=3)
    qtbot.keyClicks(staff_window.start_screen.field, "s")
    assert_every_word_heard(staff_window, "start screen, matching names", at_least=3)
    staff_window.start_screen.show_add_form()
    assert_every_word_heard(staff_window, "add-me form")


def test_walk_the_reader_and_search(window, qtbot):
    assert_every_word_heard(window, "reader")
    qtbot.keyClicks(window.search_panel.field, "photos")
    qtbot.keyClick(window.search_panel.field, Qt.Key.Key_Return)
    summary = window.search_panel.summary
    qtbot.waitUntil(lambda: summary.isVisible() and bool(summary.text()))
    assert_every_word_heard(window, "reader with search results")


def test_walk_the_quiz_result_and_acknowledgement(open_quiz_window, qtbot, store, staff):  # noqa: F811
    window = open_quiz_window()
    _mark_read(window, store, staff["Siân O’Brien"].id)
    _sign_in(window, qtbot)
    assert_every_word_heard(window, "reader, signed in")
    assert window.take_quiz() and window.is_showing_quiz()
    view = window.quiz_view
    assert_every_word_heard(view, "quiz question", at_least=3)
    while not view.is_showing_result():
        view.choose(0)
        view.check_answer()
        assert_every_word_heard(view, "quiz feedback", at_least=3)
        view.next_question()
    assert_every_word_heard(view, "quiz result", at_least=2)


def test_walk_the_acknowledgement_page(passed_window):  # noqa: F811
    assert passed_window.acknowledge_policy()
    assert_every_word_heard(passed_window, "acknowledgement page", at_least=3)


def test_walk_the_admin_area_and_its_dialogs(open_staff_window, store, staff, qtbot, tmp_path):
    from holbrook_desktop.core.admin.password import AdminPassword

    AdminPassword(store.settings).set_first(SECRET)
    window = open_staff_window()
    dialog = window.admin.open_admin()
    dialog.current.setText("not the password")
    dialog.submit()
    assert_every_word_heard(dialog, "admin password, refused")
    dialog.current.setText(SECRET)
    dialog.submit()
    view = window.admin.view
    for index in range(view.tabs.count()):
        view.tabs.setCurrentIndex(index)
        assert_every_word_heard(window, f"admin tab {view.tabs.tabText(index)!r}")
    view.tabs.setCurrentIndex(0)
    csv = tmp_path / "staff.csv"
    csv.write_text("Full name,Role,Staff number,Start date\nCat Lee,Caretaker,T3,01/09/2024\n"
                   "Ann Bee,Teacher,T9,01/09/2024\n", encoding="utf-8")
    for opened in (view.open_reminders(), view.open_attestation_export(), view.import_staff(csv)):
        assert opened is not None
        qtbot.addWidget(opened)
        opened.show()
        qtbot.waitExposed(opened)
        assert_every_word_heard(opened, type(opened).__name__)
        opened.reject()


def test_walk_help_and_about(window, qtbot):
    from holbrook_desktop.ui.about_dialog import AboutDialog
    from holbrook_desktop.ui.help_page import HelpDialog

    for dialog in (AboutDialog(window), HelpDialog(window)):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert_every_word_heard(dialog, type(dialog).__name__, at_least=0)
        dialog.reject()


# Messages announced -----------------------------------------------------------------------

@pytest.fixture
def spoken(qapp):
    said: list[tuple[str, bool]] = []

    def hear(text: str, assertive: bool) -> None:
        said.append((text, assertive))

    announcements().said.connect(hear)
    yield said
    announcements().said.disconnect(hear)


def test_a_search_count_and_a_section_read_are_announced(window, qtbot, spoken):
    qtbot.waitUntil(lambda: any(text == "Section marked as read. 1 of 13 sections read"
                                for text, _ in spoken), timeout=3000)
    qtbot.keyClicks(window.search_panel.field, "photos")
    qtbot.keyClick(window.search_panel.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any("clauses found" in text or "clause found" in text for text, _ in spoken))


def test_quiz_questions_errors_and_results_are_announced(open_quiz_window, qtbot, store, staff, spoken):  # noqa: F811
    window = open_quiz_window()
    _mark_read(window, store, staff["Siân O’Brien"].id)
    _sign_in(window, qtbot)
    assert window.take_quiz()
    view = window.quiz_view
    # The question arrives: the focus is on answer 1, and the scenario and the question are said.
    assert QApplication.focusWidget() is view.option_button(0)
    text, assertive = spoken[-1]
    assert view.scenario.text() in text and view.prompt.text() in text and assertive
    assert text.index(view.scenario.text()) < text.index(view.prompt.text())
    assert view.options_box.accessibleName() == view.prompt.text()
    assert view.options_box.accessibleDescription() == view.scenario.text()
    view.check_answer()  # nothing chosen
    assert spoken[-1][0].startswith("Choose an answer first") and spoken[-1][1]
    while not view.is_showing_result():
        view.choose(0)
        view.check_answer()
        view.next_question()
    result = spoken[-1][0]
    assert ("Passed" in result or "Not passed" in result) and view.result_page.score.text() in result


def test_a_wrong_admin_password_is_announced(open_staff_window, store, spoken):
    from holbrook_desktop.core.admin.password import AdminPassword

    AdminPassword(store.settings).set_first(SECRET)
    window = open_staff_window()
    dialog = window.admin.open_admin()
    dialog.current.setText("not it")
    dialog.submit()
    assert spoken and spoken[-1][1] and spoken[-1][0] == plain(dialog.message.text())
    dialog.reject()


def test_form_errors_and_a_refused_signature_are_announced(staff_window, passed_window, spoken):  # noqa: F811
    screen = staff_window.start_screen
    screen.show_add_form()
    screen.form.submit()
    assert spoken and spoken[-1][1] and spoken[-1][0] == plain(screen.form.error_text())
    assert passed_window.acknowledge_policy()
    view = passed_window.acknowledgement_view
    assert not view.sign()
    assert spoken[-1][1] and spoken[-1][0] == plain(view.problem.text())


def test_an_announcement_reaches_qt_accessibility_when_it_is_on(qtbot, spoken):
    from holbrook_desktop.ui.accessibility import announce

    label = QLabel("3 clauses found")
    qtbot.addWidget(label)
    was = QAccessible.isActive()
    QAccessible.setActive(True)
    try:
        announce(label, "3 clauses found")  # a real QAccessibleAnnouncementEvent, without error
    finally:
        QAccessible.setActive(was)
    assert spoken == [("3 clauses found", False)]


# WCAG 2.2 AA contrast: 4.5:1 for text, 3:1 for the parts of a control -------------------------

TEXT_AA, PARTS_AA = 4.5, 3.0


@pytest.mark.parametrize("chosen", list(theme.Theme))
def test_every_theme_meets_wcag_aa_for_text_and_controls(chosen):
    from holbrook_desktop.ui.attestation import signature_pad as pad

    c = theme.COLOURS[chosen]
    text = {
        "selected search result": (c.highlighted_text, c.highlight),
        "found words in the policy": (c.term_text, c.term_highlight),
        "text in a found clause": (c.text, c.clause_highlight),
        "link in a found clause": (c.link, c.clause_highlight),
        "heading in a found clause": (c.heading, c.clause_highlight),
        "placeholder": (c.placeholder, c.base),  # (disabled controls are exempt in WCAG 1.4.3)
        "warning": (c.warning, c.window), "removed": (c.removed, c.base), "added": (c.added, c.base),
        "“Sign here” hint": (pad.HINT, pad.PAPER), "signature ink": (pad.INK, pad.PAPER),
        "visited link": (c.link_visited, c.base),
    }
    parts = {
        "control border on the window": (c.border, c.window), "control border on base": (c.border, c.base),
        "focus ring on the window": (c.highlight, c.window), "focus ring on base": (c.highlight, c.base),
        "signature box border": (pad.BORDER, pad.PAPER),
        "answer ticked (indicator) on base": (c.highlight, c.base),
    }
    weak = {what: round(contrast(*pair), 2) for what, pair in text.items() if contrast(*pair) < TEXT_AA}
    weak |= {what: round(contrast(*pair), 2) for what, pair in parts.items() if contrast(*pair) < PARTS_AA}
    # The signature box is white paper in every theme: its edge shows by the paper or by the border.
    edge = max(contrast(pad.PAPER, c.window), contrast(pad.BORDER, c.window))
    if edge < PARTS_AA:
        weak["signature box on the window"] = round(edge, 2)
    assert not weak, f"{chosen.value}: under WCAG 2.2 AA: {weak}"


def test_the_stylesheet_draws_control_borders_in_the_border_colour():
    for chosen, c in theme.COLOURS.items():
        assert f"border: 1px solid {c.border}" in theme.focus_stylesheet(chosen)


def test_a_selected_search_result_is_drawn_in_the_selection_ink(window, qtbot):
    """The delegate once set body's colour in CSS, which drawContents ignores: dark text on the
    selection colour. Read the pixels of the selected row."""
    panel = window.search_panel
    qtbot.keyClicks(panel.field, "photos")
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.results.model().rowCount() > 0)
    panel.results.setCurrentIndex(panel.results.model().index(0, 0))
    panel.results.setFocus()
    rect = panel.results.visualRect(panel.results.model().index(0, 0))
    image = panel.results.viewport().grab(rect).toImage()
    palette = panel.results.palette()
    ink = palette.color(QPalette.ColorRole.HighlightedText)
    selection = palette.color(QPalette.ColorRole.Highlight)
    colours = [QColor(image.pixel(x, y)) for x in range(image.width()) for y in range(image.height())]
    inked = [colour for colour in colours if contrast(colour, selection) > 3]
    assert inked, "no text visible on the selected result"
    assert all(contrast(colour, ink) < contrast(colour, QColor(theme.colours().text)) or
               contrast(colour, selection) > 4.5 for colour in inked[:50])


# The window fits the screen ----------------------------------------------------------------

def test_first_start_never_opens_larger_than_the_screen(qtbot, data_dir):
    from holbrook_desktop.app import App
    from holbrook_desktop.ui.main_window import MainWindow
    from holbrook_desktop.ui.preferences import Preferences
    from tests.conftest import REAL_CONTENT

    window = MainWindow(App(REAL_CONTENT), Preferences(data_dir))  # no saved size: the 1200×760 default
    qtbot.addWidget(window)
    area = window.screen().availableGeometry()
    assert area.width() < 1200 or area.height() < 800, "the offscreen screen is as large as the default"
    assert window.width() <= area.width() and window.height() <= area.height()
    assert area.contains(window.geometry().topLeft())


# Links and selections heard; roles ---------------------------------------------------------

def test_tabbing_to_a_link_and_following_it_are_heard(window, qtbot, spoken):
    from holbrook_desktop.core.content.render import Location

    window.show_location(Location("social-media", "2"))
    reader = window.reader
    reader.setFocus()
    qtbot.waitUntil(reader.hasFocus)
    spoken.clear()
    for _ in range(20):  # Tab moves from link to link inside the policy text
        qtbot.keyClick(reader, Qt.Key.Key_Tab)
        if any(text.startswith("Link: ") for text, _ in spoken):
            break
    link = next(text for text, _ in spoken if text.startswith("Link: "))
    assert reader.textCursor().selectedText() in link
    before = reader.location()
    qtbot.keyClick(reader, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: reader.location() != before)
    assert spoken[-1][0] == plain(f"Opened {reader.page_heading()}") and reader.page_heading()


def test_moving_through_the_matching_names_is_heard(staff_window, qtbot, spoken):
    screen = staff_window.start_screen
    qtbot.keyClicks(screen.field, "s")
    spoken.clear()
    qtbot.keyClick(screen.field, Qt.Key.Key_Down)
    name = screen.current_name()
    assert screen.field.hasFocus() and name
    assert spoken and spoken[-1][0].startswith(f"{name}, ") and " of " in spoken[-1][0]


def test_headings_the_signature_pad_and_required_fields_say_what_they_are(passed_window, staff_window):  # noqa: F811
    screen = staff_window.start_screen
    role = QAccessible.queryAccessibleInterface(screen.heading).role()
    assert role == QAccessible.Role.Heading and heard(screen.heading).startswith("Who are you?")
    form = screen.form
    for field in (form.full_name, form.role, form.start_date):
        assert "Required" in heard(field), _describe(field)
    assert "Required" not in heard(form.preferred_name)
    assert passed_window.acknowledge_policy()
    view = passed_window.acknowledgement_view
    pad = view.signature_field.pad
    interface = QAccessible.queryAccessibleInterface(pad)
    assert interface.role() == QAccessible.Role.Canvas
    assert interface.text(QAccessible.Text.Name) == "Signature"
    assert "Required" in heard(view.name_field)
    assert QAccessible.queryAccessibleInterface(view.heading).role() == QAccessible.Role.Heading


# Keyboard ------------------------------------------------------------------------------------

def test_ctrl_end_reaches_the_end_of_a_section_and_counts_it(window, qtbot):
    from holbrook_desktop.core.content.render import Location

    window.show_location(Location("social-media", "5"))  # long: its end is out of sight
    reader = window.reader
    reader.setFocus()
    qtbot.waitUntil(reader.hasFocus)
    scroll = reader.verticalScrollBar()
    assert scroll.maximum() > 0 and scroll.value() == 0
    qtbot.keyClick(reader, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert scroll.value() == scroll.maximum()
    qtbot.waitUntil(lambda: window.contents.is_marked_read("social-media", "5"), timeout=3000)
    qtbot.keyClick(reader, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert scroll.value() == 0


def test_the_admin_table_is_one_tab_stop(open_staff_window, store, qtbot):
    from holbrook_desktop.core.admin.password import AdminPassword

    AdminPassword(store.settings).set_first(SECRET)
    window = open_staff_window()
    dialog = window.admin.open_admin()
    dialog.current.setText(SECRET)
    dialog.submit()
    table = window.admin.view.findChildren(QAbstractItemView)
    views = [view for view in table if view.isVisible() and view.model() is not None
             and view.model().rowCount() > 1 and view.model().columnCount() > 1]
    assert views
    view = views[0]
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.currentIndex().column() == 1 and view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert not view.hasFocus(), "Tab walked the cells instead of leaving the table"


def test_an_answer_ticked_by_its_key_is_scrolled_into_view(open_quiz_window, qtbot, store, staff):  # noqa: F811
    window = open_quiz_window()
    _mark_read(window, store, staff["Siân O’Brien"].id)
    _sign_in(window, qtbot)
    assert window.take_quiz()
    view = window.quiz_view
    window.resize(700, 420)  # a small screen at large text: the last answer is below the fold
    qtbot.wait(50)
    last = len(view.option_texts()) - 1
    view.scroll.verticalScrollBar().setValue(0)
    view.choose(last)
    row = view.option_button(last).parentWidget()
    top = row.mapTo(view.scroll.viewport(), row.rect().topLeft()).y()
    assert top >= 0 and top + row.height() <= view.scroll.viewport().height() + 1


def test_switch_person_does_not_take_the_focus_when_another_button_vanishes(quiz_window, qtbot, store,  # noqa: F811
                                                                            staff):
    window = quiz_window
    _mark_read(window, store, staff["Siân O’Brien"].id)
    _sign_in(window, qtbot)
    switch, take = window.switch_person_button, window.quiz_bar.take_button
    assert switch.isVisible() and take.isVisible()  # take comes just before switch in the Tab chain
    take.setFocus()
    qtbot.waitUntil(take.hasFocus)
    take.hide()  # as the quiz bar's buttons do when the offer changes
    assert not switch.hasFocus(), "Enter now would sign the person out"
    assert window.reader.hasFocus()
    switch.setFocus(Qt.FocusReason.TabFocusReason)  # reached on purpose, it keeps the focus
    assert switch.hasFocus()


def test_the_admin_area_scrolls_rather_than_push_its_buttons_off_a_small_window(open_staff_window, store,
                                                                                double_font, qtbot):
    from PySide6.QtWidgets import QScrollArea

    from holbrook_desktop.core.admin.password import AdminPassword

    AdminPassword(store.settings).set_first(SECRET)
    window = open_staff_window(size=(1000, 560))
    dialog = window.admin.open_admin()
    dialog.current.setText(SECRET)
    dialog.submit()
    area = window.centralWidget()
    assert isinstance(area, QScrollArea) and area.widget() is window.pages
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0)  # at double text it does not fit
    lowest = max((button for button in window.admin.view.findChildren(QAbstractButton) if button.isVisible()),
                 key=lambda button: button.mapTo(window.pages, button.rect().bottomLeft()).y())
    assert lowest.mapTo(window.pages, lowest.rect().bottomLeft()).y() <= window.pages.height()
    area.ensureWidgetVisible(lowest)
    top = lowest.mapTo(area.viewport(), lowest.rect().topLeft()).y()
    assert 0 <= top <= area.viewport().height() - lowest.height()


def test_a_dialog_never_opens_larger_than_the_screen(window, qtbot):
    from PySide6.QtWidgets import QDialog, QPushButton, QVBoxLayout

    dialog = QDialog(window)
    QVBoxLayout(dialog).addWidget(QPushButton("OK", dialog))
    qtbot.addWidget(dialog)
    area = window.screen().availableGeometry()
    dialog.resize(area.width() + 400, area.height() + 400)  # as a dialog laid out for large text
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() <= area.width() and dialog.height() <= area.height()


def test_walk_the_first_run_wizard_both_ways(qtbot, fresh_window, school, chosen_file, spoken):  # noqa: F811
    from PySide6.QtWidgets import QWizard

    from tests.ui.test_first_run_join import SCHOOL_PASSWORD, _to_join_page

    join_file, _shared = school
    wizard = _to_join_page(qtbot, fresh_window)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.BackButton), Qt.MouseButton.LeftButton)
    assert_every_word_heard(wizard, "first run: welcome", at_least=2)
    wizard.welcome_page.new_school_choice.setChecked(True)
    for page in (wizard.school_page, wizard.password_page):  # the new school's way, nothing saved
        qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
        assert wizard.currentPage() is page
        assert_every_word_heard(wizard, f"first run: {page.title()}")
    wizard.restart()
    wizard.welcome_page.join_choice.setChecked(True)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    page = wizard.join_page
    assert_every_word_heard(wizard, "first run: join, nothing chosen", at_least=3)
    chosen_file[0][0] = str(join_file)
    qtbot.mouseClick(page.choose_button, Qt.MouseButton.LeftButton)
    page.password.setText("not the password")
    qtbot.mouseClick(page.join_button, Qt.MouseButton.LeftButton)
    assert page.problem.isVisible()
    assert_every_word_heard(wizard, "first run: join, refused", at_least=3)
    page.password.setText(SCHOOL_PASSWORD)
    qtbot.mouseClick(page.join_button, Qt.MouseButton.LeftButton)
    assert page.outcome.isVisible()
    assert any(page.outcome.text() == words for words, _ in spoken)  # the result is announced
    assert_every_word_heard(wizard, "first run: joined", at_least=3)
    qtbot.waitUntil(lambda: wizard.button(QWizard.WizardButton.CommitButton).isEnabled())
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
    assert_every_word_heard(wizard, "first run: data folder", at_least=2)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.done_page
    assert_every_word_heard(wizard, "first run: where things are, joined", at_least=1)
    wizard.reject()

"""Help (resources/help.md with the window's real shortcuts), About (version, licence, folders,
copyable for IT), and the two sentences on the start screen saying what staff will do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from holbrook_desktop import APP_NAME, __version__
from holbrook_desktop.app import App
from holbrook_desktop.ui.about_dialog import AboutDialog
from holbrook_desktop.ui.help_page import HelpDialog
from holbrook_desktop.ui.session.start_screen import StartScreen
from tests.conftest import policy_text


def test_help_has_its_sections_and_the_windows_own_shortcuts(qtbot, staff_window):
    dialog = HelpDialog(staff_window)
    qtbot.addWidget(dialog)
    text = dialog.text()
    for heading in ("Reading", "The quiz", "Signing", "If something goes wrong", "For administrators",
                    "Keyboard shortcuts"):
        assert heading in text
    for keys, meaning in (("Ctrl+Shift+L", "Switch person"), ("Ctrl+Shift+A", "Open the admin area"),
                          ("Ctrl+F", "Find")):
        lines = text.splitlines()  # the table's cells, one a line, keys first
        assert keys in lines and lines[lines.index(keys) + 1] == meaning, (keys, text)
    staff_window.commands.switch_person.setShortcut("Ctrl+Shift+K")  # the page follows the window
    changed = HelpDialog(staff_window)
    qtbot.addWidget(changed)
    assert "Ctrl+Shift+K" in changed.text() and "Ctrl+Shift+L" not in changed.text()


def test_help_without_a_window_shows_the_written_table(qtbot):
    dialog = HelpDialog()
    qtbot.addWidget(dialog)
    assert "Ctrl+Shift+A" in dialog.text() and "<!--" not in dialog.text()


def test_about_shows_version_licence_folders_and_copies_them(qtbot, staff_window, data_dir):
    dialog = AboutDialog(staff_window)
    qtbot.addWidget(dialog)
    details = dialog.details.toPlainText()
    assert __version__ in details and "MIT" in details
    assert f"Data folder: {data_dir}" in details
    assert str(staff_window.service.content.content_dir) in details
    policy = staff_window.service.content.policy("social-media")
    assert f"{policy.title}: {policy.meta.version}" in details and policy.sha256[:12] in details
    assert "Permission is hereby granted" in dialog.licence.toPlainText()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"{APP_NAME} {__version__}") and str(data_dir) in copied


def test_about_without_records_says_so(qtbot, window):
    dialog = AboutDialog(window)
    qtbot.addWidget(dialog)
    assert "the records are not open" in dialog.details.toPlainText()


def test_the_start_screen_says_what_staff_will_do_from_the_real_text(qtbot, staff_window):
    intro = staff_window.start_screen.intro
    estimate = staff_window.service.reading.estimate()
    # Its words are its accessible name (a screen reader reads them); what it is, the description.
    assert intro.isVisible() and intro.accessibleDescription() and not intro.accessibleName()
    assert intro.text() == (
        f"You’ll read the Social Media Policy (about {estimate.minutes} minutes) and answer "
        f"{estimate.quiz_questions} short everyday situations, then sign to say you’ve understood it. "
        "Stop whenever you need to: your place is kept.")
    assert estimate.quiz_questions == 15 and estimate.minutes > 10


def test_the_intro_follows_the_content(qtbot, make_content, store):
    words = " ".join(["word"] * 250)
    content = make_content({"a": policy_text(f"\n## 1 ONE\n\n1.1 {words}\n", id="a", title="First Policy"),
                            "b": policy_text(f"\n## 1 ONE\n\n1.1 {words}\n", id="b", title="Second Policy")})
    screen = StartScreen(App(content, records=store))
    qtbot.addWidget(screen)
    assert screen.intro.text() == ("You’ll read 2 policies (about 3 minutes in all), then sign to say "
                                   "you’ve understood each. Stop whenever you need to: your place is kept.")

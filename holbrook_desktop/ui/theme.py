"""The look that follows the system: a light, a dark and a high-contrast theme, with a visible focus.

The theme is chosen from the system (dark or light from the colour scheme, high contrast from the
accessibility hints) unless HOLBROOK_THEME says otherwise (light, dark or high-contrast), which IT
and tests use. Widgets take their colours from the snippets here instead of writing hex values, and
`keep_styled` re-applies a snippet when the system switches theme while the app is running.
"""

from __future__ import annotations

import enum
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from holbrook_desktop.core.paths import resource_path

log = logging.getLogger(__name__)

THEME_ENV = "HOLBROOK_THEME"


class Theme(enum.StrEnum):
    LIGHT = "light"
    DARK = "dark"
    HIGH_CONTRAST = "high-contrast"


@dataclass(frozen=True)
class Colours:
    """The named colours of one theme. Text colours are 7:1 or better on the backgrounds they are
    used on (checked in tests/ui/test_accessibility.py)."""

    window: str
    window_text: str
    base: str
    alternate_base: str
    text: str
    button: str
    button_text: str
    light: str
    midlight: str
    mid: str
    dark: str
    shadow: str
    highlight: str  # also the focus ring
    highlighted_text: str
    link: str
    link_visited: str
    placeholder: str
    disabled_text: str
    quiet: str  # secondary text on the window
    heading: str
    note_background: str
    note_text: str
    note_border: str
    story_background: str
    story_border: str
    story_accent: str
    right_text: str
    right_background: str
    right_border: str
    wrong_text: str
    wrong_background: str
    wrong_border: str
    error: str  # a problem said in words, on the window
    warning: str  # on the status bar
    key_background: str
    key_text: str
    key_border: str
    clause_highlight: str  # the reader's shading of a clause found
    term_highlight: str  # the words found in it
    removed: str  # the versions page's difference colours
    added: str
    border: str  # the edge of a control: 3:1 or better on the window and on base (WCAG 1.4.11)
    term_text: str  # the words found, on term_highlight


LIGHT = Colours(
    window="#efefef", window_text="#1c2530", base="#ffffff", alternate_base="#f5f7fa", text="#1c2530",
    button="#f4f5f7", button_text="#1c2530", light="#ffffff", midlight="#e3e6ea", mid="#8e99a5",
    dark="#6b7682", shadow="#3a424b", highlight="#174f88", highlighted_text="#ffffff",
    link="#0a58a8", link_visited="#5b2a8c", placeholder="#5f6b77", disabled_text="#7b8794",
    quiet="#434d58", heading="#17365d",
    note_background="#fff4c2", note_text="#3b2f00", note_border="#d9b84a",
    story_background="#ffffff", story_border="#c9d3de", story_accent="#2a6bb0",
    right_text="#14471f", right_background="#e6f4ea", right_border="#2e7d32",
    wrong_text="#7a1212", wrong_background="#fdecea", wrong_border="#c62828",
    error="#96120a", warning="#8a3b00",
    key_background="#dfe8f3", key_text="#17365d", key_border="#8fa6c1",
    clause_highlight="#fff4c2", term_highlight="#ffd54a", removed="#96120a", added="#0b5d1e",
    border="#6b7682", term_text="#1c2530",
)

DARK = Colours(
    window="#1f2226", window_text="#e8eaed", base="#16181b", alternate_base="#23272c", text="#e8eaed",
    button="#2b3036", button_text="#e8eaed", light="#4a525b", midlight="#363c43", mid="#6f7a86",
    dark="#111316", shadow="#000000", highlight="#7fb8ff", highlighted_text="#0b1a2b",
    link="#8cc4ff", link_visited="#c9a6ff", placeholder="#a3adb8", disabled_text="#8a939c",
    quiet="#c2c9d0", heading="#a9cbf5",
    note_background="#3a3000", note_text="#ffe9a3", note_border="#a08a3a",
    story_background="#16181b", story_border="#4a525b", story_accent="#7fb8ff",
    right_text="#a6e9b3", right_background="#12301b", right_border="#4caf50",
    wrong_text="#ffb8b0", wrong_background="#3b1515", wrong_border="#e57373",
    error="#ffaaa0", warning="#ffc58a",
    key_background="#2c3a4d", key_text="#d6e6ff", key_border="#5d7a9e",
    clause_highlight="#4a3f00", term_highlight="#7a5c00", removed="#ffaaa0", added="#a6e9b3",
    border="#8d98a4", term_text="#ffffff",
)

# Black, white and yellow, as the Windows and GNOME high-contrast themes: every text colour is at
# least 7:1 (WCAG AAA) on black; the focus ring and selection are yellow.
HIGH_CONTRAST = Colours(
    window="#000000", window_text="#ffffff", base="#000000", alternate_base="#000000", text="#ffffff",
    button="#000000", button_text="#ffffff", light="#ffffff", midlight="#000000", mid="#ffffff",
    dark="#ffffff", shadow="#ffffff", highlight="#ffff00", highlighted_text="#000000",
    link="#00ffff", link_visited="#ff80ff", placeholder="#d0d0d0", disabled_text="#a0a0a0",
    quiet="#ffffff", heading="#ffff00",
    note_background="#000000", note_text="#ffff00", note_border="#ffff00",
    story_background="#000000", story_border="#ffffff", story_accent="#ffff00",
    right_text="#7dff7d", right_background="#000000", right_border="#7dff7d",
    wrong_text="#ff9d9d", wrong_background="#000000", wrong_border="#ff9d9d",
    error="#ff9d9d", warning="#ffff00",
    key_background="#000000", key_text="#ffffff", key_border="#ffffff",
    clause_highlight="#3d3d00", term_highlight="#ffff00", removed="#ff9d9d", added="#7dff7d",
    border="#ffffff", term_text="#000000",
)

COLOURS = {Theme.LIGHT: LIGHT, Theme.DARK: DARK, Theme.HIGH_CONTRAST: HIGH_CONTRAST}

# Every control that takes the keyboard shows a clearly visible ring when it has it. The resting
# border plus margin is as wide as the focused border, so nothing moves or changes size on focus.
FOCUSABLE = ("QPushButton", "QToolButton", "QLineEdit", "QListView", "QTreeView", "QTableView",
             "QComboBox", "QSpinBox", "QDoubleSpinBox", "QDateEdit", "QTextBrowser", "QPlainTextEdit")
TOGGLES = ("QCheckBox", "QRadioButton")


# Choosing the theme ------------------------------------------------------------------------

def theme_from_env() -> Theme | None:
    wanted = os.environ.get(THEME_ENV, "").strip().lower()
    if not wanted:
        return None
    try:
        return Theme(wanted)
    except ValueError:
        log.warning("%s=%r is not one of %s; following the system", THEME_ENV, wanted,
                    ", ".join(theme.value for theme in Theme))
        return None


def system_wants_high_contrast() -> bool:
    hints = QGuiApplication.styleHints()
    accessibility = getattr(hints, "accessibility", None)  # QAccessibilityHints: Qt 6.10 and later
    if accessibility is not None:
        preference = accessibility().contrastPreference()
        if preference == Qt.ContrastPreference.HighContrast:
            return True
    if sys.platform == "win32":  # older Qt: Windows keeps the switch in the registry
        settings = QSettings(r"HKEY_CURRENT_USER\Control Panel\Accessibility\HighContrast",
                             QSettings.Format.NativeFormat)
        try:
            return int(settings.value("Flags", 0)) & 1 == 1
        except (TypeError, ValueError):
            return False
    return False


def system_is_dark() -> bool:
    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme != Qt.ColorScheme.Unknown:
        return scheme == Qt.ColorScheme.Dark
    # No scheme reported (older desktops): judge by the platform's own window colour.
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def system_theme() -> Theme:
    """The theme to use now: HOLBROOK_THEME if set, else high contrast, dark or light as the system."""
    chosen = theme_from_env()
    if chosen is not None:
        return chosen
    if system_wants_high_contrast():
        return Theme.HIGH_CONTRAST
    return Theme.DARK if system_is_dark() else Theme.LIGHT


# Applying it -------------------------------------------------------------------------------

class ThemeNotifier(QObject):
    changed = Signal(str)  # the Theme's value


_state: dict[str, object] = {"theme": None, "notifier": None, "following": False}


def notifier() -> ThemeNotifier:
    if _state["notifier"] is None:
        _state["notifier"] = ThemeNotifier()
    return _state["notifier"]  # type: ignore[return-value]


def current_theme() -> Theme:
    """The theme last applied; before `apply_theme`, the one the system asks for."""
    applied = _state["theme"]
    return applied if isinstance(applied, Theme) else system_theme()


def colours(theme: Theme | None = None) -> Colours:
    return COLOURS[theme or current_theme()]


def palette_for(theme: Theme) -> QPalette:
    c = COLOURS[theme]
    palette = QPalette()
    role = QPalette.ColorRole
    for name, colour in (
        (role.Window, c.window), (role.WindowText, c.window_text), (role.Base, c.base),
        (role.AlternateBase, c.alternate_base), (role.Text, c.text), (role.Button, c.button),
        (role.ButtonText, c.button_text), (role.BrightText, c.highlight), (role.Light, c.light),
        (role.Midlight, c.midlight), (role.Mid, c.mid), (role.Dark, c.dark), (role.Shadow, c.shadow),
        (role.Highlight, c.highlight), (role.HighlightedText, c.highlighted_text), (role.Link, c.link),
        (role.LinkVisited, c.link_visited), (role.PlaceholderText, c.placeholder),
        (role.ToolTipBase, c.base), (role.ToolTipText, c.text), (role.Accent, c.highlight),
    ):
        palette.setColor(name, QColor(colour))
    for name in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, name, QColor(c.disabled_text))
    return palette


def focus_stylesheet(theme: Theme | None = None) -> str:
    """The application stylesheet: a 2 px ring in the highlight colour on whatever has the keyboard."""
    c = colours(theme)
    rest = ", ".join(FOCUSABLE)
    focused = ", ".join(f"{name}:focus" for name in FOCUSABLE)
    toggles = ", ".join(TOGGLES)
    toggles_focused = ", ".join(f"{name}:focus" for name in TOGGLES)
    return (
        f"{rest} {{ border: 1px solid {c.border}; margin: 1px; border-radius: 3px; }}\n"
        f"{focused} {{ border: 2px solid {c.highlight}; margin: 0px; }}\n"
        "QPushButton, QToolButton { background: palette(button); padding: 4px 10px; }\n"
        "QToolButton { padding: 3px 6px; }\n"
        "QToolBar QToolButton { border-color: transparent; }\n"
        f"QToolBar QToolButton:focus {{ border-color: {c.highlight}; }}\n"
        "QPushButton:hover, QToolButton:hover { background: palette(midlight); }\n"
        "QPushButton:pressed, QToolButton:pressed, QToolButton:checked { background: palette(mid); }\n"
        # A pressed toggle (a filter that is on) looks pressed: the selection's colours. (Not bold: the
        # button keeps the width it was laid out with, and bold text would be cut.)
        f"QPushButton:checked {{ background: {c.highlight}; color: {c.highlighted_text}; "
        f"border: 2px solid {c.highlight}; margin: 0px; }}\n"
        f"QPushButton:checked:focus {{ border: 2px solid {c.window_text}; }}\n"
        "QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QDateEdit { padding: 2px 4px; }\n"
        f"{toggles} {{ border: 2px solid transparent; border-radius: 3px; padding: 1px; }}\n"
        f"{toggles_focused} {{ border: 2px solid {c.highlight}; }}\n"
        f"QTabBar::tab:focus {{ border: 2px solid {c.highlight}; }}\n"
        f"QTabBar:focus {{ border-bottom: 2px solid {c.highlight}; }}\n"
        + indicator_stylesheet(c)
    )


def indicator_stylesheet(c: Colours) -> str:
    """Radio buttons and check boxes drawn in the theme's own ink: Fusion outlines them in a shade
    of the window colour, which on the high-contrast theme's black is black (invisible)."""
    shade = "light" if QColor(c.highlighted_text).lightness() > 127 else "dark"
    tick = resource_path("icons", f"tick-{shade}.svg")
    # In pixels from the application's font (text scales with the system's size); a radio's radius
    # is half of its box, border included, or Qt draws a rounded square.
    side = QFontMetrics(QApplication.font()).height()
    return (
        f"QRadioButton::indicator, QCheckBox::indicator {{ width: {side}px; height: {side}px; "
        f"border: 2px solid {c.text}; background: {c.base}; }}\n"
        f"QRadioButton::indicator {{ border-radius: {side // 2 + 2}px; }}\n"
        "QCheckBox::indicator { border-radius: 3px; }\n"
        "QRadioButton::indicator:checked { background: qradialgradient(cx:0.5, cy:0.5, radius:0.5, "
        f"fx:0.5, fy:0.5, stop:0 {c.highlight}, stop:0.5 {c.highlight}, stop:0.58 {c.base}, "
        f"stop:1 {c.base}); }}\n"
        f"QCheckBox::indicator:checked {{ background: {c.highlight}; border-color: {c.highlight}; "
        f"image: url({tick.as_posix()}); }}\n"
        "QRadioButton::indicator:disabled, QCheckBox::indicator:disabled "
        f"{{ border-color: {c.disabled_text}; }}\n"
    )


def apply_theme(app: QApplication, theme: Theme | str | None = None) -> Theme:
    """Fusion style (it honours the palette on every platform), the theme's palette and the focus
    rings. With no theme given, the system's is used and followed when the system changes."""
    chosen = Theme(theme) if theme is not None else system_theme()
    app.setStyle("Fusion")
    app.setPalette(palette_for(chosen))
    app.setStyleSheet(focus_stylesheet(chosen))
    _state["theme"] = chosen
    if theme is None and not _state["following"]:
        _state["following"] = True
        hints = app.styleHints()
        hints.colorSchemeChanged.connect(lambda _scheme: _follow_system(app))
        if hasattr(hints, "accessibility"):
            hints.accessibility().contrastPreferenceChanged.connect(lambda _pref: _follow_system(app))
    log.info("theme: %s", chosen.value)
    notifier().changed.emit(chosen.value)
    return chosen


def forget_applied_theme() -> None:
    """Back to "not applied": the snippets follow the system again (for tests that restore the app)."""
    _state["theme"] = None


def _follow_system(app: QApplication) -> None:
    wanted = system_theme()
    if wanted != _state["theme"]:
        apply_theme(app, wanted)


class _Restyler(QObject):
    """Lives as the widget's child, so the connection ends with the widget."""

    def __init__(self, widget: QWidget, style: Callable[[], str]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._style = style
        notifier().changed.connect(self.restyle)

    def restyle(self, *_args: object) -> None:
        self._widget.setStyleSheet(self._style())


def keep_styled(widget: QWidget, style: Callable[[], str]) -> None:
    """Give the widget `style()` now and again whenever the theme changes."""
    widget.setStyleSheet(style())
    _Restyler(widget, style)


def on_theme_changed(owner: QObject, react: Callable[[], None]) -> None:
    """Call `react()` when the theme changes, for as long as `owner` lives."""
    _Reaction(owner, react)


class _Reaction(QObject):
    def __init__(self, owner: QObject, react: Callable[[], None]) -> None:
        super().__init__(owner)
        self._react = react
        notifier().changed.connect(self.run)

    def run(self, *_args: object) -> None:
        self._react()


# Snippets the widgets use ----------------------------------------------------------------

def ink() -> str:
    return colours().text


def ink_style() -> str:
    return f"color: {colours().window_text};"


def quiet_style() -> str:
    return f"color: {colours().quiet};"


def heading_style() -> str:
    return f"color: {colours().heading};"


def note_style() -> str:
    c = colours()
    return (f"background: {c.note_background}; color: {c.note_text}; border: 1px solid {c.note_border};"
            " border-radius: 4px; padding: 8px 12px;")


def story_style() -> str:
    c = colours()
    return (f"background: {c.story_background}; color: {c.text}; border: 1px solid {c.story_border}; "
            f"border-left: 5px solid {c.story_accent}; border-radius: 4px; padding: 12px 16px;")


def right_panel_style() -> str:
    c = colours()
    return (f"background: {c.right_background}; color: {c.right_text}; border: 2px solid {c.right_border};"
            " border-radius: 6px; padding: 8px 12px;")


def wrong_panel_style() -> str:
    c = colours()
    return (f"background: {c.wrong_background}; color: {c.wrong_text}; border: 2px solid {c.wrong_border};"
            " border-radius: 6px; padding: 8px 12px;")


def error_style() -> str:
    return f"color: {colours().error}; font-weight: 600;"


def warning_style() -> str:
    return f"color: {colours().warning}; font-weight: 600; padding-left: 4px;"


def reader_css_extra(theme: Theme | None = None) -> str:
    """Overrides for resources/reader.css in the dark and high-contrast themes (none in light)."""
    chosen = theme or current_theme()
    if chosen == Theme.LIGHT:
        return ""
    c = COLOURS[chosen]
    return (
        f"\n/* {chosen.value} theme */\n"
        f"body {{ color: {c.text}; }}\n"
        f"h1, h2 {{ color: {c.heading}; }}\n"
        f"h3 {{ color: {c.heading}; }}\n"
        f"a {{ color: {c.link}; }}\n"
        f".section-number, .clause-number {{ color: {c.heading}; }}\n"
        f".crumbs, .page-nav, .meta {{ color: {c.quiet}; }}\n"
        f".missing-reference {{ color: {c.warning}; }}\n"
    )


def reader_stylesheet(base_css: str, theme: Theme | None = None) -> str:
    """The reader's css for the theme: the base (light, also used for printing) plus overrides."""
    return base_css + reader_css_extra(theme)

"""What a screen reader hears beyond focus: messages announced, captions that keep the words, roles.

Qt 6.8 and later carry announcements (`QAccessibleAnnouncementEvent`: AT-SPI's "announcement", UIA's
notification); older Qt gets an Alert event on the message's widget, which screen readers also speak.
`announcements()` repeats every announcement as a signal, so tests (and a log) can hear them too.
"""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent, QAccessibleInterface, QTextDocument
from PySide6.QtWidgets import QAccessibleWidget, QApplication, QLabel, QWidget

log = logging.getLogger(__name__)

try:  # Qt 6.8+
    from PySide6.QtGui import QAccessibleAnnouncementEvent
except ImportError:  # pragma: no cover - older PySide6
    QAccessibleAnnouncementEvent = None  # type: ignore[assignment,misc]


class Announcer(QObject):
    said = Signal(str, bool)  # the words, and whether they interrupt (assertive)


_announcer: list[Announcer] = []


def announcements() -> Announcer:
    if not _announcer:
        _announcer.append(Announcer())
    return _announcer[0]


def plain(text: str) -> str:
    """A label's words as heard: rich text without its tags, whitespace run together."""
    if "<" in text:
        document = QTextDocument()
        document.setHtml(text)
        text = document.toPlainText()
    else:  # a shortcut's "&" is not heard; "&&" is one "&"
        text = re.sub(r"&(&?)", r"\1", text)
    return " ".join(text.split())


def announce(widget: QWidget, text: str, assertive: bool = False) -> None:
    """Have a screen reader say `text` now (politely, after what it is saying, unless assertive)."""
    words = plain(text)
    if not words:
        return
    announcements().said.emit(words, assertive)
    if not QAccessible.isActive():
        return  # no assistive technology listening: nothing to build
    try:
        if QAccessibleAnnouncementEvent is not None:
            event = QAccessibleAnnouncementEvent(widget, words)
            event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive if assertive
                                else QAccessible.AnnouncementPoliteness.Polite)
        else:  # pragma: no cover - older Qt
            event = QAccessibleEvent(widget, QAccessible.Event.Alert)
        QAccessible.updateAccessibility(event)
    except RuntimeError:  # the widget went away meanwhile
        log.debug("announcement dropped: %s", words)


def caption(label: QLabel, words: str) -> None:
    """Say what a label is (`words`, e.g. "Scenario") without hiding what it shows: its name stays its
    own text, and the caption becomes its description."""
    label.setAccessibleName("")
    label.setAccessibleDescription(words)


def mark_required(widget: QWidget) -> None:
    """A field that must be filled: said in its description, as Qt has no "required" state to set."""
    note = widget.tr("Required.") if hasattr(widget, "tr") else "Required."
    described = widget.accessibleDescription()
    if note not in described:
        widget.setAccessibleDescription(f"{note} {described}".strip())
    widget.setProperty("required", True)


# Roles Qt does not give on its own ------------------------------------------------------------

ROLE_PROPERTY = "holbrookAccessibleRole"
_factory_installed: list[bool] = []


class _HeadingInterface(QAccessibleWidget):
    """A label that is a heading: role Heading, named by its own words."""

    def __init__(self, label: QLabel) -> None:
        super().__init__(label, QAccessible.Role.Heading)
        self._label = label

    def text(self, kind: QAccessible.Text) -> str:
        if kind == QAccessible.Text.Name:
            return self._label.accessibleName() or plain(self._label.text())
        return super().text(kind)


def _interface_for(_class_name: str, target: QObject) -> QAccessibleInterface | None:
    role = target.property(ROLE_PROPERTY) if target is not None else None
    if role == "heading" and isinstance(target, QLabel):
        return _HeadingInterface(target)
    if role == "canvas" and isinstance(target, QWidget):
        return QAccessibleWidget(target, QAccessible.Role.Canvas)
    return None


def _install_factory() -> None:
    if not _factory_installed:
        QAccessible.installFactory(_interface_for)
        _factory_installed.append(True)


def heading(label: QLabel) -> None:
    """Mark a label as a heading (before anything asks for its accessible interface)."""
    _install_factory()
    label.setProperty(ROLE_PROPERTY, "heading")


def canvas(widget: QWidget) -> None:
    """Mark a drawing surface (the signature pad) as a canvas, named by its accessible name."""
    _install_factory()
    widget.setProperty(ROLE_PROPERTY, "canvas")


# Focus -------------------------------------------------------------------------------------

class _FocusGuard(QObject):
    """When the focused control disappears, Qt gives the focus to the next in the Tab chain; for a
    button that ends the session ("Switch person"), a following Enter or Space would sign out."""

    def __init__(self, button: QWidget, fallback: QWidget) -> None:
        super().__init__(button)
        self._button, self._fallback = button, fallback
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._moved)

    def _moved(self, old: QWidget | None, now: QWidget | None) -> None:
        if now is not self._button or old is None:
            return
        try:
            gone = not old.isVisible()
        except RuntimeError:  # deleted as it lost the focus
            gone = True
        if gone and self._fallback.isVisible():
            self._fallback.setFocus(Qt.FocusReason.OtherFocusReason)


def keep_focus_off(button: QWidget, fallback: QWidget) -> None:
    """`button` takes the focus from Tab, Shift+Tab or a click, never because another control vanished:
    then `fallback` gets it."""
    _FocusGuard(button, fallback)

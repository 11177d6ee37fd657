"""Reading the current section aloud, when Qt's text-to-speech module and a voice are installed.

QtTextToSpeech ships in PySide6-Addons, not in PySide6-Essentials: without it (or without any speech
engine on the PC) `available()` is False and the window hides its "Read aloud" action.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextDocument

log = logging.getLogger(__name__)


def _speech_class() -> type | None:
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError:
        return None
    return QTextToSpeech


def plain_text(html: str) -> str:
    """What a section says, without its markup (as a screen reader would read the page)."""
    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText().strip()


class ReadAloud(QObject):
    """Speaks text with the system's voice. `engine_class` is QTextToSpeech unless given (tests give
    a stand-in with the same few methods: availableEngines, say, stop, stateChanged)."""

    stateChanged = Signal(bool)  # speaking or not

    def __init__(self, parent: QObject | None = None, *, engine_class: type | None = None) -> None:
        super().__init__(parent)
        self._engine_class = engine_class
        self._looked_for_engine = engine_class is not None
        self._engine: Any = None
        self._speaking = False

    def available(self) -> bool:
        """True when speech can be heard: the module imports and at least one engine exists."""
        if not self._looked_for_engine:  # importing QtTextToSpeech loads its plugins: only when asked
            self._engine_class = _speech_class()
            self._looked_for_engine = True
        if self._engine_class is None:
            return False
        try:
            return bool(self._engine_class.availableEngines())
        except Exception:  # a broken speech back-end must not stop the handbook opening
            log.warning("text-to-speech engines could not be listed", exc_info=True)
            return False

    @property
    def speaking(self) -> bool:
        return self._speaking

    def speak(self, text: str) -> bool:
        """Start reading `text` (plain text) aloud; False if there is no voice or nothing to say."""
        text = text.strip()
        if not text or not self.available():
            return False
        engine = self._ensure_engine()
        engine.stop()
        engine.say(text)
        self._set_speaking(True)
        return True

    def speak_html(self, html: str) -> bool:
        return self.speak(plain_text(html))

    def stop(self) -> None:
        if self._engine is not None:
            self._engine.stop()
        self._set_speaking(False)

    def _ensure_engine(self) -> Any:
        if self._engine is None:
            self._engine = self._engine_class(self)  # type: ignore[misc]
            self._engine.stateChanged.connect(self._on_engine_state)
        return self._engine

    def _on_engine_state(self, state: object) -> None:
        # QTextToSpeech.State: Ready, Speaking, Paused, Error (by name, so a stand-in can use strings).
        name = getattr(state, "name", str(state))
        self._set_speaking(name == "Speaking")

    def _set_speaking(self, speaking: bool) -> None:
        if speaking != self._speaking:
            self._speaking = speaking
            self.stateChanged.emit(speaking)

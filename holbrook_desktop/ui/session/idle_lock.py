"""Signs a person out of a shared PC when nobody has touched the keyboard or mouse for a while."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

DEFAULT_IDLE_MS = 10 * 60 * 1000
ACTIVITY_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
})


class IdleLock(QObject):
    """Watches every key, click, mouse move and wheel turn in the application while it runs."""

    expired = Signal()

    def __init__(self, timeout_ms: int = DEFAULT_IDLE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, int(timeout_ms)))
        self._timer.timeout.connect(self._on_timeout)
        self._watching = False

    @property
    def timeout_ms(self) -> int:
        return self._timer.interval()

    def is_running(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        app = QCoreApplication.instance()
        if app is not None and not self._watching:
            # Only while someone is signed in: the start screen pays nothing for it.
            app.installEventFilter(self)
            self._watching = True
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        app = QCoreApplication.instance()
        if app is not None and self._watching:
            app.removeEventFilter(self)
        self._watching = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS:
            self._timer.start()
        return False

    def _on_timeout(self) -> None:
        self.stop()
        self.expired.emit()


def idle_duration_text(timeout_ms: int) -> str:
    """“10 minutes”, “1 minute”, “30 seconds”: for the note shown after an idle sign-out."""
    translate = QCoreApplication.translate
    minutes = round(timeout_ms / 60_000)
    if minutes >= 1:
        if minutes == 1:
            return translate("IdleLock", "1 minute")
        return translate("IdleLock", "%1 minutes").replace("%1", str(minutes))
    seconds = max(1, round(timeout_ms / 1000))
    if seconds == 1:
        return translate("IdleLock", "1 second")
    return translate("IdleLock", "%1 seconds").replace("%1", str(seconds))

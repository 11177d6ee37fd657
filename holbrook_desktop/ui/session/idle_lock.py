"""Signs a person out of a shared PC when nobody has touched the keyboard or mouse for a while."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

DEFAULT_IDLE_MS = 10 * 60 * 1000
WARNING_BEFORE_MS = 60 * 1000  # "signing out in a minute": time to move the mouse
ACTIVITY_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
})


class IdleLock(QObject):
    """Watches every key, click, mouse move and wheel turn in the application while it runs."""

    expired = Signal()
    # A minute before (half the time, for a lock shorter than two minutes); `stillHere` when a key,
    # click or move comes after the warning.
    warning = Signal()
    stillHere = Signal()

    def __init__(self, timeout_ms: int = DEFAULT_IDLE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, int(timeout_ms)))
        self._timer.timeout.connect(self._on_timeout)
        self._warn_timer = QTimer(self)
        self._warn_timer.setSingleShot(True)
        warn_at = timeout_ms - WARNING_BEFORE_MS if timeout_ms >= 2 * WARNING_BEFORE_MS else timeout_ms // 2
        self._warn_timer.setInterval(max(1, int(warn_at)))
        self._warn_timer.timeout.connect(self._on_warning)
        self._warned = False
        self._watching = False

    @property
    def warning_ms(self) -> int:
        """How long before the sign-out the warning comes."""
        return self._timer.interval() - self._warn_timer.interval()

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
        self._restart()

    def _restart(self) -> None:
        self._timer.start()
        self._warn_timer.start()
        if self._warned:
            self._warned = False
            self.stillHere.emit()

    def stop(self) -> None:
        self._timer.stop()
        self._warn_timer.stop()
        self._warned = False
        app = QCoreApplication.instance()
        if app is not None and self._watching:
            app.removeEventFilter(self)
        self._watching = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS:
            self._restart()
        return False

    def _on_warning(self) -> None:
        self._warned = True
        self.warning.emit()

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

"""Several PCs, from the window: the sync (core/sync) run in the background once the records are open,
after each sign-out and every few minutes, and its state on the status bar.

The sync works on its own connection to the records, opened and closed on the worker thread (SQLite
in WAL mode lets it write beside the window's connection), so the window stays responsive; it reports
back by signal and never touches a widget. One sync at a time: a run asked for while one is under way
is skipped (the next one brings whatever it would have). With no sync folder set nothing runs and
nothing is shown; a folder that cannot be reached is said quietly on the status bar, never in a dialog."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.ui import theme
from holbrook_desktop.ui.accessibility import announce
from holbrook_desktop.ui.operation import Operation

if TYPE_CHECKING:
    from holbrook_desktop.core.sync import folder as sync
    from holbrook_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# How often the window syncs while it is open (besides at start and after each sign-out).
SYNC_INTERVAL_MS = 5 * 60 * 1000


@dataclass
class SyncOutcome:
    """What one background sync ended with, for the status bar and the admin area."""

    state: str  # "synced", "offline", "failed"
    report: sync.SyncReport | None = None
    status: dict[str, Any] | None = None
    message: str = ""
    at: datetime | None = None

    @property
    def brought_records(self) -> bool:
        return self.report is not None and any(applied["new"] for applied in self.report.applied)


def _sync_on_own_connection(data_dir: Path) -> tuple[sync.SyncReport, dict[str, Any]]:
    """On the worker thread: a connection of its own, closed before it returns."""
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import Store
    from holbrook_desktop.core.sync import folder as sync

    store = Store.open(data_dir, Actor.current("sync"))
    try:
        return sync.run(store), sync.status(store)
    finally:
        store.close()


class SyncController(QObject):
    """Runs the sync for the window and keeps its label on the status bar up to date."""

    started = Signal()
    finished = Signal(object)  # the SyncOutcome

    def __init__(self, window: MainWindow, *, interval_ms: int = SYNC_INTERVAL_MS) -> None:
        super().__init__(window)
        self._window = window
        self.label = QLabel(window)
        self.label.setAccessibleName(self.tr("Sync with the school's other PCs"))
        self.label.hide()
        self._warn = False  # a warning's colour while offline, failed or with a bundle refused
        theme.keep_styled(self.label, self._label_style)
        window.statusBar().addPermanentWidget(self.label)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.run)
        self.running = False
        self.last: SyncOutcome | None = None
        self._operation: Operation | None = None
        # The start screen shows once the records are open, and again after each sign-out (by the
        # person, or when idle) and on leaving the admin area: each is a moment to sync.
        window.session_controller.personLeft.connect(self.start)
        # The school's content arrived by a sync: read once nobody is reading, the quiz or the admin
        # area is not open (at the start screen), never under someone's feet.
        self.content_waiting = False

    def start(self) -> None:
        """Sync now, and every few minutes from here on."""
        if self._window.service.records is None:
            return
        self.follow_school_content()
        if not self.timer.isActive():
            self.timer.start()
        self.run()

    def folder_set(self) -> bool:
        from holbrook_desktop.core.sync.folder import FOLDER_SETTING

        records = self._window.service.records
        if records is None:
            return False
        try:
            return bool(records.settings.get(FOLDER_SETTING))
        except StoreError as exc:
            log.warning("could not read the sync folder setting: %s", exc)
            return False

    def run(self) -> bool:
        """Start a sync in the background; False if none was started (no records, no sync folder set,
        or one already under way)."""
        records = self._window.service.records
        if self.running or records is None:
            return False
        if not self.folder_set():
            self.label.hide()
            return False
        from holbrook_desktop.core.sync.folder import SyncFolderMissing

        self.running = True
        data_dir = records.data_dir
        self._operation = Operation(
            self._window, "sync", lambda: _sync_on_own_connection(data_dir), wait_cursor=False,
            refusals=(SyncFolderMissing,),
            on_done=self._on_synced, on_refused=self._on_offline, on_failed=self._on_failed)
        self._operation.finished.connect(self._on_finished)
        self.started.emit()
        if self._window.admin.view is not None:
            self._window.admin.view.sync_page.set_running(True)
        self._operation.run()
        return True

    def wait(self, msecs: int | None = None) -> bool:
        """Block until a sync under way has returned (its report still comes by the event loop)."""
        return self._operation.wait(msecs) if self._operation is not None and self.running else True

    # On the window's thread ----------------------------------------------------------------

    def _on_synced(self, result: tuple[sync.SyncReport, dict[str, Any]]) -> None:
        report, status = result
        self._end(SyncOutcome("synced", report, status, at=datetime.now()))

    def _on_offline(self, exc: Exception) -> None:
        from holbrook_desktop.core.sync.folder import SyncFolderMissing

        if not isinstance(exc, SyncFolderMissing):  # refused for another reason: said, not "offline"
            self._on_failed(exc)
            return
        self._end(SyncOutcome("offline", message=str(exc), at=datetime.now()))

    def _on_failed(self, exc: BaseException) -> None:
        self._end(SyncOutcome("failed", message=str(exc) or type(exc).__name__, at=datetime.now()))

    def _on_finished(self) -> None:
        self.running = False
        self._operation = None

    def _end(self, outcome: SyncOutcome) -> None:
        self.running = False
        self.last = outcome
        self._show(outcome)
        if outcome.brought_records:
            self._refresh_views()
        if outcome.report is not None and outcome.report.content:
            self.content_waiting = True
            self.follow_school_content()
        admin = self._window.admin
        if admin.view is not None:
            admin.view.sync_page.show_outcome(outcome)
        self.finished.emit(outcome)

    def follow_school_content(self) -> bool:
        """Read the content a sync put in use, if one did and the start screen is showing (nobody is
        signed in); True if it was read."""
        window = self._window
        if not self.content_waiting or window.service.session is not None \
                or not window.is_showing_start_screen():
            return False
        self.content_waiting = False
        if window.service.content.follow_school():
            window.content_reloaded()
            announce(window, self.tr("The school's new policy content is now in use."))
            return True
        return False

    def _show(self, outcome: SyncOutcome) -> None:
        label = self.label
        refused = len(outcome.status["refused"]) if outcome.status else 0
        if outcome.state == "offline":
            text = self.tr("Sync folder not reachable — working offline")
            tip = outcome.message
        elif outcome.state == "failed":
            text = self.tr("Sync did not finish — the records here are safe")
            tip = outcome.message
        elif refused:
            text = (self.tr("1 bundle refused — see the admin area") if refused == 1 else
                    self.tr("%1 bundles refused — see the admin area").replace("%1", str(refused)))
            tip = self.tr("Another PC's records were not applied: the admin area's Several PCs tab says why.")
        else:
            pcs = len(outcome.status["pcs"]) if outcome.status else 0
            text = self.tr("Synced %1 · %2 PCs").replace("%1", f"{outcome.at:%H:%M}").replace("%2", str(pcs))
            tip = self.tr("The records here are shared with the school's other PCs through %1.").replace(
                "%1", str(outcome.status["folder"] if outcome.status else ""))
        self._warn = outcome.state != "synced" or bool(refused)
        label.setStyleSheet(self._label_style())
        label.setText(text)
        label.setToolTip(tip)
        label.show()

    def _label_style(self) -> str:
        return theme.warning_style() if self._warn else ""

    def _refresh_views(self) -> None:
        """Records came from another PC: what is on screen that shows records is drawn afresh."""
        window = self._window
        admin = window.admin
        if admin.view is not None and window.is_showing_admin():
            admin.view.reload_if_changed()
        if window.is_showing_start_screen():
            window.start_screen.reload()  # people added on another PC can sign in here now
        if window.service.signed_in is None:
            return
        window.quiz_controller.refresh_offer()
        view = getattr(window, "my_record_view", None)
        if view is not None and window.pages.currentWidget() is view:
            try:
                view.show_record()
            except StoreError as exc:
                log.warning("my record not redrawn after a sync: %s", exc)

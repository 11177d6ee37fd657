"""Starts the window: QApplication, the core façade, the main window."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from holbrook_desktop import APP_NAME, __version__
from holbrook_desktop.app import open_app
from holbrook_desktop.core import paths
from holbrook_desktop.core.logs import configure_logging
from holbrook_desktop.ui import crash_report
from holbrook_desktop.ui.main_window import MainWindow
from holbrook_desktop.ui.preferences import Preferences
from holbrook_desktop.ui.records_startup import open_records
from holbrook_desktop.ui.theme import apply_theme

# bench/startup.py sets this to time start-up: the app reports when its window is up and quits.
STARTUP_PROBE_ENV = "HOLBROOK_STARTUP_PROBE"


def create_main_window(args: argparse.Namespace, data_dir: Path | None = None, *,
                       after_paint: Callable[[], None] | None = None) -> MainWindow:
    """The window over the content; the staff records of the data folder are opened just after it
    appears (`open_records_later`), since sqlite-utils and the day's checks take a moment.
    `after_paint` runs then too, just before the records are opened.

    If the records cannot be opened the person is told why (and offered the newest backup when the
    file is damaged); the handbook can then still be read, without anyone's progress being kept."""
    data_dir = data_dir or paths.data_dir(args.data_dir)
    service = open_app(paths.content_dir(args.content, data_dir=data_dir), data_dir)
    window = MainWindow(service, Preferences(data_dir), records_pending=True)
    window.offer_admin_setup = True

    def once_painted() -> None:
        if after_paint is not None:
            after_paint()
        open_records_later(window)

    # Two turns of the event loop: Qt paints a shown window after the first turn's timers have run,
    # so whatever can wait runs in the second.
    QTimer.singleShot(0, lambda: QTimer.singleShot(0, once_painted))
    return window


def open_records_later(window: MainWindow) -> None:
    opening = open_records(window.service, window)
    window.attach_records(opening.store, problem=opening.problem, notice=opening.notice)


def run_gui(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(paths.resource_path("icons", "holbrook.svg"))))
    apply_theme(app)  # before any widget: they read their colours when they are made
    crash_report.install()
    data_dir = paths.data_dir(args.data_dir)

    def after_paint() -> None:
        # The log file's handler (logging.handlers: several milliseconds) after the first paint, and
        # still before the records are opened, so that their opening is logged.
        configure_logging(data_dir)
        window.show_content_problems()

    window = create_main_window(args, data_dir, after_paint=after_paint)
    window.show()
    if os.environ.get(STARTUP_PROBE_ENV):
        # "shown": the window is up and answering (the first turn of the event loop after show(); Qt
        # paints it just after this turn's timers); "ready": the staff list is usable too.
        QTimer.singleShot(0, lambda: print(f"shown {time.time():.6f}", flush=True))

        def report_ready() -> None:
            if window.records_pending:
                QTimer.singleShot(1, report_ready)
                return
            print(f"ready {time.time():.6f}", flush=True)
            app.quit()

        QTimer.singleShot(0, report_ready)
    try:
        return app.exec()
    finally:
        window.service.close()

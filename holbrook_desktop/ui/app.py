"""Starts the window: QApplication, the core façade, the main window."""

from __future__ import annotations

import argparse
import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from holbrook_desktop import APP_NAME, __version__
from holbrook_desktop.core import paths
from holbrook_desktop.core.service import HandbookService
from holbrook_desktop.ui.main_window import MainWindow
from holbrook_desktop.ui.preferences import Preferences
from holbrook_desktop.ui.records_startup import open_records

# bench/startup.py sets this to time start-up: the app reports when its window is up and quits.
STARTUP_PROBE_ENV = "HOLBROOK_STARTUP_PROBE"


def create_main_window(args: argparse.Namespace) -> MainWindow:
    """The window over the content and the staff records of the data folder.

    If the records cannot be opened the person is told why (and offered the newest backup when the
    file is damaged); the handbook can then still be read, without anyone's progress being kept."""
    data_dir = paths.data_dir(args.data_dir)
    opening = open_records(data_dir)
    service = HandbookService(paths.content_dir(args.content), records=opening.store)
    window = MainWindow(service, Preferences(data_dir), records_problem=opening.problem)
    if opening.notice:
        window.show_notice(opening.notice)
    return window


def run_gui(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(paths.resource_path("icons", "holbrook.svg"))))
    window = create_main_window(args)
    window.show()
    QTimer.singleShot(0, window.show_content_problems)
    if os.environ.get(STARTUP_PROBE_ENV):
        def report_ready() -> None:
            print(f"ready {time.time():.6f}", flush=True)
            app.quit()

        QTimer.singleShot(0, report_ready)
    try:
        return app.exec()
    finally:
        if window.service.records is not None:
            window.service.records.close()  # a clean close folds the write-ahead log back in

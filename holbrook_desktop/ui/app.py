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

# bench/startup.py sets this to time start-up: the app reports when its window is up and quits.
STARTUP_PROBE_ENV = "HOLBROOK_STARTUP_PROBE"


def create_main_window(args: argparse.Namespace) -> MainWindow:
    service = HandbookService(paths.content_dir(args.content))
    return MainWindow(service, Preferences(paths.data_dir(args.data_dir)))


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
    return app.exec()

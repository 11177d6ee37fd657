"""A main window over the real content, with a short reading time so progress tests are quick."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from holbrook_desktop.core.service import HandbookService
from holbrook_desktop.ui.main_window import MainWindow
from holbrook_desktop.ui.preferences import Preferences
from tests.conftest import REAL_CONTENT

READING_SECONDS = 0.3


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def open_window(qtbot, data_dir):
    def build(content=REAL_CONTENT, seconds=READING_SECONDS, size=(1200, 760)) -> MainWindow:
        service = HandbookService(content, seconds_for=lambda _words: seconds)
        window = MainWindow(service, Preferences(data_dir))
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        # Shortcuts reach only the active window, as on a real desktop.
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window

    return build


@pytest.fixture
def window(open_window):
    return open_window()

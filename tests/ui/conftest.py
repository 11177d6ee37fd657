"""A main window over the real content, with a short reading time so progress tests are quick."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from holbrook_desktop.app import App
from holbrook_desktop.ui.main_window import MainWindow
from holbrook_desktop.ui.preferences import Preferences
from tests.conftest import REAL_CONTENT

READING_SECONDS = 0.3


def show_active(qtbot, window: MainWindow, size=(1200, 760)) -> MainWindow:
    """Show the window and make it the active one: shortcuts reach only the active window, as on
    a real desktop."""
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def open_window(qtbot, data_dir):
    def build(content=REAL_CONTENT, seconds=READING_SECONDS, size=(1200, 760)) -> MainWindow:
        service = App(content, seconds_for=lambda _words: seconds)
        return show_active(qtbot, MainWindow(service, Preferences(data_dir)), size)

    return build


@pytest.fixture
def window(open_window):
    return open_window()


# A shared PC with records ------------------------------------------------------------------

STAFF = (
    # full name, preferred name, role, staff number
    ("Siân O’Brien", None, "teacher", "T001"),
    ("Zoë Ndiaye", "Zo", "teaching-assistant", None),
    ("Seán Murphy", None, "office", "O007"),
    ("Joanna Smith", "Jo", "lunchtime", None),
)


@pytest.fixture
def store(data_dir):
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import Store

    opened = Store.open(data_dir, Actor("tester", "window"))
    yield opened
    opened.close()


@pytest.fixture
def staff(store):
    """The staff above, in the store, by full name."""
    from datetime import date

    from holbrook_desktop.core.records import NewStaffMember

    added = {}
    for full_name, preferred, role, number in STAFF:
        member = store.staff.add(NewStaffMember(full_name, role, date(2024, 9, 1), preferred, number))
        added[full_name] = member
    return added


@pytest.fixture
def open_staff_window(qtbot, data_dir, store, staff):
    def build(idle_timeout_ms: int = 60_000, seconds=READING_SECONDS, size=(1200, 760)) -> MainWindow:
        service = App(REAL_CONTENT, records=store, seconds_for=lambda _words: seconds)
        window = MainWindow(service, Preferences(data_dir), idle_timeout_ms=idle_timeout_ms)
        return show_active(qtbot, window, size)

    return build


@pytest.fixture
def staff_window(open_staff_window):
    return open_staff_window()

"""What the window's start-up does before its first paint, and that what waits until after it still
happens: the `holbrook` command run as a person runs it, with the start-up probe of bench/startup.py."""

import argparse
import os
import subprocess
import sys
from datetime import date

import pytest

from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import NewStaffMember, Store
from holbrook_desktop.core.sync import folder as sync
from holbrook_desktop.ui.app import create_main_window
from holbrook_desktop.ui.sync_controller import SYNC_INTERVAL_MS
from tests.conftest import REAL_CONTENT, REPO


def _start(data_dir, *options: str) -> tuple[list[str], list[str]]:
    """The modules imported before the window said "shown", and those after (-X importtime, whose
    lines share one pipe with the probe's, in order)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "holbrook_desktop", *options],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO, timeout=90,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOLBROOK_STARTUP_PROBE": "1",
             "HOLBROOK_DATA_DIR": str(data_dir)},
    )
    assert result.returncode == 0, result.stdout[-2000:]
    before: list[str] = []
    after: list[str] = []
    into = before
    for line in result.stdout.splitlines():
        if line.startswith("shown "):
            into = after
        elif line.startswith("import time:") and "|" in line:
            into.append(line.rsplit("|", 1)[1].strip())
    assert into is after, "the window never said it was shown"
    assert "ready" in result.stdout
    return before, after


# These run the window in a process of its own: an error in this process's event loop meanwhile (a
# window an earlier test left, firing a timer) is not theirs, and is not counted against them.
SUBPROCESS_ONLY = pytest.mark.qt_no_exception_capture


@SUBPROCESS_ONLY
@pytest.mark.parametrize("options", [(), ("--verbose",)])
def test_the_window_starts_without_the_command_lines_modules(tmp_path, options):
    before, after = _start(tmp_path / "data", *options)
    commands = [name for name in before + after
                if name.startswith("holbrook_desktop.cli.") and name != "holbrook_desktop.cli.common"]
    assert commands == []
    assert "holbrook_desktop.ui.main_window" in before
    # Made with the records, after the first paint (the sync's start is tested below).
    assert "holbrook_desktop.ui.sync_controller" not in before
    assert "holbrook_desktop.ui.sync_controller" in after
    assert (tmp_path / "data" / "holbrook.db").is_file()  # the records of the folder given were opened


@SUBPROCESS_ONLY
def test_the_data_folder_given_on_the_command_line_is_the_windows(tmp_path):
    given = tmp_path / "given"
    _start(tmp_path / "from-the-environment", f"--data-dir={given}")
    assert (given / "holbrook.db").is_file()
    assert not (tmp_path / "from-the-environment").exists()


@SUBPROCESS_ONLY
def test_the_log_is_opened_after_the_first_paint_and_before_the_records(tmp_path):
    before, after = _start(tmp_path / "data")
    assert "logging.handlers" not in before and "logging.handlers" in after
    log = (tmp_path / "data" / "logs" / "holbrook.log").read_text(encoding="utf-8")
    assert "log opened" in log.splitlines()[0]
    assert "records opened:" in log  # the records' opening, which follows the log's, is in it


def _window(qtbot, data_dir):
    """The window as `holbrook` makes it: shown first, its records opened just after."""
    window = create_main_window(argparse.Namespace(content=str(REAL_CONTENT), data_dir=str(data_dir)))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.records_pending)
    return window


def test_the_background_sync_still_starts_with_the_records_and_repeats_every_five_minutes(
        qtbot, tmp_path, data_dir):
    shared = tmp_path / "shared"
    shared.mkdir()
    store = Store.open(data_dir, Actor("tester", "window"))
    sync.set_sync_folder(store, shared)
    store.close()
    window = _window(qtbot, data_dir)
    assert window.is_showing_start_screen()
    qtbot.waitUntil(lambda: window.sync.last is not None and not window.sync.running, timeout=20_000)
    assert window.sync.last.state == "synced"
    assert window.sync.label.isVisible() and window.sync.label.text().startswith("Synced ")
    assert window.sync.timer.isActive() and window.sync.timer.interval() == SYNC_INTERVAL_MS
    assert list(shared.iterdir())  # this PC's bundle is in the shared folder


def test_a_signature_a_crash_interrupted_is_settled_before_the_start_screen_is_reached(
        qtbot, data_dir):
    Store.open(data_dir, Actor("tester", "window")).close()
    attestations = data_dir / "attestations"
    attestations.mkdir()
    pending = attestations / "attestation-000001.pdf.pending"  # its record was never committed
    pending.write_bytes(b"%PDF-1.7 signed, then the power went")
    half_written = attestations / ".attestation-000002.pdf.pending.0123abcd.part"
    half_written.write_bytes(b"%PDF-1.7 half")
    window = _window(qtbot, data_dir)
    assert window.is_showing_start_screen()  # where a person goes on to sign
    assert not pending.exists() and not half_written.exists()
    assert list(attestations.iterdir()) == []


def test_the_text_is_a_centred_column_once_the_reader_first_shows_after_sign_in(qtbot, data_dir):
    store = Store.open(data_dir, Actor("tester", "window"))
    member = store.staff.add(NewStaffMember("Siân O’Brien", "teacher", date(2024, 9, 1)))
    store.close()
    window = _window(qtbot, data_dir)  # the reader was hidden behind the records' opening, then the list
    window.resize(1366, 768)
    assert window.sign_in(member.id)
    qtbot.waitUntil(window.reader.isVisible)
    frame = window.reader.document().rootFrame().frameFormat()
    assert frame.leftMargin() > 100 and frame.leftMargin() == frame.rightMargin()


def test_a_page_opened_while_the_reader_is_hidden_is_a_centred_column_when_it_shows_again(
        open_window):
    from holbrook_desktop.core.content.render import Location

    window = open_window(size=(1366, 768))
    reader = window.reader
    reader.hide()  # as behind the start screen or the admin area
    reader.show_location(Location("social-media", "2"))  # a new page: a fresh root frame
    reader.show()
    frame = reader.document().rootFrame().frameFormat()
    assert frame.leftMargin() > 100 and frame.leftMargin() == frame.rightMargin()


@SUBPROCESS_ONLY
def test_the_reading_page_is_made_after_the_first_paint(tmp_path):
    before, _after = _start(tmp_path / "data")
    for module in ("holbrook_desktop.ui.reading_page", "holbrook_desktop.ui.reading.reader_view",
                   "holbrook_desktop.ui.reading.search_panel", "holbrook_desktop.ui.reading.contents_tree",
                   "holbrook_desktop.ui.quiz.quiz_bar", "holbrook_desktop.ui.reading.policy_printing"):
        assert module not in before
    assert "holbrook_desktop.ui.main_window" in before  # (the window quits once its staff list is up)


def test_the_reading_page_made_after_the_paint_opens_a_policy_after_sign_in(qtbot, data_dir):
    from holbrook_desktop.core.content.render import Location

    store = Store.open(data_dir, Actor("tester", "window"))
    member = store.staff.add(NewStaffMember("Siân O’Brien", "teacher", date(2024, 9, 1)))
    store.close()
    window = create_main_window(argparse.Namespace(content=str(REAL_CONTENT), data_dir=str(data_dir)))
    qtbot.addWidget(window)
    assert not window.has_reading_page()  # not before the first paint
    window.show()
    qtbot.waitUntil(lambda: not window.records_pending)
    qtbot.waitUntil(window.has_reading_page)  # made unasked, behind the start screen
    assert window.is_showing_start_screen() and not window.reader.isVisible()
    assert window.sign_in(member.id)
    qtbot.waitUntil(window.reader.isVisible)
    window.show_location(Location("social-media", "2"))
    assert window.reader.location() == Location("social-media", "2")
    assert window.contents.currentIndex().isValid()
    assert window.windowTitle().startswith("Social Media Policy")
    zoom = window.preferences.zoom()
    window.commands.zoom_in.trigger()  # the toolbar's and the keyboard's action reach the reader made late
    assert window.preferences.zoom() > zoom


def test_the_reading_page_is_made_on_first_use_if_asked_for_before_the_paint(qtbot, data_dir):
    window = create_main_window(argparse.Namespace(content=str(REAL_CONTENT), data_dir=str(data_dir)))
    qtbot.addWidget(window)
    assert not window.has_reading_page()
    assert window.reader.toPlainText() == ""  # made when asked for: nothing is shown in it yet
    assert window.has_reading_page() and window.pages.indexOf(window.reading_page) >= 0

"""Preferences live in the data folder only, and a bad folder or file never stops the window."""

import os
import subprocess
import sys

from holbrook_desktop.ui.preferences import Preferences
from tests.conftest import REPO


def test_nothing_is_written_until_something_is_saved(tmp_path, qapp):
    data = tmp_path / "data"
    preferences = Preferences(data)
    assert preferences.zoom() == 100
    assert not data.exists()
    preferences.set_zoom(130)
    assert (data / "preferences.ini").is_file()
    assert oct(data.stat().st_mode & 0o777) == "0o700"
    assert Preferences(data).zoom() == 130


def test_an_unwritable_data_folder_keeps_preferences_for_the_session(tmp_path, qapp):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    preferences = Preferences(blocker / "data")
    preferences.set_zoom(150)
    assert preferences.zoom() == 150


def test_a_garbled_preferences_file_is_ignored(open_window, data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "preferences.ini").write_bytes(b"\x00\xff[reader]\nzoom=huge\n\x01\x02")
    window = open_window()
    assert window.reader.zoom() == 100


def test_the_holbrook_command_writes_only_inside_its_data_folder(tmp_path):
    data, home = tmp_path / "data", tmp_path / "home"
    home.mkdir()
    isolated = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_DATA_HOME": str(home / ".local" / "share"), "XDG_CACHE_HOME": str(home / ".cache")}
    result = subprocess.run(
        [sys.executable, "-m", "holbrook_desktop", "--data-dir", str(data)],
        capture_output=True, text=True, cwd=REPO, timeout=60,
        env={**os.environ, **isolated, "QT_QPA_PLATFORM": "offscreen", "HOLBROOK_STARTUP_PROBE": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("shown ") and "\nready " in result.stdout
    # The staff records, the log and the window's position; the store was closed cleanly (no -wal left).
    assert sorted(p.name for p in data.iterdir()) == ["holbrook.db", "logs", "preferences.ini"]
    assert [p.name for p in (data / "logs").iterdir()] == ["holbrook.log"]
    assert [str(p.relative_to(home)) for p in home.rglob("*")] == []

"""What the window's start-up does before its first paint, and that what waits until after it still
happens: the `holbrook` command run as a person runs it, with the start-up probe of bench/startup.py."""

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO


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


@pytest.mark.parametrize("options", [(), ("--verbose",)])
def test_the_window_starts_without_the_command_lines_modules(tmp_path, options):
    before, after = _start(tmp_path / "data", *options)
    commands = [name for name in before + after
                if name.startswith("holbrook_desktop.cli.") and name != "holbrook_desktop.cli.common"]
    assert commands == []
    assert "holbrook_desktop.ui.main_window" in before
    assert (tmp_path / "data" / "holbrook.db").is_file()  # the records of the folder given were opened


def test_the_data_folder_given_on_the_command_line_is_the_windows(tmp_path):
    given = tmp_path / "given"
    _start(tmp_path / "from-the-environment", f"--data-dir={given}")
    assert (given / "holbrook.db").is_file()
    assert not (tmp_path / "from-the-environment").exists()


def test_the_log_is_opened_after_the_first_paint_and_before_the_records(tmp_path):
    before, after = _start(tmp_path / "data")
    assert "logging.handlers" not in before and "logging.handlers" in after
    log = (tmp_path / "data" / "logs" / "holbrook.log").read_text(encoding="utf-8")
    assert "log opened" in log.splitlines()[0]
    assert "records opened:" in log  # the records' opening, which follows the log's, is in it

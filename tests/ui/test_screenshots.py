"""The screenshot suite: the start screen, reader, quiz, acknowledgement and admin table in a real
X11 window (Xvfb, the xcb platform), at 1366×768, the commonest school laptop, and at 200% scaling
with the reader's text at 200%. Each screen is saved as a PNG to look at, and fails the test if any
label or button is too narrow for its text or the window cannot fit the screen.

The PNGs go to $HOLBROOK_SCREENSHOTS_DIR when it is set (CI keeps them), else to pytest's tmp folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

REPO = Path(__file__).resolve().parents[2]
SCREENS = ("1-start-screen", "2-reader", "3-quiz", "4-acknowledgement", "5-admin-table", "6-my-record",
           "7-what-changed", "8-admin-filter-pressed", "11-several-pcs")
DIALOGS = ("9-edit-person", "10-erase-dialog")  # their own size; checked for clipped text too

pytestmark = pytest.mark.skipif(shutil.which("Xvfb") is None,
                                reason="Xvfb is not installed: the screenshot suite needs a real X server "
                                       "(apt-get install xvfb)")


@pytest.fixture(scope="module")
def x_server():
    """A private Xvfb on a free display number, big enough for 1366×768 at 200%."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "2732x1536x24",
                               "-nolisten", "tcp"], pass_fds=(write_end,), stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        display = pipe.readline().strip()
    yield f":{display}"
    server.terminate()
    server.wait(timeout=10)


def _shots_dir(tmp_path: Path, name: str) -> Path:
    base = os.environ.get("HOLBROOK_SCREENSHOTS_DIR")
    return (Path(base) if base else tmp_path) / name


def _tour(x_server: str, out: Path, *, scale: int, zoom: int, size: str,
          extra: tuple[str, ...] = ()) -> dict[str, list[str]]:
    env = {**os.environ, "DISPLAY": x_server, "QT_QPA_PLATFORM": "xcb", "QT_SCALE_FACTOR": str(scale)}
    env.pop("HOLBROOK_DATA_DIR", None)
    command = [sys.executable, "-m", "tests.ui.screenshot_tour", str(out), "--zoom", str(zoom),
               "--size", size, "--demo-staff", "30", *extra]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def _check_pictures(out: Path, width: int, height: int, least: int = 5) -> None:
    for name in SCREENS:
        image = QImage(str(out / f"{name}.png"))
        assert not image.isNull(), f"{name}.png was not written"
        assert (image.width(), image.height()) == (width, height), name
        # Not one flat colour: something was drawn (a sample of pixels is enough).
        colours = {image.pixel(x, y) for x in range(0, width, 37) for y in range(0, height, 29)}
        assert len(colours) > least, f"{name}.png looks blank"


@pytest.mark.parametrize(("label", "scale", "zoom"), [("1366x768", 1, 100), ("1366x768-200pc", 2, 200)])
def test_every_screen_fits_without_clipped_text(x_server, tmp_path, label, scale, zoom):
    out = _shots_dir(tmp_path, label)
    # Xvfb's screen is 2732×1536; the window is set to 1366×768 logical pixels either way.
    report = _tour(x_server, out, scale=scale, zoom=zoom, size="1366x768")
    assert set(report) == set(SCREENS) | set(DIALOGS)
    problems = {screen: found for screen, found in report.items() if found}
    assert not problems, json.dumps(problems, indent=2, ensure_ascii=False)
    _check_pictures(out, 1366 * scale, 768 * scale)


@pytest.mark.parametrize(("label", "size", "extra"), [
    ("1024x768", "1024x768", ()),
    ("1366x768-text-200pc", "1366x768", ("--text", "200")),
    ("1024x768-high-contrast", "1024x768", ("--theme", "high-contrast")),
])
def test_a_small_screen_large_text_and_high_contrast(x_server, tmp_path, label, size, extra):
    """The oldest school laptops, the system's text at 200 % and the high-contrast theme: nothing cut
    short (a page larger than the window scrolls), every screen drawn."""
    out = _shots_dir(tmp_path, label)
    report = _tour(x_server, out, scale=1, zoom=100, size=size, extra=extra)
    problems = {screen: found for screen, found in report.items() if found}
    assert not problems, json.dumps(problems, indent=2, ensure_ascii=False)
    width, height = (int(n) for n in size.split("x"))
    # Black, white and yellow: the high-contrast theme draws in few colours on purpose.
    _check_pictures(out, width, height, least=2 if "high-contrast" in extra else 5)

"""The Qt binding itself must not crash a long session (PySide6 6.12.0 did, on Python 3.11)."""

import subprocess
import sys

# Each call to a Qt method returning nothing once took a reference to None away; a few thousand
# repaints of the signature pad were enough to abort the app with "none_dealloc".
REPRO = "from PySide6.QtGui import QPen\npen = QPen()\nfor _ in range(100_000):\n    pen.setWidth(2)\n"


def test_many_calls_into_qt_do_not_abort_the_interpreter():
    finished = subprocess.run([sys.executable, "-c", REPRO], capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr[-500:]

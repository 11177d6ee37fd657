"""Start-up to a shown, interactive main window, against a bare Qt window in the same run.

Target: the app ≤ 1.5 × the bare window. Runs alternate so both see the same machine state.

Where the app's extra time before its first paint goes (December 2026, ~105 ms over a ~110 ms bare
window): the Qt-free core's own modules and the content's loading (~35 ms), the window's modules
(~20 ms), PySide building the Python types of the `Qt` namespace (~16 ms: the theme's first question,
the system's colour scheme, returns one of them) and the window itself (~9 ms).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.5


def time_to(marks: tuple[str, ...], command: list[str], env: dict[str, str]) -> list[float]:
    """Seconds from launch to each mark the program prints ("shown <time>", "ready <time>")."""
    started = time.time()
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=60)
    found = {line.split()[0]: float(line.split()[1]) for line in result.stdout.splitlines()
             if line.split() and line.split()[0] in marks}
    if set(found) != set(marks):
        raise RuntimeError(f"{command} did not report {marks}: {result.stderr[-500:]}")
    return [found[mark] - started for mark in marks]


def measure(runs: int = 9) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "HOLBROOK_STARTUP_PROBE": "1"}
    # An installed app (a wheel, the PyInstaller bundle) starts from compiled bytecode. With
    # PYTHONDONTWRITEBYTECODE set, every run would compile the app's sources again (~0.1 s) and the
    # figure would measure the compiler; the cache goes to a temporary folder, not the checkout.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    bare, shown, ready = [], [], []
    with tempfile.TemporaryDirectory() as data_dir, tempfile.TemporaryDirectory() as bytecode:
        env["HOLBROOK_DATA_DIR"] = data_dir  # a records database with its day's backup, as usual
        env["PYTHONPYCACHEPREFIX"] = bytecode
        time_to(("shown", "ready"), [sys.executable, "-m", "holbrook_desktop"], env)  # writes the cache
        for _ in range(runs):
            bare += time_to(("ready",), [sys.executable, str(REPO / "bench" / "bare_window.py")], env)
            app_shown, app_ready = time_to(("shown", "ready"), [sys.executable, "-m", "holbrook_desktop"],
                                           env)
            shown.append(app_shown)
            ready.append(app_ready)
    bare_median = statistics.median(bare)
    return {"bare_s": bare_median, "app_s": statistics.median(shown),
            "ratio": statistics.median(shown) / bare_median, "ready_s": statistics.median(ready),
            "ready_ratio": statistics.median(ready) / bare_median}


def rows() -> list[tuple[str, str, str, float | None]]:
    result = measure()
    return [
        ("bare QMainWindow start-up", "", f"{result['bare_s'] * 1000:.0f} ms", None),
        ("app start-up to shown window", "", f"{result['app_s'] * 1000:.0f} ms", None),
        ("app ÷ bare window", f"≤ {TARGET_RATIO}", f"{result['ratio']:.2f}×",
         result["ratio"] / TARGET_RATIO),
        ("app with staff list ready", "", f"{result['ready_s'] * 1000:.0f} ms", None),
        ("staff list ready ÷ bare window", "", f"{result['ready_ratio']:.2f}×", None),
    ]


if __name__ == "__main__":
    for name, target, measured, ratio in rows():
        shown = f"{ratio:.2f}" if ratio is not None else ""
        print(f"{name:<32} {target:>8} {measured:>10} {shown:>6}")

"""Start-up to a shown, interactive main window, against a bare Qt window in the same run.

Target: the app ≤ 1.5 × the bare window. Runs alternate so both see the same machine state.
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


def time_to_ready(command: list[str], env: dict[str, str]) -> float:
    started = time.time()
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=60)
    ready = next((line for line in result.stdout.splitlines() if line.startswith("ready ")), None)
    if ready is None:
        raise RuntimeError(f"{command} did not report ready: {result.stderr[-500:]}")
    return float(ready.split()[1]) - started


def measure(runs: int = 9) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "HOLBROOK_STARTUP_PROBE": "1"}
    bare, app = [], []
    with tempfile.TemporaryDirectory() as data_dir:
        env["HOLBROOK_DATA_DIR"] = data_dir
        for _ in range(runs):
            bare.append(time_to_ready([sys.executable, str(REPO / "bench" / "bare_window.py")], env))
            app.append(time_to_ready([sys.executable, "-m", "holbrook_desktop"], env))
    bare_median, app_median = statistics.median(bare), statistics.median(app)
    return {"bare_s": bare_median, "app_s": app_median, "ratio": app_median / bare_median}


def rows() -> list[tuple[str, str, str, float | None]]:
    result = measure()
    return [
        ("bare QMainWindow start-up", "", f"{result['bare_s'] * 1000:.0f} ms", None),
        ("app start-up to shown window", "", f"{result['app_s'] * 1000:.0f} ms", None),
        ("app ÷ bare window", f"≤ {TARGET_RATIO}", f"{result['ratio']:.2f}×",
         result["ratio"] / TARGET_RATIO),
    ]


if __name__ == "__main__":
    for name, target, measured, ratio in rows():
        shown = f"{ratio:.2f}" if ratio is not None else ""
        print(f"{name:<32} {target:>8} {measured:>10} {shown:>6}")

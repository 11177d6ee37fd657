"""A process killed mid-write (SIGKILL) loses nothing it had committed and damages nothing.

The child is bench/crash_writer.py: it prints a line for each change only after the change's
commit has returned. Five kills here; bench/crash_test.py does two hundred."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import Store
from tests.conftest import REPO

WRITER = REPO / "bench" / "crash_writer.py"
FIRST_DAY = date(2026, 9, 1)

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def run_and_kill(data_dir: Path, day: date, tag: str, *, after_ready: bool, delay: float) -> list[str]:
    """Start the writer, kill it, return the complete lines it printed (its promises)."""
    out_path = data_dir.parent / f"{tag}.out"
    with out_path.open("wb") as out:
        child = subprocess.Popen([sys.executable, str(WRITER), str(data_dir), day.isoformat(), tag],
                                 stdout=out, stderr=subprocess.PIPE, cwd=REPO)
        try:
            if after_ready:
                deadline = time.monotonic() + 20
                while b"ready\n" not in out_path.read_bytes():
                    assert child.poll() is None, child.stderr.read().decode()
                    assert time.monotonic() < deadline, "the writer never became ready"
                    time.sleep(0.005)
            time.sleep(delay)
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL, "the writer stopped before it was killed"
    return [line for line in out_path.read_text(encoding="utf-8").split("\n")[:-1] if line != "ready"]


def test_committed_changes_survive_a_kill_at_any_moment(tmp_path):
    rng = random.Random(20260901)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    checked = 0
    for run in range(5):
        day = FIRST_DAY + timedelta(days=run)  # each run is a first open of the day: check, backup
        # The first run is killed while starting or opening the new file; the rest while writing.
        promises = run_and_kill(data_dir, day, f"run{run}", after_ready=run > 0,
                                delay=rng.uniform(0.0, 0.3) if run == 0 else rng.uniform(0.05, 0.25))

        store = Store.open(data_dir, Actor("crash-check", "cli"), today=lambda day=day: day)
        try:
            assert store.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            staff = dict(store.db.execute("SELECT staff_number, id FROM staff").fetchall())
            rows = store.db.execute("SELECT staff_id, section_number, completed_at FROM reading_progress")
            progress = {(staff_id, section): completed for staff_id, section, completed in rows.fetchall()}
            for line in promises:
                kind, first, second = line.split()
                if kind == "staff":
                    assert staff.get(first) == int(second), f"run {run}: lost {line!r}"
                elif kind == "opened":
                    assert (int(first), second) in progress, f"run {run}: lost {line!r}"
                else:
                    assert kind == "read" and progress.get((int(first), second)) is not None, line
            report = store.verify_audit()
            assert report.ok, report.problem
            # Each change and its audit row were written together or not at all.
            logged = dict(store.db.execute(
                "SELECT action, count(*) FROM audit_log GROUP BY action").fetchall())
            assert logged.get("staff.add", 0) == len(staff)
            assert logged.get("progress.opened", 0) == len(progress)
            assert logged.get("progress.read", 0) == sum(c is not None for c in progress.values())
        finally:
            store.close()
        checked += len(promises)
    assert checked > 100, "the writer hardly wrote anything before it was killed"

"""Crash test: kill a writing process with SIGKILL at random moments; nothing committed is lost.

    python bench/crash_test.py [--runs 200] [--seed 1] [--data-dir DIR]

Each run starts bench/crash_writer.py on the same data folder (told it is a new day, so every
open also runs the integrity check, a backup and pruning), kills it at a random moment — during
start-up and opening in about a quarter of runs, while writing in the rest — then reopens the
store and checks: PRAGMA integrity_check is ok, every change the child reported as committed is
there, the audit chain verifies, and each change has exactly its one audit row. Prints a summary
and exits non-zero on any failure. (tests/core/test_store_crash.py runs a short version.)
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WRITER = REPO / "bench" / "crash_writer.py"
FIRST_DAY = date(2026, 9, 1)


@dataclass
class RunResult:
    killed_while: str  # "starting" or "writing"
    promises: int
    problems: list[str]


def kill_at_random(data_dir: Path, day: date, tag: str, rng: random.Random) -> tuple[list[str], str]:
    """Start the writer, SIGKILL it at a random moment, return the lines it completed."""
    out_path = data_dir.parent / f"writer-{tag}.out"
    while_starting = rng.random() < 0.25
    with out_path.open("wb") as out:
        child = subprocess.Popen([sys.executable, str(WRITER), str(data_dir), day.isoformat(), tag],
                                 stdout=out, stderr=subprocess.PIPE, cwd=REPO)
        try:
            if while_starting:
                time.sleep(rng.uniform(0.0, 0.35))
            else:
                _wait_for_ready(out_path, child)
                time.sleep(rng.uniform(0.0, 0.3))
            child.send_signal(signal.SIGKILL)
            _, stderr = child.communicate(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    if child.returncode != -signal.SIGKILL:
        raise RuntimeError(f"writer ended by itself ({child.returncode}): {stderr.decode()[-800:]}")
    text = out_path.read_text(encoding="utf-8")
    out_path.unlink()
    complete = text.split("\n")[:-1]  # a last line without its newline was never promised
    killed_while = "writing" if "ready" in complete else "starting"
    return [line for line in complete if line != "ready"], killed_while


def _wait_for_ready(out_path: Path, child: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while b"ready\n" not in out_path.read_bytes():
        if child.poll() is not None:
            raise RuntimeError(f"writer ended before it was ready: {child.stderr.read().decode()[-800:]}")
        if time.monotonic() > deadline:
            raise RuntimeError("writer not ready after 20 s")
        time.sleep(0.005)


def check(data_dir: Path, day: date, promises: list[str]) -> list[str]:
    """Everything that must hold after a crash; an empty list when it all does."""
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import Store

    problems: list[str] = []
    store = Store.open(data_dir, Actor("crash-check", "cli"), today=lambda: day)
    try:
        integrity = [row[0] for row in store.db.execute("PRAGMA integrity_check").fetchall()]
        if integrity != ["ok"]:
            problems.append(f"integrity_check: {integrity[:5]}")
        staff = dict(store.db.execute("SELECT staff_number, id FROM staff").fetchall())
        progress = {(staff_id, section): completed for staff_id, section, completed in store.db.execute(
            "SELECT staff_id, section_number, completed_at FROM reading_progress").fetchall()}
        for line in promises:
            kind, first, second = line.split()
            if kind == "staff" and staff.get(first) != int(second):
                problems.append(f"committed staff {first} (id {second}) is missing")
            elif kind == "opened" and (int(first), second) not in progress:
                problems.append(f"committed 'opened' of section {second} by {first} is missing")
            elif kind == "read" and progress.get((int(first), second)) is None:
                problems.append(f"committed 'read' of section {second} by {first} is missing")
        report = store.verify_audit()
        if not report.ok:
            problems.append(f"audit chain: {report.problem}")
        logged = Counter(dict(store.db.execute(
            "SELECT action, count(*) FROM audit_log GROUP BY action").fetchall()))
        expected = {
            "staff.add": "SELECT count(*) FROM staff",
            "policy_version.seen": "SELECT count(*) FROM policy_versions",
            "progress.opened": "SELECT count(*) FROM reading_progress",
            "progress.read": "SELECT count(*) FROM reading_progress WHERE completed_at IS NOT NULL",
        }
        for action, query in expected.items():
            rows = store.db.execute(query).fetchone()[0]
            if logged[action] != rows:
                problems.append(f"{action}: {rows} rows but {logged[action]} audit rows")
    finally:
        store.close()
    return problems


def one_run(data_dir: Path, number: int, rng: random.Random) -> RunResult:
    day = FIRST_DAY + timedelta(days=number)
    promises, killed_while = kill_at_random(data_dir, day, f"r{number}", rng)
    return RunResult(killed_while, len(promises), check(data_dir, day, promises))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, help="default: a new temporary folder")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="holbrook-crash-") as temp:
        data_dir = args.data_dir or Path(temp) / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        results: list[RunResult] = []
        for number in range(args.runs):
            result = one_run(data_dir, number, rng)
            results.append(result)
            for problem in result.problems:
                print(f"run {number}: FAIL {problem}", flush=True)
        from holbrook_desktop.core.identity import Actor
        from holbrook_desktop.core.records import Store

        last_day = FIRST_DAY + timedelta(days=args.runs - 1)
        store = Store.open(data_dir, Actor("crash-check", "cli"), today=lambda: last_day)
        totals = (store.staff.count(), store.verify_audit().rows)
        store.close()
        backups_kept = len(list((data_dir / "backups").glob("daily-*.db")))
    failures = [r for r in results if r.problems]
    print(f"runs: {len(results)}  kills: {len(results)} "
          f"({sum(r.killed_while == 'starting' for r in results)} while starting or opening, "
          f"{sum(r.killed_while == 'writing' for r in results)} while writing)")
    print(f"committed writes checked: {sum(r.promises for r in results)}  (staff rows at the end: "
          f"{totals[0]}, audit rows: {totals[1]}, daily backups kept: {backups_kept})")
    print(f"failures: {len(failures)}  time: {time.monotonic() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())

"""Several processes writing to one records database at once: every write lands, none fails.

    python bench/concurrency.py [--processes 4] [--writes 2500] [--open-together]

Each process adds WRITES members of staff, one change (staff row + audit row) per transaction,
all starting at the same moment. Checks: every process exits cleanly (no "database is locked"
or any other exception), the database holds exactly PROCESSES × WRITES staff and as many audit
rows, the audit chain verifies, and PRAGMA integrity_check is ok. With --open-together the
processes also open a database that does not exist yet at the same moment (first start on two
PCs at once), instead of after the parent has created it. Exits non-zero on any failure.
(tests/core/test_store_concurrency.py runs a smaller version.)

Worker mode, used by the above and by the tests:

    python bench/concurrency.py --worker DATA_DIR INDEX WRITES GO_FILE [--open-after-start]

prints "ready" once the store is open (or at once with --open-after-start), waits for GO_FILE to
exist (the parent creates it when every worker is ready), writes, then prints
"done <seconds> <slowest write in ms>".
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
START = date(2026, 9, 1)


def worker(data_dir: Path, index: int, writes: int, go_file: Path, open_after_start: bool) -> int:
    sys.path.insert(0, str(REPO))
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import NewStaffMember, Store

    def open_store() -> Store:
        return Store.open(data_dir, Actor(f"worker-{index}", "cli"))

    store = None if open_after_start else open_store()
    print("ready", flush=True)
    while not go_file.exists():
        time.sleep(0.001)
    began = time.perf_counter()
    store = store or open_store()
    slowest = 0.0
    for i in range(writes):
        started = time.perf_counter()
        store.staff.add(NewStaffMember(f"Worker {index} Person {i}", "teacher", START,
                                       staff_number=f"P{index}-{i}"))
        slowest = max(slowest, time.perf_counter() - started)
    store.close()
    print(f"done {time.perf_counter() - began:.3f} {slowest * 1000:.1f}", flush=True)
    return 0


@dataclass
class Result:
    seconds: float
    problems: list[str]
    worker_seconds: list[float]
    slowest_write_ms: float


def run(data_dir: Path, processes: int, writes: int, *, open_together: bool = False) -> Result:
    """Start the workers together, wait for them, check the database."""
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import Store

    if not open_together:
        Store.open(data_dir, Actor("setup", "cli")).close()
    go_file = data_dir.parent / f"{data_dir.name}.go"
    go_file.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(data_dir)]
    children = [subprocess.Popen([*command, str(index), str(writes), str(go_file)]
                                 + (["--open-after-start"] if open_together else []),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
                for index in range(processes)]
    for child in children:  # a worker that fails before it is ready ends its output: "" here
        child.stdout.readline()
    go_file.touch()
    started = time.time()
    problems, worker_seconds, slowest = [], [], 0.0
    for index, child in enumerate(children):
        out, err = child.communicate(timeout=600)
        if child.returncode != 0:
            problems.append(f"worker {index} failed ({child.returncode}): {err.strip()[-600:]}")
        done = [line.split() for line in out.splitlines() if line.startswith("done ")]
        if done:
            worker_seconds.append(float(done[0][1]))
            slowest = max(slowest, float(done[0][2]))
    seconds = time.time() - started
    go_file.unlink()

    store = Store.open(data_dir, Actor("check", "cli"))
    try:
        expected = processes * writes
        staff = store.staff.count()
        numbers = store.db.execute("SELECT count(DISTINCT staff_number) FROM staff").fetchone()[0]
        audit_rows = store.db.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'staff.add'").fetchone()[0]
        if (staff, numbers, audit_rows) != (expected, expected, expected):
            problems.append(f"expected {expected} staff, distinct numbers and audit rows; found "
                            f"{staff}, {numbers} and {audit_rows}")
        report = store.verify_audit()
        if not report.ok:
            problems.append(f"audit chain: {report.problem}")
        integrity = store.db.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            problems.append(f"integrity_check: {integrity}")
    finally:
        store.close()
    return Result(seconds, problems, worker_seconds, slowest)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        parser = argparse.ArgumentParser(prog="concurrency.py --worker")
        parser.add_argument("data_dir", type=Path)
        parser.add_argument("index", type=int)
        parser.add_argument("writes", type=int)
        parser.add_argument("go_file", type=Path)
        parser.add_argument("--open-after-start", action="store_true")
        args = parser.parse_args(argv[1:])
        return worker(args.data_dir, args.index, args.writes, args.go_file, args.open_after_start)

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--writes", type=int, default=2500)
    parser.add_argument("--open-together", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory(prefix="holbrook-concurrency-") as temp:
        result = run(Path(temp), args.processes, args.writes, open_together=args.open_together)
    total = args.processes * args.writes
    per_process = ", ".join(f"{s:.1f}" for s in result.worker_seconds)
    print(f"{args.processes} processes × {args.writes} writes = {total} changes in {result.seconds:.1f} s "
          f"({total / result.seconds:.0f}/s); per process {per_process} s; "
          f"slowest single write {result.slowest_write_ms:.0f} ms")
    for problem in result.problems:
        print(f"FAIL {problem}")
    print("ok" if not result.problems else f"{len(result.problems)} failures")
    return 1 if result.problems else 0


if __name__ == "__main__":
    sys.exit(main())

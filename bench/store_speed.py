"""Records store speed on a big database: 10,000 staff, 1,000,000 reading-progress rows.

Figures with targets (see rows()):
- open the database and list the active staff, on a normal open (the day's backup already
  exists): target ≤ 300 ms;
- record one reading-progress event (a section marked read: its row and its audit row in one
  transaction): target ≤ 16 ms, one frame at 60 Hz, since the window records it as you read.
Shown for information (see info_rows()): the first open of a day, which also runs
PRAGMA integrity_check and takes the daily backup, and walking the whole audit chain.

The big database (with a valid audit chain of about 1,010,000 rows) is built once with bulk
inserts and cached in the temp folder; each run works on a fresh copy of it.

    python bench/store_speed.py
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAFF = 10_000
PROGRESS_ROWS = 1_000_000
VERSIONS = 8  # made-up earlier versions of the policy, 14 sections each: 112 sections a person
# v2: schema 5 (the audit chain sealed so that erasure does not break it)
CACHE = Path(tempfile.gettempdir()) / f"holbrook-bench-store-{STAFF}-{PROGRESS_ROWS}-v2"
DAY = date(2026, 9, 1)
ROLES = ("teacher", "teaching-assistant", "office", "lunchtime", "governor", "contractor",
         "volunteer", "trainee", "supply", "other")
FIRST = ["Alice", "Bethan", "Siôn", "Łucja", "Zoë", "Mohammed", "Dafydd", "Chloé", "Ioan", "Grace",
         "Rhys", "Aoife", "Tomasz", "Priya", "Gwenllïan", "Olamide", "Seren", "Mateusz", "Niamh", "Yusuf"]
LAST = ["Adams", "Ŵyn", "Żółkiewska", "O'Brien", "Evans", "Nguyễn", "Jones", "Kowalski", "Davies",
        "Hughes", "Lefèvre", "Patel", "Roberts", "Thomas", "Williams", "Ahmed", "Price", "Morgan",
        "Lewis", "Jenkins", "Khan", "Parry", "Owen", "Griffiths", "Ellis"]

_measured: dict[str, float] | None = None


def _actor():
    from holbrook_desktop.core.identity import Actor

    return Actor("bench", "window")


def build(target: Path) -> None:
    """The big database: schema by the app's own migrations, rows by bulk SQL in one transaction."""
    from holbrook_desktop.core.content.folder import load_content
    from holbrook_desktop.core.records import Store
    from holbrook_desktop.core.records.audit import COLUMNS, GENESIS_HASH, sealed_row

    policy = load_content(REPO / "content").handbook.policies[0]
    sections = [section.number for section in policy.all_sections()]
    target.mkdir(parents=True, exist_ok=True)
    Store.open(target, _actor(), today=lambda: DAY - timedelta(days=400)).close()
    db = sqlite3.connect(target / "holbrook.db")
    db.execute("BEGIN")
    at = datetime(2025, 9, 1, 8, tzinfo=UTC)
    audit_rows: list[tuple] = []
    previous = GENESIS_HASH

    actor = _actor()

    def log(action: str, details: dict, when: datetime) -> None:
        nonlocal previous
        row_id, stamp = len(audit_rows) + 1, when.isoformat(timespec="microseconds")
        text = json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        row = sealed_row(previous, row_id, stamp, actor, action, text)
        audit_rows.append(row)
        previous = row[8]  # its hash

    staff = []
    for i in range(1, STAFF + 1):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i:05d}"
        active = i % 20 != 0  # one in twenty has left
        start = (DAY - timedelta(days=i % 3000)).isoformat()
        staff.append((i, name, None, ROLES[i % len(ROLES)], f"H{i:05d}", f"staff{i}@holbrook.example", start,
                      None if active else DAY.isoformat(), int(active), at.isoformat(), "bench"))
        log("staff.add", {"staff_id": i, "full_name": name, "role": ROLES[i % len(ROLES)]}, at)
    db.executemany("INSERT INTO staff (id, full_name, preferred_name, role, staff_number, work_email, "
                   "start_date, leaving_date, active, created_at, created_by) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", staff)

    versions = [f"{v:064x}" for v in range(1, VERSIONS + 1)]
    db.executemany("INSERT INTO policy_versions (policy_id, sha256, label, title, effective, first_seen) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   [(policy.id, sha, f"edition {v}", policy.title, "2025-09-01", at.isoformat())
                    for v, sha in enumerate(versions, start=1)])
    per_person = PROGRESS_ROWS // STAFF
    keys = [(sha, section) for sha in versions for section in sections][:per_person]
    progress = []
    for staff_id in range(1, STAFF + 1):
        for n, (sha, section) in enumerate(keys):
            when = (at + timedelta(minutes=staff_id * 7 + n)).isoformat(timespec="microseconds")
            progress.append((staff_id, policy.id, sha, section, when, when))
            log("progress.read", {"staff_id": staff_id, "policy_id": policy.id, "policy_sha256": sha,
                                  "section": section, "completed_at": when},
                at + timedelta(minutes=staff_id * 7 + n))
    db.executemany("INSERT INTO reading_progress VALUES (?, ?, ?, ?, ?, ?)", progress)
    db.executemany(f"INSERT INTO audit_log ({COLUMNS}) VALUES ({', '.join('?' * len(audit_rows[0]))})",
                   audit_rows)
    db.execute("COMMIT")
    db.close()  # the last connection: the WAL is checkpointed into the file


def big_database() -> Path:
    """The cached big database file, built on first use."""
    done = CACHE / "complete"
    if not done.exists():
        shutil.rmtree(CACHE, ignore_errors=True)
        started = time.perf_counter()
        build(CACHE / "data")
        done.write_text(f"built in {time.perf_counter() - started:.1f} s\n", encoding="utf-8")
    return CACHE / "data" / "holbrook.db"


def measure() -> dict[str, float]:
    from holbrook_desktop.core.content.folder import load_content
    from holbrook_desktop.core.reading.progress import SectionKey
    from holbrook_desktop.core.records import Store

    source = big_database()
    policy = load_content(REPO / "content").handbook.policies[0]
    with tempfile.TemporaryDirectory(prefix="holbrook-bench-store-") as temp:
        data_dir = Path(temp)
        shutil.copyfile(source, data_dir / "holbrook.db")

        started = time.perf_counter()  # the first open of the day: integrity check and backup
        store = Store.open(data_dir, _actor(), today=lambda: DAY)
        active = store.staff.list()
        first_open = time.perf_counter() - started
        store.close()
        assert len(active) == STAFF - STAFF // 20, len(active)

        opens = []
        for _ in range(9):
            started = time.perf_counter()
            store = Store.open(data_dir, _actor(), today=lambda: DAY)
            active = store.staff.list()
            opens.append(time.perf_counter() - started)
            store.close()

        store = Store.open(data_dir, _actor(), today=lambda: DAY)
        assert store.db.execute("SELECT count(*) FROM reading_progress").fetchone()[0] == PROGRESS_ROWS
        store.policy_versions.record_seen(policy)
        sections = [section.number for section in policy.all_sections()]
        events = []
        for n in range(1000):
            staff_id = 1 + (n * 97) % STAFF
            key = SectionKey(policy.id, policy.sha256, sections[n % len(sections)])
            completed = datetime.now(UTC)
            started = time.perf_counter()
            store.progress_for(staff_id).mark_read(key, completed)
            events.append(time.perf_counter() - started)
        started = time.perf_counter()
        report = store.verify_audit()
        verify = time.perf_counter() - started
        assert report.ok, report.problem
        store.close()
        size_mb = source.stat().st_size / 1e6
    events.sort()
    return {
        "open_list_median_ms": statistics.median(opens) * 1000,
        "open_list_max_ms": max(opens) * 1000,
        "event_median_ms": statistics.median(events) * 1000,
        "event_p95_ms": events[int(len(events) * 0.95)] * 1000,
        "event_max_ms": events[-1] * 1000,
        "first_open_ms": first_open * 1000,
        "verify_ms": verify * 1000,
        "audit_rows": report.rows,
        "size_mb": size_mb,
    }


def _result() -> dict[str, float]:
    global _measured
    if _measured is None:
        _measured = measure()
    return _measured


def rows() -> list[tuple[str, float, float]]:
    result = _result()
    return [
        ("store open + list staff (median)", 300, result["open_list_median_ms"]),
        ("store open + list staff (max)", 300, result["open_list_max_ms"]),
        ("record progress event (median)", 16, result["event_median_ms"]),
        ("record progress event (p95)", 16, result["event_p95_ms"]),
    ]


def info_rows() -> list[tuple[str, float]]:
    """No target: shown so that their cost is visible."""
    result = _result()
    return [
        ("first open of a day: check+backup", result["first_open_ms"]),
        (f"verify audit chain ({result['audit_rows']:,} rows)", result["verify_ms"]),
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    started = time.perf_counter()
    result = _result()
    print(f"database: {STAFF:,} staff, {PROGRESS_ROWS:,} progress rows, {result['audit_rows']:,} audit rows, "
          f"{result['size_mb']:.0f} MB (cache: {CACHE}; {(CACHE / 'complete').read_text().strip()})")
    for name, target, measured in rows():
        ratio = measured / target
        print(f"{name:<38} target ≤{target:>4} ms  measured {measured:8.2f} ms  ratio {ratio:5.2f}")
    for name, measured in info_rows():
        print(f"{name:<38} (no target)     measured {measured:8.0f} ms")
    print(f"record progress event: max {result['event_max_ms']:.1f} ms; "
          f"whole run {time.perf_counter() - started:.1f} s")

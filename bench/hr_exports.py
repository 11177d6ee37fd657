"""HR export and status speed on a big school: 10,000 staff × 10 years = 100,000 acknowledgement rows.

Figures with targets (see rows()), each through the façade (statuses → rows → file) in a fresh
process, with its peak memory (the process's maximum resident set size) shown beside it:
- everyone's status, their export rows and the CSV written: target ≤ 2 s;
- the same with the XLSX written: target ≤ 15 s;
- the status table's filter, Qt-free: one keystroke re-filters 10,000 rows by a substring of name,
  role or status (what a filter proxy's filterAcceptsRow does for each row): target ≤ 100 ms.
Shown for information (see info_rows()): everyone's status alone, and the export rows alone.

The big database is built once with bulk SQL inserts (schema by the app's own migrations; records
shaped like real ones: the declaration's text, a drawn signature's PNG and strokes on most rows)
and cached in the temp folder; each run works on a fresh copy of it. It has no audit rows: nothing
measured here reads them.

    python bench/hr_exports.py
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAFF = 10_000
YEARS = 10
CACHE = Path(tempfile.gettempdir()) / f"holbrook-bench-hr-{STAFF}x{YEARS}-v2"
DAY = date(2026, 11, 24)  # "today" for every status
KEYSTROKES = ("o", "o'", "o'b", "o'br", "o'bri", "te", "tea", "teac", "ov", "ove", "over", "due")

_measured: dict[str, dict] = {}


def _policy():
    from holbrook_desktop.core.content.folder import load_content

    return load_content(REPO / "content", quizzes=False).handbook.policies[0]


def _signature_variants() -> list[tuple[bytes, str]]:
    """A few drawn signatures, as PNG and strokes, the size real ones are."""
    from holbrook_desktop.core.attestation.signature import Signature

    variants = []
    for n in range(5):
        strokes, x = [], 20.0
        for s in range(3):
            points = []
            for i in range(40):
                x += 3 + (i * 7 + n) % 3
                points.append((x, 75 + 30 * math.sin(i / (3 + n) + s)))
            strokes.append(points)
            x += 15
        signature = Signature.from_points(400, 150, strokes)
        variants.append((signature.to_png(), signature.to_json()))
    return variants


def build(target: Path) -> None:
    """The big database: schema by the app's migrations, rows by bulk SQL in one transaction."""
    from bench.store_speed import FIRST, LAST, ROLES
    from holbrook_desktop.app import App
    from holbrook_desktop.core.content.declaration import declaration_sha256
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import Store

    policy = _policy()
    declaration = App(REPO / "content").attestation.declaration_text(policy.id)
    target.mkdir(parents=True, exist_ok=True)
    Store.open(target, Actor("bench", "window"), today=lambda: DAY - timedelta(days=400)).close()
    db = sqlite3.connect(target / "holbrook.db")
    db.execute("BEGIN")
    created = "2016-09-01T08:00:00.000000+00:00"

    staff = []
    for i in range(1, STAFF + 1):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i:05d}"
        active = i % 20 != 0  # one in twenty has left
        start = (date(2016, 9, 1) + timedelta(days=(i * 37) % 3000)).isoformat()
        staff.append((i, name, ROLES[i % len(ROLES)], f"H{i:05d}", f"staff{i}@holbrook.example", start,
                      None if active else (DAY - timedelta(days=90)).isoformat(), int(active), created,
                      "bench"))
    db.executemany("INSERT INTO staff (id, full_name, role, staff_number, work_email, start_date, "
                   "leaving_date, active, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   staff)

    # One version a year; the last is the policy as it is in content/ today.
    first_year = DAY.year - YEARS + 1
    versions = [(f"{year:064x}", f"{year} edition", date(year, 9, 1)) for year in range(first_year, DAY.year)]
    versions.append((policy.sha256, policy.meta.version, policy.meta.effective))
    db.executemany("INSERT INTO policy_versions (policy_id, sha256, label, title, effective, first_seen) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   [(policy.id, sha, label, policy.title, effective.isoformat(),
                     f"{effective.isoformat()}T07:00:00.000000+00:00") for sha, label, effective in versions])

    questions = json.dumps([{"id": f"question-{n}", "option_order": [2, 0, 1]} for n in range(15)])
    answers = json.dumps([{"answer": 0, "correct": True}] * 15)
    signatures = _signature_variants()
    note = "Signed the paper form at the volunteers' induction evening."
    attempts, acknowledgements = [], []
    record_id = 0
    for year in range(len(versions)):
        for staff_id in range(1, STAFF + 1):
            record_id += 1
            at = _acknowledged_at(staff_id, year, len(versions))
            if year == len(versions) - 1 and staff_id % 10 == 3:
                sha, label = versions[-2][:2]  # a refresher of last year's version: overdue on this one
            else:
                sha, label = versions[year][:2]
            at_text = at.isoformat(timespec="microseconds")
            method = ("on-behalf" if staff_id % 20 == 7 else "typed" if staff_id % 20 < 7 else "drawn")
            attempt_id = None
            if method != "on-behalf":
                attempt_id = record_id
                correct = 12 + (staff_id + year) % 4
                mode = "induction" if year == 0 else "refresher"
                started = (at - timedelta(minutes=9)).isoformat(timespec="microseconds")
                finished = (at - timedelta(minutes=1)).isoformat(timespec="microseconds")
                attempts.append((attempt_id, staff_id, policy.id, sha, mode, staff_id, questions, answers,
                                 correct, 15, 1, "finished", started, finished))
            png, strokes = signatures[staff_id % len(signatures)] if method == "drawn" else (None, None)
            digest = hashlib.sha256(f"{record_id}".encode()).hexdigest()
            acknowledgements.append((
                record_id, staff_id, policy.id, sha, label, attempt_id, declaration,
                declaration_sha256(declaration), staff[staff_id - 1][1], method, png, strokes,
                note if method == "on-behalf" else None, "office", "HOLBROOK-PC1", "0.1.0", at_text,
                digest, "f" * 64, f"attestations/attestation-{record_id:06d}.pdf", digest))
    db.executemany("INSERT INTO quiz_attempts (id, staff_id, policy_id, policy_sha256, mode, seed, "
                   "questions, answers, correct, total, passed, status, started_at, finished_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", attempts)
    db.executemany("INSERT INTO acknowledgements (id, staff_id, policy_id, policy_sha256, version_label, "
                   "quiz_attempt_id, declaration_text, declaration_sha256, typed_name, method, "
                   "signature_png, signature_strokes, on_behalf_note, os_user, machine, app_version, "
                   "acknowledged_at, audit_anchor, certificate_fingerprint, pdf_file, pdf_sha256) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", acknowledgements)
    db.execute("COMMIT")
    db.close()  # the last connection: the WAL is checkpointed into the file


def _acknowledged_at(staff_id: int, year: int, years: int) -> datetime:
    """Each autumn term, a few weeks either side of the version taking effect; in the last year a mix:
    most in date, some due soon, some a year old (overdue), some of last year's version."""
    if year < years - 1:
        day = date(DAY.year - years + 1 + year, 8, 20) + timedelta(days=(staff_id * 13 + year) % 80)
    elif staff_id % 10 == 3:
        day = date(DAY.year - 1, 10, 1) + timedelta(days=staff_id % 40)
    elif staff_id % 10 == 5:
        day = DAY - timedelta(days=350 + staff_id % 12)  # due within the month
    elif staff_id % 10 == 7:
        day = DAY - timedelta(days=380 + staff_id % 30)  # over a year ago
    else:
        day = DAY - timedelta(days=1 + (staff_id * 13) % 100)
    return datetime(day.year, day.month, day.day, 8 + staff_id % 8, staff_id % 60, tzinfo=UTC)


def big_database() -> Path:
    """The cached big database file, built on first use."""
    done = CACHE / "complete"
    if not done.exists():
        shutil.rmtree(CACHE, ignore_errors=True)
        started = time.perf_counter()
        build(CACHE / "data")
        done.write_text(f"built in {time.perf_counter() - started:.1f} s\n", encoding="utf-8")
    return CACHE / "data" / "holbrook.db"


def _open(data_dir: Path):
    from holbrook_desktop.app import App
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import Store

    store = Store.open(data_dir, Actor("bench", "window"), today=lambda: DAY)
    return App(REPO / "content", records=store), store


def measure_export(kind: str) -> dict:
    """In this process: statuses → rows → file, timed from the façade call to the file written; then
    the writer alone on 100,000 rows (ten policies' worth), should HR's file be that long."""
    import resource

    from holbrook_desktop.core.hr.exports import write_csv, write_xlsx

    write = write_csv if kind == "csv" else write_xlsx
    source = big_database()
    with tempfile.TemporaryDirectory(prefix="holbrook-bench-hr-") as temp:
        data_dir = Path(temp) / "data"
        data_dir.mkdir()
        shutil.copyfile(source, data_dir / "holbrook.db")
        service, store = _open(data_dir)
        started = time.perf_counter()
        statuses = service.hr.statuses(today=DAY)
        statuses_done = time.perf_counter()
        rows = service.hr.acknowledgement_rows(statuses)
        rows_done = time.perf_counter()
        written = write(rows, Path(temp) / f"export.{kind}")
        finished = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        store.close()
        many = rows * 10
        started_many = time.perf_counter()
        written_many = write(many, Path(temp) / f"many.{kind}")
        many_s = time.perf_counter() - started_many
        sizes = [(Path(temp) / f"{name}.{kind}").stat().st_size / 1e6 for name in ("export", "many")]
    assert written == len(statuses) == STAFF and written_many == 10 * STAFF, (written, len(statuses))
    return {"total_s": finished - started, "statuses_s": statuses_done - started,
            "rows_s": rows_done - statuses_done, "write_s": finished - rows_done, "many_s": many_s,
            "peak_mb": peak / 1024, "size_mb": sizes[0], "many_size_mb": sizes[1],
            "counts": dict(Counter(str(s.status) for s in statuses))}


def _in_child(kind: str) -> dict:
    code = (f"import sys, json; sys.path.insert(0, {str(REPO)!r}); "
            f"from bench.hr_exports import measure_export; print(json.dumps(measure_export({kind!r})))")
    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(finished.stdout.strip().splitlines()[-1])


def measure_filter() -> dict:
    """What a filter proxy does for each keystroke, without Qt: test every row's name, role and status
    against the text typed so far (case-insensitively)."""
    source = big_database()
    with tempfile.TemporaryDirectory(prefix="holbrook-bench-hr-") as temp:
        data_dir = Path(temp)
        shutil.copyfile(source, data_dir / "holbrook.db")
        service, store = _open(data_dir)
        statuses = service.hr.statuses(today=DAY)
        store.close()
    times, shown = [], []
    for _ in range(3):
        for typed in KEYSTROKES:
            needle = typed.casefold()
            started = time.perf_counter()
            kept = [s for s in statuses
                    if needle in s.member.full_name.casefold() or needle in s.member.role_label.casefold()
                    or needle in s.status.value]
            times.append(time.perf_counter() - started)
            shown.append(len(kept))
    times.sort()
    return {"median_ms": statistics.median(times) * 1000, "max_ms": times[-1] * 1000, "rows": len(statuses)}


def _result() -> dict[str, dict]:
    if not _measured:
        big_database()  # built once, before anything is timed
        _measured["csv"] = _in_child("csv")
        _measured["xlsx"] = _in_child("xlsx")
        _measured["filter"] = measure_filter()
    return _measured


def rows() -> list[tuple[str, str, str, float]]:
    result = _result()
    csv, xlsx, keystroke = result["csv"], result["xlsx"], result["filter"]
    return [
        ("statuses → HR export → CSV", "≤ 2 s", f"{csv['total_s']:.2f} s", csv["total_s"] / 2),
        ("statuses → HR export → XLSX", "≤ 15 s", f"{xlsx['total_s']:.2f} s", xlsx["total_s"] / 15),
        ("write 100,000 rows → CSV", "≤ 2 s", f"{csv['many_s']:.2f} s", csv["many_s"] / 2),
        ("write 100,000 rows → XLSX", "≤ 15 s", f"{xlsx['many_s']:.2f} s", xlsx["many_s"] / 15),
        ("status filter keystroke (median)", "≤ 100 ms", f"{keystroke['median_ms']:.1f} ms",
         keystroke["median_ms"] / 100),
        ("status filter keystroke (max)", "≤ 100 ms", f"{keystroke['max_ms']:.1f} ms",
         keystroke["max_ms"] / 100),
    ]


def info_rows() -> list[tuple[str, str]]:
    """No target: shown so that the parts and the memory are visible."""
    csv, xlsx = _result()["csv"], _result()["xlsx"]
    return [
        ("  statuses of 10,000 staff", f"{csv['statuses_s'] * 1000:.0f} ms"),
        ("  export rows, with quiz scores", f"{csv['rows_s'] * 1000:.0f} ms"),
        ("  write 10,000 rows → CSV", f"{csv['write_s'] * 1000:.0f} ms"),
        ("  write 10,000 rows → XLSX", f"{xlsx['write_s'] * 1000:.0f} ms"),
        ("  peak memory (RSS), CSV export", f"{csv['peak_mb']:.0f} MB"),
        ("  peak memory (RSS), XLSX export", f"{xlsx['peak_mb']:.0f} MB"),
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    started = time.perf_counter()
    result = _result()
    size = big_database().stat().st_size / 1e6
    print(f"database: {STAFF:,} staff × {YEARS} years = {STAFF * YEARS:,} acknowledgements, {size:.0f} MB "
          f"(cache: {CACHE}; {(CACHE / 'complete').read_text().strip()})")
    print(f"statuses: {result['csv']['counts']}")
    print(f"{'figure':<38}{'target':>10}{'measured':>12}{'ratio':>8}")
    for name, target, measured, ratio in rows():
        print(f"{name:<38}{target:>10}{measured:>12}{ratio:>8.2f}")
    for name, measured in info_rows():
        print(f"{name:<38}{'—':>10}{measured:>12}")
    print(f"files: CSV {result['csv']['size_mb']:.1f} MB, XLSX {result['xlsx']['size_mb']:.1f} MB "
          f"(100,000 rows: {result['csv']['many_size_mb']:.1f} MB, {result['xlsx']['many_size_mb']:.1f} MB); "
          f"whole run {time.perf_counter() - started:.1f} s")

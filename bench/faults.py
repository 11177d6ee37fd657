"""Fault injection while acknowledgements are signed: a filling disk, kill -9, a restored backup.

    python bench/faults.py [--runs 10] [--seed 1] [--faults disk,kill,restore] [--json FILE]

Each acknowledgement is a row in holbrook.db and a signed PDF attestations/attestation-NNNNNN.pdf
whose SHA-256 is in the row. A writer child (bench/faults_writer.py) prints a "promise" line only
after `acknowledge_on_behalf` has returned; every promise is checked afterwards. `--runs` rounds of
each fault:

 disk     a small tmpfs (3–8 MB) is mounted for the data folder and filled with a ballast file until
          4–400 KB are left; the writer signs until it fails. Its error must be a message (what the
          window shows), not a traceback. Then the ballast is freed, the promises are checked, and
          one more acknowledgement is signed. Needs `mount -t tmpfs`: as root, or else re-run inside
          `unshare -rm` (a user namespace); if neither works the fault is skipped, saying why.
 kill     the writer is killed with SIGKILL, in turn: at a random moment; 0-5 ms after a new PDF
          appears in attestations/ (written as attestation-N.pdf.pending inside the write
          transaction, before the commit, and given its name after it); or by itself at exactly
          such a point (faults_writer.py --self-kill: just after the pending PDF is written, just
          after the audit row, just after the commit, just after the PDF gets its name), since a
          kill from outside rarely lands in those few milliseconds. Then the records are reopened
          and checked, and one more acknowledgement is signed.
 restore  some acknowledgements over two days (each first open of a day takes a backup), then an
          older backup is put in place (Store.restore_newest_backup, `holbrook backup restore`, or a
          backup file copied over holbrook.db with the app closed); `holbrook records recover` puts
          back what the restore took away from the signed PDFs, and more are signed. Every promise,
          those made after the backup too, must then be on record, and `holbrook audit verify` pass.

Before and after each step the SHA-256 of every PDF in attestations/ is taken: a PDF whose bytes
changed is "overwritten", one that went is "deleted". Printed for each fault, as plain numbers:

    faults injected            full disks / kills / restores
    acknowledgements promised  promise lines (and in-process signatures) checked
    records lost               a promise whose record (same id and pdf_sha256) is not in the records
                               (after a restore: once `records recover` has run)
    PDFs overwritten           must be 0, like records lost
    PDFs without a record      attestation PDFs no record names, seen at any check (one overwritten
                               afterwards still counts; so do those of records a restore rolled
                               back, seen just after it and before `records recover` runs)
    records without their PDF  records whose PDF is missing or has other bytes, seen at any check

Exit status 1 if records are lost, a PDF is overwritten or deleted, a promised record's PDF is not
the promised one, the audit chain, `holbrook audit verify` (after every kill and every restore) or
integrity_check fails, the recovery refuses a PDF, or a full disk ends in a traceback.
tests/core/test_faults.py runs a short version.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WRITER = REPO / "bench" / "faults_writer.py"
CONTENT = REPO / "content"
POLICY = "social-media"
FIRST_DAY = date(2026, 9, 1)
FAULTS = ("disk", "kill", "restore")
TITLES = {
    "disk": "(a) small, filling disk",
    "kill": "(b) kill -9 mid-signature",
    "restore": "(c) restore a backup, then sign",
}
SELF_KILLS = ("pdf-written", "audit-appended", "committed", "linked")  # faults_writer.py --self-kill
# In turn, so that a short run meets the most telling first; the moments within each are random.
KILL_MODES = ("pdf-written", "committed", "a random moment", "audit-appended", "linked",
              "a new PDF appears", "0-5 ms after a new PDF appears")
SELF_KILL_WORDS = {"pdf-written": "(itself) just after the PDF was written under its pending name",
                   "audit-appended": "(itself) just after the audit row, before the commit",
                   "committed": "(itself) just after the commit, before the PDF got its name",
                   "linked": "(itself) just after the PDF got its name, before the pending one went"}
IN_USERNS = "HOLBROOK_FAULTS_IN_USERNS"
CHILD_ENV = {**os.environ, "PYTHONWARNINGS": "ignore"}  # pyHanko's DSA deprecation warning is noise


@dataclass(frozen=True)
class Promise:
    id: int
    pdf_sha256: str
    pdf_file: str


@dataclass
class Tally:
    """One fault's numbers; `problems` says what each failure was."""

    faults_injected: int = 0
    acknowledgements_promised: int = 0
    records_lost: int = 0
    pdfs_overwritten: int = 0
    pdfs_without_a_record: int = 0
    records_without_their_pdf: int = 0
    # Further figures, printed after the six above.
    pdfs_deleted: int = 0
    promised_pdfs_missing_or_changed: int = 0
    temporary_files_left: int = 0
    audit_chain_failures: int = 0
    integrity_failures: int = 0
    records_rolled_back_by_restore: int = 0  # restore only: taken away by the restore, then recovered
    records_recovered: int = 0  # restore only: put back from their signed PDFs by `records recover`
    pdfs_refused_by_recovery: int = 0  # restore only: must be 0
    tracebacks: int = 0  # disk only: a full disk that ended in a traceback rather than a message
    # Seen at any check (data folder, name): a PDF overwritten later still counts as having been one.
    seen_without_a_record: set = field(default_factory=set)
    seen_without_their_pdf: set = field(default_factory=set)
    seen_temporary: set = field(default_factory=set)
    overwritten_whose: Counter = field(default_factory=Counter)
    temporary_kinds: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    messages: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    skipped: str | None = None
    how: str = ""
    seconds: float = 0.0

    def figures(self) -> dict[str, object]:
        """As plain values (dataclasses.asdict garbles a Counter)."""
        return {name: dict(value) if isinstance(value, Counter) else value
                for name, value in vars(self).items() if not isinstance(value, set)} | {"failed": self.failed}

    @property
    def failed(self) -> bool:
        return bool(self.records_lost or self.pdfs_overwritten or self.pdfs_deleted
                    or self.promised_pdfs_missing_or_changed or self.audit_chain_failures
                    or self.integrity_failures or self.tracebacks or self.pdfs_refused_by_recovery)

    def count_seen(self) -> None:
        self.pdfs_without_a_record = len(self.seen_without_a_record)
        self.records_without_their_pdf = len(self.seen_without_their_pdf)
        self.temporary_files_left = len(self.seen_temporary)


# What is on disk ------------------------------------------------------------------------------


def pdf_snapshot(data_dir: Path) -> dict[str, str]:
    """attestations/<name> → SHA-256 of its bytes, for every PDF there."""
    folder = data_dir / "attestations"
    if not folder.is_dir():
        return {}
    return {f"attestations/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.iterdir() if p.name.endswith(".pdf")}


def compare_snapshots(before: dict[str, str], after: dict[str, str], tally: Tally, step: str, *,
                      named: set[str], rolled_back: set[str] = frozenset()) -> None:
    """Count the PDFs that were there before a step and changed or went during it. `named`: the PDFs
    records named before the step; `rolled_back`: those whose records a restore took away."""
    for name, sha in before.items():
        if name in named:
            whose = "a record's PDF"
        elif name in rolled_back:
            whose = "the PDF of a record the restore rolled back"
        else:
            whose = "a PDF without a record"
        if name not in after:
            tally.pdfs_deleted += 1
            tally.problems.append(f"{step}: {name} ({whose}) was deleted")
        elif after[name] != sha:
            tally.pdfs_overwritten += 1
            tally.overwritten_whose[whose] += 1
            tally.problems.append(f"{step}: {name} ({whose}) was overwritten with other bytes")


@dataclass
class State:
    records: dict[int, tuple[str, str]]  # id → (pdf_file, pdf_sha256)
    pdfs: dict[str, str]
    pdfs_without_a_record: list[str]
    records_without_their_pdf: list[int]
    temporary_files: list[str]

    @property
    def named(self) -> set[str]:
        return {pdf_file for pdf_file, _ in self.records.values()}


def check(data_dir: Path, day: date, promises: list[Promise], tally: Tally, step: str, *,
          rolled_back: set[int] = frozenset()) -> State:
    """Reopen the records and check every promise (but those a restore rolled back), the audit chain
    and the database's integrity; return what is there."""
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import Store

    store = Store.open(data_dir, Actor("fault-check", "cli"), today=lambda: day)
    try:
        records = {row[0]: (row[1], row[2]) for row in store.db.execute(
            "SELECT id, pdf_file, pdf_sha256 FROM acknowledgements")}
        integrity = [row[0] for row in store.db.execute("PRAGMA integrity_check").fetchall()]
        report = store.verify_audit()
    finally:
        store.close()
    if integrity != ["ok"]:
        tally.integrity_failures += 1
        tally.problems.append(f"{step}: integrity_check {integrity[:3]}")
    if not report.ok:
        tally.audit_chain_failures += 1
        tally.problems.append(f"{step}: audit chain broken at row {report.first_bad_row}: {report.problem}")
    pdfs = pdf_snapshot(data_dir)
    for promise in promises:
        if promise.id in rolled_back:
            continue
        if records.get(promise.id, (None, None))[1] != promise.pdf_sha256:
            tally.records_lost += 1
            tally.problems.append(f"{step}: promised record {promise.id} ({promise.pdf_sha256[:12]}) is "
                                  f"{'missing' if promise.id not in records else 'another record now'}")
        elif pdfs.get(promise.pdf_file) != promise.pdf_sha256:
            tally.promised_pdfs_missing_or_changed += 1
            tally.problems.append(f"{step}: the PDF of promised record {promise.id} is "
                                  f"{'missing' if promise.pdf_file not in pdfs else 'not the promised one'}")
    named = {pdf_file for pdf_file, _ in records.values()}
    state = State(records, pdfs, sorted(set(pdfs) - named),
                  sorted(i for i, (f, sha) in records.items() if pdfs.get(f) != sha),
                  sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*")
                         if p.name.endswith((".part", ".partial"))))
    where = str(data_dir)
    tally.seen_without_a_record |= {(where, name, pdfs[name]) for name in state.pdfs_without_a_record}
    tally.seen_without_their_pdf |= {(where, i, records[i][1]) for i in state.records_without_their_pdf}
    tally.seen_temporary |= {(where, name) for name in state.temporary_files}
    for name in state.temporary_files:
        tally.temporary_kinds[_general(name, data_dir)] += 1
    return state


def sign_in_process(data_dir: Path, day: date, count: int, tag: str) -> list[Promise]:
    """`count` acknowledgements signed here, the way the window would (one person after another)."""
    from holbrook_desktop.app import App
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import Store

    store = Store.open(data_dir, Actor("fault-office", "cli"), today=lambda: day)
    promises = []
    try:
        app = App(CONTENT, records=store, today=lambda: day)
        staff = [member.id for member in store.staff.list()]
        for i in range(count):
            record = app.attestation.acknowledge_on_behalf(staff[i % len(staff)], POLICY,
                                                           note=f"signed on paper ({tag} {i})")
            promises.append(Promise(record.id, record.pdf_sha256, record.pdf_file))
    finally:
        store.close()
    return promises


def make_template(folder: Path) -> list[Promise]:
    """A data folder with three staff, the signing key, two acknowledgements and a backup (FIRST_DAY)."""
    from holbrook_desktop.app import App
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import NewStaffMember, Store

    store = Store.open(folder, Actor("fault-setup", "cli"), today=lambda: FIRST_DAY)
    try:
        app = App(CONTENT, records=store, today=lambda: FIRST_DAY)
        staff = (("Ann Smith", "teacher"), ("Ben Jones", "office"), ("Zoë Łukasiewicz", "governor"))
        for name, role in staff:
            app.hr.add_staff(NewStaffMember(name, role, FIRST_DAY))
        app.attestation.create_signing_key()
    finally:
        store.close()
    promises = sign_in_process(folder, FIRST_DAY, 2, "template")
    Store.open(folder, Actor("fault-setup", "cli"), today=lambda: FIRST_DAY + timedelta(days=-1)).close()
    return promises


def audit_verify_cli(data_dir: Path, tally: Tally, step: str) -> None:
    """`holbrook --data-dir D audit verify`, as the office would run it."""
    done = subprocess.run([sys.executable, "-m", "holbrook_desktop", "--data-dir", str(data_dir), "audit",
                           "verify"], capture_output=True, text=True, cwd=REPO, env=CHILD_ENV, timeout=60)
    if done.returncode != 0:
        tally.audit_chain_failures += 1
        tally.problems.append(f"{step}: holbrook audit verify: {(done.stdout + done.stderr).strip()[-300:]}")


# The writer child ------------------------------------------------------------------------------


@contextlib.contextmanager
def writer(data_dir: Path, logs: Path, day: date, tag: str, *extra: str
           ) -> Iterator[tuple[subprocess.Popen, Path, Path]]:
    """The writer child; its stdout and stderr go to files in `logs` (not on the small disk)."""
    out_path, err_path = logs / f"writer-{tag}.out", logs / f"writer-{tag}.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        child = subprocess.Popen([sys.executable, str(WRITER), str(data_dir), day.isoformat(), tag, *extra],
                                 stdout=out, stderr=err, cwd=REPO, env=CHILD_ENV)
        try:
            yield child, out_path, err_path
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()


def promises_in(out_path: Path) -> list[Promise]:
    complete = out_path.read_text(encoding="utf-8").split("\n")[:-1]  # a last line cut short promised nothing
    return [Promise(int(parts[1]), parts[2], parts[3])
            for parts in (line.split() for line in complete) if parts and parts[0] == "promise"]


def wait_for_ready(out_path: Path, child: subprocess.Popen, err_path: Path) -> bool:
    deadline = time.monotonic() + 60
    while b"ready\n" not in out_path.read_bytes():
        if child.poll() is not None:
            return False
        if time.monotonic() > deadline:
            raise RuntimeError(f"writer not ready after 60 s: {err_path.read_text()[-500:]}")
        time.sleep(0.005)
    return True


def _general(text: str, data_dir: Path) -> str:
    """A message with this run's paths and numbers taken out, so that alike messages count together."""
    text = text.replace(str(data_dir), "DATA")
    return re.sub(r"\d{4}-\d\d-\d\d|\d+", "N", text)


# (a) a small, filling disk -------------------------------------------------------------------


def small_disk_problem(where: Path) -> str | None:
    """None if a tmpfs can be mounted (and unmounted) here, else why not."""
    point = where / "probe"
    point.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(point)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            return f"mount -t tmpfs failed: {(done.stderr or done.stdout).strip() or done.returncode}"
        subprocess.run(["umount", str(point)], check=True, capture_output=True)
        return None
    except (OSError, subprocess.CalledProcessError) as exc:
        return f"cannot mount a small filesystem: {exc}"
    finally:
        point.rmdir()


@contextlib.contextmanager
def tmpfs(point: Path, megabytes: int) -> Iterator[Path]:
    point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=0700", "tmpfs", str(point)],
                   check=True, capture_output=True)
    try:
        yield point
    finally:
        done = subprocess.run(["umount", str(point)], capture_output=True, text=True)
        if done.returncode != 0:  # something still holds a file open: detach it rather than leave it
            subprocess.run(["umount", "-l", str(point)], capture_output=True)
        point.rmdir()


def free_bytes(path: Path) -> int:
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


def fill(disk: Path, leave: int) -> None:
    """A ballast file taking all but about `leave` bytes."""
    block = b"\0" * (1 << 20)
    with (disk / "ballast").open("wb") as ballast:
        while (room := free_bytes(disk) - leave) > 0:
            ballast.write(block[:min(len(block), room)])
            ballast.flush()


def disk_round(number: int, temp: Path, template: Path, base: list[Promise], rng: random.Random,
               tally: Tally, last: bool) -> None:
    megabytes = rng.choice((3, 4, 6, 8))
    leave = int(math.exp(rng.uniform(math.log(4 << 10), math.log(400 << 10))))
    day = FIRST_DAY + timedelta(days=rng.choice((-1, number + 1)))  # a new day also tries a backup
    step = f"disk round {number} ({megabytes} MB, {leave >> 10} KB left)"
    with tmpfs(temp / f"disk{number}", megabytes) as disk:
        data_dir = disk / "data"
        shutil.copytree(template, data_dir)
        fill(disk, leave)
        before = pdf_snapshot(data_dir)
        with writer(data_dir, temp, day, f"d{number}", "--seconds", "20") as (child, out_path, err_path):
            child.wait(timeout=60)
        promises = promises_in(out_path)
        errors = [line for line in err_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        tally.faults_injected += 1
        tally.acknowledgements_promised += len(promises)
        for line in errors:
            if not line.startswith(("Traceback", "  ")):
                tally.messages[_general(line, data_dir)] += 1
        if child.returncode == 3:
            full = any("disk is full" in line or "No space" in line for line in errors)
            tally.outcomes["a message: disk full" if full else "a message, not 'disk is full'"] += 1
        elif child.returncode == 0:
            tally.outcomes["no error: the disk never filled"] += 1
        else:
            tally.tracebacks += 1
            tally.outcomes["a traceback"] += 1
            tally.problems.append(f"{step}: the writer ended with status {child.returncode}: "
                                  f"{errors[-1] if errors else '(no message)'}")
        (disk / "ballast").unlink()
        all_promises = base + promises
        state = check(data_dir, day, all_promises, tally, step)
        compare_snapshots(before, state.pdfs, tally, step + ", writer", named=state.named)
        # The office frees some space and signs again.
        try:
            again = sign_in_process(data_dir, day, 1, f"d{number}-again")
        except Exception as exc:
            tally.problems.append(f"{step}: signing after the disk was freed failed: "
                                  f"{type(exc).__name__}: {exc}")
            again = []
        tally.acknowledgements_promised += len(again)
        final = check(data_dir, day, all_promises + again, tally, step + ", after freeing")
        compare_snapshots(state.pdfs, final.pdfs, tally, step + ", signing again", named=state.named)
        if last:
            audit_verify_cli(data_dir, tally, step)


# (b) kill -9 mid-signature ----------------------------------------------------------------------


def kill_round(number: int, data_dir: Path, promises: list[Promise], rng: random.Random,
               tally: Tally, last: bool) -> None:
    mode = KILL_MODES[number % len(KILL_MODES)]
    day = FIRST_DAY + timedelta(days=rng.choice((-1, number + 1)))
    step = f"kill round {number} (when {mode})"
    before_state = check(data_dir, day, promises, tally, step + ", before")
    folder = data_dir / "attestations"
    extra = ("--self-kill", mode, "--at", str(1 + rng.randrange(3))) if mode in SELF_KILLS else ()
    with writer(data_dir, data_dir.parent, day, f"k{number}", "--seconds", "15", *extra) as (
            child, out_path, err_path):
        if not wait_for_ready(out_path, child, err_path) and not extra:
            raise RuntimeError(f"writer ended before it was ready: {err_path.read_text()[-800:]}")
        if extra:
            child.wait(timeout=30)  # it kills itself
            mode = SELF_KILL_WORDS[mode]
        elif mode == "a random moment":
            time.sleep(rng.uniform(0.0, 0.8))
        else:
            # The PDF is written under its pending name inside the write transaction: this kill
            # lands between the two.
            wanted = 1 + rng.randrange(3)  # the first, second or third new one
            known = set(os.listdir(folder))
            deadline = time.monotonic() + 5
            while len({name.removesuffix(".pending") for name in set(os.listdir(folder)) - known
                       if name.endswith((".pdf", ".pdf.pending"))}) < wanted:
                if time.monotonic() > deadline:
                    mode = "no new PDF appeared in 5 s"
                    break
            if mode.startswith("0-5 ms"):
                time.sleep(rng.uniform(0.0, 0.005))
        tally.outcomes[f"killed when {mode}"] += 1
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    if child.returncode != -signal.SIGKILL:
        tally.problems.append(f"{step}: the writer ended by itself ({child.returncode}): "
                              f"{err_path.read_text()[-300:]}")
    tally.faults_injected += 1
    new = promises_in(out_path)
    tally.acknowledgements_promised += len(new)
    promises.extend(new)
    state = check(data_dir, day, promises, tally, step)
    compare_snapshots(before_state.pdfs, state.pdfs, tally, step + ", killed writer",
                      named=before_state.named)
    # Someone else signs at once on the same records (the next person at the PC).
    again = sign_in_process(data_dir, day, 1, f"k{number}-again")
    tally.acknowledgements_promised += len(again)
    promises.extend(again)
    final = check(data_dir, day, promises, tally, step + ", signing again")
    compare_snapshots(state.pdfs, final.pdfs, tally, step + ", signing again", named=state.named)
    audit_verify_cli(data_dir, tally, step)  # after every kill: no PDF left that attests to nothing


# (c) restore a backup, then sign -----------------------------------------------------------------


def restore_round(number: int, temp: Path, template: Path, base: list[Promise], rng: random.Random,
                  tally: Tally, last: bool) -> None:
    from holbrook_desktop.core.records import Store
    from holbrook_desktop.core.records.backups import existing_backups

    data_dir = temp / f"restore{number}" / "data"
    shutil.copytree(template, data_dir)
    database = data_dir / "holbrook.db"
    promises = list(base)
    for offset in (1, 2):  # the first open of each day backs up what was there before it
        day = FIRST_DAY + timedelta(days=offset)
        promises += sign_in_process(data_dir, day, 1 + rng.randrange(3), f"c{number}-{offset}")
    step_state = check(data_dir, day, promises, tally, f"restore round {number}, before")
    how = ("Store.restore_newest_backup", "holbrook backup restore", "a backup copied over holbrook.db")[
        number % 3]
    if how == "Store.restore_newest_backup":
        used = Store.restore_newest_backup(data_dir, replace_healthy=True)  # the person said yes
    elif how == "holbrook backup restore":
        used = existing_backups(database)[0]
        subprocess.run([sys.executable, "-m", "holbrook_desktop", "--data-dir", str(data_dir), "backup",
                        "restore", "--yes"], check=True, capture_output=True, cwd=REPO, env=CHILD_ENV,
                       timeout=60)
    else:
        used = rng.choice(existing_backups(database))  # any backup, not only the newest
        for suffix in ("-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        shutil.copyfile(used, database)
    tally.faults_injected += 1
    tally.outcomes[f"restored with {how}"] += 1
    kept = records_in(used)
    rolled_back = {p.id for p in promises if (p.id, p.pdf_sha256) not in kept}
    tally.records_rolled_back_by_restore += len(rolled_back)
    step = f"restore round {number} ({how}, {used.name})"
    restored = check(data_dir, day, promises, tally, step + ", restored", rolled_back=rolled_back)
    compare_snapshots(step_state.pdfs, restored.pdfs, tally, step + ", restoring", named=step_state.named)
    # What the restore took away comes back from the signed PDFs (`holbrook backup restore` has done it
    # already; run again it finds nothing to do): from here on, no promise may be missing.
    recover_cli(data_dir, tally, step)
    recovered = check(data_dir, day, promises, tally, step + ", recovered")
    compare_snapshots(restored.pdfs, recovered.pdfs, tally, step + ", recovering", named=restored.named)
    audit_verify_cli(data_dir, tally, step + ", recovered")
    after = sign_in_process(data_dir, day, 1 + rng.randrange(3), f"c{number}-after")
    tally.acknowledgements_promised += len(promises) - len(base) + len(after)
    final = check(data_dir, day, promises + after, tally, step + ", signed again")
    compare_snapshots(recovered.pdfs, final.pdfs, tally, step + ", signing after the restore",
                      named=recovered.named)
    audit_verify_cli(data_dir, tally, step + ", signed again")


def recover_cli(data_dir: Path, tally: Tally, step: str) -> None:
    """`holbrook --data-dir D records recover --json`, as the office would run it after a restore."""
    done = subprocess.run([sys.executable, "-m", "holbrook_desktop", "--data-dir", str(data_dir), "records",
                           "recover", "--json"], capture_output=True, text=True, cwd=REPO, env=CHILD_ENV,
                          timeout=120)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        report = {"recovered": [], "refused": [{"pdf_file": "?", "reason": done.stderr.strip()[-300:]}]}
    tally.records_recovered += len(report["recovered"])
    tally.pdfs_refused_by_recovery += len(report["refused"])
    for refused in report["refused"]:
        tally.problems.append(f"{step}: holbrook records recover refused {refused['pdf_file']}: "
                              f"{refused['reason']}")
    if done.returncode != 0 and not report["refused"]:
        tally.pdfs_refused_by_recovery += 1
        tally.problems.append(f"{step}: holbrook records recover exited {done.returncode}")


def records_in(backup: Path) -> set[tuple[int, str]]:
    """(id, pdf_sha256) of every acknowledgement in a backup file: what a restore of it must bring back."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(f"file:{backup}?mode=ro&immutable=1", uri=True)) as db:
        return set(db.execute("SELECT id, pdf_sha256 FROM acknowledgements"))


# Running it -------------------------------------------------------------------------------------


def run(faults: list[str], runs: int, seed: int) -> dict[str, Tally]:
    rng = random.Random(seed)
    tallies: dict[str, Tally] = {}
    with tempfile.TemporaryDirectory(prefix="holbrook-faults-") as temp_name:
        temp = Path(temp_name)
        template = temp / "template"
        base = make_template(template)
        for fault in faults:
            tally = tallies[fault] = Tally()
            started = time.monotonic()
            if fault == "disk":
                tally.skipped = small_disk_problem(temp)
                tally.how = "tmpfs of 3-8 MB with 4-400 KB left, mounted " + (
                    "inside `unshare -rm` (a user namespace)" if os.environ.get(IN_USERNS) else "as root")
                for number in range(0 if tally.skipped else runs):
                    disk_round(number, temp, template, base, rng, tally, last=number == runs - 1)
            elif fault == "kill":
                data_dir = temp / "kill" / "data"
                shutil.copytree(template, data_dir)
                promises = list(base)
                for number in range(runs):
                    kill_round(number, data_dir, promises, rng, tally, last=number == runs - 1)
            else:
                for number in range(runs):
                    restore_round(number, temp, template, base, rng, tally, last=number == runs - 1)
            tally.count_seen()
            tally.seconds = time.monotonic() - started
    return tallies


MAIN_FIGURES = ("faults_injected", "acknowledgements_promised", "records_lost", "pdfs_overwritten",
                "pdfs_without_a_record", "records_without_their_pdf")
LABELS = {"pdfs_overwritten": "PDFs overwritten", "pdfs_without_a_record": "PDFs without a record",
          "records_without_their_pdf": "records without their PDF", "pdfs_deleted": "PDFs deleted",
          "promised_pdfs_missing_or_changed": "promised PDFs missing or changed"}


def label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " "))


def report(tallies: dict[str, Tally], out=sys.stdout) -> None:
    for fault, tally in tallies.items():
        print(f"{TITLES[fault]}:", file=out)
        if tally.skipped:
            print(f"  skipped: {tally.skipped}", file=out)
            continue
        if tally.how:
            print(f"  disk: {tally.how}", file=out)
        values = tally.figures()
        extras = [n for n, v in values.items() if type(v) is int and n not in MAIN_FIGURES
                  and (v or n == "pdfs_deleted")]
        for name in (*MAIN_FIGURES, *extras):
            print(f"  {label(name) + ':':<36}{values[name]}", file=out)
        for whose, count in sorted(tally.overwritten_whose.items()):
            print(f"  PDFs overwritten, {whose}: {count}", file=out)
        for kind, count in sorted(tally.temporary_kinds.items()):
            print(f"  temporary file left: {kind} (at {count} checks)", file=out)
        for outcome, count in sorted(tally.outcomes.items()):
            print(f"  outcome: {outcome}: {count}", file=out)
        for message, count in tally.messages.most_common(6):
            print(f"  child's stderr ({count}×): {message[:240]}", file=out)
        for problem in tally.problems[:12]:
            print(f"  FAIL {problem}", file=out)
        if len(tally.problems) > 12:
            print(f"  … and {len(tally.problems) - 12} more", file=out)
        print(f"  time: {tally.seconds:.1f} s", file=out)
    counted = [t for t in tallies.values() if not t.skipped]
    print("all faults:", file=out)
    for name in MAIN_FIGURES:
        print(f"  {label(name) + ':':<36}{sum(getattr(t, name) for t in counted)}", file=out)


def rerun_in_user_namespace(argv: list[str]) -> int | None:
    """Not root: the same command inside `unshare -rm` (where tmpfs may be mounted), or None if that
    cannot be done here."""
    if os.geteuid() == 0 or os.environ.get(IN_USERNS) or not shutil.which("unshare"):
        return None
    if subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        return None
    return subprocess.run(["unshare", "-rm", sys.executable, str(Path(__file__).resolve()), *argv],
                          env={**os.environ, IN_USERNS: "1"}).returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="rounds of each fault (default 10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--faults", default=",".join(FAULTS),
                        help="which, comma-separated: disk,kill,restore (default all)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    faults = [f.strip() for f in args.faults.split(",") if f.strip()]
    if unknown := set(faults) - set(FAULTS):
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    if "disk" in faults and (status := rerun_in_user_namespace(argv)) is not None:
        return status
    warnings.filterwarnings("ignore", message="DSA is deprecated")  # pyHanko's import, not ours
    tallies = run(faults, args.runs, args.seed)
    report(tallies)
    if args.json:
        args.json.write_text(json.dumps({f: t.figures() for f, t in tallies.items()}, indent=2,
                                        ensure_ascii=False), encoding="utf-8")
    return 1 if any(t.failed for t in tallies.values()) else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())

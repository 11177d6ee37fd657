"""Faults while acknowledgements are signed: the short version of bench/faults.py.

Two rounds of each fault, in one run of the bench script (about 40 s): a small tmpfs filled until the
writer fails, kill -9 inside the signing transaction (just after the pending PDF is written, and just
after the commit, before the PDF gets its name), an older backup put in place, the acknowledgements it
took away recovered from their signed PDFs, and then more signatures. Every acknowledgement the writer
was told had succeeded must still be there with its PDF (those made after the backup too), no PDF that
existed may be overwritten or deleted, and `holbrook audit verify` must pass after each kill and each
restore. The bench does ten rounds of each.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest

from tests.conftest import REPO

RUNS = 2
SEED = 20260901

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL") or sys.platform == "win32",
                                reason="needs SIGKILL and tmpfs (Linux)")

# What makes the bench exit 1.
FAILURES = ("records_lost", "pdfs_overwritten", "pdfs_deleted", "promised_pdfs_missing_or_changed",
            "audit_chain_failures", "integrity_failures", "tracebacks", "pdfs_refused_by_recovery")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("faults") / "faults.json"
    done = subprocess.run([sys.executable, str(REPO / "bench" / "faults.py"), "--runs", str(RUNS),
                           "--seed", str(SEED), "--json", str(out)],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode in (0, 1) and out.exists(), done.stdout + done.stderr[-3000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    failed = any(f["failed"] for f in figures.values())
    assert done.returncode == (1 if failed else 0), done.stdout  # the exit status says what the figures say
    return figures


def judge(figures: dict) -> None:
    """Fail on any failure, naming the first problems."""
    assert figures["faults_injected"] == RUNS
    assert figures["acknowledgements_promised"] > 0, "nothing was signed: the faults tested nothing"
    found = {name: figures[name] for name in FAILURES if figures[name]}
    problems = "\n".join(figures["problems"][:8])
    assert not found, f"{found}:\n{problems}"


def test_a_small_disk_filling_up_loses_no_promised_record(report):
    figures = report["disk"]
    if figures["skipped"]:
        pytest.skip(f"the full-disk fault needs a small filesystem, and none could be mounted here "
                    f"(neither as root nor in `unshare -rm`): {figures['skipped']}")
    # Each round filled the disk: the writer stopped with an error, not by running out of time.
    assert "no error: the disk never filled" not in figures["outcomes"], figures["outcomes"]
    judge(figures)


def test_kill_9_mid_signature_loses_no_promised_record(report):
    figures = report["kill"]
    judge(figures)
    assert figures["pdfs_without_a_record"] == 0, figures["problems"]


def test_restoring_a_backup_then_recovering_loses_no_acknowledgement(report):
    figures = report["restore"]
    assert figures["records_rolled_back_by_restore"] > 0, "the backups restored were not older"
    judge(figures)  # records lost counts those made after the backup too

"""Faults while acknowledgements are signed: the short version of bench/faults.py.

Two rounds of each fault, in one run of the bench script (about 20 s): a small tmpfs filled until the
writer fails, kill -9 inside the signing transaction, an older backup put in place and then more
signatures. Every acknowledgement the writer was told had succeeded must still be there with its PDF,
and no PDF that existed may be overwritten or deleted. The bench does ten rounds of each.

Known failures of the current records code, being fixed on another branch, are expected (xfail, not
strict) by name; anything else fails:

- PDF numbers reused: a new acknowledgement is numbered max(id) + 1 of the records and its PDF is put
  in place with os.replace, over whatever file has that name — a PDF left by a signature killed
  before its commit, or the PDF of a record that a restored backup no longer has (exclusive PDF
  creation and numbering above the existing PDFs are the fix).
- full-disk handling: a full disk that ends in a traceback instead of the app's message.
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

# What makes the bench exit 1; a figure named in a test's `known` is expected to be non-zero for now.
FAILURES = ("records_lost", "pdfs_overwritten", "pdfs_deleted", "promised_pdfs_missing_or_changed",
            "audit_chain_failures", "integrity_failures", "tracebacks")
NUMBERS_REUSED = ("PDF numbers reused: the next record's number is max(id) + 1 and its PDF replaces a file "
                  "of that name ({}); exclusive PDF creation and numbering above existing PDFs are "
                  "being fixed on another branch")
FULL_DISK = "full-disk handling: a full disk ended in a traceback, not the app's message (being fixed)"


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


def judge(figures: dict, known: dict[str, str]) -> None:
    """Fail on any failure not in `known`; xfail, naming them, if there are only known ones."""
    assert figures["faults_injected"] == RUNS
    assert figures["acknowledgements_promised"] > 0, "nothing was signed: the faults tested nothing"
    found = {name: figures[name] for name in FAILURES if figures[name]}
    problems = "\n".join(figures["problems"][:8])
    unknown = {name: n for name, n in found.items() if name not in known}
    if unknown:
        pytest.fail(f"{unknown}:\n{problems}")
    if found:
        pytest.xfail("; ".join(f"{known[name]} [{name}: {n}]" for name, n in found.items()))


def test_a_small_disk_filling_up_loses_no_promised_record(report):
    figures = report["disk"]
    if figures["skipped"]:
        pytest.skip(f"the full-disk fault needs a small filesystem, and none could be mounted here "
                    f"(neither as root nor in `unshare -rm`): {figures['skipped']}")
    # Each round filled the disk: the writer stopped with an error, not by running out of time.
    assert "no error: the disk never filled" not in figures["outcomes"], figures["outcomes"]
    judge(figures, {"tracebacks": FULL_DISK, "pdfs_overwritten": NUMBERS_REUSED.format(
        "a PDF left by the failed write")})


def test_kill_9_mid_signature_loses_no_promised_record(report):
    judge(report["kill"], {"pdfs_overwritten": NUMBERS_REUSED.format(
        "a PDF put in place by a signature killed before its commit")})


def test_restoring_a_backup_then_signing_overwrites_no_pdf(report):
    figures = report["restore"]
    assert figures["records_rolled_back_by_restore"] > 0, "the backups restored were not older"
    judge(figures, {"pdfs_overwritten": NUMBERS_REUSED.format(
        "the PDF of a record the restored backup does not have")})

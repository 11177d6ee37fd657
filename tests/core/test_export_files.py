"""HR's files: CSV cells holding either separator Excel may use are quoted; every export is private."""

from __future__ import annotations

import csv
import io
import os
import sys

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.hr.exports import csv_line

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


def _run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_cell_with_a_semicolon_or_comma_is_quoted_and_plain_ones_are_not():
    cells = ["Smith; John", "Jones, Ann", 'The "Head"', "two\nlines", "Plain text", ""]
    line = csv_line(cells)
    assert line == '"Smith; John","Jones, Ann","The ""Head""","two\nlines",Plain text,\r\n'
    assert next(csv.reader(io.StringIO(line))) == cells
    # Excel where the comma is the decimal mark splits on ";": the quoted cell is not split there.
    assert next(csv.reader(io.StringIO(csv_line(["Smith; John", "Plain"])), delimiter=";")) == [
        "Smith; John,Plain"]


@pytest.fixture
def school(tmp_path, capsys):
    data = tmp_path / "data"
    for name in ("Smith; John", "Jones, Ann", "Plain Person"):
        assert _run(capsys, "--data-dir", data, "staff", "add", "--name", name, "--role", "volunteer")[0] == 0
    assert _run(capsys, "--data-dir", data, "acknowledgement", "record", "--staff", 1, "--policy",
                "social-media", "--note", "Paper form; signed at induction, in the office")[0] == 0
    return data


def test_the_exported_csv_quotes_both_separators(school, tmp_path, capsys):
    out = tmp_path / "acks.csv"
    assert _run(capsys, "--data-dir", school, "export", "acknowledgements", "-o", out)[0] == 0
    text = out.read_text(encoding="utf-8-sig")
    assert '"Smith; John"' in text and '"Jones, Ann"' in text and "\nPlain Person," in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["Name"] for r in rows) == ["Jones, Ann", "Plain Person", "Smith; John"]


@posix_only
def test_every_export_is_private_whatever_the_umask(school, tmp_path, capsys):
    before = os.umask(0o022)
    try:
        files = [tmp_path / "acks.csv", tmp_path / "acks.xlsx", tmp_path / "report.pdf",
                 tmp_path / "copy.pdf"]
        assert _run(capsys, "--data-dir", school, "export", "acknowledgements", "-o", files[0])[0] == 0
        assert _run(capsys, "--data-dir", school, "export", "acknowledgements", "-o", files[1])[0] == 0
        assert _run(capsys, "--data-dir", school, "export", "report", "-o", files[2])[0] == 0
        assert _run(capsys, "--data-dir", school, "attestation", "save", 1, "-o", files[3])[0] == 0
        assert _run(capsys, "--data-dir", school, "export", "attestations", "-o", tmp_path / "hr")[0] == 0
        sar = tmp_path / "sar"
        assert _run(capsys, "--data-dir", school, "subject-access", "export", 1, "-o", sar)[0] == 0
        files += [*(tmp_path / "hr").iterdir(), *next(sar.iterdir()).iterdir()]
    finally:
        os.umask(before)
    assert len(files) == 9  # the subject-access folder: README, data.json, summary.html, PDF, signature
    assert {path.name: path.stat().st_mode & 0o777 for path in files} == {path.name: 0o600 for path in files}

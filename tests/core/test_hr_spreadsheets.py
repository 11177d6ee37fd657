"""HR's spreadsheets open right (issue 17, point 6): quiz scores that cannot become dates, staff
numbers that keep their leading zeros, people by surname, the policy's title, and an XLSX with a
filter that prints landscape on A4 a page wide; checked in LibreOffice where it is installed."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.hr.exports import AcknowledgementRow, surname_key, write_csv, write_xlsx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _row(name, number, score="8/10", **changes):
    values = dict(name=name, role="Teacher", staff_number=number, email=None, policy_id="social-media",
                  status="acknowledged", version_label="2026 edition", policy_sha256="a" * 64,
                  acknowledged_at=datetime(2026, 9, 10, 10, 5, tzinfo=UTC), quiz_score=score,
                  due=date(2027, 9, 10), record_id=7, policy_title="Social Media Policy")
    values.update(changes)
    return AcknowledgementRow(**values)


@pytest.fixture
def school(tmp_path, capsys):
    data = str(tmp_path / "data")
    people = (("Siân Ó Rourke", "00123"), ("Ann Smith", "00042"), ("Jan van der Berg", "T7"),
              ("Bob Adams", "-1"), ("Zoë O'Brien", None))
    for name, number in people:
        extra = ("--staff-number", number) if number else ()
        assert _run(capsys, "--data-dir", data, "staff", "add", "--name", name, "--role", "teacher",
                    *extra, "--start-date", "2024-09-01")[0] == 0
    return data


def test_the_csv_writes_scores_as_two_numbers_and_digit_staff_numbers_as_text(tmp_path):
    write_csv([_row("Siân Ó Rourke", "00123"), _row("Bob Adams", "=1+1", score=None)], tmp_path / "a.csv")
    text = (tmp_path / "a.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert "Quiz score" not in header and header[9:11] == ["Quiz correct", "Quiz total"]
    assert rows[1][2] == '="00123"' and rows[1][9:11] == ["8", "10"] and rows[1][4] == "Social Media Policy"
    assert rows[2][2] == "'=1+1" and rows[2][9:11] == ["", ""]  # the formula guard still holds
    assert '"=""00123"""' in text.splitlines()[1]  # RFC 4180 quoting of the quote marks


def test_both_files_list_people_by_surname_with_the_policy_title(school, tmp_path, capsys):
    from openpyxl import load_workbook

    expected = ["Bob Adams", "Zoë O'Brien", "Siân Ó Rourke", "Ann Smith", "Jan van der Berg"]
    assert sorted(expected, key=surname_key) == expected
    csv_out, xlsx_out = tmp_path / "acks.csv", tmp_path / "acks.xlsx"
    for out in (csv_out, xlsx_out):
        assert _run(capsys, "--data-dir", school, "export", "acknowledgements", "-o", str(out))[0] == 0
    rows = list(csv.DictReader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))))
    assert [r["Name"] for r in rows] == expected
    assert {r["Policy"] for r in rows} == {"Social Media Policy"}
    assert rows[2]["Staff number"] == '="00123"' and rows[0]["Staff number"] == "'-1"
    sheet = load_workbook(xlsx_out).active
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == expected
    assert sheet.cell(4, 3).value == "00123" and sheet.cell(4, 3).data_type == "s"
    assert sheet.cell(2, 5).value == "Social Media Policy"


def test_the_xlsx_has_a_filter_and_prints_landscape_on_a4_a_page_wide(tmp_path):
    from openpyxl import load_workbook

    assert write_xlsx([_row("Ann Smith", "00042"), _row("Bob Adams", "7")], tmp_path / "a.xlsx") == 2
    sheet = load_workbook(tmp_path / "a.xlsx").active
    assert sheet.auto_filter.ref == "A1:M3"
    setup = sheet.page_setup
    assert (setup.orientation, str(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == \
        ("landscape", "9", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$1:$1"
    assert [sheet.cell(2, c).value for c in (3, 10, 11)] == ["00042", 8, 10]


def _open_in_libreoffice(path, tmp_path):
    """The CSV as LibreOffice Calc reads it (UTF-8, English (UK), special numbers such as dates
    detected, as a spreadsheet does when HR double-clicks a file), saved as XLSX and read back."""
    from openpyxl import load_workbook

    out = tmp_path / "lo"
    profile = f"-env:UserInstallation=file://{tmp_path}/lo-profile"  # not the user's own settings
    subprocess.run([SOFFICE, "--headless", "--norestore", profile,
                    "--infilter=CSV:44,34,76,1,,2057,false,true", "--convert-to", "xlsx",
                    "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    return load_workbook(out / f"{path.stem}.xlsx", data_only=True).active


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: "
                                            "apt-get install libreoffice-calc-nogui")
def test_libreoffice_opens_the_csv_with_zeros_kept_and_no_dates_made_of_scores(tmp_path):
    path = tmp_path / "acknowledgements.csv"
    write_csv([_row("Siân Ó Rourke", "00123"), _row("Ann Smith", "00042", score="14/15")], path)
    sheet = _open_in_libreoffice(path, tmp_path)
    assert sheet.cell(1, 10).value == "Quiz correct"
    first = [cell.value for cell in sheet[2]]
    assert first[0] == "Siân Ó Rourke" and first[2] == "00123" and first[9:11] == [8, 10]
    assert [cell.value for cell in sheet[3]][2] == "00042"
    assert not any(isinstance(cell.value, datetime) for row in sheet.iter_rows(min_row=2)
                   for cell in row[9:11])
    # What the file used to hold, opened the same way: the zeros go and "8/10" becomes 8 October.
    control = tmp_path / "control.csv"
    control.write_text("Staff number,Quiz score\r\n00123,8/10\r\n", encoding="utf-8-sig")
    old = _open_in_libreoffice(control, tmp_path)
    assert old.cell(2, 1).value == 123 and isinstance(old.cell(2, 2).value, datetime)

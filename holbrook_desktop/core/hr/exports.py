"""HR's spreadsheet of who has acknowledged what: CSV (Excel-friendly) or XLSX, safe to open."""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from holbrook_desktop.core.files import replacing
from holbrook_desktop.core.hr.due import PersonStatus

_V = TypeVar("_V")
log = logging.getLogger(__name__)

# OWASP "CSV injection": a cell starting with one of these may be run as a formula by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The quiz score is two numbers, not "8/10", which a spreadsheet turns into 8 October.
HEADERS = ("Name", "Role", "Staff number", "Email", "Policy", "Status", "Version acknowledged",
           "SHA-256 acknowledged", "Acknowledged (UTC)", "Quiz correct", "Quiz total", "Due date",
           "Record id")
WIDTHS = (28, 20, 14, 30, 28, 14, 22, 66, 20, 8, 8, 12, 10)
STAFF_NUMBER_COLUMN = 2
# Words that belong to a surname when they come before its last word: "Ó Rourke", "van der Berg".
SURNAME_PARTICLES = frozenset({"o", "ó", "ni", "ní", "nic", "mac", "mc", "van", "von", "der", "den", "de",
                               "del", "della", "di", "da", "dos", "du", "la", "le", "st", "st.", "ap", "ab",
                               "bin", "binti", "al", "el", "ter", "ten"})


@dataclass(frozen=True)
class AcknowledgementRow:
    name: str
    role: str
    staff_number: str | None
    email: str | None
    policy_id: str
    status: str
    version_label: str | None
    policy_sha256: str | None
    acknowledged_at: datetime | None
    quiz_score: str | None  # "correct/total", as the records give it; written as two numbers
    due: date | None
    record_id: int | str | None  # "PC-NAME/000045" for a record made on another of the school's PCs
    policy_title: str | None = None  # what the spreadsheet shows; the id where there is none

    def cells(self) -> tuple:
        correct, total = _score_parts(self.quiz_score)
        return (self.name, self.role, self.staff_number, self.email, self.policy_title or self.policy_id,
                self.status, self.version_label, self.policy_sha256, self.acknowledged_at, correct, total,
                self.due, self.record_id)


def _score_parts(score: str | None) -> tuple[int | None, int | None]:
    if not score:
        return None, None
    correct, _slash, total = score.partition("/")
    return (int(correct), int(total)) if correct.isdigit() and total.isdigit() else (None, None)


def surname_key(full_name: str) -> tuple[str, str]:
    """(surname, the rest), without case: "Siân Ó Rourke" sorts under Ó Rourke, "Jan van der
    Berg" under van der Berg, as a school's lists have them."""
    words = full_name.split()
    if not words:
        return "", ""
    start = len(words) - 1
    while start > 1 and words[start - 1].casefold() in SURNAME_PARTICLES:
        start -= 1
    surname = " ".join(words[start:]).replace("’", "'")
    # "Ó" sorts with "O", as people look for it.
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", surname.casefold()) if ch.isalnum())
    return folded, " ".join(words[:start]).casefold()


def row_for(status: PersonStatus, quiz_score: str | None,
            policy_title: str | None = None) -> AcknowledgementRow:
    member, record = status.member, status.acknowledgement
    return AcknowledgementRow(
        member.full_name, member.role_label, member.staff_number, member.work_email, status.policy_id,
        str(status.status), record.version_label if record else None,
        record.policy_sha256 if record else None,
        datetime.fromisoformat(record.acknowledged_at) if record else None, quiz_score, status.due,
        record.id if record else None, policy_title)


def rows_for(store, statuses: Sequence[PersonStatus],
             policy_titles: Mapping[str, str] | None = None) -> list[AcknowledgementRow]:
    """One row per status, people in order of surname (each person's policies in the order given),
    with the policy's title and the quiz score of the attempt behind each acknowledgement (the
    scores of all of them read in one query)."""
    scores = store.quiz_attempts.scores(
        s.acknowledgement.quiz_attempt_id for s in statuses
        if s.acknowledgement is not None and s.acknowledgement.quiz_attempt_id is not None)
    from holbrook_desktop.core.records.events import pc_names

    titles = policy_titles or {}
    keys: dict[int, tuple[tuple[str, str], int]] = {}  # one surname key a person, not one a status
    for s in statuses:
        if s.member.id not in keys:
            keys[s.member.id] = (surname_key(s.member.full_name), s.member.id)
    ordered = sorted(statuses, key=lambda s: keys[s.member.id])
    rows = [row_for(s, scores.get(s.acknowledgement.quiz_attempt_id) if s.acknowledgement else None,
                    titles.get(s.policy_id))
            for s in ordered]
    here, names = pc_names(store)
    for index, status in enumerate(ordered):
        record = status.acknowledgement
        origin = getattr(record, "origin_pc", None)
        if record is not None and origin not in (None, here):
            number = int(getattr(record, "origin_number", None) or 0)
            label = f"{names.get(origin, origin[:8])}/{number:06d}"
            rows[index] = dataclasses.replace(rows[index], record_id=label)
    return rows


def neutralised(value: _V) -> _V | str:
    """Text a spreadsheet would read as a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _text(value: object) -> str:
    """A cell as CSV text, formula-safe (the commonest case, plain text, first: 1,200,000 cells)."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if type(value) is int and value >= 0:  # scores and record numbers
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(" ", "minutes")[:16]  # 2026-11-24 10:05, as strftime would, faster
    if isinstance(value, date):
        return value.isoformat()
    return str(neutralised(str(value)))


# A cell is quoted when it holds a comma or a semicolon (Excel splits on ";" where the comma is the
# decimal mark: much of Europe), a quote mark or a line break. The csv module's QUOTE_MINIMAL leaves
# ";" bare, and QUOTE_ALL would quote every cell; so the line is made here, as RFC 4180 has it.
_NEEDS_QUOTES = re.compile(r'[,;"\r\n]')


def csv_line(cells: Iterable[str]) -> str:
    """One CSV line (CRLF, as Excel writes it) of cells already made safe (see `_text`)."""
    return ",".join('"' + cell.replace('"', '""') + '"' if _NEEDS_QUOTES.search(cell) else cell
                    for cell in cells) + "\r\n"


def staff_number_text(value: str | None) -> str:
    """A staff number as a CSV cell that a spreadsheet keeps as text: all digits ("00123") are
    written ="00123", which Excel and LibreOffice show as 00123 (bare, they would drop the zeros,
    and an apostrophe would show). Digits only, so it can never be a formula of anyone's making;
    anything else goes through the formula guard like any text."""
    if value and value.isascii() and value.isdigit():
        return f'="{value}"'
    return _text(value)


def write_csv(rows: Iterable[AcknowledgementRow], path: Path) -> int:
    """UTF-8 with a byte-order mark, so that Excel shows accents correctly; private to this account
    (0600: it names people). Returns the row count."""
    count = 0
    number_at = STAFF_NUMBER_COLUMN
    with replacing(path) as temporary, temporary.open("w", encoding="utf-8-sig", newline="") as handle:
        write = handle.write
        write(csv_line(HEADERS))
        for row in rows:
            cells = [_text(value) for value in row.cells()]
            cells[number_at] = staff_number_text(row.staff_number)
            write(csv_line(cells))
            count += 1
    log.info("acknowledgements spreadsheet written: %d rows (CSV)", count)
    return count


def write_xlsx(rows: Iterable[AcknowledgementRow], path: Path) -> int:
    """A header row, frozen panes, real dates and set column widths (openpyxl, loaded only here)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Acknowledgements")
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    # Printed landscape on A4, a page wide, the headings on every page (set before the first row:
    # a write-only sheet writes its properties then).
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4, in the file format's numbering
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        cells = []
        for value in row.cells():
            if isinstance(value, datetime):
                value = value.replace(tzinfo=None)  # Excel has no time zones: the header says UTC
            elif isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # XML cannot hold them; they would abort
            cell = WriteOnlyCell(sheet, value=neutralised(value))
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{count + 1}"  # a filter on each heading
    with replacing(path) as temporary:
        book.save(temporary)
    log.info("acknowledgements spreadsheet written: %d rows (XLSX)", count)
    return count


def filtered(statuses: Sequence[PersonStatus], wanted: set[str] | None) -> list[PersonStatus]:
    return [s for s in statuses if wanted is None or str(s.status) in wanted]

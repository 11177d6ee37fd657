"""HR's staff list in from a CSV file: read and checked row by row (a plan), then written in one go."""

from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import io
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from holbrook_desktop.core.dates import MONTHS, DateRefused, for_people, real_date
from holbrook_desktop.core.errors import InputRefused, Refused
from holbrook_desktop.core.hr.exports import FORMULA_STARTS
from holbrook_desktop.core.hr.roles import ROLE_LABELS, ROLES, SchoolRoles, school_roles
from holbrook_desktop.core.limits import length_problem
from holbrook_desktop.core.records.staff import NewStaffMember, StaffMember, changes_for

log = logging.getLogger(__name__)

CREATE, UPDATE, UNCHANGED, REJECT = "create", "update", "unchanged", "reject"

# The headings HR's spreadsheets use, compared after `_heading_key` (case, spaces, _ - . ignored).
HEADINGS: dict[str, tuple[str, ...]] = {
    "full_name": ("full name", "name", "staff name", "employee name", "legal name", "staff member"),
    "first_name": ("first name", "first names", "forename", "forenames", "given name", "legal forename"),
    "surname": ("surname", "last name", "family name", "legal surname"),
    "preferred_name": ("preferred name", "known as", "preferred forename", "preferred first name"),
    "role": ("role", "job role", "position", "staff role", "staff type", "role in school", "job title",
             "post", "post title", "job"),
    "staff_number": ("staff number", "staff no", "staff num", "staff id", "staff code", "payroll number",
                     "payroll no", "payroll id", "payroll", "employee id", "employee number", "employee no",
                     "personnel number"),
    "work_email": ("email", "e mail", "work email", "work e mail", "email address", "work email address",
                   "school email"),
    "start_date": ("start date", "started", "date started", "start", "employment start date",
                   "date joined", "joined", "date of joining"),
    "leaving_date": ("leaving date", "end date", "left", "date left", "leave date", "leaver date",
                     "date of leaving", "finish date", "employment end date"),
}
# What the report calls each column (and what the README lists).
COLUMN_NAMES = {"full_name": "Name", "first_name": "First name", "surname": "Surname",
                "preferred_name": "Preferred name", "role": "Role", "staff_number": "Staff number",
                "work_email": "Email", "start_date": "Start date", "leaving_date": "Leaving date"}
FIELD_NAMES = {"full_name": "name", "preferred_name": "preferred name", "role": "role",
               "staff_number": "staff number", "work_email": "email", "start_date": "start date",
               "leaving_date": "leaving date"}

# Besides each role's id and label: what schools call these roles in their own lists.
ROLE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "teacher": ("class teacher", "teachers", "head teacher", "headteacher", "head", "deputy head",
                "deputy headteacher", "assistant head", "ect", "nqt", "senco"),
    "teaching-assistant": ("ta", "hlta", "higher level teaching assistant", "lsa",
                           "learning support assistant", "classroom assistant", "teaching assistants"),
    "office": ("admin", "administrator", "administration", "office staff", "school office", "receptionist",
               "office manager", "school business manager", "bursar"),
    "lunchtime": ("lunchtime supervisor", "midday supervisor", "midday supervisory assistant", "mdsa",
                  "lunchtime staff", "dinner staff"),
    "governor": ("governors", "school governor", "chair of governors", "trustee"),
    "contractor": ("contractors", "external contractor"),
    "volunteer": ("volunteers", "parent volunteer"),
    "trainee": ("trainee teacher", "student teacher", "pgce student", "itt trainee"),
    "supply": ("supply teacher", "supply staff", "agency", "agency staff"),
    "other": (),
}

_MONTH_NUMBERS = {name.casefold(): number for number, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBERS.update({name[:3].casefold(): number for number, name in enumerate(MONTHS, start=1)})
_MONTH_NUMBERS["sept"] = 9

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
HEADING_SEARCH_ROWS = 10  # a title line or two above the headings ("Staff list, Sept 2026") is skipped


# Problems --------------------------------------------------------------------------------------

class StaffImportError(Refused):
    """Base for import problems; `str()` is a message fit to show a person."""


class StaffImportFileError(StaffImportError, ValueError):
    """The file as a whole cannot be used (unreadable, not a CSV, no name column); nothing is planned.
    A ValueError too: bad input, as callers that know nothing of imports already expect."""

    def __init__(self, file: Path, message: str, line: int | None = None) -> None:
        self.file, self.line, self.message = file, line, message
        where = f"{file}:{line}" if line is not None else str(file)
        super().__init__(f"{where}: {message}")


class StaffImportStale(StaffImportError):
    """The records changed between the preview and the import; nothing was written."""


# Dates and roles -------------------------------------------------------------------------------

_NUMERIC_DATE = re.compile(r"(\d{1,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,4})")
_NAMED_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*([^\W\d_]+)\.?[\s\-/.,]*(\d{4}|\d{2})")
_MIDNIGHT = re.compile(r"[ T]00:00(:00(\.0+)?)?$")  # Excel and exports add a midnight time


def parse_uk_date(text: str, *, today: date | None = None) -> date:
    """A date as a UK school writes it: 1/9/2026, 01-09-2026, 01.09.26, 1 Sep 2026, or 2026-09-01.
    Never month first. Whatever dates.parse_date_option reads (the command line's dates), this reads
    the same; it also takes what spreadsheets write. DateRefused (a ValueError) saying what is wrong,
    in words for the person who typed it."""
    raw = text.strip()
    cleaned = _MIDNIGHT.sub("", raw)
    numeric, named = _NUMERIC_DATE.fullmatch(cleaned), _NAMED_DATE.fullmatch(cleaned)
    if numeric:
        first, middle, last = numeric.groups()
        if len(first) == 4:
            year_text, month, day = first, int(middle), int(last)
        elif len(last) in (2, 4) and len(first) <= 2:
            year_text, month, day = last, int(middle), int(first)
        else:
            raise DateRefused(f"{raw!r} is not a date: write it as dd/mm/yyyy, for example 01/09/2026")
    elif named:
        day_text, month_name, year_text = named.groups()
        day = int(day_text)
        month = _MONTH_NUMBERS.get(month_name.casefold(), 0)
        if not month:
            raise DateRefused(f"{raw!r} is not a date: {month_name!r} is not a month")
    else:
        hint = " (a spreadsheet's date number? format the column as dates)" if raw.isdigit() else ""
        raise DateRefused(f"{raw!r} is not a date{hint}: write it as dd/mm/yyyy, for example 01/09/2026")
    year = int(year_text)
    if len(year_text) == 2:  # Excel's dd/mm/yy: this century unless that is far in the future
        this_year = (today or date.today()).year
        year += 2000 if 2000 + year <= this_year + 20 else 1900
    return real_date(raw, year, month, day)


def shown(day: date | str | None) -> str:
    """A date as the report shows it, the same in any locale: 1 Sep 2026."""
    if day is None:
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return for_people(day, short=True)


def _role_key(text: str) -> str:
    return " ".join(re.sub(r"[-_/.]", " ", text.casefold()).split())


_ROLE_NAMES = {_role_key(name): role for role in ROLES
               for name in (role, ROLE_LABELS.get(role, role), *ROLE_SYNONYMS.get(role, ()))}


def known_role(text: str, roles: SchoolRoles | None = None) -> str | None:
    """The role id for a job title: HR's mapping first, then a role the school added (by id or
    label), then the policy's roles by id, label or a common name; None when nothing fits."""
    if roles is not None:
        role = roles.mapped(text) or roles.by_name(text)
        if role is not None:
            return role
    return _ROLE_NAMES.get(_role_key(text))


def role_from(text: str) -> str:
    """The role's id from its id, its label or a common name for it, in any case."""
    role = _ROLE_NAMES.get(_role_key(text))
    if role is None:
        labels = ", ".join(ROLE_LABELS.get(r, r) for r in ROLES)
        raise InputRefused(f"role {text.strip()!r} is not one the handbook knows; use one of: {labels}")
    return role


# The plan --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffRowValues:
    """What one row of the file says; None where the cell is blank or there is no such column."""

    full_name: str | None = None
    preferred_name: str | None = None
    role: str | None = None  # a role id
    staff_number: str | None = None
    work_email: str | None = None
    start_date: date | None = None
    leaving_date: date | None = None

    def given(self) -> dict[str, Any]:
        """The fields with a value: what an update may change (a blank cell never erases)."""
        return {name: value for name, value in vars(self).items() if value is not None}

    def as_dict(self) -> dict[str, Any]:
        return {name: value.isoformat() if isinstance(value, date) else value
                for name, value in vars(self).items()}


@dataclass(frozen=True)
class FieldChange:
    field: str  # a staff column: "role", "start_date", …
    old: str | None  # as stored: role ids, ISO dates
    new: str

    def __str__(self) -> str:
        return f"{FIELD_NAMES.get(self.field, self.field)}: {_value(self.field, self.old) or '—'} → " \
               f"{_value(self.field, self.new)}"


def _value(field_name: str, value: str | None) -> str:
    if value is None:
        return ""
    if field_name == "role":
        return ROLE_LABELS.get(value, value)
    if field_name.endswith("_date"):
        return shown(value)
    return value


@dataclass(frozen=True)
class PlannedRow:
    line: int  # in the file, counting from 1 (the heading row is usually line 1)
    action: str  # CREATE, UPDATE, UNCHANGED or REJECT
    name: str  # as the file gives it, or the person's name on record when the cell is blank
    values: StaffRowValues
    staff_id: int | None = None  # the person on record this row matched
    matched_by: str | None = None  # "staff number", "email" or "name"
    reason: str = ""  # why a row is rejected
    changes: tuple[FieldChange, ...] = ()
    warnings: tuple[str, ...] = ()  # worth a look, not a rejection: a garbled name, an unmapped title
    role_label: str | None = None  # the role's label (a role the school added has its own)
    old_role_label: str | None = None  # the role on record, for an update

    @property
    def rejected(self) -> bool:
        return self.action == REJECT

    def describe(self) -> str:
        """What will happen, in a few words: the reason, the changes, or the new person's role."""
        if self.action == REJECT:
            return self.reason
        if self.action == UPDATE:
            texts = [str(c) for c in self.changes if c.field not in ("role", "school_role")]
            if any(c.field in ("role", "school_role") for c in self.changes):
                # One change as the school sees it ("Other → Site team"), whichever columns it takes.
                texts.insert(0, f"role: {self.old_role_label or '—'} → {self.role_label}")
            return "; ".join(texts)
        if self.action == UNCHANGED:
            return self.reason or "already on record as in the file"
        role = self.role_label or ROLE_LABELS.get(self.values.role or "", self.values.role or "")
        text = f"{role}, starts {shown(self.values.start_date)}"
        if self.values.leaving_date:
            text += f", leaves {shown(self.values.leaving_date)}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "action": self.action, "name": self.name, "staff_id": self.staff_id,
                "matched_by": self.matched_by, "reason": self.reason or None, "description": self.describe(),
                "warnings": list(self.warnings),
                "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in self.changes],
                "values": self.values.as_dict()}


@dataclass(frozen=True)
class ParsedRow:
    """A row read from the file, before it is compared with the records."""

    line: int
    values: StaffRowValues
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    unmapped_title: str | None = None  # a job title no role is known for: "Other" for someone new
    cells: tuple[str, ...] = ()  # the row as the file has it (for the rejected rows' file)


@dataclass(frozen=True)
class StaffImportPlan:
    file: Path
    rows: tuple[PlannedRow, ...]
    today: date
    encoding: str = "UTF-8"
    delimiter: str = ","
    columns: dict[str, str] = field(default_factory=dict)  # field → the heading in the file
    ignored_columns: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # about the file as a whole: missing columns, the encoding used
    parsed: tuple[ParsedRow, ...] = field(default=(), repr=False)  # re-checked when applied
    headings: tuple[str, ...] = ()  # the file's heading row, as it is
    unmapped_titles: tuple[str, ...] = ()  # job titles imported as "Other": HR maps them once
    roles: SchoolRoles = field(default_factory=SchoolRoles, repr=False)

    def with_action(self, action: str) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == action]

    def count(self, action: str) -> int:
        return sum(row.action == action for row in self.rows)

    @property
    def has_changes(self) -> bool:
        """Something to write: anyone to add or update."""
        return any(row.action in (CREATE, UPDATE) for row in self.rows)

    def summary(self) -> str:
        """"12 to add, 3 to update, 2 rejected", or what the file holds when nothing is to be done."""
        parts = [f"{n} {words}" for n, words in (
            (self.count(CREATE), "to add"), (self.count(UPDATE), "to update"),
            (self.count(UNCHANGED), "unchanged"), (self.count(REJECT), "rejected")) if n]
        return ", ".join(parts) if parts else "no people in the file"

    def as_dict(self) -> dict[str, Any]:
        return {"file": str(self.file), "encoding": self.encoding,
                "delimiter": DELIMITERS.get(self.delimiter, self.delimiter), "columns": self.columns,
                "ignored_columns": list(self.ignored_columns), "notes": list(self.notes),
                "unmapped_titles": list(self.unmapped_titles),
                "counts": {action: self.count(action) for action in (CREATE, UPDATE, UNCHANGED, REJECT)},
                "rows": [row.as_dict() for row in self.rows]}


@dataclass(frozen=True)
class StaffImportResult:
    created: int
    updated: int
    unchanged: int
    rejected: int
    written: bool
    refused: bool = False  # all-or-nothing was asked for and some rows were rejected
    created_ids: tuple[int, ...] = ()
    updated_ids: tuple[int, ...] = ()

    def summary(self) -> str:
        if self.refused:
            rows = "row was" if self.rejected == 1 else "rows were"
            return f"Nothing was imported: {self.rejected} {rows} rejected, and all or nothing was asked for."
        if not self.written:
            return "Nothing to import: " + (f"{self.unchanged} unchanged, {self.rejected} rejected."
                                            if self.unchanged or self.rejected else "no people in the file.")
        text = f"Imported: {self.created} added, {self.updated} updated, {self.unchanged} unchanged."
        if self.rejected:
            rows = "row was" if self.rejected == 1 else "rows were"
            text += f" {self.rejected} rejected {rows} not imported."
        return text

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected, "written": self.written, "refused": self.refused,
                "created_ids": list(self.created_ids), "updated_ids": list(self.updated_ids)}


# Reading the file ------------------------------------------------------------------------------

def plan_import(store, csv_path: Path, *, today: date) -> StaffImportPlan:
    """Read and check the file (CSV, or an Excel workbook: .xlsx) against the records: what
    importing it would do, row by row. Writes nothing. StaffImportFileError when the file as a
    whole cannot be used."""
    csv_path = Path(csv_path)
    data = _read_bytes(csv_path)
    roles = school_roles(store.settings)
    if data.startswith(b"PK\x03\x04"):
        rows, encoding, delimiter, sheet_note = _xlsx_rows(csv_path, data)
    else:
        text, encoding = _decode(csv_path, data)
        delimiter = _sniff_delimiter(text)
        rows, sheet_note = _csv_rows(csv_path, text, delimiter), None
    table = _read_table(csv_path, rows, delimiter, today, roles)
    plan_rows = _plan_rows(table.parsed, store.staff.list(include_inactive=True), roles)
    notes = list(table.notes)
    if sheet_note:
        notes.insert(0, sheet_note)
    if encoding not in ("UTF-8", "XLSX"):
        notes.insert(0, f"The file is not UTF-8: it was read as {encoding}. Check that accented names "
                        "look right below.")
    unmapped = _unmapped_titles(table.parsed)
    if unmapped:
        listed = ", ".join(f"{title} ({count})" if count > 1 else title for title, count in unmapped.items())
        notes.append(f"Job titles not mapped to a role yet: {listed}. Someone new with one of them is "
                     "added as Other, and people on record keep their role. Map each title once (the admin "
                     "area's Roles tab, or holbrook admin roles map TITLE ROLE) and import again.")
    garbled = sum(any("garbled" in w for w in row.warnings) for row in table.parsed)
    if garbled:
        notes.append(f"{garbled} name{'s look' if garbled > 1 else ' looks'} garbled (a “?” or “�” in it): "
                     "the file was probably saved in an encoding that lost the letters. Export it again "
                     "as “CSV UTF-8” and check those names.")
    return StaffImportPlan(csv_path, plan_rows, today, encoding, delimiter, table.columns,
                           table.ignored, tuple(notes), table.parsed, table.headings,
                           tuple(unmapped), roles)


def _unmapped_titles(parsed: Sequence[ParsedRow]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in parsed:
        if row.unmapped_title:
            counts[row.unmapped_title] = counts.get(row.unmapped_title, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: item[0].casefold()))


def read_text_file(path: Path) -> tuple[str, str]:
    """A CSV file's text and the encoding it was read with, by the staff import's rules (UTF-8, UTF-16,
    plausible Windows-1252; any other legacy encoding refused): for HR's other CSV imports too."""
    return _decode(path, _read_bytes(path))


def _read_bytes(path: Path) -> bytes:
    if path.is_dir():
        raise StaffImportFileError(path, "this is a folder, not a CSV file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StaffImportFileError(path, f"cannot be read ({exc.strerror or exc})") from exc


# Bytes Windows-1252 has no character for: a file holding one is in some other encoding.
_UNDEFINED_IN_CP1252 = frozenset(b"\x81\x8d\x8f\x90\x9d")
# A "word" of two or more characters, most of them beyond ASCII: "Èâàí" is Cyrillic (Windows-1251
# or KOI8-R) read as Windows-1252; a real name has one or two accented letters among plain ones.
_WORD = re.compile(r"[^\s,;\t\"'()/.\-]{2,}")


def _looks_misread(text: str) -> str | None:
    """A word that Windows-1252 makes implausible, or None."""
    for match in _WORD.finditer(text):
        word = match.group()
        foreign = sum(ord(ch) > 0x7F for ch in word)
        if foreign >= 2 and foreign * 2 > len(word):
            return word
        if any(ch in "×÷¤¦¨¬¯°±²³´µ¶·¸¹º¼½¾" for ch in word) and foreign >= 2:
            return word
    return None


def _refuse_legacy(path: Path, why: str, line: int) -> StaffImportFileError:
    return StaffImportFileError(
        path, f"the text is neither UTF-8 nor the Windows-1252 of Excel's plain “CSV” ({why}; Cyrillic, "
              "Greek or another legacy encoding?). Rather than guess the letters, nothing was read: "
              "export the staff list again as “CSV UTF-8 (Comma delimited)”, or as an Excel workbook "
              "(.xlsx).", line)


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """The file's text, and the encoding it was read with: UTF-8 (with or without Excel's mark),
    UTF-16 (Excel's "Unicode text"), else Windows-1252 (Excel's plain "CSV" on a school PC) when
    the text reads as Windows-1252 plausibly; any other legacy encoding is refused, not guessed."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise StaffImportFileError(path, "this is an old Excel workbook (.xls). In Excel, choose File › "
                                         "Save As › “Excel Workbook (.xlsx)” or “CSV UTF-8”.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise StaffImportFileError(path, "the text is damaged (UTF-16 that cannot be read)") from exc
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise StaffImportFileError(path, "this is not a CSV file (it holds binary data)", line)
    with contextlib.suppress(UnicodeDecodeError):
        return data.decode("utf-8-sig"), "UTF-8"
    undefined = next((i for i, byte in enumerate(data) if byte in _UNDEFINED_IN_CP1252), None)
    if undefined is not None:
        line = data[:undefined].count(b"\n") + 1
        raise _refuse_legacy(path, f"byte 0x{data[undefined]:02X} is no letter in Windows-1252", line)
    text = data.decode("cp1252")
    word = _looks_misread(text)
    if word is not None:
        line = text[:text.index(word)].count("\n") + 1
        raise _refuse_legacy(path, f"it would read as “{word}”, which is no one’s name", line)
    return text, "Windows-1252"


def _xlsx_rows(path: Path, data: bytes) -> tuple[list[tuple[int, list[str]]], str, str, str | None]:
    """The rows of the workbook's sheet with the staff list (the first whose top rows have a name
    heading, else the first), each with its sheet row number; dates as Excel dates or as text."""
    from openpyxl import load_workbook  # loaded only here (start-up time)

    try:
        book = load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors: the file as a whole
        raise StaffImportFileError(path, f"this workbook cannot be read ({type(exc).__name__}); open it "
                                         "in Excel and save it again, or save it as “CSV UTF-8”") from exc
    chosen, rows = None, []
    for sheet in book.worksheets:
        sheet_rows = [(number, [_xlsx_text(cell.value, cell.number_format) for cell in cells])
                      for number, cells in enumerate(sheet.iter_rows(), start=1)]
        if any(_has_name(_columns_of(cells)) for _n, cells in sheet_rows[:HEADING_SEARCH_ROWS]):
            chosen, rows = sheet, sheet_rows
            break
        if chosen is None and not book.worksheets.index(sheet):
            rows = sheet_rows
    book.close()
    note = None
    if chosen is not None and len(book.worksheets) > 1:
        note = (f"The workbook has {len(book.worksheets)} sheets: the staff list was read from "
                f"“{chosen.title}”.")
    return rows, "XLSX", ",", note


def _xlsx_text(value: object, number_format: str = "General") -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer() \
            and re.fullmatch(r"0+", number_format):
        return f"{int(value):0{len(number_format)}d}"  # a staff number shown as 00123
    if isinstance(value, datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class _Table:
    headings: tuple[str, ...]
    columns: dict[str, str]
    ignored: tuple[str, ...]
    notes: tuple[str, ...]
    parsed: tuple[ParsedRow, ...]


def _heading_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\ufeff", "").replace("#", " number ").casefold()
    text = re.sub(r"\(.*?\)|\[.*?\]|[*:]", " ", text)  # "Start date (dd/mm/yyyy)", "Name *"
    return " ".join(re.sub(r"[\s_\-./]+", " ", text).split())


_HEADING_FIELDS = {_heading_key(name): name_field for name_field, names in HEADINGS.items() for name in names}


def _columns_of(row: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, heading in enumerate(row):
        name_field = _HEADING_FIELDS.get(_heading_key(heading))
        if name_field is not None and name_field not in found:
            found[name_field] = index
    return found


def _has_name(columns: dict[str, int]) -> bool:
    return "full_name" in columns or {"first_name", "surname"} <= columns.keys()


def _read_table(path: Path, rows: list[tuple[int, list[str]]], delimiter: str, today: date,
                roles: SchoolRoles) -> _Table:
    if not any(any(cell.strip() for cell in cells) for _line, cells in rows):
        raise StaffImportFileError(path, "the file is empty")
    heading_at = next((i for i, (_line, cells) in enumerate(rows[:HEADING_SEARCH_ROWS])
                       if _has_name(_columns_of(cells))), None)
    if heading_at is None:
        first_line, first = next((line, cells) for line, cells in rows if any(c.strip() for c in cells))
        found = ", ".join(repr(c.strip()) for c in first if c.strip()) or "nothing"
        raise StaffImportFileError(
            path, f"no name column: the heading row needs one called “Name” or “Full name” (or “First "
                  f"name” and “Surname”). The first row has {found}.", first_line)
    heading_line, headings = rows[heading_at]
    columns, ignored, repeated = _match_headings(headings)
    if repeated:
        raise StaffImportFileError(path, repeated, heading_line)
    notes = []
    if heading_at:
        notes.append(f"Lines before the heading row (line {heading_line}) were skipped.")
    notes.extend(_missing_column_notes(columns))
    parsed = tuple(_parse_row(line, cells, columns, len(headings), delimiter, today, roles)
                   for line, cells in rows[heading_at + 1:]
                   if any(cell.strip() for cell in cells))  # Excel leaves rows of empty cells
    used = {f: headings[i].strip() for f, i in columns.items()}
    return _Table(tuple(headings), used, ignored, tuple(notes), parsed)


def _sniff_delimiter(text: str) -> str:
    """Comma, semicolon (Excel where a comma is the decimal mark) or tab: whichever splits a
    heading row into the most known columns."""
    sample = "\n".join(text.splitlines()[:HEADING_SEARCH_ROWS])
    best, best_score = ",", -1
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        except csv.Error:
            continue
        score = max((len(_columns_of(row)) for row in rows), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(path: Path, text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Each row with the line it starts on; a broken row is reported by file and line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows, start = [], 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise StaffImportFileError(path, _csv_problem(str(exc)), start) from exc
    return rows


def _csv_problem(message: str) -> str:
    if "unexpected end of data" in message or "field larger than field limit" in message:
        return "a quoted cell is never closed (a stray \" mark?), so the rest of the file cannot be read"
    if "expected after" in message:
        return "a \" mark in the middle of a cell: put quotes round the whole cell, or take the mark out"
    return f"this is not a well-formed CSV row ({message})"


def _match_headings(headings: Sequence[str]) -> tuple[dict[str, int], tuple[str, ...], str | None]:
    """{field: column}, the headings ignored, and a message if two columns mean the same thing."""
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, heading in enumerate(headings):
        name_field = _HEADING_FIELDS.get(_heading_key(heading))
        if name_field is None:
            if heading.strip():
                ignored.append(heading.strip())
            continue
        if name_field in columns:
            first = headings[columns[name_field]].strip()
            return {}, (), (f"two columns mean {COLUMN_NAMES[name_field].lower()}: “{first}” and "
                            f"“{heading.strip()}”; remove or rename one")
        columns[name_field] = index
    if "full_name" in columns:  # a full name wins over its parts
        for part in ("first_name", "surname"):
            if part in columns:
                ignored.append(headings[columns.pop(part)].strip())
    return columns, tuple(ignored), None


def _missing_column_notes(columns: dict[str, int]) -> list[str]:
    notes = []
    if "role" not in columns:
        notes.append("There is no role column: people already on record can be updated, but nobody "
                     "new can be added (a role is needed).")
    if "start_date" not in columns:
        notes.append("There is no start date column: people already on record can be updated, but "
                     "nobody new can be added (a start date is needed).")
    if "staff_number" not in columns and "work_email" not in columns:
        notes.append("There is no staff number or email column: people are matched by name only.")
    return notes


def _cell(cells: Sequence[str], columns: dict[str, int], name_field: str) -> str | None:
    index = columns.get(name_field)
    if index is None or index >= len(cells):
        return None
    text = " ".join(unicodedata.normalize("NFC", cells[index]).split())
    # Undo the apostrophe our own export puts before a formula-like cell (=, +, -, @), and the
    # ="00123" that keeps a staff number's zeros in a spreadsheet.
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    elif text.startswith('="') and text.endswith('"') and text[2:-1].isdigit():
        text = text[2:-1]
    return text or None


def _parse_row(line: int, cells: Sequence[str], columns: dict[str, int], width: int, delimiter: str,
               today: date, roles: SchoolRoles | None = None) -> ParsedRow:
    problems: list[str] = []
    warnings: list[str] = []
    unmapped_title = None
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        problems.append(f"this row has {len(cells)} cells but the heading row has {width} (a "
                        f"{DELIMITERS.get(delimiter, delimiter)} inside a name without quotes round it?)")
    name = _cell(cells, columns, "full_name")
    if "full_name" not in columns:
        parts = [_cell(cells, columns, part) for part in ("first_name", "surname")]
        name = " ".join(p for p in parts if p) or None
    texts = {"full_name": name, **{field: _cell(cells, columns, field)
                                   for field in ("preferred_name", "staff_number", "work_email", "role")}}
    # Each cell against its limit first (core/limits.py): a whole column pasted into one cell is
    # reported as that, and never echoed back in the messages below.
    too_long = {field: problem for field, text in texts.items() if (problem := length_problem(field, text))}
    problems += [problem for field, problem in too_long.items() if field != "role"]
    texts = {field: None if field in too_long else text for field, text in texts.items()}
    name, role, email = texts["full_name"], texts["role"], texts["work_email"]
    if "role" in too_long:  # never a rejection either: a title to look at, shown shortened
        warnings.append(too_long["role"])
        unmapped_title = f"(a role cell of {len(_cell(cells, columns, 'role') or '')} characters)"
    if role is not None:
        title, role = role, known_role(role, roles)
        if role is None:  # never a rejection: "Other" for someone new, the role on record otherwise
            unmapped_title = title
    for name_field in ("full_name", "preferred_name"):
        text = texts[name_field]
        if text and ("?" in text or "\ufffd" in text):
            warnings.append(f"the {FIELD_NAMES[name_field]} “{text}” looks garbled (a letter lost to the "
                            "file's encoding?)")
    if email is not None and ("@" not in email or " " in email):
        problems.append(f"{email!r} does not look like an email address")
    dates: dict[str, date | None] = {}
    for name_field in ("start_date", "leaving_date"):
        text = _cell(cells, columns, name_field)
        try:
            dates[name_field] = parse_uk_date(text, today=today) if text else None
        except ValueError as exc:
            problems.append(f"{FIELD_NAMES[name_field]}: {exc}")
            dates[name_field] = None
    start, leaving = dates["start_date"], dates["leaving_date"]
    if start and leaving and leaving < start:
        problems.append(f"the leaving date {shown(leaving)} is before the start date {shown(start)}")
    values = StaffRowValues(name, texts["preferred_name"], role, texts["staff_number"], email, start, leaving)
    return ParsedRow(line, values, tuple(problems), tuple(warnings), unmapped_title, tuple(cells))


# Comparing with the records ----------------------------------------------------------------------

def _name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).replace("’", "'").casefold().split())


class _Records:
    """Everyone on record, indexed the three ways a row can find them."""

    def number(self, number: str) -> StaffMember | None:
        """By staff number; a number of digits also without its leading zeros, which a spreadsheet
        drops ("00123" read as 123), when that finds exactly one person."""
        found = self.by_number.get(number)
        if found is None and number.isdigit():
            same = self.by_digits.get(number.lstrip("0"), [])
            found = same[0] if len(same) == 1 else None
        return found

    def __init__(self, people: Iterable[StaffMember]) -> None:
        self.by_number: dict[str, StaffMember] = {}
        self.by_digits: dict[str, list[StaffMember]] = {}  # "00123" and "123" alike
        self.by_email: dict[str, StaffMember] = {}
        self.by_name: dict[str, list[StaffMember]] = {}
        for person in people:
            if person.staff_number:
                self.by_number[person.staff_number] = person
                if person.staff_number.isdigit():
                    self.by_digits.setdefault(person.staff_number.lstrip("0"), []).append(person)
            if person.work_email:
                self.by_email[person.work_email.casefold()] = person
            self.by_name.setdefault(_name_key(person.full_name), []).append(person)


def _plan_rows(parsed: Sequence[ParsedRow], people: Iterable[StaffMember],
               roles: SchoolRoles | None = None) -> tuple[PlannedRow, ...]:
    records = _Records(people)
    roles = roles or SchoolRoles()
    claimed: dict[tuple[str, Any], int] = {}  # who each accepted row is (id, number, email, name) → line
    accepted: dict[int, StaffRowValues] = {}  # line → what it says, for a line repeated in the file
    planned = []
    for row in parsed:
        planned_row, keys = _plan_row(row, records, claimed, accepted, roles)
        if not planned_row.rejected:
            for key in keys:
                claimed.setdefault(key, row.line)
            accepted.setdefault(row.line, row.values)
        planned.append(_with_warnings(planned_row, row, roles))
    return tuple(planned)


def _with_warnings(planned: PlannedRow, row: ParsedRow, roles: SchoolRoles) -> PlannedRow:
    warnings = list(row.warnings)
    if row.unmapped_title and planned.action != REJECT:
        warnings.append(f"the job title “{row.unmapped_title}” is not mapped to a role: "
                        + ("added as Other" if planned.action == CREATE else "their role is left as it is"))
    role = planned.values.role
    label = roles.label(role) if role else None
    return dataclasses.replace(planned, warnings=tuple(warnings), role_label=label)


def _reject(row: ParsedRow, reason: str, member: StaffMember | None = None) -> PlannedRow:
    name = row.values.full_name or (member.full_name if member else "")
    return PlannedRow(row.line, REJECT, name, row.values, member.id if member else None, reason=reason)


def _plan_row(row: ParsedRow, records: _Records, claimed: dict[tuple[str, Any], int],
              accepted: dict[int, StaffRowValues],
              roles: SchoolRoles) -> tuple[PlannedRow, list[tuple[str, Any]]]:
    values = row.values
    if row.problems:
        return _reject(row, "; ".join(row.problems)), []
    number, email = values.staff_number, values.work_email
    by_number = records.number(number) if number else None
    by_email = records.by_email.get(email.casefold()) if email else None
    if by_number and by_email and by_number.id != by_email.id:
        reason = (f"conflicting: staff number {number} is {by_number.full_name}’s (id {by_number.id}) "
                  f"but {email} is {by_email.full_name}’s (id {by_email.id})")
        return _reject(row, reason), []
    matched_by: str | None  # None when no one on record matches
    member, matched_by = (by_number, "staff number") if by_number else (by_email, "email")
    if member is not None and matched_by == "email" and number and member.staff_number:
        return _reject(row, f"conflicting: {email} is {member.full_name}’s (id {member.id}), whose staff "
                            f"number is {member.staff_number}, not {number}", member), []
    if member is None and values.full_name:
        # Last resort, so that someone who added themselves at the PC is not added twice: the one
        # person of that name whose staff number and email (where both are known) agree.
        same_name = [p for p in records.by_name.get(_name_key(values.full_name), [])
                     if not (number and p.staff_number) and not (email and p.work_email)]
        if len(same_name) > 1:
            return _reject(row, f"{len(same_name)} people called {values.full_name} are on record; give a "
                                "staff number or email to say which"), []
        member, matched_by = (same_name[0], "name") if same_name else (None, None)

    keys: list[tuple[str, Any]] = [("id", member.id)] if member else []
    keys += [("number", number)] if number else []
    keys += [("email", email.casefold())] if email else []
    if member is None and not number and not email and values.full_name:
        keys.append(("name", _name_key(values.full_name)))
    for key in keys:
        if key in claimed:
            earlier = claimed[key]
            if accepted.get(earlier) == values:  # the same line twice: nothing more to do
                name = values.full_name or (member.full_name if member else "")
                return PlannedRow(row.line, UNCHANGED, name, values, member.id if member else None,
                                  matched_by, reason=f"the same as line {earlier}"), []
            return _reject(row, _claimed_reason(key, earlier, email), member), []

    if member is None:
        if values.role is None and row.unmapped_title:
            row = dataclasses.replace(row, values=dataclasses.replace(values, role="other"))
        return _planned_create(row, roles), keys
    try:
        changes = changes_for(member, _given_for(member, values, roles))
    except ValueError as exc:  # a leaving date before the start date on record
        return _reject(row, str(exc).rstrip("."), member), []
    found = tuple(FieldChange(f, old, new) for f, (old, new) in changes.items())
    action = UPDATE if found else UNCHANGED
    return PlannedRow(row.line, action, values.full_name or member.full_name, values, member.id, matched_by,
                      changes=found, old_role_label=member.role_label), keys


def _given_for(member: StaffMember, values: StaffRowValues, roles: SchoolRoles) -> dict[str, Any]:
    """What the row would change. A name that differs only in capitals or the kind of apostrophe
    is the same name: "Ann SMITH" from the school's system does not overwrite "Ann Smith". A role
    the school added is stored as its policy role plus the school's own ("" takes one off)."""
    given = values.given()
    if "role" in given:
        role = given["role"]
        given["role"] = roles.policy_role(role)
        given["school_role"] = role if role in roles.added else ""
    for name_field in ("full_name", "preferred_name"):
        old, new = getattr(member, name_field), given.get(name_field)
        if old and new and _name_key(old) == _name_key(new):
            del given[name_field]
    old_number, new_number = member.staff_number, given.get("staff_number")
    if old_number and new_number and old_number.isdigit() and new_number.isdigit() \
            and old_number.lstrip("0") == new_number.lstrip("0"):
        del given["staff_number"]  # the zeros a spreadsheet dropped are kept
    return given


def _claimed_reason(key: tuple[str, Any], line: int, email: str | None) -> str:
    kind = key[0]
    if kind == "email":
        return f"the email {email} is also on line {line}"
    if kind == "name":
        return f"same name as line {line}, with no staff number or email to tell them apart"
    return f"same person as line {line}"


def _planned_create(row: ParsedRow, roles: SchoolRoles) -> PlannedRow:
    values = row.values
    needed = (("no name", values.full_name), ("no role given (needed to add someone new)", values.role),
              ("no start date given (needed to add someone new)", values.start_date))
    missing = [what for what, value in needed if not value]
    if missing:
        return _reject(row, "; ".join(missing))
    try:
        _new_member(values, roles).validated()
    except ValueError as exc:
        return _reject(row, str(exc).rstrip("."))
    return PlannedRow(row.line, CREATE, values.full_name or "", values)


def _new_member(values: StaffRowValues, roles: SchoolRoles) -> NewStaffMember:
    assert values.full_name and values.role and values.start_date
    school_role = values.role if values.role in roles.added else None
    return NewStaffMember(values.full_name, roles.policy_role(values.role), values.start_date,
                          values.preferred_name, values.staff_number, values.work_email, school_role)


# The rejected rows, to fix and import again ------------------------------------------------------

PROBLEM_HEADING = "problem"


def write_rejected(plan: StaffImportPlan, path: Path) -> int:
    """The rejected rows as a CSV HR can fix and import again: the file's own columns, as they
    were, plus a "problem" column (which the import ignores). UTF-8 with Excel's mark, private to
    this account (it names people). Returns the number of rows written."""
    from holbrook_desktop.core.files import replacing
    from holbrook_desktop.core.hr.exports import csv_line, neutralised

    parsed = {row.line: row for row in plan.parsed}
    rejected = [(parsed[row.line], row.reason) for row in plan.rows if row.rejected and row.line in parsed]
    width = max([len(plan.headings), *(len(row.cells) for row, _reason in rejected)])
    headings = [*plan.headings, *[""] * (width - len(plan.headings)), PROBLEM_HEADING]
    with replacing(Path(path)) as temporary, temporary.open("w", encoding="utf-8-sig", newline="") as out:
        out.write(csv_line(str(neutralised(h)) for h in headings))
        for row, reason in rejected:
            cells = [*row.cells, *[""] * (width - len(row.cells))]
            out.write(csv_line(str(neutralised(c)) for c in [*cells, f"line {row.line}: {reason}"]))
    log.info("rejected rows of %s written: %d", plan.file, len(rejected))
    return len(rejected)


# Writing ---------------------------------------------------------------------------------------

def apply_import(store, plan: StaffImportPlan, *, all_or_nothing: bool = False) -> StaffImportResult:
    """Write the plan's additions and updates in one transaction: all of them or, on any failure
    (a full disk), none. Rejected rows are left out, unless `all_or_nothing`: then, if any row was
    rejected, nothing is written and the result says so (`refused`, `written` False; not an
    exception, as nothing went wrong). The rows are checked again inside the transaction; if the
    records changed since the plan was made (someone added meanwhile), StaffImportStale is raised
    and nothing is written. Each person added or changed gets their own audit row ("staff.add",
    "staff.update", "staff.leaver"), followed by one "staff.import" row with the counts and ids."""
    unchanged, rejected = plan.count(UNCHANGED), plan.count(REJECT)
    if all_or_nothing and rejected:
        return StaffImportResult(0, 0, unchanged, rejected, written=False, refused=True)
    if not plan.has_changes:
        return StaffImportResult(0, 0, unchanged, rejected, written=False)
    created: list[int] = []
    updated: list[int] = []
    with store.change("staff.import") as change:
        fresh = _plan_rows(plan.parsed, store.staff.list(include_inactive=True), plan.roles)
        _check_still_valid(plan, fresh)
        for row in fresh:
            source = {"import": {"file": plan.file.name, "line": row.line}}
            if row.action == CREATE:
                created.append(store.staff.add_within(change, _new_member(row.values, plan.roles),
                                                      leaving_date=row.values.leaving_date, source=source))
            elif row.action == UPDATE:
                assert row.staff_id is not None
                store.staff.update_within(change, row.staff_id, {c.field: c.new for c in row.changes},
                                          source=source)
                updated.append(row.staff_id)
        change.details = {"file": str(plan.file), "created": len(created), "updated": len(updated),
                          "unchanged": unchanged, "rejected": rejected,
                          "created_ids": created, "updated_ids": updated}
    log.info("imported %s: %d added, %d updated", plan.file, len(created), len(updated))
    return StaffImportResult(len(created), len(updated), unchanged, rejected, written=True,
                             created_ids=tuple(created), updated_ids=tuple(updated))


def _check_still_valid(plan: StaffImportPlan, fresh: Sequence[PlannedRow]) -> None:
    for before, now in zip(plan.rows, fresh, strict=True):
        if before != now:
            what = {CREATE: "be added", UPDATE: "be updated", UNCHANGED: "be left unchanged",
                    REJECT: "be rejected"}
            change = (f"it was to {what[before.action]}, now it would {what[now.action]}"
                      if before.action != now.action else "what it would change is different now")
            raise StaffImportStale(
                f"The staff records changed since this preview (line {now.line}, {now.name}: {change}). "
                "Nothing was imported; preview the file again.")

"""The governors' printable status report (PDF): counts by status and role, and who is late."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from holbrook_desktop import APP_NAME
from holbrook_desktop.core.attestation.pdf import (
    BOLD,
    INK,
    MUTED,
    NAVY,
    PANEL,
    REGULAR,
    RULE,
    long_date,
)
from holbrook_desktop.core.dates import for_people, school_day
from holbrook_desktop.core.hr.due import NewStarters, PersonStatus, Status
from holbrook_desktop.core.hr.roles import ROLE_LABELS, ROLES
from holbrook_desktop.core.limits import shortened

if TYPE_CHECKING:
    from holbrook_desktop.core.content.handbook import Policy

STATUS_ORDER = (Status.ACKNOWLEDGED, Status.DUE_SOON, Status.OVERDUE, Status.NEVER, Status.LEAVER)
STATUS_HEADINGS = {Status.ACKNOWLEDGED: "Acknowledged", Status.DUE_SOON: "Due soon",
                   Status.OVERDUE: "Overdue", Status.NEVER: "Never acknowledged", Status.LEAVER: "Leavers"}
COLUMN_HEADINGS = {**STATUS_HEADINGS, Status.NEVER: "Never"}  # narrow columns: one word each
STATUS_MEANINGS = {
    Status.ACKNOWLEDGED: "has acknowledged the current version, and it is in date",
    Status.DUE_SOON: "must acknowledge by the date shown, which has not passed yet",
    Status.OVERDUE: "acknowledged before, but not this version or not recently enough; the date has passed",
    Status.NEVER: "has never acknowledged any version, and the date has passed",
    Status.LEAVER: "has left the school: counted here, not listed",
}
LATE = (Status.OVERDUE, Status.NEVER)


@dataclass(frozen=True)
class LatePerson:
    name: str
    role: str
    status: Status  # overdue or never
    due: date | None
    last_version: str | None  # the version they last acknowledged, if any
    last_acknowledged: date | None


@dataclass(frozen=True)
class PolicyStatusSummary:
    policy_id: str
    title: str
    version: str | None
    by_status: dict[Status, int]
    by_role: list[tuple[str, dict[Status, int]]]  # (role label, counts), in the policy's order of roles
    late: list[LatePerson]  # the longest overdue first

    @property
    def current_staff(self) -> int:
        return sum(count for status, count in self.by_status.items() if status is not Status.LEAVER)


def report_title(policies: Sequence[Policy | PolicyStatusSummary]) -> str:
    titles = ", ".join(p.title for p in policies) or "Staff policies"
    return f"{titles} — staff acknowledgement status"


def summarise(statuses: Sequence[PersonStatus], policies: Sequence[Policy]) -> list[PolicyStatusSummary]:
    """One summary per policy that has statuses (every policy given, when there are none)."""
    known = {p.id: p for p in policies}
    present = {s.policy_id for s in statuses}
    order = [p.id for p in policies if p.id in present] + sorted(present - set(known))
    if not statuses:
        order = [p.id for p in policies]
    summaries = []
    for policy_id in order:
        mine = [s for s in statuses if s.policy_id == policy_id]
        by_status = {status: sum(s.status is status for s in mine) for status in STATUS_ORDER}
        # By the school's role: a role it added ("Site team") is its own group, after the policy's.
        roles = sorted({s.member.school_role_id for s in mine},
                       key=lambda role: (ROLES.index(role) if role in ROLES else len(ROLES), role))
        labels = {s.member.school_role_id: s.member.role_label for s in mine}
        by_role = [(labels.get(role) or ROLE_LABELS.get(role, role),
                    {status: sum(s.status is status and s.member.school_role_id == role for s in mine)
                     for status in STATUS_ORDER}) for role in roles]
        late = sorted((_late_person(s) for s in mine if s.status in LATE),
                      key=lambda p: (p.due or date.max, p.name.casefold(), p.name))
        policy = known.get(policy_id)
        title, version = (policy.title, policy.meta.version) if policy else (policy_id, None)
        summaries.append(PolicyStatusSummary(policy_id, title, version, by_status, by_role, late))
    return summaries


def _late_person(status: PersonStatus) -> LatePerson:
    record = status.acknowledgement
    # A name stored before the limits could be pages long: cut with an ellipsis, so that its table
    # cell (wrapped, even without spaces) always fits on a page.
    return LatePerson(shortened(status.member.full_name, "full_name"), status.member.role_label,
                      status.status, status.due,
                      record.version_label if record else None,
                      school_day(record.acknowledged_at) if record else None)


def status_report_pdf(statuses: list[PersonStatus], *, school: str, policies: list[Policy],
                      today: date, logo: Path | None = None,
                      new_starters: Mapping[str, NewStarters] | None = None) -> bytes:
    """The report as A4 PDF bytes; the same input gives the same bytes (no clock, no random ids).
    `logo`: the school's (App.school_profile), printed beside its name when given."""
    import io

    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    from holbrook_desktop.core.attestation.pdf import typefaces

    faces = typefaces()  # registers DejaVu Sans, and finds fonts for scripts it lacks
    summaries = summarise(statuses, policies)
    title = report_title(summaries)
    rl_config.useA85 = 0  # as attestation_pdf: binary streams are smaller and quicker
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=20 * mm,
        title=title, author=school, subject=f"Report of {long_date(today)}", creator=APP_NAME,
        invariant=1, pageCompression=1, lang="en-GB", initialFontName=REGULAR)
    story = _Story(faces, document.width)
    school = shortened(school, "school_name")
    story.header(title, school, today, logo if logo is not None and logo.is_file() else None)
    for summary in summaries:
        story.policy(summary)
        if new_starters and summary.policy_id in new_starters:
            story.new_starters(new_starters[summary.policy_id])
    footer = f"{school} · {title} · {long_date(today)}"

    def number_pages(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(doc.leftMargin, 10 * mm, _fit(faces, footer, doc.width - 25 * mm, 7.5))
        canvas.drawRightString(doc.leftMargin + doc.width, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    document.build(story.flowables, onFirstPage=number_pages, onLaterPages=number_pages)
    return buffer.getvalue()


def _fit(faces, text: str, width: float, size: float) -> str:
    while text and faces.string_width(text, REGULAR, size) > width:
        text = text[:-2] + "…"
    return text


def short_date(day: date | None) -> str:
    return for_people(day, short=True) if day else "—"


class _Story:
    """The report's flowables, built section by section."""

    def __init__(self, faces, width: float) -> None:
        from reportlab.lib.colors import toColor
        from reportlab.lib.enums import TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        self.faces = faces
        self.width = width
        self.flowables: list = []
        # As Color objects, which the paragraphs' styles take (a canvas takes the names too).
        navy, ink, muted, white = (toColor(name) for name in (NAVY, INK, MUTED, "#ffffff"))
        self.title = ParagraphStyle("title", fontName=BOLD, fontSize=17, leading=21, textColor=navy,
                                    spaceAfter=4)
        self.school = ParagraphStyle("school", fontName=BOLD, fontSize=12, leading=15, textColor=ink)
        self.note = ParagraphStyle("note", fontName=REGULAR, fontSize=8.5, leading=11, textColor=muted)
        self.heading = ParagraphStyle("heading", fontName=BOLD, fontSize=13, leading=16, textColor=navy,
                                      spaceBefore=10, spaceAfter=6)
        self.subheading = ParagraphStyle("subheading", fontName=BOLD, fontSize=10.5, leading=13,
                                         textColor=navy, spaceBefore=8, spaceAfter=4)
        self.cell = ParagraphStyle("cell", fontName=REGULAR, fontSize=8.5, leading=10.5, textColor=ink)
        self.bold_cell = ParagraphStyle("bold", parent=self.cell, fontName=BOLD)
        self.head_cell = ParagraphStyle("head", parent=self.cell, fontName=BOLD, textColor=white)
        self.head_number = ParagraphStyle("head-number", parent=self.head_cell, alignment=TA_RIGHT)

    def text(self, value: str, style):
        """A paragraph of plain text, in DejaVu Sans, or a system font for characters it lacks."""
        from reportlab.platypus import Paragraph

        runs = self.faces.runs(value, style.fontName == BOLD)
        markup = "".join(escape(chunk) if font in (REGULAR, BOLD) else
                         f'<font face="{font}">{escape(chunk)}</font>' for font, chunk, _covered in runs)
        return Paragraph(markup, style)

    def header(self, title: str, school: str, today: date, logo: Path | None = None) -> None:
        from reportlab.platypus import Spacer

        names = [self.text(school, self.school), self.text(title, self.title)]
        if logo is None:
            self.flowables += names
        else:
            from reportlab.lib.units import mm
            from reportlab.platypus import Image, Table, TableStyle

            side = 16 * mm
            picture = Image(str(logo), width=side, height=side, kind="proportional")
            row = Table([[picture, names]], colWidths=[side + 4 * mm, self.width - side - 4 * mm])
            row.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                     ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                     ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
            self.flowables.append(row)
        self.flowables += [self.text(f"As on {long_date(today)}. Prepared with {APP_NAME}.", self.note),
                           Spacer(1, 4)]
        for status in STATUS_ORDER:
            meaning = f"{STATUS_HEADINGS[status]}: {STATUS_MEANINGS[status]}."
            self.flowables.append(self.text(meaning, self.note))

    def policy(self, summary: PolicyStatusSummary) -> None:
        version = f" ({summary.version})" if summary.version else ""
        self.flowables.append(self.text(summary.title + version, self.heading))
        if not any(summary.by_status.values()):
            self.flowables.append(self.text("No staff on record.", self.cell))
            return
        self.flowables.append(self.text("By status", self.subheading))
        current = summary.current_staff
        rows = [["Status", "People", "Share of current staff"]]
        for status in STATUS_ORDER:
            count = summary.by_status[status]
            share = "" if status is Status.LEAVER or not current else f"{round(100 * count / current)}%"
            rows.append([STATUS_HEADINGS[status], str(count), share])
        rows.append(["Current staff", str(current), ""])
        self.flowables.append(self.table(rows, [0.4, 0.2, 0.4], numbers_from=1, total_row=True))

        self.flowables.append(self.text("By role", self.subheading))
        rows = [["Role", *(COLUMN_HEADINGS[s] for s in STATUS_ORDER), "Total"]]
        for role, counts in summary.by_role:
            rows.append([role, *(str(counts[s]) for s in STATUS_ORDER), str(sum(counts.values()))])
        rows.append(["All roles", *(str(summary.by_status[s]) for s in STATUS_ORDER),
                     str(sum(summary.by_status.values()))])
        self.flowables.append(self.table(rows, [0.22, 0.18, 0.12, 0.12, 0.12, 0.12, 0.12], numbers_from=1,
                                         total_row=True))

        late_heading = f"Overdue or never acknowledged: {len(summary.late)}"
        self.flowables.append(self.text(late_heading, self.subheading))
        if not summary.late:
            self.flowables.append(self.text("Nobody is overdue.", self.cell))
            return
        rows = [["Name", "Role", "Status", "Was due", "Last acknowledged"]]
        for person in summary.late:
            last = (f"{person.last_version}, {short_date(person.last_acknowledged)}"
                    if person.last_version else "—")
            rows.append([person.name, person.role, STATUS_HEADINGS[person.status], short_date(person.due),
                         last])
        self.flowables.append(self.table(rows, [0.25, 0.15, 0.22, 0.12, 0.26]))

    def new_starters(self, figures: NewStarters) -> None:
        period = f"{for_people(figures.period_start)} to {for_people(figures.period_end)}"
        heading = "New starters who acknowledged within their deadline"
        self.flowables.append(self.text(heading, self.subheading))
        if figures.judged == 0:
            line = f"No new starter's deadline fell in the period ({period})."
        else:
            line = (f"{figures.in_time} of {figures.judged} ({figures.share}%): people who started from "
                    f"{period}, whose deadline has come.")
        if figures.waiting:
            line += f" {figures.waiting} more {'is' if figures.waiting == 1 else 'are'} still within it."
        self.flowables.append(self.text(line, self.cell))

    def table(self, rows: list[list[str]], shares: list[float], *, numbers_from: int | None = None,
              total_row: bool = False):
        from reportlab.platypus import LongTable, TableStyle

        def style_of(r: int):
            return (self.head_cell if r == 0 else
                    self.bold_cell if total_row and r == len(rows) - 1 else self.cell)

        cells = [[self.text(value, style_of(r)) for value in row] for r, row in enumerate(rows)]
        if numbers_from is not None:  # numbers as plain strings, right-aligned by the table style
            for c in range(numbers_from, len(rows[0])):
                cells[0][c] = self.text(rows[0][c], self.head_number)
            for r, row in enumerate(rows[1:], start=1):
                for c in range(numbers_from, len(row)):
                    cells[r][c] = row[c]
        # repeatRows: a list that runs onto the next page keeps its column headings.
        table = LongTable(cells, colWidths=[share * self.width for share in shares], repeatRows=1)
        style: list[tuple[Any, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 0), NAVY),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("FONT", (0, 1), (-1, -1), REGULAR, 8.5),
            ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ]
        style += [("BACKGROUND", (0, r), (-1, r), PANEL) for r in range(2, len(rows), 2)]
        if numbers_from is not None:
            style.append(("ALIGN", (numbers_from, 1), (-1, -1), "RIGHT"))
        if total_row:
            style += [("FONT", (0, -1), (-1, -1), BOLD, 8.5), ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK)]
        table.setStyle(TableStyle(style))
        return table

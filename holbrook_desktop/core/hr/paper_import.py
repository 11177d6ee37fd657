"""Paper acknowledgements signed before the app was used, brought in from a CSV with their real dates."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from holbrook_desktop.core.dates import DateRefused, for_people, parse_date_option, school_day
from holbrook_desktop.core.hr.staff_import import StaffImportFileError, read_text_file

if TYPE_CHECKING:
    from holbrook_desktop.core.content.handbook import Policy
    from holbrook_desktop.core.records import StaffMember, Store

COLUMNS = ("person", "policy", "version", "date", "note")
IN_FORCE_THEN = "the version in force then"
DEFAULT_NOTE = "Paper form"


@dataclass(frozen=True)
class PaperRow:
    """One line of the file that can be recorded."""

    line: int
    member: StaffMember
    policy_id: str
    policy_title: str
    version_sha256: str
    version_label: str
    on: date
    note: str

    def as_dict(self) -> dict:
        return {"line": self.line, "staff_id": self.member.id, "person": self.member.full_name,
                "policy_id": self.policy_id, "version": self.version_label,
                "policy_sha256": self.version_sha256,
                "date": self.on.isoformat(), "note": self.note}


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"line": self.line, "reasons": list(self.reasons)}


@dataclass
class PaperImportPlan:
    file: Path
    rows: list[PaperRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    recorded: list[int] = field(default_factory=list)  # record numbers, once applied

    def as_dict(self) -> dict:
        return {"file": str(self.file), "to_record": [r.as_dict() for r in self.rows],
                "rejected": [r.as_dict() for r in self.rejected], "recorded": list(self.recorded)}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def plan_paper_import(store: Store, csv_path: Path, policies: Sequence[Policy], *,
                      today: date) -> PaperImportPlan:
    """Read the file and check every line against the records; nothing is written. A line that
    cannot be recorded is rejected, by its line number, with every reason found."""
    text, _encoding = read_text_file(Path(csv_path))
    lines = list(csv.reader(text.splitlines()))
    if not lines:
        raise StaffImportFileError(Path(csv_path), "the file is empty")
    headings = [_fold(h) for h in lines[0]]
    missing = [c for c in ("person", "policy", "date") if c not in headings]
    if missing:
        raise StaffImportFileError(Path(csv_path), f"no column named {', '.join(missing)}: the first line "
                                                   f"must name the columns {', '.join(COLUMNS)}", 1)
    where = {name: headings.index(name) for name in COLUMNS if name in headings}
    people = store.staff.list(include_inactive=True)
    by_number = {_fold(m.staff_number): [m] for m in people if m.staff_number}
    by_email = {_fold(m.work_email): [m] for m in people if m.work_email}
    by_name: dict[str, list[StaffMember]] = {}
    for someone in people:
        by_name.setdefault(_fold(someone.full_name), []).append(someone)
    versions = {p.id: versions_on_record(store, p) for p in policies}
    plan = PaperImportPlan(Path(csv_path))
    seen: set[tuple[int, str, str, date]] = set()
    for number, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            index = where.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        reasons = []
        person = _fold(cell("person"))
        found = by_number.get(person) or by_email.get(person) or by_name.get(person) or []
        member = found[0] if len(found) == 1 else None
        if not person:
            reasons.append("no person given")
        elif not found:
            reasons.append(f"unknown person {cell('person')!r} (give a staff number, email or full name)")
        elif len(found) > 1:
            reasons.append(f"{len(found)} people are called {cell('person')!r}: "
                           "give the staff number or email")
        wanted = _fold(cell("policy"))
        policy = next((p for p in policies if _fold(p.id) == wanted or _fold(p.title) == wanted), None)
        if policy is None:
            reasons.append(f"unknown policy {cell('policy')!r} (give its id or title)")
        on = None
        try:
            on = parse_date_option(cell("date")) if cell("date") else None
            if on is None:
                reasons.append("no date given")
        except DateRefused as exc:
            reasons.append(str(exc))
        if on is not None and on > today:
            reasons.append(f"the date {for_people(on)} is in the future")
        if on is not None and member is not None and on < date.fromisoformat(member.start_date):
            reasons.append(f"the date {for_people(on)} is before {member.full_name} started "
                           f"({for_people(date.fromisoformat(member.start_date))})")
        version = None
        if policy is not None and on is not None:
            asked = cell("version")
            version = version_named(versions[policy.id], asked, on)
            if version is None:
                reasons.append(f"version unknown: no version {asked!r} of {policy.title} is on record"
                               if asked and _fold(asked) != _fold(IN_FORCE_THEN)
                               else f"version unknown: no version of {policy.title} was in force on "
                                    f"{for_people(on)}")
        if not reasons and member is not None and policy is not None and on is not None and version:
            key = (member.id, policy.id, version[0], on)
            already = any(a.policy_sha256 == version[0] and school_day(a.acknowledged_at) == on
                          for a in store.acknowledgements.for_person(member.id, policy.id))
            if already or key in seen:
                reasons.append(f"already on record: {member.full_name}, {version[1]}, {for_people(on)}")
            seen.add(key)
        if reasons:
            plan.rejected.append(RejectedRow(number, tuple(reasons)))
        else:
            assert member is not None and policy is not None and on is not None and version is not None
            plan.rows.append(PaperRow(number, member, policy.id, policy.title, version[0], version[1], on,
                                      cell("note") or DEFAULT_NOTE))
    return plan


def versions_on_record(store: Store, policy: Policy) -> list[tuple[str, str, date]]:
    """(sha256, label, effective) of every version on record, oldest first, and the current one."""
    found = [(v["sha256"], v["label"], date.fromisoformat(v["effective"]))
             for v in store.policy_versions.history(policy.id)]
    if policy.sha256 not in {v[0] for v in found}:
        found.append((policy.sha256, policy.meta.version, policy.meta.effective))
    return found


def version_named(versions: list[tuple[str, str, date]], asked: str, on: date) -> tuple[str, str] | None:
    """(sha256, label) of the version `asked` for by label or hash; when `asked` is empty or "the
    version in force then", the one in force on `on` (the last to take effect by then)."""
    if asked and _fold(asked) != _fold(IN_FORCE_THEN):
        named = [v for v in versions if _fold(v[1]) == _fold(asked) or v[0] == asked.lower()]
        return (named[-1][0], named[-1][1]) if named else None
    in_force = [v for v in versions if v[2] <= on]
    return (in_force[-1][0], in_force[-1][1]) if in_force else None


def apply_paper_import(plan: PaperImportPlan, record: Callable[[PaperRow], int]) -> PaperImportPlan:
    """Record each planned row (`record` returns its record number), in the file's order."""
    for row in plan.rows:
        plan.recorded.append(record(row))
    return plan

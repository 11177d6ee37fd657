"""Reads one policy file (front matter + Markdown) into a Policy, reporting problems by line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from holbrook_desktop.core.content.diagnostics import DiagnosticList
from holbrook_desktop.core.content.front_matter import (
    header_line_of,
    require_date,
    require_str,
    split_front_matter,
)
from holbrook_desktop.core.content.handbook import Clause, Policy, PolicyMeta, Section, version_sha256

# Policy files are a few tens of kilobytes; anything far larger is not a policy.
MAX_FILE_BYTES = 8 * 1024 * 1024
REQUIRED_KEYS = ("id", "title", "school", "version", "effective", "review", "owner")
_POLICY_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
# "5", "A.1", "APPENDIX A": a bare letter counts as a number only after APPENDIX,
# so that a heading such as "A guide for parents" is not read as section A.
_HEADING_NUMBER = re.compile(
    r"^(?:(?P<appendix>(?i:appendix))[ \t]+(?P<letter>[A-Z])(?:\.\d+)*"
    r"|(?P<number>\d+(?:\.\d+)*|[A-Z](?:\.\d+)+))(?=[ \t]|$)[ \t]*(?P<title>.*)$"
)
_CLAUSE_START = re.compile(r"^(?P<number>(?:\d+|[A-Z])(?:\.\d+)+)[ \t]+(?P<text>\S.*)$")


@dataclass
class _SectionDraft:
    number: str
    title: str
    label: str
    line: int
    parent: _SectionDraft | None = None
    clauses: list[Clause] = field(default_factory=list)
    children: list[_SectionDraft] = field(default_factory=list)

    def freeze(self, policy_id: str) -> Section:
        return Section(
            policy_id=policy_id,
            number=self.number,
            title=self.title,
            label=self.label,
            line=self.line,
            clauses=tuple(self.clauses),
            children=tuple(child.freeze(policy_id) for child in self.children),
            parent_number=self.parent.number if self.parent else None,
        )


@dataclass
class _ClauseDraft:
    number: str
    line: int
    blocks: list[str]
    heading: str | None


def read_text(path: Path, problems: DiagnosticList) -> str | None:
    """The file as text, or None with a reason when it is unreadable, binary or not UTF-8."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.error(
                1,
                f"file is {size / 1_048_576:.1f} MB; a content file may be at most "
                f"{MAX_FILE_BYTES // 1_048_576} MB",
            )
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.error(1, f"cannot read the file: {exc.strerror or exc}")
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.error(1, "file is saved as UTF-16; save it as UTF-8 instead")
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        problems.error(data.count(b"\n", 0, nul) + 1, "file is binary, not text (it contains NUL bytes)")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.error(
            line,
            f"not UTF-8 text: byte 0x{data[exc.start]:02X} at column {column} cannot be read; "
            "save the file as UTF-8",
        )
        return None
    if not text.strip():
        problems.error(1, "file is empty")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_policy(path: Path, problems: DiagnosticList) -> Policy | None:
    """Parse a policy file; None when its text or front matter cannot be used at all."""
    text = read_text(path, problems)
    if text is None:
        return None
    front = split_front_matter(text, problems)
    if front is None:
        return None
    meta = _read_meta(front.values, text, problems)
    sections = _parse_body(front.body, front.body_first_line, meta.id if meta else "", problems)
    if meta is None:
        return None
    if not sections:
        problems.error(front.body_first_line, "policy has no sections ('## 1 TITLE' headings)")
    return Policy(
        meta=meta,
        sections=tuple(s.freeze(meta.id) for s in sections),
        sha256=version_sha256(front.body),
        path=path,
    )


def _read_meta(values: dict, text: str, problems: DiagnosticList) -> PolicyMeta | None:
    before = len(problems)
    lines = {key: header_line_of(text, key) for key in REQUIRED_KEYS}
    policy_id = require_str(values, "id", problems, lines["id"])
    if policy_id and not _POLICY_ID.match(policy_id):
        problems.error(
            lines["id"], f"front matter 'id' {policy_id!r} must be lower-case letters, digits and '-'"
        )
    meta = PolicyMeta(
        id=policy_id,
        title=require_str(values, "title", problems, lines["title"]),
        school=require_str(values, "school", problems, lines["school"]),
        version=require_str(values, "version", problems, lines["version"]),
        effective=require_date(values, "effective", problems, lines["effective"]),
        review=require_date(values, "review", problems, lines["review"]),
        owner=require_str(values, "owner", problems, lines["owner"]),
    )
    for key in sorted(set(values) - set(REQUIRED_KEYS)):
        problems.warning(header_line_of(text, key), f"front matter key '{key}' is not used")
    if len(problems) > before:
        return None
    if meta.review <= meta.effective:
        problems.warning(lines["review"], "review date is not after the effective date")
    return meta


def _parse_body(
    body: str, first_line: int, policy_id: str, problems: DiagnosticList
) -> list[_SectionDraft]:
    sections: list[_SectionDraft] = []
    current: _SectionDraft | None = None
    clause: _ClauseDraft | None = None
    pending_heading: tuple[str, int] | None = None

    def close_clause() -> None:
        nonlocal clause
        if clause is not None and current is not None:
            current.clauses.append(
                Clause(
                    policy_id=policy_id,
                    number=clause.number,
                    section_number=current.number,
                    text="\n\n".join(clause.blocks),
                    line=clause.line,
                    heading=clause.heading,
                )
            )
        clause = None

    def close_pending_heading() -> None:
        nonlocal pending_heading
        if pending_heading:
            problems.warning(pending_heading[1], f"heading '{pending_heading[0]}' has no text under it")
        pending_heading = None

    for block, line in _blocks(body, first_line):
        heading = _HEADING.match(block[0]) if len(block) == 1 else None
        if heading:
            level, title = len(heading.group(1)), heading.group(2)
            numbered = _HEADING_NUMBER.match(title)
            top = sections[-1] if sections else None
            if level == 2:
                close_clause()
                close_pending_heading()
                current = _new_section(title, numbered, line, None, problems)
                sections.append(current)
                continue
            number = _heading_number(numbered) if numbered else None
            if level == 3 and top is not None and number and number.startswith(top.number + "."):
                close_clause()
                close_pending_heading()
                current = _new_section(title, numbered, line, top, problems)
                top.children.append(current)
                continue
            # Any other heading is printed where it stands; a number that does not fit here
            # is the school's to fix, so it is reported, not renumbered.
            close_clause()
            close_pending_heading()
            if current is None:
                problems.error(line, f"heading '{title}' comes before the first section ('## 1 …')")
                continue
            if level == 1:
                problems.warning(
                    line, "a '#' heading is shown as a sub-heading; the policy title comes from the "
                    "front matter and sections use '##'"
                )
            elif number:
                after = current.clauses[-1].number if current.clauses else None
                where = f"after {after}" if after else "at its start"
                problems.warning(
                    line,
                    f"heading '{title}' is numbered {number} but stands inside section "
                    f"{current.number} ({where}); numbering is out of sequence",
                )
            pending_heading = (title, line)
            continue

        if current is None:
            problems.error(line, "text comes before the first section heading ('## 1 …')")
            continue
        start = _CLAUSE_START.match(block[0])
        if start:
            close_clause()
            number = start.group("number")
            owner = number.rsplit(".", 1)[0]
            if owner != current.number:
                problems.error(
                    line, f"clause {number} stands in section {current.number}; "
                    f"its number says it belongs to section {owner}"
                )
            text = "\n".join([start.group("text"), *block[1:]])
            clause = _ClauseDraft(number, line, [text], _take(pending_heading))
            pending_heading = None
        elif clause is not None:
            clause.blocks.append("\n".join(block))
        else:
            # Unnumbered text under a heading (A.2, A.5) is quoted by the heading's number.
            clause = _ClauseDraft(current.number, line, ["\n".join(block)], _take(pending_heading))
            pending_heading = None
    close_clause()
    close_pending_heading()
    return sections


def _take(pending: tuple[str, int] | None) -> str | None:
    return pending[0] if pending else None


def _heading_number(numbered: re.Match[str]) -> str:
    return numbered.group("number") or numbered.group("letter")


def _new_section(
    title: str,
    numbered: re.Match[str] | None,
    line: int,
    parent: _SectionDraft | None,
    problems: DiagnosticList,
) -> _SectionDraft:
    if numbered is None:
        problems.error(line, f"section heading '{title}' has no number; staff quote sections by number")
        return _SectionDraft(f"unnumbered-{line}", title, "", line, parent)
    number = _heading_number(numbered)
    label = f"{numbered.group('appendix').upper()} {number}" if numbered.group("appendix") else number
    return _SectionDraft(number, numbered.group("title").strip(), label, line, parent)


def _blocks(body: str, first_line: int):
    """Yield (lines, first line number) for each run of non-blank lines; headings stand alone."""
    block: list[str] = []
    start = first_line
    for offset, raw in enumerate(body.split("\n")):
        line_no = first_line + offset
        text = raw.rstrip()
        if not text.strip():
            if block:
                yield block, start
                block = []
            continue
        if _HEADING.match(text):
            if block:
                yield block, start
            yield [text.strip()], line_no
            block = []
            continue
        if not block:
            start = line_no
        block.append(text)
    if block:
        yield block, start

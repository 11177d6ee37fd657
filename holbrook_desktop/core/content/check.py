"""Checks a parsed policy for what staff and HR would trip over: numbering, references, gaps."""

from __future__ import annotations

import re
from collections.abc import Iterable

from holbrook_desktop.core.content.diagnostics import DiagnosticList
from holbrook_desktop.core.content.handbook import Policy
from holbrook_desktop.core.content.references import describe, find_references

_REPEATED_WORD = re.compile(r"\b([^\W\d_]+)\s+\1\b", re.IGNORECASE)


def check_policy(policy: Policy, problems: DiagnosticList) -> None:
    _check_duplicates(policy, problems)
    for appendices, noun in ((False, "section"), (True, "appendix")):
        numbered = [(s.number, s.line) for s in policy.sections if s.is_appendix == appendices]
        _check_numbering(numbered, noun, problems)
    for section in policy.all_sections():
        _check_numbering(((c.number, c.line) for c in section.children), "part", problems)
        clauses = ((c.number, c.line) for c in section.clauses if c.number != section.number)
        _check_numbering(clauses, "clause", problems, where=f" in section {section.number}")
        if not section.clauses and not section.children:
            problems.error(section.line, f"section {section.number} '{section.title}' has no text")
    _check_references(policy, problems)
    _check_repeated_words(policy, problems)


def _check_duplicates(policy: Policy, problems: DiagnosticList) -> None:
    sections = ((s.number, s.line) for s in policy.all_sections())
    clauses = ((c.number, c.line) for c in policy.clauses())
    for noun, numbered in (("section", sections), ("clause", clauses)):
        first_seen: dict[str, int] = {}
        for number, line in numbered:
            if number in first_seen:
                problems.error(
                    line, f"{noun} number {number} is used twice (first on line {first_seen[number]})"
                )
            first_seen.setdefault(number, line)


def _last_part(number: str) -> int | None:
    tail = number.rsplit(".", 1)[-1]
    if tail.isdigit():
        return int(tail)
    return ord(tail) - ord("A") + 1 if len(tail) == 1 and tail.isalpha() else None


def _check_numbering(
    numbered: Iterable[tuple[str, int]], noun: str, problems: DiagnosticList, where: str = ""
) -> None:
    """(number, line) pairs in order should run 1, 2, 3 … (or A, B, C …) without gaps."""
    last: tuple[str, int] | None = None
    for number, line in numbered:
        value = _last_part(number)
        if value is None:
            continue  # an unnumbered heading is reported where it is parsed
        if last is not None:
            _report_step(number, line, last[0], last[1], value, noun, problems)
        elif value != 1:
            problems.warning(line, f"{noun} numbering{where} starts at {number}")
        last = (number, value)


def _report_step(
    number: str, line: int, last_number: str, last_value: int, value: int, noun: str,
    problems: DiagnosticList,
) -> None:
    if value == last_value + 1 or value == last_value:
        return  # equal numbers are reported as duplicates
    if value < last_value:
        problems.warning(line, f"{noun} {number} comes after {last_number}: out of sequence")
        return
    missing = _number_with_last(number, last_value + 1)
    if value > last_value + 2:
        missing += f" to {_number_with_last(number, value - 1)}"
    problems.warning(
        line, f"{noun} numbering jumps from {last_number} to {number} (no {noun} {missing})"
    )


def _number_with_last(number: str, value: int) -> str:
    head, _, tail = number.rpartition(".")
    text = str(value) if tail.isdigit() else chr(ord("A") + value - 1)
    return f"{head}.{text}" if head else text


def _check_references(policy: Policy, problems: DiagnosticList) -> None:
    for clause in policy.clauses():
        for reference in find_references(clause.plain_text):
            if not policy.contains(reference.target):
                problems.warning(
                    clause.line,
                    f"{clause.number} refers to {describe(reference)}, "
                    "which this policy does not contain",
                )


def _check_repeated_words(policy: Policy, problems: DiagnosticList) -> None:
    for clause in policy.clauses():
        matches = _REPEATED_WORD.finditer(clause.plain_text)
        first = next(matches, None)
        if first is None:
            continue
        more = sum(1 for _ in matches)
        also = f"; {more} more in this clause" if more else ""
        problems.warning(
            clause.line, f"{clause.number}: possible slip '{first.group(0)}' (word repeated{also})"
        )

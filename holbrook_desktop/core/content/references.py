"""Finds cross-references in policy text: "section 7", "sections 5, 6, 7", "Appendices A and B"."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"\d+(?:\.\d+)*"
_LETTER = r"[A-Z](?:\.\d+)*\b"
_JOIN = r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*)"
# The noun is matched in any case; the targets are not, so "appendix a" is not read as one.
REFERENCE = re.compile(
    rf"(?P<noun>\b(?i:sections?|clauses?|paragraphs?))\s+(?P<numbers>{_NUMBER}(?:{_JOIN}{_NUMBER})*)"
    rf"|(?P<anoun>\b(?i:appendix|appendices))\s+(?P<letters>{_LETTER}(?:{_JOIN}{_LETTER})*)"
)
_TARGET = re.compile(rf"{_NUMBER}|{_LETTER}")


@dataclass(frozen=True)
class Reference:
    """One target of a cross-reference; `start`/`end` span the text that should become its link."""

    kind: str  # "section" or "appendix"
    target: str
    start: int
    end: int


def find_references(text: str) -> list[Reference]:
    """Each target named in the text. The first target's span includes its noun ("sections 5")."""
    found: list[Reference] = []
    for match in REFERENCE.finditer(text):
        group = "numbers" if match.group("numbers") else "letters"
        kind = "section" if group == "numbers" else "appendix"
        offset = match.start(group)
        for index, target in enumerate(_TARGET.finditer(match.group(group))):
            start = match.start() if index == 0 else offset + target.start()
            found.append(Reference(kind, target.group(), start, offset + target.end()))
    return found


def describe(reference: Reference) -> str:
    return f"{reference.kind} {reference.target}" if reference.kind == "section" else (
        f"Appendix {reference.target}"
    )

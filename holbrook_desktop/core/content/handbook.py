"""The handbook model: Handbook → Policy → Section → Clause, and each policy's version identity."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class Clause:
    """A numbered clause as the school wrote it; unnumbered text under a heading takes its number."""

    policy_id: str
    number: str
    section_number: str
    text: str  # Markdown source of the clause body, without its number
    line: int
    heading: str | None = None  # a sub-heading printed just before this clause, as written

    @property
    def id(self) -> str:
        return f"{self.policy_id}/{self.number}"

    @cached_property
    def plain_text(self) -> str:
        return markdown_to_plain(self.text)


@dataclass(frozen=True)
class Section:
    """A numbered heading: a section (1 … 9), an appendix (A) or an appendix part (A.1)."""

    policy_id: str
    number: str
    title: str
    label: str  # how the heading names itself: "5", "APPENDIX A", "A.1"
    line: int
    clauses: tuple[Clause, ...] = ()
    children: tuple[Section, ...] = ()
    parent_number: str | None = None

    @property
    def id(self) -> str:
        return f"{self.policy_id}/{self.number}"

    @property
    def heading(self) -> str:
        return f"{self.label} {self.title}".strip()

    @property
    def is_appendix(self) -> bool:
        return self.label.upper().startswith("APPENDIX")

    @property
    def word_count(self) -> int:
        return sum(len(c.plain_text.split()) for c in self.clauses)

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class PolicyMeta:
    id: str
    title: str
    school: str
    version: str
    effective: date
    review: date
    owner: str


@dataclass(frozen=True)
class Policy:
    meta: PolicyMeta
    sections: tuple[Section, ...]
    sha256: str
    path: Path
    _clauses: dict[str, Clause] = field(default_factory=dict, repr=False, compare=False)
    _sections: dict[str, Section] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        # First occurrence wins: duplicates are reported by the checker, not silently merged.
        for section in self.all_sections():
            self._sections.setdefault(section.number, section)
            for clause in section.clauses:
                self._clauses.setdefault(clause.number, clause)

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def title(self) -> str:
        return self.meta.title

    def all_sections(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()

    def reading_sections(self) -> list[Section]:
        """The sections a person reads, in order: every section that holds clauses."""
        return [s for s in self.all_sections() if s.clauses]

    def clauses(self) -> Iterator[Clause]:
        for section in self.all_sections():
            yield from section.clauses

    def section(self, number: str) -> Section | None:
        return self._sections.get(number)

    def clause(self, number: str) -> Clause | None:
        return self._clauses.get(number)

    def contains(self, number: str) -> bool:
        return number in self._sections or number in self._clauses


@dataclass(frozen=True)
class Handbook:
    policies: tuple[Policy, ...]

    def policy(self, policy_id: str) -> Policy | None:
        return next((p for p in self.policies if p.id == policy_id), None)

    def clause(self, clause_id: str) -> Clause | None:
        policy_id, _, number = clause_id.partition("/")
        policy = self.policy(policy_id)
        return policy.clause(number) if policy else None

    def clauses(self) -> Iterator[Clause]:
        for policy in self.policies:
            yield from policy.clauses()


_BLANK_LINES = re.compile(r"\n\s*\n")
_WHITESPACE = re.compile(r"\s+")


def normalise_text(body: str) -> str:
    """The text that identifies a version: NFC, paragraphs kept, wrapping and spacing ignored.

    Re-wrapping a paragraph or changing line endings must not make a new version;
    changing a word or a paragraph break must.
    """
    body = unicodedata.normalize("NFC", body.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs = (_WHITESPACE.sub(" ", p).strip() for p in _BLANK_LINES.split(body))
    return "\n\n".join(p for p in paragraphs if p)


def version_sha256(body: str) -> str:
    return hashlib.sha256(normalise_text(body).encode("utf-8")).hexdigest()


_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.MULTILINE)
_INLINE_MARKUP = re.compile(r"(\*\*|__|`)")


def markdown_to_plain(text: str) -> str:
    """Clause Markdown as plain words for search, snippets and exports."""
    text = _LIST_MARKER.sub("", text)
    text = _INLINE_MARKUP.sub("", text)
    return _WHITESPACE.sub(" ", text).strip()

"""Places in the handbook a link can point at (a section page, a clause on it) and their in-app links.

Below both the renderer and its cross-reference extension, which each make such links."""

from __future__ import annotations

from dataclasses import dataclass

from holbrook_desktop.core.content.handbook import Policy

SCHEME = "holbrook"


@dataclass(frozen=True)
class Location:
    """A place in the handbook a link can point at: a section page, optionally a clause on it."""

    policy_id: str
    section_number: str
    clause_number: str | None = None

    @property
    def href(self) -> str:
        fragment = f"#{clause_anchor(self.clause_number)}" if self.clause_number else ""
        return f"{SCHEME}:{self.policy_id}/{self.section_number}{fragment}"


def clause_anchor(number: str) -> str:
    return f"c-{number}"


def parse_href(href: str) -> Location | None:
    """The Location behind one of our links, or None for anything else."""
    scheme, _, rest = href.partition(":")
    if scheme != SCHEME or "/" not in rest:
        return None
    path, _, fragment = rest.partition("#")
    policy_id, _, section_number = path.strip("/").partition("/")
    clause = fragment[len("c-"):] if fragment.startswith("c-") else None
    if not policy_id or not section_number:
        return None
    return Location(policy_id, section_number, clause)


def location_of(policy: Policy, number: str) -> Location | None:
    """Where a section or clause number of this policy is shown."""
    section = policy.section(number)
    if section is not None:
        return Location(policy.id, section.number)
    clause = policy.clause(number)
    if clause is not None:
        return Location(policy.id, clause.section_number, clause.number)
    return None

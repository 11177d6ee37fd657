"""The roles a member of staff can have: the policy's own scope (section 2.1), the roles a school
adds, and the school's job titles mapped onto them (HR edits the mapping once; imports remember it)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from holbrook_desktop.core.errors import InputRefused

if TYPE_CHECKING:
    from holbrook_desktop.core.records.settings import Settings

# The policy's roles: quiz banks name these (core/quiz/bank.py), and the staff table's role column
# holds one of them. "other" gets the general questions only.
ROLES = ("teacher", "teaching-assistant", "office", "lunchtime", "governor", "contractor",
         "volunteer", "trainee", "supply", "other")

ROLE_LABELS = {
    "teacher": "Teacher", "teaching-assistant": "Teaching assistant", "office": "Office",
    "lunchtime": "Lunchtime", "governor": "Governor", "contractor": "Contractor",
    "volunteer": "Volunteer", "trainee": "Trainee", "supply": "Supply", "other": "Other",
}

# Settings (audited by records/settings.py): {job title as HR typed it: role id}, and the roles the
# school added, {id: {"label": "Site team", "quiz_as": "contractor" or None}}.
TITLES_KEY = "roles.titles"
ADDED_KEY = "roles.added"
_ROLE_ID = re.compile(r"[a-z][a-z0-9-]{0,39}")
MAX_TITLE = 80


@dataclass(frozen=True)
class AddedRole:
    """A role of the school's own ("Site team"): its label is what reports show; for the quiz the
    person counts as `quiz_as` (one of the policy's roles), or gets the general questions (None)."""

    id: str
    label: str
    quiz_as: str | None = None

    @property
    def policy_role(self) -> str:
        return self.quiz_as or "other"


def title_key(text: str) -> str:
    """A job title compared without case, spacing or punctuation: "Site-Manager" is "site manager"."""
    return " ".join(re.sub(r"[-_/.,&()]", " ", text.casefold()).split())


@dataclass(frozen=True)
class SchoolRoles:
    """The roles a school can give someone, and its job titles' mapping onto them."""

    added: Mapping[str, AddedRole] = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)  # job title as typed → role id

    @property
    def ids(self) -> tuple[str, ...]:
        return (*ROLES, *self.added)

    def label(self, role: str) -> str:
        added = self.added.get(role)
        return added.label if added else ROLE_LABELS.get(role, role)

    def is_known(self, role: str) -> bool:
        return role in ROLES or role in self.added

    def policy_role(self, role: str) -> str:
        """The policy's role a person of this role is for the quiz and the staff table."""
        added = self.added.get(role)
        return added.policy_role if added else role

    def mapped(self, title: str) -> str | None:
        """The role HR mapped this job title to, if any."""
        key = title_key(title)
        for typed, role in self.titles.items():
            if title_key(typed) == key and self.is_known(role):
                return role
        return None

    def by_name(self, text: str) -> str | None:
        """An added role by its id or label."""
        key = title_key(text)
        for role in self.added.values():
            if key in (title_key(role.id), title_key(role.label)):
                return role.id
        return None


def school_roles(settings: Settings) -> SchoolRoles:
    added_raw = settings.get(ADDED_KEY, {}) or {}
    added = {role_id: AddedRole(role_id, str(value.get("label") or role_id),
                                value.get("quiz_as") if value.get("quiz_as") in ROLES else None)
             for role_id, value in added_raw.items() if isinstance(value, dict)}
    titles = {str(t): str(r) for t, r in (settings.get(TITLES_KEY, {}) or {}).items()}
    return SchoolRoles(added, titles)


def _resolve_role(roles: SchoolRoles, text: str) -> str:
    from holbrook_desktop.core.hr.staff_import import known_role

    role = known_role(text, roles)
    if role is None:
        names = ", ".join(roles.ids)
        raise InputRefused(f"{text.strip()!r} is not a role here; use one of: {names} "
                           "(or add it: holbrook admin roles add)")
    return role


def map_title(settings: Settings, title: str, role: str) -> str:
    """Remember that this job title is this role (a role id or label); returns the role id."""
    cleaned = " ".join(title.split())
    if not cleaned or len(cleaned) > MAX_TITLE:
        raise InputRefused(f"A job title is needed (at most {MAX_TITLE} characters).")
    roles = school_roles(settings)
    role_id = _resolve_role(roles, role)
    titles = {t: r for t, r in roles.titles.items() if title_key(t) != title_key(cleaned)}
    titles[cleaned] = role_id
    settings.set(TITLES_KEY, dict(sorted(titles.items(), key=lambda item: item[0].casefold())),
                 action="roles.mapped")
    return role_id


def unmap_title(settings: Settings, title: str) -> bool:
    """Forget this job title's mapping; False if there was none."""
    roles = school_roles(settings)
    titles = {t: r for t, r in roles.titles.items() if title_key(t) != title_key(title)}
    if len(titles) == len(roles.titles):
        return False
    settings.set(TITLES_KEY, titles, action="roles.unmapped")
    return True


def add_role(settings: Settings, role_id: str, *, label: str | None = None,
             quiz_as: str | None = None) -> AddedRole:
    """Add a role of the school's own (or change an added one's label or quiz role)."""
    role_id = role_id.strip().casefold()
    if not _ROLE_ID.fullmatch(role_id):
        raise InputRefused("A role's id is a short word in lower case letters, digits and hyphens, "
                           "such as site-team.")
    if role_id in ROLES:
        raise InputRefused(f"{role_id} is one of the policy's own roles already.")
    if quiz_as is not None and quiz_as not in ROLES:
        raise InputRefused(f"For the quiz a role counts as one of the policy's roles: {', '.join(ROLES)}.")
    text = " ".join((label or role_id.replace("-", " ").capitalize()).split())
    if len(text) > MAX_TITLE:
        raise InputRefused(f"A role's label is at most {MAX_TITLE} characters.")
    added: dict[str, Any] = dict(settings.get(ADDED_KEY, {}) or {})
    added[role_id] = {"label": text, "quiz_as": quiz_as}
    settings.set(ADDED_KEY, added, action="roles.added")
    return AddedRole(role_id, text, quiz_as)

"""How long each piece of text a person types may be: one table, checked where the text comes in.

A name of 10,000 characters is a mistake (a whole column pasted into one cell) or an attack; either
way it must be refused at the door, not discovered later as a page that cannot be laid out or a
signature that keeps the records locked while the PDF tries to fit it. Lengths are counted in
characters after the text is tidied (NFC, runs of spaces made one), as it would be stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from holbrook_desktop.core.errors import Refused


@dataclass(frozen=True)
class TextLimit:
    words: str  # the field, as a message names it
    max_chars: int


LIMITS: dict[str, TextLimit] = {
    "full_name": TextLimit("full name", 100),
    "preferred_name": TextLimit("preferred name", 100),
    "typed_name": TextLimit("typed name", 100),
    "staff_number": TextLimit("staff number", 40),
    "work_email": TextLimit("email", 254),  # the longest address mail can carry (RFC 5321)
    "role": TextLimit("role", 60),  # as written in an imported file, before it is matched to a role
    "on_behalf_note": TextLimit("note", 500),
    "school_name": TextLimit("school's name", 120),
    "admin_password": TextLimit("password", 256),
}


class TextTooLong(Refused, ValueError):
    """Text longer than its field allows; `str()` names the field and the limit."""

    def __init__(self, field: str, length: int) -> None:
        limit = LIMITS[field]
        self.field, self.max_chars, self.length = field, limit.max_chars, length
        super().__init__(f"The {limit.words} can be at most {limit.max_chars} characters; this one has "
                         f"{length}.")


def check_length(field: str, text: str | None) -> None:
    """TextTooLong if `text` is longer than `field` allows (None and "" always pass)."""
    if text is not None and len(text) > LIMITS[field].max_chars:
        raise TextTooLong(field, len(text))


def length_problem(field: str, text: str | None) -> str | None:
    """The same check, as a phrase for a list of problems ("the email can be at most …"), or None."""
    try:
        check_length(field, text)
    except TextTooLong as exc:
        message = str(exc).rstrip(".")
        return message[:1].lower() + message[1:]
    return None


def shortened(text: str, field: str) -> str:
    """For printing text stored before the limits (or from elsewhere): cut to the field's limit,
    with an ellipsis, so that a page can always be laid out."""
    limit = LIMITS[field].max_chars
    return text if len(text) <= limit else text[:limit - 1] + "…"

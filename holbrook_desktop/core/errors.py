"""What can go wrong, in two kinds: Refused (the person can put it right) and Failure (they cannot).

Every exception the core raises for a domain reason is one or the other, so a window or the command
line can decide what to do from the kind alone: a Refused is shown beside what to change (exit 2 on
the command line), a Failure as a problem to report (exit 1). `str()` of either is a message fit to
show a person. Where callers already caught a builtin (KeyError, ValueError), the class is that too.
"""

from __future__ import annotations


class HolbrookError(Exception):
    """Base of every domain error; `str()` is a message fit to show a person."""


class Refused(HolbrookError):
    """Not done, and the person can put it right: bad input, not allowed yet, a rule says no. The
    message says, in plain words, what to change."""


class Failure(HolbrookError):
    """Not done, and the person cannot put it right themselves: a damaged database, a disk error, a
    missing key. The message says what happened and, where there is one, who can help."""


class NotFound(Refused, KeyError):
    """No such member of staff, policy or record. A KeyError too, as callers already expect."""

    def __str__(self) -> str:  # KeyError's own str() would put the message in quotes
        return str(self.args[0]) if self.args else ""


class UnknownStaff(NotFound):
    """No member of staff with this number (or none who may sign in)."""

    def __init__(self, staff_id: int) -> None:
        super().__init__(staff_id)
        self.staff_id = staff_id

    def __str__(self) -> str:
        return f"There is no member of staff with number {self.staff_id}."


class UnknownPolicy(NotFound):
    """No policy with this id in the handbook."""

    def __init__(self, policy_id: str) -> None:
        super().__init__(policy_id)
        self.policy_id = policy_id

    def __str__(self) -> str:
        return f"There is no policy {self.policy_id!r} in the handbook."


class InputRefused(Refused, ValueError):
    """A value the person gave that cannot be used; the message says what would be. A ValueError
    too, as callers already expect."""


class NotSignedIn(Refused, RuntimeError):
    """Something only a signed-in person can do, with nobody signed in."""


class RecordsNotOpen(Failure, RuntimeError):
    """The records database is not open (it could not be opened when the app started)."""

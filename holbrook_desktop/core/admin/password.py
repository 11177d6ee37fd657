"""The administrator's password: an Argon2id hash in the settings, and a slowdown after wrong tries.

Only the hash is stored (argon2-cffi's encoded form carries its own salt and cost). The count of
wrong tries is kept in the database, not in memory, so closing and reopening the app does not
reset the wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from holbrook_desktop.core.errors import Refused
from holbrook_desktop.core.limits import TextTooLong, check_length

if TYPE_CHECKING:
    from holbrook_desktop.core.records.settings import Settings

PASSWORD_KEY = "admin.password"
FAILURES_KEY = "admin.failed-tries"
MIN_LENGTH = 8
FREE_TRIES = 3  # a few slips of the keyboard cost nothing
MAX_WAIT_SECONDS = 300


class PasswordRefused(Refused, ValueError):
    """A new password that cannot be used, or a wrong current one; the message says which."""


@dataclass(frozen=True)
class PasswordCheck:
    ok: bool
    wait_seconds: int = 0  # > 0: tried too soon after wrong tries; the password was not checked
    message: str = ""


def _hasher():
    from argon2 import PasswordHasher  # ~20 ms to import: only when a password is checked

    return PasswordHasher()  # Argon2id with the library's current recommended cost


def wait_after(failures: int) -> int:
    """Seconds to wait before the next try: nothing for the first few, then doubling to a cap."""
    if failures < FREE_TRIES:
        return 0
    return min(MAX_WAIT_SECONDS, 2 ** (failures - FREE_TRIES + 1) * 5)


def problem_with(new_password: str) -> str | None:
    if len(new_password) < MIN_LENGTH:
        return f"The password needs at least {MIN_LENGTH} characters."
    try:
        check_length("admin_password", new_password)
    except TextTooLong as exc:
        return str(exc)
    if new_password.strip() != new_password:
        return "The password may not start or end with a space (they are easy to type by mistake)."
    if len(set(new_password)) < 3:
        return "Choose a password with more than one or two different characters."
    return None


def _as_failures(saved: dict | None) -> dict:
    saved = saved or {}
    return {"count": int(saved.get("count", 0)), "at": float(saved.get("at", 0))}


class AdminPassword:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.time, *,
                 changed: Callable[[str, str], object] | None = None) -> None:
        self._settings = settings
        self._clock = clock
        # Told (old, new) after a change: the school's key, sealed with the password, is sealed again.
        self._changed = changed

    def is_set(self) -> bool:
        return bool(self._settings.get(PASSWORD_KEY))

    def set_first(self, new_password: str) -> None:
        """At first run, when there is none yet."""
        if self.is_set():
            raise PasswordRefused("An administrator password is already set; change it from the admin area.")
        self._store(new_password, "admin.password-set")

    def check(self, password: str) -> PasswordCheck:
        encoded = self._settings.get(PASSWORD_KEY)
        if not encoded:
            return PasswordCheck(False, 0, "No administrator password has been set yet.")
        waiting: list[int] = []

        def take_a_try(saved: dict | None) -> dict | None:
            # Checked and counted in one write transaction: a try is counted as wrong until it proves
            # right, so a try made at the same moment (another window, another PC) sees it and waits.
            failures = _as_failures(saved)
            wait = self._seconds_left(failures)
            if wait > 0:
                waiting.append(wait)
                return saved
            return {"count": failures["count"] + 1, "at": self._clock()}

        counted = _as_failures(self._settings.update_quietly(FAILURES_KEY, take_a_try))
        if waiting:
            return PasswordCheck(False, waiting[0],
                                 f"Too many wrong tries. Wait {waiting[0]} seconds and try again.")
        from argon2.exceptions import InvalidHashError, VerificationError

        hasher = _hasher()
        try:
            hasher.verify(encoded, password)
        except (VerificationError, InvalidHashError):
            wait = wait_after(counted["count"])
            message = "That is not the administrator password."
            if wait:
                message += f" Wait {wait} seconds before the next try."
            return PasswordCheck(False, wait, message)
        self._settings.set_quietly(FAILURES_KEY, {"count": 0, "at": 0})
        if hasher.check_needs_rehash(encoded):
            self._settings.set(PASSWORD_KEY, hasher.hash(password), action="admin.password-rehashed")
        return PasswordCheck(True)

    def change(self, current: str, new_password: str) -> None:
        result = self.check(current)
        if not result.ok:
            raise PasswordRefused(result.message or "The current password is not right.")
        self._store(new_password, "admin.password-changed")
        if self._changed is not None:
            self._changed(current, new_password)

    def reset(self, new_password: str) -> None:
        """For whoever administers the PC (the command line): no current password needed."""
        self._store(new_password, "admin.password-reset")
        self._settings.set_quietly(FAILURES_KEY, {"count": 0, "at": 0})

    def _store(self, new_password: str, action: str) -> None:
        problem = problem_with(new_password)
        if problem:
            raise PasswordRefused(problem)
        self._settings.set(PASSWORD_KEY, _hasher().hash(new_password), action=action)

    def _seconds_left(self, failures: dict) -> int:
        wait = wait_after(failures["count"])
        if not wait:
            return 0
        left = failures["at"] + wait - self._clock()
        return max(0, int(left + 0.999))

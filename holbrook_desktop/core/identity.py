"""Who is at the keyboard: the logged-in OS account, the machine, and the person signed in."""

from __future__ import annotations

import getpass
import platform
from dataclasses import dataclass


def os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in some service contexts
        return "unknown"


def machine_name() -> str:
    return platform.node() or "unknown"


@dataclass(frozen=True)
class Actor:
    """Recorded with every change: the OS account (the PC's login is the identity boundary),
    the staff member signed in, if any, and whether it came from the window or the CLI."""

    os_user: str
    via: str  # "window", "cli"
    staff_id: int | None = None

    @classmethod
    def current(cls, via: str, staff_id: int | None = None) -> Actor:
        return cls(os_user(), via, staff_id)

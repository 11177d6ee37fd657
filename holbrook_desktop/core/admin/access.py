"""Who may act as the administrator: the password (window or command line) or the PC's own
administrator account; every sign-in, right or wrong, is in the audit log."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from holbrook_desktop.core.errors import Refused

if TYPE_CHECKING:
    from holbrook_desktop.core.records import Store

SIGNED_IN = "admin.signed-in"
SIGN_IN_REFUSED = "admin.sign-in-refused"
# How the administrator's authority was shown, as the audit log names it.
BY_PASSWORD, BY_PC_ADMINISTRATOR, NO_PASSWORD_YET = "password", "pc-administrator", "no-password-set"


@dataclass(frozen=True)
class AdminSession:
    """The administrator's authority for one sitting: unlocked by the password in the window, or by
    the PC's own account on the command line (`via` says which, for the audit log)."""

    via: str


class AdminSignInRefused(Refused):
    """Not the administrator password, or tried too soon after wrong tries; the message says which."""

    def __init__(self, message: str, wait_seconds: int = 0) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


def pc_administrator() -> bool:
    """The account running this is the PC's administrator: root on Linux and macOS, an elevated
    administrator on Windows. Such an account can read and replace the data folder whatever the app
    does, so asking it for the app's password would protect nothing."""
    if os.name == "nt":
        try:
            import ctypes

            return bool(ctypes.windll.shell32.IsUserAnAdmin())  # type: ignore[attr-defined]
        except (AttributeError, OSError):
            return False
    return hasattr(os, "geteuid") and os.geteuid() == 0


def unlock(store: Store, password: str, *, purpose: str = "admin area") -> AdminSession:
    """The administrator's session if `password` is right; AdminSignInRefused if not. Either way the
    try is audited ("admin.signed-in" / "admin.sign-in-refused", with what it was for)."""
    from holbrook_desktop.core.admin.password import AdminPassword

    check = AdminPassword(store.settings).check(password)
    if not check.ok:
        reason = ("waiting after wrong tries" if check.wait_seconds and "Too many" in check.message
                  else "no password set" if "No administrator password" in check.message
                  else "wrong password")
        _audit(store, SIGN_IN_REFUSED, {"for": purpose, "reason": reason})
        raise AdminSignInRefused(check.message, check.wait_seconds)
    _audit(store, SIGNED_IN, {"for": purpose, "via": BY_PASSWORD})
    return AdminSession(BY_PASSWORD)


def unlock_without_password(store: Store, via: str, *, purpose: str) -> AdminSession:
    """The PC's administrator account (`BY_PC_ADMINISTRATOR`), or a first run with no password set
    yet (`NO_PASSWORD_YET`): audited as a sign-in saying which."""
    _audit(store, SIGNED_IN, {"for": purpose, "via": via})
    return AdminSession(via)


def _audit(store: Store, action: str, details: dict) -> None:
    with store.change(action) as change:
        change.details = details

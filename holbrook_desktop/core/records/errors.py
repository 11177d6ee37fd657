"""What can go wrong with the records database, in words a school office can act on."""

from __future__ import annotations

from pathlib import Path

from holbrook_desktop.core.errors import Failure, HolbrookError, Refused


class StoreError(HolbrookError):
    """Base for records-store problems; `str()` is a message fit to show a person. Each kind below
    is a Failure (the records cannot be used or written) or a Refused (a rule of the records says no)."""


class DatabaseDamaged(StoreError, Failure):
    """The file is not a usable SQLite database. It is left untouched; a backup may replace it."""

    def __init__(self, path: Path, reason: str, backups: list[Path]) -> None:
        self.path = path
        self.reason = reason
        self.backups = backups
        newest = f" The newest backup is {backups[0].name}." if backups else " There is no backup."
        super().__init__(f"The records database {path} cannot be used: {reason}. It has not been "
                         f"changed.{newest}")


class DatabaseTooNew(StoreError, Failure):
    def __init__(self, path: Path, found: int, known: int) -> None:
        self.path, self.found, self.known = path, found, known
        super().__init__(
            f"The records database {path} was made by a newer version of Holbrook Staff Handbook "
            f"(schema {found}; this version knows up to {known}). It has not been opened or changed: "
            "please install the newer version."
        )


class DatabaseBusy(StoreError, Failure):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"The records database {path} stayed busy (another window or computer is "
                         "setting it up or changing it). Nothing was changed; try again in a moment.")


class StoreWriteError(StoreError, Failure):
    """A change could not be saved; nothing of it was written."""


class DuplicateStaff(StoreError, Refused):
    """A staff number or work email that another person already has."""

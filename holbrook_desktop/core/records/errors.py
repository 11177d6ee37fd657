"""What can go wrong with the records database, in words a school office can act on."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base for records-store problems; `str()` is a message fit to show a person."""


class DatabaseDamaged(StoreError):
    """The file is not a usable SQLite database. It is left untouched; a backup may replace it."""

    def __init__(self, path: Path, reason: str, backups: list[Path]) -> None:
        self.path = path
        self.reason = reason
        self.backups = backups
        newest = f" The newest backup is {backups[0].name}." if backups else " There is no backup."
        super().__init__(f"The records database {path} cannot be used: {reason}. It has not been "
                         f"changed.{newest}")


class DatabaseTooNew(StoreError):
    def __init__(self, path: Path, found: int, known: int) -> None:
        self.path, self.found, self.known = path, found, known
        super().__init__(
            f"The records database {path} was made by a newer version of Holbrook Staff Handbook "
            f"(schema {found}; this version knows up to {known}). It has not been opened or changed: "
            "please install the newer version."
        )


class DatabaseBusy(StoreError):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"The records database {path} stayed busy (another window or computer is "
                         "setting it up or changing it). Nothing was changed; try again in a moment.")


class StoreWriteError(StoreError):
    """A change could not be saved; nothing of it was written."""


class DuplicateStaff(StoreError):
    """A staff number or work email that another person already has."""


class SignedPdfUnusable(StoreError, OSError):
    """The signed PDF kept for an acknowledgement is missing, unreadable, or not the file that was
    signed (its SHA-256 is not the one recorded): it is never handed out. An OSError too, so that a
    caller that only expected the file to be unreadable still stops."""

    def __init__(self, record_id: int, path: Path, reason: str) -> None:
        self.record_id, self.path, self.reason = record_id, path, reason
        super().__init__(f"Acknowledgement {record_id}: {reason}. It was not handed out.")

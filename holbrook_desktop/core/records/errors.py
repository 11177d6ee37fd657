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


class DiskFull(StoreError, Failure):
    """The disk holding the records has no room left: nothing is wrong with the file itself."""

    def __init__(self, path: Path, detail: str = "") -> None:
        self.path = path
        extra = f" ({detail})" if detail else ""
        super().__init__(f"The disk holding the records ({path.parent}) is full{extra}. Nothing was "
                         "changed and the records are not damaged: free some space on that disk, then "
                         "start again.")


class RecordsMissing(StoreError, Failure):
    """The records file is missing or empty, but the folder shows records were kept here: backups,
    signed attestations or the school's signing key. A new, empty database is not started over them."""

    def __init__(self, path: Path, found: list[str], backups: list[Path]) -> None:
        self.path = path
        self.found = found  # what shows records were kept here, in words
        self.backups = backups  # newest first
        state = "is missing" if not path.exists() else "is empty"
        offer = (f" The newest backup is {backups[0].name}: restore it to carry on." if backups else
                 " There is no backup: put the records file back from a copy of your own, or choose "
                 "another data folder to start new records deliberately.")
        super().__init__(f"The records database {path} {state}, but this folder holds "
                         f"{'; '.join(found)}, so records were kept here. Nothing has been changed: a "
                         f"new, empty database was not started over them.{offer}")


class DatabaseSound(StoreError, Refused):
    """A restore asked for while the current database is sound: replacing it needs a person's say-so."""

    def __init__(self, path: Path, backup: Path) -> None:
        self.path = path
        self.backup = backup
        super().__init__(f"The records database {path} is sound (it passes its integrity check), so it "
                         f"has not been replaced by the backup {backup.name}, which may be older. Nothing "
                         "was changed. Replacing it must be confirmed.")


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


class SignedPdfUnusable(StoreError, Failure, OSError):
    """The signed PDF kept for an acknowledgement is missing, unreadable, or not the file that was
    signed (its SHA-256 is not the one recorded): it is never handed out. An OSError too, so that a
    caller that only expected the file to be unreadable still stops."""

    def __init__(self, record_id: int, path: Path, reason: str) -> None:
        self.record_id, self.path, self.reason = record_id, path, reason
        super().__init__(f"Acknowledgement {record_id}: {reason}. It was not handed out.")


class NotRecovered(StoreError, Failure):
    """A signed PDF that cannot be put back on record (recovery after a restore): the message says why."""

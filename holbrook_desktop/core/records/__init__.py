"""The records store: one SQLite database (through sqlite-utils) in the data folder.

The errors import cheaply; `Store` (which needs sqlite-utils, ~0.1 s to import) and the staff types
(their checks and limits) are loaded on first use, so the window can appear before the records open.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from holbrook_desktop.core.records.errors import (
    DatabaseDamaged,
    DatabaseSound,
    DatabaseTooNew,
    DiskFull,
    DuplicateStaff,
    RecordsMissing,
    SignedPdfUnusable,
    StoreError,
    StoreWriteError,
)

if TYPE_CHECKING:
    from holbrook_desktop.core.records.staff import NewStaffMember, StaffMember
    from holbrook_desktop.core.records.store import Change, Store

__all__ = [
    "Change", "DatabaseDamaged", "DatabaseSound", "DatabaseTooNew", "DiskFull", "DuplicateStaff",
    "NewStaffMember", "RecordsMissing", "SignedPdfUnusable", "StaffMember", "Store", "StoreError",
    "StoreWriteError",
]
_LOADED_ON_USE = {"Store": "store", "Change": "store", "NewStaffMember": "staff", "StaffMember": "staff"}


def __getattr__(name: str) -> Any:
    if name in _LOADED_ON_USE:
        module = importlib.import_module(f"{__name__}.{_LOADED_ON_USE[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The records store: one SQLite database (through sqlite-utils) in the data folder.

The errors and staff types import cheaply; `Store` (which needs sqlite-utils, ~0.1 s to import) is
loaded on first use, so the window can appear before the records are opened.
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
from holbrook_desktop.core.records.staff import NewStaffMember, StaffMember

if TYPE_CHECKING:
    from holbrook_desktop.core.records.store import Change, Store

__all__ = [
    "Change", "DatabaseDamaged", "DatabaseSound", "DatabaseTooNew", "DiskFull", "DuplicateStaff",
    "NewStaffMember", "RecordsMissing", "SignedPdfUnusable", "StaffMember", "Store", "StoreError",
    "StoreWriteError",
]
_LOADED_ON_USE = {"Store": "store", "Change": "store"}


def __getattr__(name: str) -> Any:
    if name in _LOADED_ON_USE:
        module = importlib.import_module(f"{__name__}.{_LOADED_ON_USE[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The administrator's settings: one JSON value a key, each change audited (secrets never are)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

# Keys whose values are never copied into the audit log (the password's hash is a secret too; the
# logo's picture is bulky, and its hash is in the audit row of "school.logo" beside it).
SECRET_KEYS = frozenset({"admin.password"})
UNLOGGED_KEYS = SECRET_KEYS | {"school.logo.picture"}


class Settings:
    def __init__(self, store) -> None:  # store: holbrook_desktop.core.records.Store
        self._store = store

    def get(self, key: str, default: Any = None) -> Any:
        row = self._store.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set(self, key: str, value: Any, *, action: str = "setting.changed") -> None:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        with self._store.change(action) as change:
            before = change.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            if before is not None and before[0] == text:
                change.skip()
                return
            change.db.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (key, text, change.at))
            change.details = {"key": key} if key in UNLOGGED_KEYS else {"key": key, "value": value}

    def set_quietly(self, key: str, value: Any) -> None:
        """For counters that are bookkeeping, not a decision (failed sign-in tries): no audit row."""
        with self._store.change("setting.counter") as change:
            change.skip()
            change.db.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (key, json.dumps(value), change.at))

    def update_quietly(self, key: str, update: Callable[[Any], Any]) -> Any:
        """Read one bookkeeping value, change it with `update` and write it back in one write
        transaction, so that two windows or PCs doing so at the same moment take turns: the second
        sees the first's value. No audit row. Returns the value now stored (None: there is none)."""
        with self._store.change("setting.counter") as change:
            change.skip()
            row = change.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            before = json.loads(row[0]) if row else None
            after = update(before)
            if after != before:
                change.db.execute(
                    "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    (key, json.dumps(after), change.at))
        return after

    def all(self) -> dict[str, Any]:
        rows = self._store.db.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
        return {key: json.loads(value) for key, value in rows if key not in SECRET_KEYS}

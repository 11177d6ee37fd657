"""Policy versions the app has shown, so that every record can name the exact text it covers."""

from __future__ import annotations

from holbrook_desktop.core.handbook import Policy


class PolicyVersions:
    def __init__(self, store) -> None:  # store: holbrook_desktop.core.store.Store
        self._store = store

    def record_seen(self, policy: Policy) -> bool:
        """Note this version if it is new; True when it was."""
        with self._store.change("policy_version.seen") as change:
            cursor = change.db.execute(
                "INSERT OR IGNORE INTO policy_versions (policy_id, sha256, label, title, effective, "
                "first_seen) VALUES (?, ?, ?, ?, ?, ?)",
                (policy.id, policy.sha256, policy.meta.version, policy.title,
                 policy.meta.effective.isoformat(), change.at),
            )
            if cursor.rowcount == 0:
                change.skip()
            change.details = {"policy_id": policy.id, "sha256": policy.sha256,
                              "label": policy.meta.version}
            return cursor.rowcount == 1

    def all(self) -> list[dict]:
        return list(self._store.db["policy_versions"].rows_where(order_by="policy_id, first_seen"))

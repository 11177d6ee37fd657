"""Policy versions the app has shown, so that every record can name the exact text it covers."""

from __future__ import annotations

import hashlib

from holbrook_desktop.core.content.handbook import Policy


def clause_sha256(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class PolicyVersions:
    def __init__(self, store) -> None:  # store: holbrook_desktop.core.records.Store
        self._store = store

    def record_seen(self, policy: Policy) -> bool:
        """Note this version if it is new; True when it was."""
        if self._complete(policy):
            return False  # the usual case (every sign-in, every admin page): no write lock taken
        with self._store.change("policy_version.seen") as change:
            cursor = change.db.execute(
                "INSERT OR IGNORE INTO policy_versions (policy_id, sha256, label, title, effective, "
                "first_seen) VALUES (?, ?, ?, ?, ?, ?)",
                (policy.id, policy.sha256, policy.meta.version, policy.title,
                 policy.meta.effective.isoformat(), change.at),
            )
            new = cursor.rowcount == 1
            # Clause hashes are filled in for versions first seen before they were kept, too.
            change.db.conn.executemany(
                "INSERT INTO policy_clause_hashes (policy_id, policy_sha256, clause_number, text_sha256, "
                "text) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET text = excluded.text "
                "WHERE text IS NULL",
                [(policy.id, policy.sha256, c.number, clause_sha256(c.plain_text), c.plain_text)
                 for c in policy.clauses()],
            )
            if not new:
                change.skip()
            change.details = {"policy_id": policy.id, "sha256": policy.sha256,
                              "label": policy.meta.version}
            return new

    def _complete(self, policy: Policy) -> bool:
        """On record, with every clause's hash and words."""
        known, with_words = self._store.db.execute(
            "SELECT (SELECT count(*) FROM policy_versions WHERE policy_id = ? AND sha256 = ?), "
            "(SELECT count(*) FROM policy_clause_hashes WHERE policy_id = ? AND policy_sha256 = ? "
            "AND text IS NOT NULL)", (policy.id, policy.sha256, policy.id, policy.sha256)).fetchone()
        return known == 1 and with_words == len({c.number for c in policy.clauses()})

    def changed_clauses(self, policy: Policy, since_sha256: str) -> set[str]:
        """Clauses of `policy` whose text differs from (or is new since) the version `since_sha256`.
        Empty when that version's clauses were never recorded: no evidence is not a change."""
        before = self.clause_hashes(policy.id, since_sha256)
        if not before:
            return set()
        return {c.number for c in policy.clauses() if before.get(c.number) != clause_sha256(c.plain_text)}

    def clause_hashes(self, policy_id: str, sha256: str) -> dict[str, str]:
        """Clause number → the hash of its words in that version (empty if none were recorded)."""
        rows = self._store.db.execute(
            "SELECT clause_number, text_sha256 FROM policy_clause_hashes WHERE policy_id = ? "
            "AND policy_sha256 = ?", (policy_id, sha256)).fetchall()
        return dict(rows)

    def clause_texts(self, policy_id: str, sha256: str) -> dict[str, str | None]:
        """Clause number → its words in that version (None where only the hash was kept)."""
        rows = self._store.db.execute(
            "SELECT clause_number, text FROM policy_clause_hashes WHERE policy_id = ? AND policy_sha256 = ?",
            (policy_id, sha256)).fetchall()
        return dict(rows)

    def history(self, policy_id: str) -> list[dict]:
        """Every version of the policy on record, oldest first (by when each was first shown), with
        its minor-change mark."""
        rows = self._store.db.execute(
            "SELECT sha256, label, title, effective, first_seen, minor_change FROM policy_versions "
            "WHERE policy_id = ? ORDER BY first_seen, rowid", (policy_id,)).fetchall()
        return [{"sha256": r[0], "label": r[1], "title": r[2], "effective": r[3], "first_seen": r[4],
                 "minor_change": bool(r[5])} for r in rows]

    def set_minor_change(self, policy_id: str, sha256: str, minor: bool, *, previous: str | None) -> None:
        """Mark (or unmark) a version as a minor change of `previous`, the version before it (which
        the audit row names). The caller has checked that the version is on record."""
        with self._store.change("policy_version.minor-change") as change:
            change.db.execute(
                "UPDATE policy_versions SET minor_change = ? WHERE policy_id = ? AND sha256 = ?",
                (int(minor), policy_id, sha256))
            change.details = {"policy_id": policy_id, "sha256": sha256, "minor_change": minor,
                              "previous": previous}

    def all(self) -> list[dict]:
        return list(self._store.db["policy_versions"].rows_where(order_by="policy_id, first_seen"))

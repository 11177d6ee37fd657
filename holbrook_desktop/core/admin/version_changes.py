"""What a new policy version changed, clause by clause and word by word: for the administrator to
decide whether the change is minor (a typo fix) or means everyone must acknowledge again."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from holbrook_desktop.core.records.policy_versions import clause_sha256

if TYPE_CHECKING:
    from holbrook_desktop.core.content.handbook import Policy
    from holbrook_desktop.core.records import Store


@dataclass(frozen=True)
class ClauseChange:
    number: str
    kind: str  # "changed", "added", "removed"
    old_text: str | None  # None: added, or the earlier words were not kept (only their hash)
    new_text: str | None  # None: removed

    def word_diff(self) -> list[tuple[str, str]]:
        """(op, words) pieces: op is "same", "removed" or "added"."""
        return word_diff(self.old_text or "", self.new_text or "")


@dataclass(frozen=True)
class VersionChanges:
    policy_id: str
    current_label: str
    current_sha256: str
    previous_label: str | None  # None: no earlier version on record
    previous_sha256: str | None
    clauses: tuple[ClauseChange, ...]

    @property
    def first_version(self) -> bool:
        return self.previous_sha256 is None


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    old_words, new_words = old.split(), new.split()
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("same", " ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(("removed", " ".join(old_words[a1:a2])))
        if b2 > b1:
            pieces.append(("added", " ".join(new_words[b1:b2])))
    return pieces


def version_changes(store: Store, policy: Policy) -> VersionChanges:
    """The current version against the one before it on record (by when each was first shown)."""
    from holbrook_desktop.core.admin.settings import versions_of

    store.policy_versions.record_seen(policy)
    history = versions_of(store, policy.id)
    index = next(i for i, v in enumerate(history) if v["sha256"] == policy.sha256)
    if index == 0:
        return VersionChanges(policy.id, policy.meta.version, policy.sha256, None, None, ())
    previous = history[index - 1]
    return changes_since(store, policy, previous["sha256"], previous["label"])


def changes_since(store: Store, policy: Policy, since_sha256: str, since_label: str) -> VersionChanges:
    """The current version against any earlier one on record (for a member of staff: the version
    they acknowledged), clause by clause; the same comparison HR's view of a new version makes."""
    store.policy_versions.record_seen(policy)
    if since_sha256 == policy.sha256:
        return VersionChanges(policy.id, policy.meta.version, policy.sha256, since_label, since_sha256, ())
    before = store.policy_versions.clause_texts(policy.id, since_sha256)
    before_hashes = store.policy_versions.clause_hashes(policy.id, since_sha256)
    changes: list[ClauseChange] = []
    now_numbers = set()
    for clause in policy.clauses():
        now_numbers.add(clause.number)
        if clause.number not in before_hashes:
            changes.append(ClauseChange(clause.number, "added", None, clause.plain_text))
        elif before_hashes[clause.number] != clause_sha256(clause.plain_text):
            changes.append(ClauseChange(clause.number, "changed", before.get(clause.number),
                                        clause.plain_text))
    for number in sorted(set(before_hashes) - now_numbers, key=_clause_order):
        changes.append(ClauseChange(number, "removed", before.get(number), None))
    return VersionChanges(policy.id, policy.meta.version, policy.sha256, since_label, since_sha256,
                          tuple(changes))


def _clause_order(number: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in number.split("."))

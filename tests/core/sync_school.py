"""A school of PCs for the sync tests and bench/sync.py: each PC a data folder with real records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from holbrook_desktop.core.content.folder import load_content
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.reading.progress import SectionKey
from holbrook_desktop.core.records import NewStaffMember, Store
from holbrook_desktop.core.records.acknowledgements import NewAcknowledgement
from holbrook_desktop.core.sync import folder as sync

REAL_CONTENT = Path(__file__).resolve().parents[2] / "content"
_POLICY = None


def policy():
    global _POLICY
    if _POLICY is None:
        _POLICY = load_content(REAL_CONTENT, quizzes=False).handbook.policies[0]
    return _POLICY


@dataclass
class Pc:
    name: str
    store: Store

    def sync(self, folder: Path) -> sync.SyncReport:
        return sync.run(self.store, folder, me=sync.load_or_make(self.store.data_dir,
                                                                  sync.records_events.pc_id(self.store.db),
                                                                  self.name))


def open_pc(root: Path, name: str) -> Pc:
    return Pc(name, Store.open(root / name, Actor(f"{name}-user", "window")))


def _pdf(stamp) -> bytes:
    return f"%PDF-1.7 test attestation {stamp.record_id} at {stamp.at}".encode() + bytes(2000)


def make_activity(pc: Pc, staff: int, sections: int, *, tag: str = "") -> int:
    """`staff` new people, each reading `sections` sections, one finished quiz and one acknowledgement.
    Returns the number of entities made (one event each at the next export)."""
    store = pc.store
    chosen = policy()
    made = int(store.policy_versions.record_seen(chosen))
    when = datetime(2026, 9, 2, 9, tzinfo=UTC)
    for n in range(staff):
        member = store.staff.add(NewStaffMember(f"{pc.name} Person {tag}{n}", "teacher", date(2026, 9, 1),
                                                staff_number=f"{pc.name}-{tag}{n}"))
        progress = store.progress_for(member.id)
        for s in range(sections):
            progress.mark_read(SectionKey(chosen.id, chosen.sha256, f"{s + 1}"), when + timedelta(minutes=s))
        attempt = store.quiz_attempts.start(member.id, chosen, "induction", n,
                                            [{"id": "q1", "option_order": [0]}])
        store.quiz_attempts.record_answer(attempt, 0, "a", True)
        store.quiz_attempts.finish(attempt, 1, True)
        store.acknowledgements.record(NewAcknowledgement(
            staff_id=member.id, policy_id=chosen.id, policy_sha256=chosen.sha256, version_label="v",
            quiz_attempt_id=attempt, declaration_text="I have read it.", declaration_sha256="d" * 64,
            typed_name=member.full_name, method="typed", signature_png=None, signature_strokes=None,
            on_behalf_note=None, os_user="u", machine=pc.name, app_version="t",
            certificate_fingerprint="f" * 64), _pdf)
        made += 3 + sections
    return made

"""The must-hold of several PCs: 20 PCs × 500 events, delivered shuffled, duplicated and partly
replayed, with one tampered bundle; every PC ends with exactly the union, the tampered bundle
refused and named, nothing applied twice; kill -9 mid-sync leaves no half-applied bundle."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import Store
from holbrook_desktop.core.records import events as records_events
from holbrook_desktop.core.sync import bundle as bundles
from holbrook_desktop.core.sync import folder as sync
from tests.core.sync_school import make_activity, open_pc

PCS, STAFF, SECTIONS = 20, 25, 17  # 25 people × (1 + 17 sections + quiz + acknowledgement) = 500 events
REPO = Path(__file__).resolve().parents[2]


def _pc_folder(master: Path, pc) -> Path:
    return master / "pcs" / records_events.pc_id(pc.store.db)


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    root = tmp_path_factory.mktemp("school")
    master = root / "master"
    master.mkdir()
    pcs = [open_pc(root, f"PC-{n:02d}") for n in range(PCS)]
    made = 0
    for pc in pcs:  # the first half of each PC's work, each sending it from its own outbox
        made += make_activity(pc, STAFF // 2, SECTIONS, tag="a")
        pc.sync(master if pc is pcs[0] else root / "outbox" / pc.name)
    for pc in pcs[1:3]:
        pc.sync(master)  # these two fetch PC-00's people (and send theirs)
    # Two administrators edit one person of PC-00's on different PCs: the later change wins.
    target = pcs[0].store.staff.list()[0].full_name
    for pc, name in ((pcs[1], "Edited on PC-01"), (pcs[2], "Edited on PC-02")):
        member = next(m for m in pc.store.staff.list() if m.full_name == target)
        pc.store.staff.update(member.id, preferred_name=name)
    for pc in pcs:
        made += make_activity(pc, STAFF - STAFF // 2, SECTIONS, tag="b")
        pc.sync(root / "outbox" / pc.name)
    outbox = root / "outbox"
    for path in sorted(outbox.glob("*/pcs/**/*")):
        target = master / path.relative_to(outbox).relative_to(path.relative_to(outbox).parts[0])
        if path.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    for pc in pcs[1:3]:
        pc.sync(master)  # (the two PCs above: their second bundle, to the folder they now use)
    # A replay: PC-03 writes, signed and numbered as new, a bundle of events it sent before.
    replayer = pcs[3]
    me = sync.load_or_make(replayer.store.data_dir, records_events.pc_id(replayer.store.db), replayer.name)
    old = records_events.bundle_events(replayer.store, me.pc_id, 1)
    replay_seq = records_events.next_own_seq(replayer.store)
    (_pc_folder(master, replayer) / f"bundle-{replay_seq}.json").write_bytes(
        bundles.make(me, replay_seq, "2026-12-01T00:00:00+00:00", old[: len(old) // 2], {}))
    # A tampered bundle: PC-05's bundle 2 with one person's name changed, under a new number.
    victim = _pc_folder(master, pcs[5])
    outer = json.loads((victim / "bundle-2.json").read_bytes())
    body = json.loads(outer["body"])
    body["seq"] = 3
    staff_event = next(e for e in body["events"] if e["kind"] == "staff")
    staff_event["changed"]["full_name"] = "Someone Invented"
    outer["body"] = records_events.canonical(body)
    outer["body_sha256"] = hashlib.sha256(outer["body"].encode()).hexdigest()  # so only the signature fails
    (victim / "bundle-3.json").write_text(json.dumps(outer), encoding="utf-8")
    yield root, master, pcs, made
    for pc in pcs:
        pc.store.close()


def _deliver(master: Path, view: Path, rng: random.Random, share: float) -> None:
    """Copy a random part of the master folder into one PC's view of it (never over a file there)."""
    for pc_dir in sorted((master / "pcs").iterdir()):
        files = [p for p in pc_dir.rglob("*") if p.is_file()]
        rng.shuffle(files)
        for path in files:
            if path.name != "pc.json" and rng.random() > share:
                continue
            target = view / path.relative_to(master)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)


def test_every_pc_ends_with_exactly_the_union(school):
    root, master, pcs, made = school
    rng = random.Random(18)
    tampered = (records_events.pc_id(pcs[5].store.db), "bundle-3.json")
    winner = None
    for pc in pcs:
        view = root / "views" / pc.name
        (view / "pcs").mkdir(parents=True)
        for share in (0.3, 0.6):  # part of the folder has arrived, in no particular order
            _deliver(master, view, rng, share)
            pc.sync(view)
        _deliver(master, view, rng, 1.0)
        report = pc.sync(view)
        again = pc.sync(view)  # everything again: duplicates, applied before
        assert (again.exported, again.applied) == (0, [])
        assert report.exported == 0
        refused = {(r["pc_id"], r["file"]) for r in records_events.refusals(pc.store)}
        assert refused == {tampered}, pc.name
        assert "signature does not verify" in records_events.refusals(pc.store)[0]["reason"]
        people = {m.full_name: m.preferred_name for m in pc.store.staff.list(include_inactive=True)}
        assert "Someone Invented" not in people
        winner = winner or people[pcs[0].name + " Person a0"]
        assert people[pcs[0].name + " Person a0"] == winner

    first = records_events.contents(pcs[0].store)
    assert first.events == made + 2  # an event per entity made, and the two edits: nothing lost or twice
    assert first.counts == {"policy_version": 1, "setting": 0, "staff": PCS * STAFF,
                            "quiz_attempt": PCS * STAFF, "progress": PCS * STAFF * SECTIONS,
                            "acknowledgement": PCS * STAFF}
    assert first.waiting == 0
    digest = records_events.events_digest_all(pcs[0].store)
    for pc in pcs[1:]:
        assert records_events.contents(pc.store) == first, pc.name
        assert records_events.events_digest_all(pc.store) == digest
    for pc in pcs:
        store = pc.store
        assert store.acknowledgements.count() == PCS * STAFF
        applied = Counter((d["pc_id"], d["bundle"]) for d in _audit_details(store, "sync.bundle-applied"))
        assert applied and max(applied.values()) == 1  # no bundle applied twice
        assert store.verify_audit().ok
        # Each acknowledgement from elsewhere has its signed PDF, as signed.
        for record in store.acknowledgements.all():
            store.acknowledgements.pdf_bytes(record)
    # Both edits are kept; the later (by time, then PC id) is what every PC shows.
    edits = [json.loads(body) for (body,) in pcs[7].store.db.execute(
        "SELECT body FROM sync_events WHERE kind = 'staff' AND body LIKE '%Edited on%'")]
    assert len(edits) == 2
    latest = max(edits, key=lambda e: (e["at"], e["pc_id"], e["event_id"]))
    assert winner == latest["changed"]["preferred_name"]


def _audit_details(store, action):
    return [json.loads(text) for (text,) in store.db.execute(
        "SELECT details FROM audit_log WHERE action = ?", (action,))]


_SYNC_ONCE = """
import sys
from pathlib import Path
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import Store
from holbrook_desktop.core.sync import folder as sync
store = Store.open(Path(sys.argv[1]), Actor("hr", "cli"))
print("open", flush=True)
sync.run(store, Path(sys.argv[2]))
print("done", flush=True)
"""


def test_kill_9_during_a_sync_leaves_no_half_applied_bundle(school, tmp_path):
    _root, master, _pcs, _made = school
    if sys.platform == "win32":
        pytest.skip("kill -9 is POSIX")
    bundle_events = {}
    for path in (master / "pcs").glob("*/bundle-*.json"):
        body = json.loads(json.loads(path.read_bytes())["body"])
        bundle_events[(body["pc_id"], body["seq"])] = {e["event_id"] for e in body["events"]}
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    killed_mid_way = 0
    for attempt, delay in enumerate((0.4, 0.9, 1.5, 2.5)):
        data = tmp_path / f"pc-{attempt}"
        child = subprocess.Popen([sys.executable, "-c", _SYNC_ONCE, str(data), str(master)], env=env,
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "open"
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        store = Store.open(data, Actor("hr", "cli"))
        try:
            ledger = records_events.bundles(store)
            held = {row[0] for row in store.db.execute("SELECT event_id FROM sync_events")}
            expected = set().union(*(bundle_events.get(key, set()) for key in ledger))
            assert held == expected  # every bundle all there or not at all
            if 0 < len(ledger) < len(bundle_events) - 1:
                killed_mid_way += 1
            # Nothing half-applied: each acknowledgement's event came with its row and its PDF.
            for record in store.acknowledgements.all():
                store.acknowledgements.pdf_bytes(record)
            report = sync.run(store, master)  # and the next sync finishes the job
            assert [r.file for r in report.refused] == ["bundle-3.json"]
            assert records_events.contents(store).counts["acknowledgement"] == PCS * STAFF
        finally:
            store.close()
    assert killed_mid_way >= 1  # at least one kill landed between bundles, not before or after all

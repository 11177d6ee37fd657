"""Several PCs: the time to merge 20 PCs × 500 events into an empty PC (target ≤ 2 s), and the
bundle bytes per acknowledgement.

The 20 PCs' bundles are made once through the real records (people added, sections read, quizzes
finished, acknowledgements with a small stand-in PDF) and cached in the temp folder; each run
merges them into a fresh, empty data folder.

    python bench/sync.py
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PCS, STAFF, SECTIONS = 20, 25, 17
CACHE = Path(tempfile.gettempdir()) / f"holbrook-bench-sync-{PCS}x{STAFF}x{SECTIONS}-v1"
TARGET_S = 2.0


def _build() -> Path:
    from tests.core.sync_school import make_activity, open_pc

    if (CACHE / "ready").exists():
        return CACHE / "folder"
    shutil.rmtree(CACHE, ignore_errors=True)
    folder = CACHE / "folder"
    folder.mkdir(parents=True)
    for n in range(PCS):
        pc = open_pc(CACHE / "pcs", f"PC-{n:02d}")
        make_activity(pc, STAFF, SECTIONS)
        outbox = CACHE / "outbox" / pc.name
        outbox.mkdir(parents=True)
        pc.sync(outbox)  # each PC's own bundle only: not the others'
        pc.store.close()
        for sub in (outbox / "pcs").iterdir():
            shutil.copytree(sub, folder / "pcs" / sub.name)
    (CACHE / "ready").write_text("ok")
    return CACHE / "folder"


def rows() -> list[tuple[str, str, str, float | None]]:
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import Store
    from holbrook_desktop.core.records import events as records_events
    from holbrook_desktop.core.sync import folder as sync

    shared = _build()
    work = Path(tempfile.mkdtemp(prefix="holbrook-bench-sync-"))
    try:
        store = Store.open(work / "data", Actor("bench", "cli"))
        me = sync.identity(store)
        started = time.perf_counter()
        report = sync.run(store, shared, me=me)
        merged = time.perf_counter() - started
        events = records_events.contents(store).events
        acks = store.acknowledgements.count()
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ack_bytes, ack_events, total_bytes, total_events, pdf_bytes = 0, 0, 0, 0, 0
    for path in shared.glob("pcs/*/bundle-*.json"):
        data = path.read_bytes()
        total_bytes += len(data)
        body = json.loads(json.loads(data)["body"])
        for event in body["events"]:
            text = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
            size = len(text.encode()) + 67  # + its hash in the list of hashes
            total_events += 1
            if event["kind"] == "acknowledgement":
                ack_bytes += size
                ack_events += 1
        pdf_bytes += sum(body["files"].values())
    assert not report.refused and events == total_events, (report.refused, events, total_events)
    return [
        (f"merge {PCS} × {total_events // PCS} events (empty PC)", f"≤ {TARGET_S} s", f"{merged:.2f} s",
         merged / TARGET_S),
        ("bundle bytes per acknowledgement", "", f"{ack_bytes / max(ack_events, 1):.0f} B", None),
        ("  + its signed PDF (stand-in here)", "", f"{pdf_bytes / max(ack_events, 1):.0f} B", None),
        ("bundle bytes per event (all kinds)", "", f"{total_bytes / max(total_events, 1):.0f} B", None),
        ("acknowledgements merged", "", f"{acks}", None),
    ]


if __name__ == "__main__":
    print(f"{'figure':<42}{'target':>10}{'measured':>12}{'ratio':>8}")
    for name, target, measured, ratio in rows():
        print(f"{name:<42}{target:>10}{measured:>12}{(f'{ratio:.2f}' if ratio else ''):>8}")

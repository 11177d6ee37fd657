"""Erased means erased on every PC and in the sync folder: an erasure redacts every event kept about
the person (on the PC that erases and on each PC it reaches), each PC rewrites its own bundles that
held them and deletes their PDFs from its files/, a PC joining later or a late bundle from a PC that
was offline brings nothing of them back, and an old copy of a bundle put back is not applied again."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import Store
from holbrook_desktop.core.records import events as records_events
from holbrook_desktop.core.sync import bundle as bundles
from tests.conftest import set_admin_password
from tests.core.sync_school import Pc
from tests.core.test_retention import PNG, acknowledge, add_person, open_records, quentin

# Every way the test's leaver can be found: name, email, staff number, the OS account they signed
# in with, the on-behalf note, the drawn signature (as stored, and as the events carry it, in hex),
# the preferred name an offline PC gave them, and the typed name of an acknowledgement made there.
GONE = ["Quentin", "Zebedee", "quentin.zebedee@holbrook.example", "QZ-1971", "quentin-login",
        "Quentin signed the paper form", "SIGNATURE-OF-QUENTIN", PNG.hex(), PNG.hex().upper(), "Quinny"]


def _pc(root: Path, name: str) -> Pc:
    pc = Pc(name, open_records(root / name))
    _as_on_windows(pc)
    return pc


def _reopen(pc: Pc) -> None:
    pc.store = Store.open(pc.store.data_dir, Actor(f"{pc.name}-user", "window"))
    _as_on_windows(pc)


def _as_on_windows(pc: Pc) -> None:
    # Off, as in the SQLite that Python for Windows ships (Debian's build has it on by default):
    # text deleted or overwritten would otherwise stay in the file's free space.
    pc.store.db.execute("PRAGMA secure_delete = OFF")


def _raw_database(pc: Pc) -> bytes:
    """The database file and its write-ahead log as bytes, with the records closed then reopened."""
    path = pc.store.path
    pc.store.close()
    raw = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
    _reopen(pc)
    return raw


def _found_in(raw: bytes) -> list[str]:
    return [gone for gone in GONE if gone.encode() in raw]


def _folder_bytes(shared: Path) -> dict[str, bytes]:
    return {str(p.relative_to(shared)): p.read_bytes() for p in shared.rglob("*") if p.is_file()}


def _erase_on(pc: Pc, capsys) -> None:
    """HR erases the leavers due, from the command line (the records closed meanwhile)."""
    data = pc.store.data_dir
    pc.store.close()
    set_admin_password(data)
    assert main(["--data-dir", str(data), "retention", "apply", "--yes", "--password-stdin"]) == 0
    capsys.readouterr()
    _reopen(pc)


def _leaver_on(pc: Pc) -> int:
    [member] = [m for m in pc.store.staff.list(include_inactive=True)
                if m.full_name.startswith(("Quentin", "Erased person #"))]
    return member.id


@pytest.fixture
def school(tmp_path, password_on_stdin):
    shared = tmp_path / "shared"
    shared.mkdir()
    a = _pc(tmp_path, "PC-A")
    b = _pc(tmp_path, "PC-B")
    opened = [a, b]
    yield tmp_path, shared, a, b, opened
    for pc in opened:
        pc.store.close()


def test_an_erasure_leaves_no_trace_of_the_person_on_any_pc_or_in_the_sync_folder(school, capsys):
    tmp_path, shared, a, b, opened = school
    leaver = quentin(a.store)
    kept = add_person(a.store, "Rhian Stays", "office", email="rhian@holbrook.example", number="RS-1")
    acknowledge(a.store, kept, "on-behalf", note="Rhian signed on paper")  # (the helper's typed one is
    # made as the OS account "quentin-login")
    a.sync(shared)
    b.sync(shared)
    theirs = {r.pdf_sha256 for r in a.store.acknowledgements.for_person(leaver)}
    assert len(theirs) == 2 and all(f"{sha}.pdf" in str(_folder_bytes(shared)) for sha in theirs)
    on_b = b.store.acknowledgements.for_person(_leaver_on(b))
    assert {r.pdf_sha256 for r in on_b} == theirs
    b_pdfs = [b.store.acknowledgements.pdf_path(r) for r in on_b]
    assert all(p.exists() for p in b_pdfs)
    old_bundle = {p: p.read_bytes() for p in shared.rglob("bundle-*.json")}
    assert any(b"Zebedee" in data for data in old_bundle.values())  # what is to be erased was there

    _erase_on(a, capsys)
    a.sync(shared)
    b.sync(shared)
    a.sync(shared)

    for pc in (a, b):
        member = pc.store.staff.get(_leaver_on(pc))
        assert member.full_name.startswith("Erased person #") and member.work_email is None
        for record in pc.store.acknowledgements.for_person(member.id):
            assert (record.typed_name, record.signature_png, record.os_user) == ("[erased]", None, "[erased]")
        assert pc.store.acknowledgements.for_person(member.id)[0].policy_sha256 == "v1"  # the counts stay
        assert pc.store.verify_audit().ok
        events = " ".join(row[0] for row in pc.store.db.execute("SELECT body FROM sync_events"))
        entities = " ".join(row[0] for row in pc.store.db.execute("SELECT state FROM sync_entities"))
        assert _found_in((events + entities).encode()) == []
        raw = _raw_database(pc)
        assert _found_in(raw) == [], pc.name
        assert b"Rhian Stays" in raw and b"RS-1" in raw  # everyone else is still there
    assert records_events.contents(a.store) == records_events.contents(b.store)
    assert not any(p.exists() for p in b_pdfs)  # PC-B's copies of their PDFs are deleted too
    folder = _folder_bytes(shared)
    assert [name for name, data in folder.items() if _found_in(data)] == []
    assert not [name for name in folder if any(sha in name for sha in theirs)]
    assert any(b"Rhian Stays" in data for data in folder.values())
    # Each bundle rewritten keeps its number and is signed anew: a third PC joining now gets the
    # erased state only, and refuses nothing.
    c = _pc(tmp_path, "PC-C")
    opened.append(c)
    report = c.sync(shared)
    assert report.refused == []
    assert records_events.contents(c.store).digests == records_events.contents(a.store).digests
    assert _found_in(_raw_database(c)) == []
    # The old, unredacted bundles put back: a PC that applied them skips them by number; a PC that
    # never did learns the erasure from the folder first and keeps them redacted.
    for path, data in old_bundle.items():
        path.write_bytes(data)
    assert b.sync(shared).refused == [] and _found_in(_raw_database(b)) == []
    # Even offered to PC-B directly (two syncs at once), the old bundle 1 is the bundle 1 applied
    # there once redacted; other events under that number are still refused.
    a_dir = shared / "pcs" / records_events.this_pc(a.store)
    key = json.loads((a_dir / "pc.json").read_text())["public_key"]
    first, second = (bundles.read((a_dir / f"bundle-{n}.json").read_bytes(), key, a_dir.name, n)
                     for n in (1, 2))
    again = records_events.apply_bundle(b.store, a_dir.name, 1, first.events, first.digest, {}.__getitem__)
    assert again.already
    with pytest.raises(records_events.EventsRefused):
        records_events.apply_bundle(b.store, a_dir.name, 1, second.events, second.digest, {}.__getitem__)
    d = _pc(tmp_path, "PC-D")
    opened.append(d)
    report = d.sync(shared)
    assert report.refused == [], report.refused
    assert records_events.contents(d.store).digests == records_events.contents(a.store).digests
    assert _found_in(_raw_database(d)) == []
    # Every PC keeps PC-A's events exactly as PC-A now has them, redacted the same way.
    def events_of_a(pc: Pc) -> set[tuple[str, str]]:
        return {tuple(r) for r in pc.store.db.execute(
            "SELECT event_id, sha256 FROM sync_events WHERE pc_id = ?", (a_dir.name,))}

    for pc in (b, c, d):
        assert events_of_a(pc) == events_of_a(a), pc.name
    copied = {hashlib.sha256(p.read_bytes()).hexdigest()
              for p in (d.store.data_dir / "attestations").rglob("*.pdf")}
    assert len(copied) == 1 and not copied & theirs  # Rhian's only


def test_a_late_bundle_from_a_pc_that_was_offline_brings_nothing_of_them_back(school, capsys):
    tmp_path, shared, a, b, opened = school
    quentin(a.store)
    a.sync(shared)
    offline = _pc(tmp_path, "PC-E")
    opened.append(offline)
    offline.sync(shared)  # it knows them, then goes offline
    on_e = _leaver_on(offline)
    offline.store.staff.update(on_e, preferred_name="Quinny")
    acknowledge(offline.store, on_e, "drawn")  # a late record of theirs, with its PDF
    late_pdf = offline.store.acknowledgements.for_person(on_e)[-1].pdf_sha256
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    offline.sync(outbox)  # its bundle waits in a folder of its own

    _erase_on(a, capsys)
    a.sync(shared)
    b.sync(shared)
    # Its late bundle reaches the sync folder (the share reconnects) before it syncs again.
    mine = records_events.this_pc(offline.store)
    for path in (outbox / "pcs" / mine).rglob("*"):
        target = shared / "pcs" / mine / path.relative_to(outbox / "pcs" / mine)
        if path.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    assert any(b"Quinny" in p.read_bytes() for p in (shared / "pcs" / mine).glob("bundle-*.json"))
    report = b.sync(shared)
    assert report.refused == [] and [r["pc_name"] for r in report.applied] == ["PC-E"]
    member = b.store.staff.get(_leaver_on(b))
    assert member.full_name.startswith("Erased person #") and member.preferred_name is None
    assert all(r.typed_name == "[erased]" and r.signature_png is None
               for r in b.store.acknowledgements.for_person(member.id))
    assert _found_in(_raw_database(b)) == []
    assert not list((b.store.data_dir / "attestations").rglob("*.pdf"))  # its PDF was not copied
    # The offline PC, back: it learns the erasure, purges its own records and rewrites its bundle.
    offline.sync(shared)
    assert offline.store.staff.get(on_e).full_name.startswith("Erased person #")
    assert _found_in(_raw_database(offline)) == []
    assert offline.store.verify_audit().ok and b.store.verify_audit().ok  # its own entries erased, on record
    folder = _folder_bytes(shared)
    assert [name for name, data in folder.items() if _found_in(data)] == []
    assert not [name for name in folder if late_pdf in name]
    a.sync(shared)
    b.sync(shared)
    contents = [records_events.contents(pc.store) for pc in (a, b, offline)]
    assert contents[0] == contents[1] == contents[2]
    assert json.loads(json.dumps([c.counts for c in contents]))[0]["acknowledgement"] == 3


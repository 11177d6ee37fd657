"""Several PCs through a sync folder: ids, bundles, what is refused, the conflict rule, the commands."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.attestation.evidence import check_evidence
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import Store
from holbrook_desktop.core.records import events as records_events
from tests.core.sync_school import make_activity, open_pc


@pytest.fixture
def school(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    a, b = open_pc(tmp_path, "PC-A"), open_pc(tmp_path, "PC-B")
    yield shared, a, b
    a.store.close()
    b.store.close()


def _pc_dir(shared: Path, pc) -> Path:
    return shared / "pcs" / records_events.this_pc(pc.store)


def test_every_synced_row_has_a_global_id_and_its_pc(school):
    _shared, a, _b = school
    make_activity(a, 2, 3)
    me = records_events.this_pc(a.store)
    for table in ("staff", "reading_progress", "quiz_attempts", "acknowledgements", "policy_versions"):
        rows = a.store.db.execute(f"SELECT uuid, origin_pc FROM {table}").fetchall()
        assert rows and all(len(uuid) == 36 and pc == me for uuid, pc in rows), table
        assert len({uuid for uuid, _ in rows}) == len(rows)
    path = a.store.data_dir
    a.store.close()
    a.store = Store.open(path, Actor("x", "cli"))
    assert records_events.this_pc(a.store) == me  # made once per data folder


def test_two_pcs_end_with_the_same_records_and_hr_sees_where_each_was_made(school):
    shared, a, b = school
    make_activity(a, 3, 4)
    make_activity(b, 2, 4)
    a.sync(shared)
    b.sync(shared)
    a.sync(shared)
    assert records_events.contents(a.store) == records_events.contents(b.store)
    assert b.store.staff.count() == 5 and b.store.acknowledgements.count() == 5
    labels = sorted(records_events.acknowledgement_label(b.store, r.id)
                    for r in b.store.acknowledgements.all())
    assert labels == ["000001", "000002", "PC-A/000001", "PC-A/000002", "PC-A/000003"]
    # The PDFs from PC-A are kept on PC-B as signed, and PC-B's evidence check passes with them.
    for record in b.store.acknowledgements.all():
        b.store.acknowledgements.pdf_bytes(record)
    report = check_evidence(b.store)  # the stand-in PDFs made here carry no anchor: only theirs fail
    assert report.chain.ok and len(report.problems) == 2, report
    assert all("attestations/attestation-00000" in problem for problem in report.problems)
    # Nothing new: a second run writes and applies nothing.
    again = b.sync(shared)
    assert (again.exported, again.applied, again.refused) == (0, [], [])


def test_conflicting_edits_latest_wins_everywhere_and_both_are_kept(school):
    shared, a, b = school
    make_activity(a, 1, 1)
    a.sync(shared)
    b.sync(shared)
    [on_a] = a.store.staff.list()
    [on_b] = b.store.staff.list()
    a.store.staff.update(on_a.id, preferred_name="Annie", role="office")
    b.store.staff.update(on_b.id, preferred_name="Ann")  # later: wins for this field only
    a.sync(shared)
    b.sync(shared)
    a.sync(shared)
    for store, member_id in ((a.store, on_a.id), (b.store, on_b.id)):
        member = store.staff.get(member_id)
        assert (member.preferred_name, member.role) == ("Ann", "office")
    edits = [json.loads(body)["changed"] for (body,) in a.store.db.execute(
        "SELECT body FROM sync_events WHERE kind = 'staff' ORDER BY at")]
    assert {"preferred_name": "Annie", "role": "office"} in edits and {"preferred_name": "Ann"} in edits


def test_a_change_made_here_is_never_overwritten_by_an_older_one_from_elsewhere(school):
    shared, a, b = school
    make_activity(a, 1, 1)
    a.sync(shared)
    b.sync(shared)
    [on_a] = a.store.staff.list()
    [on_b] = b.store.staff.list()
    a.store.staff.update(on_a.id, preferred_name="Older")
    a.sync(shared)
    b.store.staff.update(on_b.id, preferred_name="Newer")  # not yet sent when A's bundle arrives
    b.sync(shared)
    a.sync(shared)
    assert a.store.staff.get(on_a.id).preferred_name == "Newer"
    assert b.store.staff.get(on_b.id).preferred_name == "Newer"


def test_a_bundle_with_a_changed_pdf_is_refused_whole_then_applied_once_the_pdf_is_right(school):
    shared, a, b = school
    make_activity(a, 2, 2)
    a.sync(shared)
    pdf = next((_pc_dir(shared, a) / "files").iterdir())
    good = pdf.read_bytes()
    pdf.write_bytes(good.replace(b"test attestation", b"fake attestation"))
    report = b.sync(shared)
    [refused] = report.refused
    assert (refused.pc_name, refused.file) == ("PC-A", "bundle-1.json")
    assert "does not match its hash" in refused.reason
    assert b.store.staff.count() == 0 and records_events.contents(b.store).events == 0  # nothing of it
    assert [r["file"] for r in records_events.refusals(b.store)] == ["bundle-1.json"]
    pdf.write_bytes(good)  # the sync service brings the right file
    report = b.sync(shared)
    assert report.refused == [] and records_events.refusals(b.store) == []
    assert b.store.staff.count() == 2 and b.store.acknowledgements.count() == 2


def test_a_bundle_copied_into_another_pcs_folder_or_signed_by_another_key_is_refused(school, tmp_path):
    shared, a, b = school
    make_activity(a, 1, 1)
    make_activity(b, 1, 1)
    a.sync(shared)
    b.sync(shared)
    # PC-A's bundle 1 copied into PC-B's folder as bundle 7: not PC-B's, refused.
    (_pc_dir(shared, b) / "bundle-7.json").write_bytes((_pc_dir(shared, a) / "bundle-1.json").read_bytes())
    c = open_pc(tmp_path, "PC-C")
    try:
        report = c.sync(shared)
        assert [(r.pc_name, r.file) for r in report.refused] == [("PC-B", "bundle-7.json")]
        assert c.store.staff.count() == 2
        # A new key put in PC-A's pc.json (someone else writing as PC-A): its new bundles are not applied.
        card = json.loads((_pc_dir(shared, a) / "pc.json").read_text())
        card["public_key"] = json.loads((_pc_dir(shared, b) / "pc.json").read_text())["public_key"]
        (_pc_dir(shared, a) / "pc.json").write_text(json.dumps(card))
        report = c.sync(shared)
        assert ("PC-A", "pc.json") in {(r.pc_name, r.file) for r in report.refused}
    finally:
        c.store.close()


def test_the_migration_gives_rows_made_before_it_ids(tmp_path):
    from holbrook_desktop.core.records import migrations

    path = tmp_path / "data" / "holbrook.db"
    path.parent.mkdir()
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL, "
               "applied_at TEXT NOT NULL)")
    from sqlite_utils import Database

    old = Database(db)
    for number, migration in enumerate(migrations.MIGRATIONS[:5], start=1):
        migration(old)
        db.execute("INSERT INTO schema_migrations VALUES (?, ?, 'x')", (number, migration.__name__))
    db.execute("INSERT INTO staff (full_name, role, start_date, created_at, created_by) "
               "VALUES ('Old Person', 'teacher', '2020-01-01', '2020-01-01', 'x')")
    db.commit()
    db.close()
    store = Store.open(path.parent, Actor("x", "cli"))
    try:
        uuid, origin = store.db.execute("SELECT uuid, origin_pc FROM staff").fetchone()
        assert len(uuid) == 36 and origin == records_events.this_pc(store)
        assert records_events.pending_count(store) == 1  # to be sent at the first sync
    finally:
        store.close()


def test_the_sync_commands(tmp_path, capsys):
    shared = tmp_path / "shared"
    shared.mkdir()
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "sync", "run"]) == 2
    assert "No sync folder is set" in capsys.readouterr().err
    assert main(["--data-dir", str(data), "sync", "set-folder", str(tmp_path / "missing")]) == 2
    assert main(["--data-dir", str(data), "sync", "set-folder", str(shared)]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(data), "sync", "run", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["folder"] == str(shared.resolve()) and report["refused"] == []
    assert main(["--data-dir", str(data), "sync", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["reachable"] and status["changes_not_yet_exported"] == 0
    assert [pc["pc_id"] for pc in status["pcs"]] == [status["pc_id"]]
    assert (shared / "pcs" / status["pc_id"] / "pc.json").exists()


def test_hrs_export_names_a_record_made_elsewhere_by_its_pc_and_number_there(school):
    from holbrook_desktop.app import open_app
    from tests.core.sync_school import REAL_CONTENT

    shared, a, b = school
    make_activity(a, 1, 1)
    make_activity(b, 1, 1)
    a.sync(shared)
    b.sync(shared)
    data_dir = b.store.data_dir
    b.store.close()
    app = open_app(REAL_CONTENT, data_dir)
    try:
        app.open_records("cli")
        rows = app.hr.acknowledgement_rows(app.hr.statuses(include_leavers=True))
        numbers = sorted(str(row.record_id) for row in rows if row.record_id is not None)
        assert numbers == ["1", "PC-A/000001"]
    finally:
        app.close()
        b.store = Store.open(data_dir, Actor("x", "cli"))


def test_a_bundle_changed_after_signing_is_refused_and_nothing_of_it_applied(school):
    import hashlib

    shared, a, b = school
    make_activity(a, 2, 1)
    a.sync(shared)
    path = _pc_dir(shared, a) / "bundle-1.json"
    outer = json.loads(path.read_bytes())
    outer["body"] = outer["body"].replace("PC-A Person 1", "Someone Else")
    outer["body_sha256"] = hashlib.sha256(outer["body"].encode()).hexdigest()
    path.write_text(json.dumps(outer))
    report = b.sync(shared)
    assert [(r.pc_name, r.file) for r in report.refused] == [("PC-A", "bundle-1.json")]
    assert "signature does not verify" in report.refused[0].reason
    assert b.store.staff.count() == 0 and records_events.contents(b.store).events == 0


def test_the_schools_roles_and_job_titles_travel_with_the_people_who_have_them(school):
    from datetime import date

    from holbrook_desktop.core.hr.roles import add_role, map_title, school_roles
    from holbrook_desktop.core.records import NewStaffMember

    shared, a, b = school
    add_role(a.store.settings, "site-team", label="Site team", quiz_as="contractor")
    map_title(a.store.settings, "Caretaker", "site-team")
    a.store.staff.add(NewStaffMember("Sam Keys", "contractor", date(2026, 9, 1), school_role="site-team"))
    a.sync(shared)
    b.sync(shared)
    roles = school_roles(b.store.settings)
    assert roles.label("site-team") == "Site team" and roles.mapped("caretaker") == "site-team"
    sam = next(m for m in b.store.staff.list() if m.full_name == "Sam Keys")
    assert sam.school_role == "site-team" and sam.role_label == "Site team"


def test_the_schools_logo_travels_and_so_does_going_back_to_the_shipped_one(school, tmp_path):
    from PIL import Image

    from holbrook_desktop.core.admin.school_profile import (
        custom_logo_path,
        school_profile,
        set_school_logo,
        use_default_school_logo,
    )

    shared, a, b = school
    picture = tmp_path / "crest.png"
    Image.new("RGB", (120, 80), (200, 30, 30)).save(picture)
    set_school_logo(a.store, picture)
    a.sync(shared)
    b.sync(shared)
    profile = school_profile(b.store.settings, b.store.data_dir, [])
    assert profile.logo_is_custom
    assert profile.logo_path.read_bytes() == custom_logo_path(a.store.data_dir).read_bytes()
    # The picture is not copied into the audit log: its hash is, in the row beside it.
    details = " ".join(row[0] for row in b.store.db.execute("SELECT details FROM audit_log"))
    assert "iVBOR" not in details
    use_default_school_logo(b.store)
    b.sync(shared)
    a.sync(shared)
    assert not school_profile(a.store.settings, a.store.data_dir, []).logo_is_custom


def test_a_first_sync_of_many_changes_is_several_bundles_each_applied_whole(school, monkeypatch):
    shared, a, b = school
    monkeypatch.setattr(records_events, "BUNDLE_EVENTS", 10)
    made = make_activity(a, 6, 3)  # 6 × (3 + 3) events and a policy version: 37
    report = a.sync(shared)
    assert report.exported == made and report.bundle == 1
    written = sorted(_pc_dir(shared, a).glob("bundle-*.json"))
    assert len(written) == 4
    b.sync(shared)
    assert records_events.contents(a.store) == records_events.contents(b.store)
    assert b.store.acknowledgements.count() == 6

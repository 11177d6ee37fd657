"""One school identity: HR's PC makes the school's certificate, other PCs join with a join file and the
administrator password, every attestation verifies on every PC (and in pdfsig given the school's
certificate), and a lost PC's certificate is revoked. Through the façade, the sync folder and the CLI."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import shutil
import subprocess
import time
from datetime import date

import pytest

from holbrook_desktop.app import App
from holbrook_desktop.cli import main
from holbrook_desktop.core.attestation.join_file import JoinFileRefused
from holbrook_desktop.core.attestation.school_root import SchoolIdentityRefused
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import NewStaffMember, Store
from holbrook_desktop.core.sync import folder as sync
from tests.core.test_attestation_flow import SIGNATURE
from tests.core.test_quiz_records import _read_everything, content  # noqa: F401 (a fixture)

PASSWORD = "Governors meet 3rd Tuesday"


class Pc:
    def __init__(self, folder, content, name):  # noqa: F811
        self.name = name
        self.store = Store.open(folder, Actor(f"{name}-user", "window"))
        self.app = App(content, records=self.store)

    def acknowledge(self, person: str):
        member = self.app.hr.add_staff(NewStaffMember(person, "teacher", date(2026, 9, 1)))
        self.app.sign_in(member.id)
        _read_everything(self.app, self.store, member.id)
        session = self.app.quiz.start("social-media", "induction", seed=3)
        for index, presented in enumerate(session.questions):
            session.answer(index, presented.correct_answer())
        assert session.finish().passed
        record = self.app.attestation.acknowledge("social-media", typed_name=person, declared=True,
                                                  signature=SIGNATURE)
        self.app.sign_out()
        return record

    def sync(self, shared):
        me = sync.load_or_make(self.store.data_dir, sync.records_events.pc_id(self.store.db), self.name)
        return sync.run(self.store, shared, me=me)


@pytest.fixture
def school(tmp_path, content):  # noqa: F811
    shared = tmp_path / "shared"
    shared.mkdir()
    hr, staff_room = Pc(tmp_path / "hr", content, "Office"), Pc(tmp_path / "staff", content, "Staff room")
    hr.app.admin.password().set_first(PASSWORD)
    yield shared, hr, staff_room
    hr.store.close()
    staff_room.store.close()


def _joined(tmp_path, hr, pc, name="Staff room"):
    hr.app.school.create(PASSWORD, pc_name="Office")
    made = hr.app.school.make_join_file(PASSWORD, name, tmp_path / f"{name}.holbrook-join")
    return pc.app.school.join(made.path, PASSWORD)


def _school_line(check):
    return next(line for line in check.lines if line.name == "school")


def test_an_attestation_made_on_one_pc_verifies_on_another(school, tmp_path):
    shared, hr, staff_room = school
    joined = _joined(tmp_path, hr, staff_room)
    assert joined.certificate.subject == "PC Staff room"
    record = staff_room.acknowledge("Ann Smith")
    pdf = staff_room.app.attestation.pdf(record)
    assert staff_room.app.attestation.verify(pdf).ok
    # Not yet synced: HR's PC knows the signature is the school's, but has no record of it.
    hr.acknowledge("Has Record One Here")  # HR's own record 1: never confused with the staff room's 1
    early = hr.app.attestation.verify(pdf)
    assert _school_line(early).ok and "PC 'Staff room' of Holbrook Primary" in _school_line(early).message
    assert [line.name for line in early.lines if not line.ok] == ["record", "anchor"] and early.record is None
    assert "has not reached this PC" in early.lines[2].message
    staff_room.sync(shared)
    hr.sync(shared)
    synced = next(r for r in hr.store.acknowledgements.all() if r.typed_name == "Ann Smith")
    check = hr.app.attestation.verify(hr.app.attestation.pdf(synced))
    assert _school_line(check).ok and [line.name for line in check.lines if not line.ok] == []
    # And the other way: HR's own PC signs with a certificate the school issued too.
    own = hr.acknowledge("Bob Jones")
    hr.sync(shared)
    staff_room.sync(shared)
    there = next(r for r in staff_room.store.acknowledgements.all() if r.typed_name == "Bob Jones")
    check = staff_room.app.attestation.verify(staff_room.app.attestation.pdf(there))
    assert check.ok, check.problems
    assert "PC 'Office'" in _school_line(check).message
    assert own.certificate_fingerprint != record.certificate_fingerprint


def test_another_schools_pc_is_not_this_schools(tmp_path, content):  # noqa: F811
    a, b = Pc(tmp_path / "a", content, "A"), Pc(tmp_path / "b", content, "B")
    for pc in (a, b):
        pc.app.admin.password().set_first(PASSWORD)
        pc.app.school.create(PASSWORD, pc_name=pc.name)
    pdf = b.app.attestation.pdf(b.acknowledge("Eve Other"))
    check = a.app.attestation.verify(pdf)
    assert not _school_line(check).ok and "not signed with this school's key" in _school_line(check).message


def test_old_attestations_still_verify_after_the_pc_gets_the_schools_certificate(school, tmp_path):
    _shared, hr, _staff_room = school
    before = hr.acknowledge("Early Bird")  # signed with the PC's own self-signed key
    hr.app.school.create(PASSWORD, pc_name="Office")
    assert hr.app.attestation.verify(hr.app.attestation.pdf(before)).ok
    after = hr.acknowledge("Late Comer")
    assert after.certificate_fingerprint != before.certificate_fingerprint
    assert hr.app.attestation.verify(hr.app.attestation.pdf(after)).ok


def test_the_join_file_needs_the_password_and_is_refused_when_changed(school, tmp_path):
    _shared, hr, staff_room = school
    hr.app.school.create(PASSWORD, pc_name="Office")
    made = hr.app.school.make_join_file(PASSWORD, "Laptop 3", tmp_path / "laptop.holbrook-join")
    assert PASSWORD not in made.path.read_text() and made.pc_name == "Laptop 3"
    with pytest.raises(JoinFileRefused, match="administrator password does not open"):
        staff_room.app.school.join(made.path, "Not the password 1")
    body = json.loads(made.path.read_text())
    body["school_certificate"] = staff_room.app.school.root().certificate_path.name  # nonsense
    broken = tmp_path / "broken.holbrook-join"
    broken.write_text(json.dumps(body))
    with pytest.raises(JoinFileRefused, match=str(broken)):
        staff_room.app.school.join(broken, PASSWORD)
    (tmp_path / "junk").write_bytes(b"\x00" * 10)
    with pytest.raises(JoinFileRefused, match="not a join file"):
        staff_room.app.school.join(tmp_path / "junk", PASSWORD)
    assert not staff_room.app.school.status()["member"]  # nothing was half done
    # A wrong administrator password opens nothing and makes no file.
    with pytest.raises(SchoolIdentityRefused):
        hr.app.school.make_join_file("wrong password", "Laptop 4", tmp_path / "l4.holbrook-join")
    assert not (tmp_path / "l4.holbrook-join").exists()
    actions = [row[0] for row in hr.store.db.execute("SELECT action FROM audit_log")]
    assert "school.created" in actions and actions.count("school.join-file-made") == 1


def test_a_revoked_pc_signs_no_more_for_the_school_on_any_pc(school, tmp_path):
    shared, hr, staff_room = school
    _joined(tmp_path, hr, staff_room)
    before = staff_room.acknowledge("Signed Before")
    staff_room.sync(shared)
    hr.sync(shared)
    time.sleep(1.1)  # a revocation list counts whole seconds: revoked in the second after the signature
    hr.app.school.revoke(PASSWORD, "staff room", "lost")
    hr.sync(shared)  # the revocation list travels through the sync folder
    staff_room.sync(shared)
    assert staff_room.app.school.status()["this_pc"]["revoked"]
    after = staff_room.acknowledge("Signed After")
    for pc in (hr, staff_room):
        old = pc.app.attestation.verify(staff_room.app.attestation.pdf(before))
        assert _school_line(old).ok and "after this was signed" in _school_line(old).message
        new = pc.app.attestation.verify(staff_room.app.attestation.pdf(after))
        assert not _school_line(new).ok and "revoked" in _school_line(new).message
    # The lost PC's bundles are no longer applied on the school's other PCs.
    staff_room.sync(shared)
    report = hr.sync(shared)
    assert any("revoked its certificate" in r.reason for r in report.refused)
    assert "Signed After" not in {r.typed_name for r in hr.store.acknowledgements.all()}
    # A revocation list not signed by the school's key is never taken from the shared folder.
    (shared / "school" / "revoked.crl").write_bytes(b"not a list")
    staff_room.sync(shared)
    assert staff_room.app.school.status()["this_pc"]["revoked"]


def test_the_password_change_reseals_the_schools_key(school, tmp_path):
    _shared, hr, _staff_room = school
    hr.app.school.create(PASSWORD, pc_name="Office")
    hr.app.admin.password().change(PASSWORD, "A new one for spring")
    made = hr.app.school.make_join_file("A new one for spring", "PC 9", tmp_path / "pc9.holbrook-join")
    assert made.path.exists()
    key_file = hr.app.school.root().key_path.read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in key_file and PASSWORD.encode() not in key_file


@pytest.mark.skipif(shutil.which("pdfsig") is None or shutil.which("certutil") is None,
                    reason="needs poppler's pdfsig and NSS's certutil")
def test_pdfsig_trusts_every_pcs_attestation_given_the_schools_certificate(school, tmp_path):
    _shared, hr, staff_room = school
    _joined(tmp_path, hr, staff_room)
    certificate = hr.app.school.export_certificate(tmp_path / "school.cer")
    database = tmp_path / "nss"
    database.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{database}", "--empty-password"], check=True,
                   capture_output=True, timeout=60)
    subprocess.run(["certutil", "-A", "-d", f"sql:{database}", "-n", "school", "-t", "C,C,C",
                    "-i", str(certificate)], check=True, capture_output=True, timeout=60)
    for pc, person in ((staff_room, "Ann Smith"), (hr, "Bob Jones")):
        path = tmp_path / f"{person}.pdf"
        path.write_bytes(pc.app.attestation.pdf(pc.acknowledge(person)))
        result = subprocess.run(["pdfsig", "-nssdir", f"sql:{database}", str(path)],
                                capture_output=True, text=True, timeout=60)
        assert "Signature is Valid." in result.stdout, result.stdout + result.stderr
        assert "Certificate is Trusted." in result.stdout, result.stdout
        assert f"Signer Certificate Common Name: PC {pc.name}" in result.stdout
    # A lost PC: with the school's revocation list beside its certificate, what it signs after the
    # revocation shows as revoked to the auditor too.
    time.sleep(1.1)
    hr.app.school.revoke(PASSWORD, "Staff room", "lost")
    time.sleep(1.1)
    late = tmp_path / "late.pdf"
    late.write_bytes(staff_room.app.attestation.pdf(staff_room.acknowledge("Late Signer")))
    crl = hr.app.school.export_revocations(tmp_path / "school.crl")
    if shutil.which("crlutil"):
        subprocess.run(["crlutil", "-I", "-d", f"sql:{database}", "-i", str(crl), "-t", "1"], check=True,
                       capture_output=True, timeout=60)
        result = subprocess.run(["pdfsig", "-nssdir", f"sql:{database}", str(late)],
                                capture_output=True, text=True, timeout=60)
        assert "Certificate has been Revoked." in result.stdout, result.stdout


def test_the_school_commands(tmp_path, content, monkeypatch, capsys):  # noqa: F811
    def run(data, *args, stdin=PASSWORD + "\n"):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return main(["--data-dir", str(data), "--content", str(content), *args])

    hr, laptop = tmp_path / "hr", tmp_path / "laptop"
    assert run(hr, "admin", "password", "set", "--password-stdin") == 0
    assert run(hr, "school", "create", "--pc-name", "Office", "--password-stdin") == 0
    assert run(hr, "school", "create", "--password-stdin") == 2  # made once
    join = tmp_path / "laptop.holbrook-join"
    assert run(hr, "school", "make-join-file", "--pc-name", "Laptop", "-o", str(hr / "x.holbrook-join"),
               "--password-stdin") == 2  # never into the data folder
    capsys.readouterr()
    assert run(hr, "school", "make-join-file", "-o", str(join), "--password-stdin", "--json") == 0
    assert json.loads(capsys.readouterr().out)["pc_name"] == "PC 2"  # the Office is PC 1
    assert run(laptop, "school", "join", str(join), "--password-stdin", stdin="wrong password\n") == 2
    assert run(laptop, "school", "join", str(join), "--password-stdin") == 0
    capsys.readouterr()
    assert run(laptop, "school", "show", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["member"] and not shown["holds_school_key"] and shown["this_pc"]["vouched_by_school"]
    assert shown["this_pc"]["subject"] == "PC 2"  # not "PC PC 2"
    # In the sync folder the PC goes by the name the school gave it.
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import Store

    with contextlib.closing(Store.open(laptop, Actor("it", "cli"))) as store:
        assert sync.identity(store).name == "PC 2"
    assert run(laptop, "school", "revoke", "PC 2", "--password-stdin") == 2  # the key is on HR's PC
    assert run(hr, "school", "revoke", "PC 2", "--password-stdin") == 0
    assert run(hr, "school", "export-certificate", "-o", str(tmp_path / "school.pem")) == 0
    assert (tmp_path / "school.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_only_the_schools_pcs_are_synced_once_it_has_one_identity(school, tmp_path, content):  # noqa: F811
    shared, hr, staff_room = school
    hr.app.school.create(PASSWORD, pc_name="Office")
    staff_room.acknowledge("Not Yet Joined")
    staff_room.sync(shared)
    report = hr.sync(shared)
    assert [r.pc_name for r in report.refused] == ["Staff room"]
    assert "not one of the school's PCs" in report.refused[0].reason
    assert hr.store.acknowledgements.count() == 0
    made = hr.app.school.make_join_file(PASSWORD, "Staff room", tmp_path / "s.holbrook-join")
    staff_room.app.school.join(made.path, PASSWORD)
    staff_room.sync(shared)
    report = hr.sync(shared)
    assert report.refused == [] and hr.store.acknowledgements.count() == 1
    assert sync.status(hr.store)["refused"] == []  # the earlier refusal is cleared once it has joined
    # A PC of another school that copies a member's certificate into its own pc.json is refused.
    stranger = Pc(tmp_path / "stranger", content, "Stranger")
    try:
        stranger.acknowledge("Eve Intruder")
        stranger.sync(shared)
        card_path = next(p for p in (shared / "pcs").glob("*/pc.json")
                         if json.loads(p.read_text())["name"] == "Stranger")
        member = next(json.loads(p.read_text()) for p in (shared / "pcs").glob("*/pc.json")
                      if json.loads(p.read_text())["name"] == "Staff room")
        card = json.loads(card_path.read_text())
        card.update(certificate=member["certificate"], vouched=member["vouched"])
        card_path.write_text(json.dumps(card))
        report = hr.sync(shared)
        assert [r.pc_name for r in report.refused] == ["Stranger"]
        assert "not the one its certificate vouches for" in report.refused[0].reason
        assert "Eve Intruder" not in {r.typed_name for r in hr.store.acknowledgements.all()}
    finally:
        stranger.store.close()


def test_what_a_pc_signed_before_it_joined_verifies_on_the_schools_other_pcs(school, tmp_path):
    shared, hr, staff_room = school
    before = staff_room.acknowledge("Signed Before Joining")  # its own self-signed key, as a lone PC
    _joined(tmp_path, hr, staff_room)
    staff_room.sync(shared)
    hr.sync(shared)
    synced = next(r for r in hr.store.acknowledgements.all() if r.typed_name == "Signed Before Joining")
    check = hr.app.attestation.verify(hr.app.attestation.pdf(synced))
    assert check.ok, check.problems
    assert "PC 'Staff room' of Holbrook Primary before it joined" in _school_line(check).message
    assert staff_room.app.attestation.verify(staff_room.app.attestation.pdf(before)).ok
    # A PC that is not the school's cannot get its own key trusted that way: it is refused whole.
    assert not hr.app.school.root().earlier_certificates().keys() - {before.certificate_fingerprint}


def test_one_join_file_used_on_two_pcs_is_noticed(school, tmp_path, content):  # noqa: F811
    shared, hr, staff_room = school
    hr.app.school.create(PASSWORD, pc_name="Office")
    made = hr.app.school.make_join_file(PASSWORD, "Staff room", tmp_path / "s.holbrook-join")
    twin = Pc(tmp_path / "twin", content, "Twin")
    try:
        staff_room.app.school.join(made.path, PASSWORD)
        twin.app.school.join(made.path, PASSWORD)
        staff_room.sync(shared)
        twin.sync(shared)
        report = hr.sync(shared)
        refused = [r for r in report.refused if "same certificate" in r.reason]
        assert len(refused) == 1 and {r.pc_name for r in report.refused} <= {"Staff room", "Twin"}
    finally:
        twin.store.close()


def test_hrs_pc_can_move_with_a_key_file(school, tmp_path):
    _shared, hr, staff_room = school
    _joined(tmp_path, hr, staff_room)
    with pytest.raises(SchoolIdentityRefused, match="is this PC"):
        hr.app.school.revoke(PASSWORD, "Office", "retired")
    hr.app.school.make_join_file(PASSWORD, "Old laptop", tmp_path / "old.holbrook-join")
    hr.app.school.revoke(PASSWORD, "Old laptop", "compromised")  # carried in the key file
    key_file = hr.app.school.export_key(PASSWORD, tmp_path / "school.key")
    assert PASSWORD.encode() not in key_file.read_bytes()
    assert staff_room.app.admin.password().check(PASSWORD).ok  # the school's, taken when it joined
    with pytest.raises(SchoolIdentityRefused):
        staff_room.app.school.import_key(key_file, "Not the password 1")
    (tmp_path / "other.key").write_text("{}")
    with pytest.raises(SchoolIdentityRefused, match=r"other\.key"):
        staff_room.app.school.import_key(tmp_path / "other.key", PASSWORD)
    staff_room.app.school.import_key(key_file, PASSWORD)
    status = staff_room.app.school.status()
    assert status["holds_school_key"]
    assert {i["pc_name"] for i in status["issued"]} == {"Office", "Staff room", "Old laptop"}
    assert status["revoked"] and "Old laptop" in status["revoked"][0]
    made = staff_room.app.school.make_join_file(PASSWORD, "Laptop", tmp_path / "laptop.holbrook-join")
    assert made.path.exists()
    staff_room.app.school.revoke(PASSWORD, "Office", "retired")  # the old HR PC, from the new one


def test_after_a_reset_the_key_is_sealed_again_with_the_earlier_password(
        tmp_path, content, monkeypatch, capsys):  # noqa: F811
    def run(*args, stdin):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return main(["--data-dir", str(tmp_path / "hr"), "--content", str(content), *args])

    assert run("admin", "password", "set", "--password-stdin", stdin=PASSWORD + "\n") == 0
    assert run("school", "create", "--pc-name", "Office", "--password-stdin", stdin=PASSWORD + "\n") == 0
    monkeypatch.setattr("holbrook_desktop.core.admin.access.pc_administrator", lambda: True)
    assert run("admin", "password", "reset", "--password-stdin", stdin="Brand new password 7\n") == 0
    monkeypatch.setattr("holbrook_desktop.core.admin.access.pc_administrator", lambda: False)
    join = str(tmp_path / "j.holbrook-join")
    capsys.readouterr()
    assert run("school", "make-join-file", "--pc-name", "X", "-o", join, "--password-stdin",
               stdin="Brand new password 7\n") == 2
    assert "holbrook school reseal" in capsys.readouterr().err
    assert run("school", "reseal", "--password-stdin", stdin="Brand new password 7\nwrong\n") == 2
    assert run("school", "reseal", "--password-stdin", stdin=f"Brand new password 7\n{PASSWORD}\n") == 0
    assert run("school", "make-join-file", "--pc-name", "X", "-o", join, "--password-stdin",
               stdin="Brand new password 7\n") == 0


def test_a_pc_that_is_not_the_schools_cannot_erase_anyone_through_the_sync_folder(
        school, tmp_path, content):  # noqa: F811
    """A signed bundle from a PC outside the school that "erases" a real person is refused whole, and
    its erasure is not read ahead either: the person's records arriving from the school's PCs stay."""
    import uuid

    from holbrook_desktop.core.records.events import Event
    from holbrook_desktop.core.sync import bundle as bundles

    shared, hr, staff_room = school
    _joined(tmp_path, hr, staff_room)
    staff_room.acknowledge("Real Person")
    person = staff_room.store.db.execute("SELECT uuid FROM staff WHERE full_name = ?",
                                         ("Real Person",)).fetchone()[0]
    stranger_dir = tmp_path / "stranger"
    stranger = Pc(stranger_dir, content, "Stranger")
    try:
        me = sync.load_or_make(stranger.store.data_dir, sync.records_events.pc_id(stranger.store.db),
                               "Stranger")
        forged = Event(str(uuid.uuid4()), me.pc_id, "staff", person, "2030-01-01T00:00:00.000000+00:00",
                       {"erased_at": "2030-01-01T00:00:00+00:00", "full_name": "Erased person #1"})
        folder = shared / "pcs" / me.pc_id
        folder.mkdir(parents=True)
        (folder / "pc.json").write_bytes(me.published())
        (folder / "bundle-1.json").write_bytes(bundles.make(me, 1, forged.at, [forged.text], {}))
    finally:
        stranger.store.close()
    staff_room.sync(shared)
    report = hr.sync(shared)
    assert [r.pc_name for r in report.refused] == ["Stranger"]
    names = {r.typed_name for r in hr.store.acknowledgements.all()}
    assert names == {"Real Person"}
    assert [m.full_name for m in hr.store.staff.list()] == ["Real Person"]


def test_content_loaded_on_one_pc_is_put_in_use_on_the_others(school, tmp_path, content):  # noqa: F811
    from holbrook_desktop.core.content.install import installed_content_dir
    from holbrook_desktop.core.sync.content import manifest

    shared, hr, staff_room = school
    _joined(tmp_path, hr, staff_room)
    new = tmp_path / "new-content"
    shutil.copytree(content, new)
    policy = new / "policies" / "social-media" / "policy.md"
    policy.write_text(policy.read_text().replace('version = "2026 edition"', 'version = "2027 edition"'))
    hr.app.content.install(new)
    hr.sync(shared)
    # A file changed in the shared folder is never used: the PC keeps the content it has.
    shared_copy = next((shared / "school" / "content").iterdir()) / "policies" / "social-media" / "policy.md"
    honest = shared_copy.read_bytes()
    shared_copy.write_bytes(honest.replace(b"2027 edition", b"2099 edition"))
    assert staff_room.sync(shared).content is None
    assert installed_content_dir(staff_room.store.data_dir) is None
    shared_copy.write_bytes(honest)
    assert staff_room.sync(shared).content == "installed"
    installed = installed_content_dir(staff_room.store.data_dir)
    assert manifest(installed) == manifest(installed_content_dir(hr.store.data_dir))
    assert 'version = "2027 edition"' in (installed / "policies" / "social-media" / "policy.md").read_text()
    assert staff_room.sync(shared).content is None  # once only
    # Going back to the shipped content travels too.
    hr.app.content.use_shipped()
    hr.sync(shared)
    assert staff_room.sync(shared).content == "shipped"
    assert installed_content_dir(staff_room.store.data_dir) is None


@pytest.mark.parametrize("name", ["../escape.md", "/etc/passwd", "C:evil.md", "a\\..\\b.md", "a//b.md"])
def test_shared_content_naming_a_file_outside_its_folder_is_refused(school, tmp_path, name):
    from holbrook_desktop.core.content.install import installed_content_dir
    from holbrook_desktop.core.sync import content as shared_content

    shared, hr, staff_room = school
    files = {name: "0" * 64}
    hr.store.settings.set(shared_content.SETTING, {"id": shared_content.manifest_id(files), "files": files,
                                                   "policies": []})
    hr.sync(shared)
    assert staff_room.sync(shared).content is None
    assert installed_content_dir(staff_room.store.data_dir) is None
    assert not (tmp_path / "escape.md").exists()


def test_a_joining_pc_takes_the_schools_settings_and_never_overrides_them(school, tmp_path):
    from holbrook_desktop.core.admin.school_profile import NAME_KEY

    shared, hr, staff_room = school
    hr.store.settings.set(NAME_KEY, "Holbrook Primary School")
    # The new PC was set up on its own first: its own password and its own name for the school.
    staff_room.app.admin.password().set_first("Set up by IT 2026")
    staff_room.store.settings.set(NAME_KEY, "HOLBROOK")
    staff_room.store.settings.set("retention.years", 9)
    _joined(tmp_path, hr, staff_room)
    assert staff_room.app.admin.password().check(PASSWORD).ok
    assert staff_room.store.settings.get(NAME_KEY) == "Holbrook Primary School"
    assert staff_room.store.settings.get("retention.years") is None  # the school never set one
    staff_room.sync(shared)
    hr.sync(shared)
    staff_room.sync(shared)
    for pc in (hr, staff_room):
        assert pc.app.admin.password().check(PASSWORD).ok
        assert not pc.app.admin.password().check("Set up by IT 2026").ok
        assert pc.store.settings.get(NAME_KEY) == "Holbrook Primary School"
        assert pc.store.settings.get("retention.years") is None


def test_a_join_file_whose_settings_were_changed_is_refused(school, tmp_path):
    _shared, hr, staff_room = school
    hr.app.school.create(PASSWORD, pc_name="Office")
    made = hr.app.school.make_join_file(PASSWORD, "Staff room", tmp_path / "s.holbrook-join")
    body = json.loads(made.path.read_text())
    settings = json.loads(body["settings"])
    settings = [[key, json.dumps("an intruder's hash") if key == "admin.password" else value, at, changed]
                for key, value, at, changed in settings]
    body["settings"] = json.dumps(settings, sort_keys=True)
    made.path.write_text(json.dumps(body))
    with pytest.raises(JoinFileRefused, match="settings were changed"):
        staff_room.app.school.join(made.path, PASSWORD)
    assert not staff_room.app.school.status()["member"]


def test_checking_another_schools_attestation_says_so_without_a_traceback(
        tmp_path, content, capsys, caplog):  # noqa: F811
    a, b = Pc(tmp_path / "a", content, "A"), Pc(tmp_path / "b", content, "B")
    try:
        for pc in (a, b):
            pc.app.admin.password().set_first(PASSWORD)
            pc.app.school.create(PASSWORD, pc_name=pc.name)
        foreign = tmp_path / "foreign.pdf"
        foreign.write_bytes(b.app.attestation.pdf(b.acknowledge("Eve Other")))
    finally:
        a.store.close()
        b.store.close()
    capsys.readouterr()
    assert main(["--data-dir", str(tmp_path / "a"), "--content", str(content), "verify", str(foreign)]) == 1
    captured = capsys.readouterr()
    assert "FAIL school: not signed with this school's key" in captured.out
    assert "Traceback" not in captured.err
    assert not [r for r in caplog.records if r.name.startswith("pyhanko") and r.levelno >= logging.WARNING]

"""The administrator: password (hash only, slowed after wrong tries), due rules, minor versions and
what a new version changed — through the façade and the command line."""

from __future__ import annotations

import io
import shutil
import threading
from datetime import date, timedelta

import pytest

from holbrook_desktop.app import App
from holbrook_desktop.cli import main
from holbrook_desktop.core.admin.password import AdminPassword, PasswordRefused, wait_after
from holbrook_desktop.core.admin.settings import SettingRefused
from holbrook_desktop.core.hr.due import DueRules, Status, add_months
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import NewStaffMember, Store
from tests.conftest import REAL_CONTENT

SECRET = "Purple-Otter-42"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "data", Actor("office-pc", "window"))
    yield opened
    opened.close()


def test_only_an_argon2id_hash_is_stored_and_never_logged(store):
    AdminPassword(store.settings).set_first(SECRET)
    stored = store.db.execute("SELECT value FROM settings WHERE key = 'admin.password'").fetchone()[0]
    assert "$argon2id$" in stored and SECRET not in stored
    audit = " ".join(row[0] for row in store.db.execute("SELECT details FROM audit_log"))
    assert "admin.password" in audit and "argon2" not in audit and SECRET not in audit
    store.db.conn.commit()
    assert SECRET.encode() not in (store.path).read_bytes()
    assert AdminPassword(store.settings).check(SECRET).ok
    with pytest.raises(PasswordRefused, match="already set"):
        AdminPassword(store.settings).set_first("Another-Password-1")


def test_wrong_tries_are_slowed_down_and_the_wait_survives_a_restart(store, tmp_path):
    clock = Clock()
    password = AdminPassword(store.settings, clock)
    password.set_first(SECRET)
    for _ in range(2):
        assert password.check("wrong guess").wait_seconds == 0
    third = password.check("wrong guess")
    assert not third.ok and third.wait_seconds == wait_after(3) > 0
    # While waiting, even the right password is not checked.
    blocked = password.check(SECRET)
    assert not blocked.ok and blocked.wait_seconds > 0 and "Wait" in blocked.message
    reopened = Store.open(tmp_path / "data", Actor("office-pc", "window"))
    try:
        assert AdminPassword(reopened.settings, clock).check(SECRET).wait_seconds > 0
    finally:
        reopened.close()
    clock.now += wait_after(3)
    assert password.check(SECRET).ok
    assert password.check("wrong again").wait_seconds == 0  # a success starts the count again
    assert wait_after(50) == 300  # capped: a locked-out head teacher waits minutes, not days


def test_the_wait_holds_when_wrong_tries_come_at_the_same_moment(store, tmp_path):
    """Two windows (or PCs) trying at once: the wait is checked and counted in one transaction, so
    only one of the simultaneous tries is checked; the others are told to wait."""
    password = AdminPassword(store.settings)
    password.set_first(SECRET)
    for _ in range(2):
        assert password.check("wrong guess").wait_seconds == 0  # one free try left
    tries = 4
    start = threading.Barrier(tries)
    answers, failures = [], []

    def guess() -> None:
        try:
            own = Store.open(tmp_path / "data", Actor("office-pc", "window"))  # its own connection
            try:
                start.wait()
                answers.append(AdminPassword(own.settings).check("another wrong guess"))
            finally:
                own.close()
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=guess) for _ in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == [] and len(answers) == tries
    checked = [a for a in answers if a.message.startswith("That is not the administrator password")]
    assert len(checked) == 1, [a.message for a in answers]
    assert all(not a.ok and a.wait_seconds > 0 for a in answers)
    assert store.settings.get("admin.failed-tries")["count"] == 3


def test_change_needs_the_current_password_and_weak_ones_are_refused(store):
    password = AdminPassword(store.settings)
    with pytest.raises(PasswordRefused, match="at least 8"):
        password.set_first("short")
    with pytest.raises(PasswordRefused, match="different characters"):
        password.set_first("aaaaaaaaaaa")
    password.set_first(SECRET)
    with pytest.raises(PasswordRefused, match="not the administrator password"):
        password.change("nope-nope-nope", "New-Password-9")
    password.change(SECRET, "New-Password-9")
    assert password.check("New-Password-9").ok and not password.check(SECRET).ok


def test_reset_from_the_command_line_is_audited(tmp_path, capsys, monkeypatch):
    data = str(tmp_path / "data")
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET + "\n"))
    assert main(["--data-dir", data, "admin", "password", "set", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong-current\nAnother-Pass-7\n"))
    assert main(["--data-dir", data, "admin", "password", "set", "--password-stdin"]) == 2
    assert "not the administrator password" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("Forgotten-Reset-3\n"))
    assert main(["--data-dir", data, "admin", "password", "reset", "--password-stdin"]) == 0
    opened = Store.open(tmp_path / "data", Actor("x", "cli"))
    try:
        assert AdminPassword(opened.settings).check("Forgotten-Reset-3").ok
        actions = [r[0] for r in opened.db.execute("SELECT action FROM audit_log")]
        assert "admin.password-set" in actions and "admin.password-reset" in actions
        assert opened.verify_audit().ok
    finally:
        opened.close()


@pytest.fixture
def school(tmp_path, store):
    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content)
    service = App(content, records=store)
    ann = service.hr.add_staff(NewStaffMember("Ann Smith", "teacher", date(2024, 9, 1)))
    service.attestation.acknowledge_on_behalf(ann.id, "social-media", note="Signed on paper")
    return service, content, ann


def _new_version(content, old: str, new: str):
    policy_file = content / "policies" / "social-media" / "policy.md"
    text = policy_file.read_text(encoding="utf-8")
    assert old in text
    policy_file.write_text(text.replace(old, new).replace('version = "', 'version = "revised ', 1),
                           encoding="utf-8")


def test_the_due_rules_are_the_administrators_to_change(school):
    service, _content, _ann = school
    assert service.admin.due_rules() == DueRules()
    later = add_months(date.today(), 12) + timedelta(days=1)
    assert service.hr.statuses("social-media", today=later)[0].status is Status.OVERDUE
    service.admin.set_due_rules(DueRules(refresher_months=24))
    assert service.hr.statuses("social-media", today=later)[0].status is Status.ACKNOWLEDGED
    with pytest.raises(SettingRefused, match="from 1 to 60"):
        service.admin.set_due_rules(DueRules(refresher_months=1200))
    service.admin.set_retention_years(7)
    assert service.admin.retention_years() == 7
    with pytest.raises(SettingRefused):
        service.admin.set_retention_years(0)


def test_a_typo_fix_marked_minor_keeps_acknowledgements_valid(school, store):
    _service, content, _ann = school
    _new_version(content, "must decline", "must politely decline")
    revised = App(content, records=store)
    assert revised.hr.statuses("social-media")[0].status in (Status.DUE_SOON, Status.OVERDUE)
    changes = revised.admin.version_changes("social-media")
    assert [(c.number, c.kind) for c in changes.clauses] == [("5.6", "changed")]
    assert ("added", "politely") in changes.clauses[0].word_diff()
    revised.admin.mark_minor_change("social-media", revised.content.policy("social-media").sha256)
    assert revised.hr.statuses("social-media")[0].status is Status.ACKNOWLEDGED
    revised.admin.mark_minor_change("social-media", revised.content.policy("social-media").sha256, False)
    assert revised.hr.statuses("social-media")[0].status is not Status.ACKNOWLEDGED
    first = revised.admin.policy_versions("social-media")[0]["sha256"]
    with pytest.raises(SettingRefused, match="nothing before it"):
        revised.admin.mark_minor_change("social-media", first)


def test_settings_and_versions_from_the_command_line(tmp_path, capsys):
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "admin", "settings", "set", "--refresher-months", "24",
                 "--retention-years", "8"]) == 0
    assert main(["--data-dir", data, "admin", "settings", "show", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"refresher_months": 24' in out and '"retention_years": 8' in out
    assert main(["--data-dir", data, "admin", "settings", "set", "--new-starter-days", "0"]) == 2
    assert "from 1 to 365" in capsys.readouterr().err
    assert main(["--data-dir", data, "admin", "settings", "set"]) == 2
    assert main(["--data-dir", data, "admin", "versions", "mark-minor", "--policy", "social-media"]) == 2
    assert "nothing before it" in capsys.readouterr().err
    assert main(["--data-dir", data, "admin", "versions", "changes"]) == 0
    assert "first version on record" in capsys.readouterr().out

"""The administrator password outside the window: guarded commands, audited sign-ins and exports."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest

from holbrook_desktop.cli import build_parser, main
from tests.conftest import ADMIN_PASSWORD, REAL_CONTENT

# The commands that read everyone's records or change administration (issue 17, point 10).
GUARDED = {
    "export acknowledgements", "export attestations", "export report", "export reminders",
    "subject-access export", "retention apply", "acknowledgement record",
    "staff import", "staff leave", "staff add", "staff edit",
    "admin settings set", "admin versions mark-minor", "admin school set",
    "signing create", "signing import",
}
OPEN = {"staff list", "content check", "audit verify", "admin settings show", "retention show",
        "admin password set", "admin password reset", "signing show"}


def _commands(parser, words=()):
    """Every runnable command as (words, parser), walking the sub-parsers."""
    import argparse

    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not actions:
        yield " ".join(words), parser
        return
    for name, child in actions[0].choices.items():
        yield from _commands(child, (*words, name))


def test_every_listed_command_is_guarded_and_takes_password_stdin():
    commands = dict(_commands(build_parser()))
    assert commands.keys() >= GUARDED
    for name in GUARDED:
        parser = commands[name]
        assert parser.get_default("requires_admin") is True, name
        assert "--password-stdin" in parser._option_string_actions, name
    for name in OPEN:
        assert not commands[name].get_default("requires_admin"), name


def _audit(data):
    with sqlite3.connect(data / "holbrook.db") as db:
        rows = db.execute("SELECT action, details FROM audit_log ORDER BY id").fetchall()
    return [(action, json.loads(details)) for action, details in rows]


@pytest.fixture
def school(tmp_path, admin_cli):
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "staff", "add", "--name", "Ann Archer", "--role", "teacher",
                 "--start-date", "2026-09-01"]) == 0  # a first run: no password yet, so allowed
    admin_cli(data, "admin", "settings", "show")  # sets the password
    return data


def test_without_the_password_a_guarded_command_is_refused_with_exit_2(school, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal, nothing given
    out = tmp_path / "ack.csv"
    code = main(["--data-dir", str(school), "--content", str(REAL_CONTENT), "export", "acknowledgements",
                 "-o", str(out)])
    assert code == 2 and not out.exists()
    assert "needs the administrator password" in capsys.readouterr().err
    assert main(["--data-dir", str(school), "staff", "add", "--name", "Ben", "--role", "office"]) == 2
    assert [m["full_name"] for _a, m in _audit(school) if _a == "staff.add"] == ["Ann Archer"]


def test_a_wrong_password_is_refused_and_audited(school, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("not-the-password\n"))
    out = tmp_path / "ack.csv"
    code = main(["--data-dir", str(school), "--content", str(REAL_CONTENT), "export", "acknowledgements",
                 "-o", str(out), "--password-stdin"])
    assert code == 2 and not out.exists()
    assert "not the administrator password" in capsys.readouterr().err
    action, details = _audit(school)[-1]
    assert action == "admin.sign-in-refused"
    assert details == {"for": "export acknowledgements", "reason": "wrong password"}


def test_the_right_password_runs_it_and_the_sign_in_and_export_are_audited(school, tmp_path, admin_cli):
    out = tmp_path / "ack.csv"
    assert admin_cli(school, "export", "acknowledgements", "-o", str(out), content=REAL_CONTENT) == 0
    assert out.exists()
    (signed_in, how), (exported, what) = _audit(school)[-2:]
    assert (signed_in, how) == ("admin.signed-in", {"for": "export acknowledgements", "via": "password"})
    assert exported == "export.acknowledgements"
    assert what == {"rows": 1, "file": str(out.resolve())}


def test_the_pcs_administrator_account_needs_no_password(school, tmp_path, monkeypatch, capsys):
    from holbrook_desktop.core.admin import access

    monkeypatch.setattr(access, "pc_administrator", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    out = tmp_path / "report.pdf"
    assert main(["--data-dir", str(school), "--content", str(REAL_CONTENT), "export", "report",
                 "-o", str(out)]) == 0
    actions = _audit(school)[-2:]
    assert actions[0] == ("admin.signed-in", {"for": "export report", "via": "pc-administrator"})
    assert actions[1] == ("export.report", {"rows": 1, "file": str(out.resolve())})


def test_before_any_password_is_set_it_is_allowed_and_says_so(tmp_path, capsys, monkeypatch):
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "staff", "list"]) == 0  # the records exist, no password
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["--data-dir", str(data), "staff", "add", "--name", "Ann", "--role", "office"]) == 0
    assert "no administrator password has been set yet" in capsys.readouterr().err


def test_subject_access_export_is_audited(school, tmp_path, admin_cli):
    assert admin_cli(school, "subject-access", "export", "1", "-o", str(tmp_path), content=REAL_CONTENT) == 0
    action, details = _audit(school)[-1]
    assert action == "export.subject-access" and details["staff_id"] == 1
    assert "data.json" in details["files"]


def test_the_core_unlock_audits_right_and_wrong(school):
    from holbrook_desktop.app import AdminSession, open_app
    from holbrook_desktop.core.admin.access import AdminSignInRefused

    app = open_app(REAL_CONTENT, school)
    app.open_records("window")
    try:
        with pytest.raises(AdminSignInRefused):
            app.admin.unlock("wrong-one-here")
        assert app.admin.unlock(ADMIN_PASSWORD) == AdminSession("password")
    finally:
        app.close()
    assert [a for a, _d in _audit(school)[-2:]] == ["admin.sign-in-refused", "admin.signed-in"]

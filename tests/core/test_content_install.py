"""Loading a new content folder (a new policy version) into the data folder, without reinstalling."""

import json
import sqlite3
from datetime import date

import pytest

from holbrook_desktop.app import App
from holbrook_desktop.cli import main
from holbrook_desktop.core import paths
from holbrook_desktop.core.content.install import ContentRefused, install, installed_content_dir
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import NewStaffMember, Store
from tests.conftest import REAL_CONTENT


def _new_edition(content_copy):
    policy = content_copy / "policies" / "social-media" / "policy.md"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace('version = "2026 edition"', 'version = "2027 edition"').replace(
        "Staff members must be conscious at all times", "Staff members must always be conscious"),
        encoding="utf-8")
    return content_copy


def _run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_good_folder_is_copied_into_the_data_folder_and_preferred_from_then_on(tmp_path, content_copy):
    data = tmp_path / "data"
    new = _new_edition(content_copy)
    assert paths.content_dir(data_dir=data) != data / "content"  # shipped content until now
    installed = install(new, data)
    assert installed.ok and installed.folder == data / "content"
    assert [p.version for p in installed.policies] == ["2027 edition"]
    assert paths.content_dir(data_dir=data) == data / "content"
    assert paths.content_dir(REAL_CONTENT, data_dir=data) == REAL_CONTENT  # --content still wins
    # The source may now change or vanish: the school's copy is its own.
    (new / "policies" / "social-media" / "policy.md").write_text("gone", encoding="utf-8")
    reloaded = App(paths.content_dir(data_dir=data))
    assert reloaded.content.ok and reloaded.content.policies[0].meta.version == "2027 edition"


def test_a_folder_with_errors_is_refused_with_the_checkers_messages_and_nothing_changes(
        tmp_path, content_copy):
    data = tmp_path / "data"
    install(_new_edition(content_copy), data)
    before = (data / "content" / "policies" / "social-media" / "policy.md").read_bytes()
    broken = tmp_path / "broken"
    (broken / "policies" / "social-media").mkdir(parents=True)
    (broken / "policies" / "social-media" / "policy.md").write_text(
        '+++\nid = "social-media"\ntitle = "Social Media Policy"\n+++\n\n## 1 ONLY\n', encoding="utf-8")
    with pytest.raises(ContentRefused) as refused:
        install(broken, data)
    errors = refused.value.check.errors
    assert errors and all(e.path == broken / "policies" / "social-media" / "policy.md" for e in errors)
    assert any("school" in e.message for e in errors)  # the checker's own words: a missing key
    assert (data / "content" / "policies" / "social-media" / "policy.md").read_bytes() == before
    assert not [p for p in data.iterdir() if p.name.startswith(".content-incoming")]


def test_a_quiz_that_points_at_a_missing_clause_is_refused_too(tmp_path, content_copy):
    quiz = content_copy / "policies" / "social-media" / "quiz.toml"
    text = quiz.read_text(encoding="utf-8")
    assert 'clauses = ["5.6"]' in text
    quiz.write_text(text.replace('clauses = ["5.6"]', 'clauses = ["99.9"]', 1), encoding="utf-8")
    with pytest.raises(ContentRefused) as refused:
        install(content_copy, tmp_path / "data")
    assert any(e.path == quiz and "99.9" in e.message for e in refused.value.check.errors)
    assert installed_content_dir(tmp_path / "data") is None


def test_a_folder_that_is_not_content_is_refused_before_anything_is_copied(tmp_path):
    not_content = tmp_path / "Documents"
    not_content.mkdir()
    (not_content / "letter.txt").write_text("Dear parents", encoding="utf-8")
    with pytest.raises(ContentRefused) as refused:
        install(not_content, tmp_path / "data")
    assert "no 'policies' folder" in refused.value.check.errors[0].message
    assert installed_content_dir(tmp_path / "data") is None


def test_a_huge_folder_is_refused_as_the_wrong_folder(tmp_path, monkeypatch):
    from holbrook_desktop.core.content import install as content_install

    monkeypatch.setattr(content_install, "MAX_FILES", 5)
    big = tmp_path / "big"
    (big / "policies").mkdir(parents=True)
    for n in range(8):
        (big / f"file{n}.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ContentRefused, match="does not look like a content folder"):
        install(big, tmp_path / "data")


def test_the_cli_installs_audits_and_resets(tmp_path, content_copy, capsys):
    data = tmp_path / "data"
    code, out, err = _run(capsys, "--data-dir", str(data), "content", "install",
                          str(_new_edition(content_copy)), "--json")
    assert code == 0, err
    assert json.loads(out)["installed"] is True and "2027 edition" in err
    code, out, _ = _run(capsys, "--data-dir", str(data), "content", "show", "--json")
    assert json.loads(out)["policies"][0]["version"] == "2027 edition"
    code, _, err = _run(capsys, "--data-dir", str(data), "content", "reset")
    assert code == 0 and "shipped" in err
    code, out, _ = _run(capsys, "--data-dir", str(data), "content", "show", "--json")
    assert json.loads(out)["policies"][0]["version"] == "2026 edition"
    with sqlite3.connect(data / "holbrook.db") as db:
        actions = [row[0] for row in db.execute("SELECT action FROM audit_log ORDER BY id")]
    # Each is shared with the school's other PCs (core/sync/content.py) in a row of its own.
    assert actions[-4:] == ["content.installed", "content.shared", "content.reset", "content.shared"]
    assert _run(capsys, "--data-dir", str(data), "audit", "verify")[0] == 0


def test_the_cli_names_the_file_and_line_of_each_error_and_exits_1(tmp_path, content_copy, capsys):
    policy = content_copy / "policies" / "social-media" / "policy.md"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("effective = 2026-09-01", "effective = soon"), encoding="utf-8")
    code, _, err = _run(capsys, "--data-dir", str(tmp_path / "data"), "content", "install", str(content_copy))
    assert code == 1
    assert f"{policy}:" in err and "refused" in err
    assert _run(capsys, "--data-dir", str(tmp_path / "data"), "content", "install",
                str(tmp_path / "nowhere"))[0] == 2


def test_the_facade_reads_the_new_text_at_once_and_signs_out_whoever_was_reading(tmp_path, content_copy):
    data = tmp_path / "data"
    store = Store.open(data, Actor("office-pc", "window"))
    try:
        service = App(REAL_CONTENT, records=store)
        old_sha = service.content.policies[0].sha256
        service.sign_in(service.hr.add_staff(NewStaffMember("Ann Smith", "teacher", date(2026, 9, 1))).id)
        service.content.install(_new_edition(content_copy))
        assert service.content.policies[0].sha256 != old_sha
        assert service.content.content_dir == data / "content"
        assert service.signed_in is None  # their reading was of the old text
        assert "always be conscious" in service.content.policy_document("social-media")
        assert service.content.search("always be conscious")
    finally:
        store.close()


def test_reading_the_content_from_the_command_line_creates_no_data_folder(tmp_path, monkeypatch, capsys):
    shared, own = tmp_path / "ProgramData" / "Holbrook", tmp_path / "home" / "Holbrook"
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    monkeypatch.delenv(paths.CONTENT_DIR_ENV, raising=False)
    monkeypatch.setattr(paths, "shared_data_dir", lambda: shared)
    monkeypatch.setattr(paths, "user_data_dir", lambda: own)
    monkeypatch.setattr(paths, "configured_data_dir", lambda config_path=None: None)
    assert _run(capsys, "content", "check")[0] == 0
    assert not shared.exists() and not own.exists()

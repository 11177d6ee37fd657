"""The `holbrook` command line: exit codes, JSON on stdout, messages on stderr."""

import json
import os
import subprocess
import sys

from holbrook_desktop.cli import main
from tests.conftest import REAL_CONTENT, REPO, policy_text


def test_content_check_passes_on_the_shipped_content(capsys):
    assert main(["--content", str(REAL_CONTENT), "content", "check"]) == 0
    captured = capsys.readouterr()
    assert "policy.md:111: warning: section numbering jumps from 5 to 7" in captured.out
    assert "0 errors, 5 warnings" in captured.err


def test_content_check_json(capsys):
    assert main(["--content", str(REAL_CONTENT), "content", "check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["errors"] == 0
    assert {d["line"] for d in report["diagnostics"]} == {23, 25, 63, 111}


def test_content_show_json_has_the_structure(capsys):
    assert main(["--content", str(REAL_CONTENT), "content", "show", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    [policy] = data["policies"]
    assert policy["id"] == "social-media" and policy["version"] == "2026 edition"
    assert len(policy["sha256"]) == 64
    sections = {s["number"]: s for s in policy["sections"]}
    assert sections["5"]["title"] == "PERSONAL USE OF SOCIAL MEDIA"
    clause = next(c for c in sections["5"]["clauses"] if c["number"] == "5.6")
    assert clause["id"] == "social-media/5.6"
    assert clause["text"].startswith("Staff members must decline")
    assert sections["A.2"]["parent"] == "A"


def test_search_json_ranks_5_6_first(capsys):
    assert main(["--content", str(REAL_CONTENT), "search", "friend", "requests", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert hits[0]["clause_id"] == "social-media/5.6"
    assert "friend requests" in hits[0]["snippet"]


def test_search_plain_output_marks_the_phrase(capsys):
    assert main(["--content", str(REAL_CONTENT), "search", "media enquiries"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("social-media/A.3.6")
    assert "[media enquiries]" in out


def test_errors_exit_1_and_bad_usage_exits_2(make_content, tmp_path, capsys):
    broken = make_content({"x": policy_text("\n## 1 ONE\n")})
    assert main(["--content", str(broken), "content", "check"]) == 1
    assert main(["--content", str(tmp_path / "missing"), "content", "check"]) == 2
    assert "content folder not found" in capsys.readouterr().err
    assert main(["--content", str(REAL_CONTENT), "search", "x", "--limit", "0"]) == 2


def _run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "holbrook_desktop", *args],
        capture_output=True, text=True, encoding="utf-8", cwd=REPO,
        env={**os.environ, **(env or {})}, timeout=60,
    )


def test_module_entry_point_and_usage_errors():
    assert _run("content", "check").returncode == 0
    result = _run("content")
    assert result.returncode == 2 and "required" in result.stderr
    assert _run("frobnicate").returncode == 2


def test_content_folder_from_the_environment(make_content):
    broken = make_content({"x": b""})
    result = _run("content", "check", env={"HOLBROOK_CONTENT_DIR": str(broken)})
    assert result.returncode == 1
    assert "policy.md:1: error: file is empty" in result.stdout


def test_global_options_work_before_or_after_the_command(make_content, capsys):
    broken = make_content({"x": b""})
    assert main(["content", "check", "--content", str(broken)]) == 1
    assert main(["--content", str(broken), "content", "check"]) == 1
    assert main(["--content", str(broken), "content", "check", "--content", str(REAL_CONTENT)]) == 0
    assert main(["search", "--content", str(REAL_CONTENT), "photographs", "--json"]) == 0
    assert "social-media/5.10" in capsys.readouterr().out

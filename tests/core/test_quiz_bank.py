"""`holbrook content check` on quiz banks: clear file:line errors, bad questions left out."""

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.content.folder import load_content
from tests.conftest import REAL_CONTENT

GOOD = '''[settings]
pass_mark = 0.8
induction_questions = 2
refresher_questions = 1

[[question]]
id = "friend-request"
kind = "single"
clauses = ["5.6"]
scenario = "Maya in Year 5 sends you a friend request."
prompt = "What should you do?"
options = [
  { text = "Decline it and report it", correct = true },
  { text = "Accept it", correct = false },
]
explanation = "5.6 says decline and report."

[[question]]
id = "photos"
kind = "true-false"
clauses = ["5.10"]
scenario = "Sports day photos."
prompt = "True or false: you may post them on your own page."
answer = false
explanation = "5.10."
'''


@pytest.fixture
def with_quiz(tmp_path):
    import shutil

    def build(quiz_text: str):
        root = tmp_path / "content"
        shutil.copytree(REAL_CONTENT, root, dirs_exist_ok=True)
        (root / "policies" / "social-media" / "quiz.toml").write_text(quiz_text, encoding="utf-8")
        return root

    return build


def _problems(root):
    loaded = load_content(root)
    quiz = [d for d in loaded.diagnostics if d.path.name == "quiz.toml"]
    return loaded, [(d.line, d.severity, d.message) for d in quiz]


def test_a_good_bank_loads(with_quiz):
    loaded, problems = _problems(with_quiz(GOOD))
    assert problems == []
    bank = loaded.quizzes["social-media"]
    assert [q.id for q in bank.questions] == ["friend-request", "photos"]
    assert bank.settings.pass_mark == 0.8
    assert bank.question("photos").answer is False


BROKEN = {
    "unknown clause": (GOOD.replace('clauses = ["5.6"]', 'clauses = ["6.1"]'), 6,
                       "clause 6.1 is not in the current text"),
    "no correct answer": (GOOD.replace("correct = true", "correct = false"), 6,
                          "no option is marked correct"),
    "two right in single": (GOOD.replace('"Accept it", correct = false', '"Accept it", correct = true'), 6,
                            "single-answer question has 2 correct options"),
    "options missing": (GOOD.replace('options = [\n  { text = "Decline it and report it", correct = true },\n'
                                     '  { text = "Accept it", correct = false },\n]\n', ""), 6,
                        "options are missing"),
    "duplicate id": (GOOD.replace('id = "photos"', 'id = "friend-request"'), 18, "is used twice"),
    "bad kind": (GOOD.replace('kind = "single"', 'kind = "essay"'), 6, "'kind' must be one of"),
    "true-false without answer": (GOOD.replace("answer = false\n", ""), 18, "needs 'answer = true'"),
    "no explanation": (GOOD.replace('explanation = "5.10."\n', ""), 18, "'explanation' is missing"),
    "bad role": (GOOD.replace('kind = "single"', 'kind = "single"\nroles = ["headteacher"]'), 6,
                 "'roles' must list roles"),
    "invalid toml": (GOOD.replace('prompt = "What should you do?"', "prompt = What"), 11, "not valid TOML"),
    "bad pass mark": (GOOD.replace("pass_mark = 0.8", "pass_mark = 80"), 1, "pass_mark must be a fraction"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_bank_is_reported_with_its_line(name, with_quiz, capsys):
    text, line, fragment = BROKEN[name]
    root = with_quiz(text)
    _, problems = _problems(root)
    errors = [(ln, msg) for ln, sev, msg in problems if sev == "error"]
    assert any(fragment in msg and ln == line for ln, msg in errors), problems
    assert main(["--content", str(root), "content", "check"]) == 1
    assert f"quiz.toml:{line}: error:" in capsys.readouterr().out


def test_a_broken_question_is_left_out_and_the_rest_kept(with_quiz):
    loaded, _ = _problems(with_quiz(BROKEN["unknown clause"][0]))
    assert [q.id for q in loaded.quizzes["social-media"].questions] == ["photos"]


def test_binary_garbage_instead_of_a_bank(with_quiz):
    root = with_quiz("")
    (root / "policies" / "social-media" / "quiz.toml").write_bytes(b"\x00\xff\x10garbage")
    _, problems = _problems(root)
    assert problems and problems[0][1] == "error" and "binary" in problems[0][2]

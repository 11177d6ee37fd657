"""The shipped scenario bank meets what the school asked for, and loads without a problem."""

from collections import Counter

from holbrook_desktop.core.content.folder import load_content
from tests.conftest import REAL_CONTENT


def _bank():
    loaded = load_content(REAL_CONTENT)
    assert [d for d in loaded.diagnostics if d.path.name == "quiz.toml"] == []
    return loaded.quizzes["social-media"]


def test_the_bank_is_big_and_broad_enough():
    bank = _bank()
    assert len(bank.questions) >= 36
    assert len({c for q in bank.questions for c in q.clauses}) >= 18
    assert set(Counter(q.kind for q in bank.questions)) == {"single", "multiple", "true-false"}
    assert bank.settings.induction_questions >= 15 and bank.settings.refresher_questions == 10
    assert bank.settings.pass_mark == 0.8


def test_several_questions_on_each_of_the_main_topics():
    bank = _bank()

    def on(*clauses):
        return sum(1 for q in bank.questions if set(q.clauses) & set(clauses))

    assert on("5.6") >= 3  # friend requests from pupils
    assert on("5.7", "5.8") >= 3  # former pupils
    assert on("5.10") >= 3  # photos and images
    for clause in ("5.4", "5.1", "4.4", "5.9", "5.11", "5.12", "5.13", "5.14", "5.15", "5.16",
                   "A.2", "A.3.6", "A.5", "8.1", "9.3"):
        assert on(clause) >= 1, clause


def test_every_question_explains_itself_with_its_clause():
    for question in _bank().questions:
        assert any(c in question.explanation for c in question.clauses), question.id


def test_an_induction_from_the_real_bank_covers_many_sections():
    from holbrook_desktop.core.quiz.engine import select_induction

    policy = load_content(REAL_CONTENT).handbook.policy("social-media")
    asked = select_induction(_bank(), seed=11, section_of=lambda n: policy.clause(n).section_number)
    assert len(asked) == 15
    assert len({policy.clause(p.question.clauses[0]).section_number for p in asked}) >= 8

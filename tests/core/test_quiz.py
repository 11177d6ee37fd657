"""The quiz engine: marking each kind, spreading the induction, weighting the refresher."""

from collections import Counter
from pathlib import Path

import pytest

from holbrook_desktop.core.quiz.bank import Option, Question, QuizBank, QuizSettings
from holbrook_desktop.core.quiz.engine import (
    PresentedQuestion,
    grade,
    refresher_weight,
    select_induction,
    select_refresher,
)


def q(qid, kind="single", clauses=("5.6",), options=None, answer=None, roles=()):
    if kind == "true-false":
        return Question(qid, kind, tuple(clauses), "s", "p", "e", (), answer, tuple(roles))
    options = options or (Option("right", True), Option("wrong", False), Option("also wrong", False))
    return Question(qid, kind, tuple(clauses), "s", "p", "e", tuple(options), None, tuple(roles))


def bank(questions, **settings):
    return QuizBank("social-media", Path("quiz.toml"), QuizSettings(**settings), tuple(questions))


SECTION = {"1.1": "1", "5.6": "5", "5.7": "5", "5.10": "5", "7.1": "7", "A.2": "A.2", "9.1": "9"}


def test_single_answer_is_marked_in_the_shuffled_order():
    presented = PresentedQuestion(q("a"), option_order=(2, 0, 1))
    assert [o.text for o in presented.options] == ["also wrong", "right", "wrong"]
    assert presented.is_correct(1) and not presented.is_correct(0) and not presented.is_correct(None)


def test_select_all_needs_every_right_box_and_no_wrong_one():
    multiple = q("m", "multiple", options=(Option("a", True), Option("b", True), Option("c", False),
                                            Option("d", False)))
    presented = PresentedQuestion(multiple, (0, 1, 2, 3))
    assert presented.is_correct(frozenset({0, 1}))
    assert not presented.is_correct(frozenset({0}))  # partial: wrong
    assert not presented.is_correct(frozenset({0, 1, 2}))


def test_true_false():
    presented = PresentedQuestion(q("t", "true-false", answer=False))
    assert presented.is_correct(False) and not presented.is_correct(True)


def test_grade_pass_mark_and_clauses_to_reread():
    questions = [PresentedQuestion(q(str(i), clauses=(c,)), (0, 1, 2))
                 for i, c in enumerate(["5.6", "5.7", "5.10", "7.1", "9.1"])]
    result = grade(questions, [0, 0, 0, 0, 1], pass_mark=0.8)
    assert (result.correct, result.total, result.passed) == (4, 5, True)
    result = grade(questions, [0, 0, 0, 2, 1], pass_mark=0.8)
    assert not result.passed and result.clauses_to_reread() == ["7.1", "9.1"]


def _ids(presented):
    return [p.question.id for p in presented]


def test_induction_is_spread_across_sections_and_repeatable_under_a_seed():
    questions = [q(f"{c}-{i}", clauses=(c,)) for c in SECTION for i in range(4)]
    b = bank(questions)
    first = select_induction(b, seed=7, section_of=SECTION.get, count=7)
    assert _ids(first) == _ids(select_induction(b, seed=7, section_of=SECTION.get, count=7))
    sections = Counter(SECTION[p.question.clauses[0]] for p in first)
    assert len(sections) == 5 and max(sections.values()) <= 2  # every section before any repeats


def test_a_retake_asks_different_questions_where_the_bank_allows():
    questions = [q(f"{c}-{i}", clauses=(c,)) for c in SECTION for i in range(4)]
    b = bank(questions)
    first = select_induction(b, seed=1, section_of=SECTION.get, count=10)
    retake = select_induction(b, seed=2, section_of=SECTION.get, count=10, previously_asked=_ids(first))
    assert not set(_ids(first)) & set(_ids(retake))


def test_role_tagged_questions_only_reach_that_role():
    b = bank([q("everyone"), q("for-governors", roles=("governor",))])
    assert _ids(select_induction(b, seed=1, section_of=SECTION.get, count=5, role="teacher")) == ["everyone"]
    assert sorted(_ids(select_induction(b, seed=1, section_of=SECTION.get, count=5, role="governor"))) == [
        "everyone", "for-governors"]


def test_refresher_weight_is_the_documented_formula():
    question = q("w", clauses=("5.6", "5.7"))
    assert refresher_weight(question, {}, ()) == 1.0
    assert refresher_weight(question, {"5.6": 1}, ()) == 3.0
    assert refresher_weight(question, {"5.6": 2, "5.7": 5}, ()) == 7.0  # capped at 3 wrong
    assert refresher_weight(question, {}, {"5.7"}) == 4.0


def test_refresher_leans_towards_clauses_got_wrong_and_changed():
    questions = [q(f"plain-{i}", clauses=("1.1",)) for i in range(30)]
    questions += [q(f"wrong-{i}", clauses=("5.6",)) for i in range(5)]
    questions += [q(f"changed-{i}", clauses=("7.1",)) for i in range(5)]
    b = bank(questions)
    picks = Counter()
    for seed in range(200):
        for p in select_refresher(b, seed=seed, wrong_by_clause={"5.6": 2}, changed_clauses={"7.1"},
                                  count=10):
            picks[p.question.id.split("-")[0]] += 1
    per_question = {kind: picks[kind] / n for kind, n in (("plain", 30), ("wrong", 5), ("changed", 5))}
    assert per_question["wrong"] > 2 * per_question["plain"]
    assert per_question["changed"] > 2 * per_question["plain"]


def test_refresher_is_deterministic_and_never_last_years_set():
    b = bank([q(f"q{i}") for i in range(25)])
    first = select_refresher(b, seed=3, count=10)
    assert _ids(first) == _ids(select_refresher(b, seed=3, count=10))
    second = select_refresher(b, seed=3, count=10, last_set=_ids(first))
    assert not set(_ids(first)) & set(_ids(second))
    small = bank([q(f"q{i}") for i in range(11)])
    last = _ids(select_refresher(small, seed=1, count=10))
    for seed in range(20):
        assert set(_ids(select_refresher(small, seed=seed, count=10, last_set=last))) != set(last)


@pytest.mark.parametrize("seed", range(5))
def test_options_are_reshuffled_between_attempts(seed):
    b = bank([q(f"q{i}", options=tuple(Option(str(n), n == 0) for n in range(4))) for i in range(20)])
    orders = {p.option_order for p in select_refresher(b, seed=seed, count=10)}
    assert len(orders) > 1

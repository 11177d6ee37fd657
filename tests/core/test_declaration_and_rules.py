"""The declaration from content/ and the rules for acknowledging: who may sign, and what they must give."""

from datetime import date

import pytest

from holbrook_desktop.core.attestation.acknowledgement import (
    AcknowledgementOffer,
    AcknowledgementRefused,
    PassedQuiz,
    check_declaration,
    method_for,
    name_key,
)
from holbrook_desktop.core.attestation.signature import Signature
from holbrook_desktop.core.content.folder import load_content
from tests.conftest import policy_text

BODY = "## 1 ONE\n\n1.1 Text.\n"
SIGNATURE = Signature.from_points(400, 150, [[(20, 100), (120, 40), (220, 110), (330, 50)]])


def _content_with_declaration(make_content, text):
    root = make_content({"sample": policy_text(BODY)})
    (root / "policies" / "sample" / "declaration.txt").write_text(text, encoding="utf-8")
    return root


def test_the_shipped_declaration_names_the_policy_school_and_version(content_copy):
    loaded = load_content(content_copy, quizzes=False)
    assert loaded.ok, loaded.diagnostics
    policy = loaded.handbook.policy("social-media")
    text = loaded.declarations["social-media"].text_for(policy)
    assert "Social Media Policy of Holbrook Primary (2026 edition)" in text
    assert "#" not in text and "{" not in text  # notes for the editor are not shown
    assert text.count("\n\n") == 2  # three paragraphs, as written


def test_an_unknown_placeholder_is_reported_with_its_line_and_the_builtin_wording_is_used(make_content):
    root = _content_with_declaration(make_content, "# note\n\nI have read the {policy_titel}.\n")
    loaded = load_content(root, quizzes=False)
    [problem] = [d for d in loaded.diagnostics if d.path.name == "declaration.txt"]
    assert problem.line == 3 and "{policy_titel}" in problem.message and "{policy_title}" in problem.message
    policy = loaded.handbook.policy("sample")
    assert loaded.declarations["sample"].text_for(policy).startswith("I confirm that I have read")


def test_an_unclosed_brace_and_an_empty_file_are_errors(make_content):
    root = _content_with_declaration(make_content, "I have read the {policy_title.\n")
    assert any("brace" in d.message and d.line == 1 for d in load_content(root, quizzes=False).diagnostics)
    root = _content_with_declaration(make_content, "# only notes\n\n")
    assert any("empty" in d.message for d in load_content(root, quizzes=False).diagnostics)


def test_a_policy_without_a_declaration_file_uses_the_builtin_wording_quietly(make_content):
    loaded = load_content(make_content({"sample": policy_text(BODY)}), quizzes=False)
    assert loaded.diagnostics == ()
    assert "Sample Policy of Holbrook Primary (test edition)" in loaded.declarations["sample"].text_for(
        loaded.handbook.policy("sample"))


def _offer(**changes) -> AcknowledgementOffer:
    values = dict(policy_id="social-media", policy_title="Social Media Policy", school="Holbrook Primary",
                  version_label="2026 edition", effective=date(2026, 9, 1), policy_sha256="a" * 64,
                  declaration="I confirm.", reading_complete=True,
                  quiz=PassedQuiz(7, "induction", 9, 10, "2026-11-24T14:05:00+00:00"),
                  already_acknowledged_at=None)
    values.update(changes)
    return AcknowledgementOffer(**values)


def test_signing_opens_only_after_reading_and_a_pass_not_yet_used():
    assert _offer().ready
    assert "Read every section" in _offer(reading_complete=False).reason
    assert "Pass the quiz" in _offer(quiz=None).reason
    assert "already acknowledged" in _offer(already_acknowledged_at="2026-11-24T14:06:00+00:00").reason


def test_the_quiz_summary_reads_as_printed():
    assert _offer().quiz.summary() == "Induction quiz: 9 of 10 (90%), passed on 24 November 2026"


@pytest.mark.parametrize("typed", ["Zoë Brown", "zoë brown", "  ZOË   BROWN ", "Zoe\u0308 Brown", "ZoëBrown",
                                   "Zoe Brown"])
def test_the_typed_name_matches_ignoring_case_accents_and_spacing(typed):
    check_declaration(_offer(), full_name="Zoë Brown", typed_name=typed, declared=True, signature=SIGNATURE)


@pytest.mark.parametrize("typed", ["Zoë Browne", "Brown Zoë", "Z Brown"])
def test_another_name_is_refused_and_the_record_name_is_shown(typed):
    with pytest.raises(AcknowledgementRefused, match="“Zoë Brown”"):
        check_declaration(_offer(), full_name="Zoë Brown", typed_name=typed, declared=True,
                          signature=SIGNATURE)


def test_each_missing_step_is_refused_with_what_to_do():
    def refused(**changes):
        values = dict(full_name="Ann Smith", typed_name="Ann Smith", declared=True, signature=SIGNATURE)
        values.update(changes)
        with pytest.raises(AcknowledgementRefused) as caught:
            check_declaration(values.pop("offer", _offer()), **values)
        return str(caught.value)

    assert "Tick the box" in refused(declared=False)
    assert "Type your full name" in refused(typed_name="   ")
    assert "empty" in refused(signature=Signature.from_points(400, 150, []))
    assert "too short" in refused(signature=Signature.from_points(400, 150, [[(10, 10), (14, 12)]]))
    assert "Pass the quiz" in refused(offer=_offer(quiz=None))
    # Keyboard-only: the typed name alone is enough, and the method says so.
    check_declaration(_offer(), full_name="Ann Smith", typed_name="ann smith", declared=True, signature=None)
    assert (method_for(None), method_for(SIGNATURE)) == ("typed", "drawn")


def test_name_key_keeps_letters_and_folds_accents():
    assert name_key("Łukasz  Nowak") == "lukasznowak"
    assert name_key("Дмитрий Иванов") == name_key("дмитрий иванов")

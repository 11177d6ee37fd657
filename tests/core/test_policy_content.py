"""The shipped policy is the school's text, carried faithfully, with the school's numbering."""

import re

import pytest

from holbrook_desktop.core.content.folder import load_content
from tests.conftest import POLICY_SOURCE, REAL_CONTENT

POLICY_FILE = REAL_CONTENT / "policies" / "social-media" / "policy.md"
MARKDOWN_MARKERS = re.compile(r"^(?:#{2,3} |- )", re.MULTILINE)


def _body_tokens() -> list[str]:
    text = POLICY_FILE.read_text(encoding="utf-8")
    body = text.split("+++", 2)[2]
    return MARKDOWN_MARKERS.sub("", body).split()


@pytest.mark.skipif(not POLICY_SOURCE.exists(), reason="shared/policy source is not beside the repo")
def test_every_word_and_mark_of_the_source_is_kept_in_order():
    source_tokens = POLICY_SOURCE.read_text(encoding="utf-8").split()
    assert _body_tokens() == source_tokens


def test_clause_numbers_are_the_schools():
    policy = load_content(REAL_CONTENT).handbook.policy("social-media")
    numbers = [c.number for c in policy.clauses()]
    expected_main = (
        [f"1.{i}" for i in range(1, 5)] + [f"2.{i}" for i in range(1, 4)]
        + [f"3.{i}" for i in range(1, 5)] + [f"4.{i}" for i in range(1, 8)]
        + [f"5.{i}" for i in range(1, 17)] + [f"7.{i}" for i in range(1, 5)]
        + ["8.1", "8.2", "9.1", "9.2", "9.3"]
    )
    expected_appendix = (
        [f"A.1.{i}" for i in range(1, 8)] + ["A.2"] + [f"A.3.{i}" for i in range(1, 7)]
        + [f"A.4.{i}" for i in range(1, 11)] + ["A.5"]
    )
    assert numbers == expected_main + expected_appendix


def test_sections_and_appendix_parts():
    policy = load_content(REAL_CONTENT).handbook.policy("social-media")
    assert [s.number for s in policy.sections] == ["1", "2", "3", "4", "5", "7", "8", "9", "A"]
    appendix = policy.section("A")
    assert appendix.is_appendix
    assert appendix.title == "Requirements for creating social media sites on behalf of Holbrook Primary"
    assert [s.number for s in appendix.children] == ["A.1", "A.2", "A.3", "A.4", "A.5"]
    assert policy.section("A.3").title == "APPROVAL FOR CREATION OF OR PARTICIPATION IN WEBSPACE"


def test_clause_ids_text_and_section():
    handbook = load_content(REAL_CONTENT).handbook
    clause = handbook.clause("social-media/5.6")
    assert clause.id == "social-media/5.6"
    assert clause.section_number == "5"
    assert clause.plain_text.startswith("Staff members must decline ‘friend requests’ from pupils")
    assert handbook.clause("social-media/A.3.6").section_number == "A.3"
    # Unnumbered paragraphs under A.2 are one clause quoted as "A.2".
    assert "appropriate authorities must be informed immediately" in (
        handbook.clause("social-media/A.2").plain_text
    )


def test_lists_stay_lists_and_the_stray_heading_stays_in_place():
    policy = load_content(REAL_CONTENT).handbook.policy("social-media")
    assert "- Malicious Communications Act 1998" in policy.clause("3.3").text.splitlines()
    assert policy.clause("4.2").heading == (
        "1 PRINCIPLES – BE PROFESSIONAL, RESPONSIBLE AND RESPECTFUL"
    )
    assert policy.clause("4.2").section_number == "4"

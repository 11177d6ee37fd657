"""Cross-references become links to their targets; references to missing parts do not."""

import pytest

from holbrook_desktop.core.content.folder import load_content
from holbrook_desktop.core.content.references import find_references
from holbrook_desktop.core.content.render import Location, PolicyRenderer, parse_href
from tests.conftest import REAL_CONTENT


@pytest.fixture(scope="module")
def policy():
    return load_content(REAL_CONTENT).handbook.policy("social-media")


def _targets(text):
    return [(r.kind, r.target, text[r.start:r.end]) for r in find_references(text)]


def test_lists_of_sections_and_appendices():
    text = "(see sections 5, 6, 7 and Appendices A and B)."
    assert _targets(text) == [
        ("section", "5", "sections 5"), ("section", "6", "6"), ("section", "7", "7"),
        ("appendix", "A", "Appendices A"), ("appendix", "B", "B"),
    ]


def test_single_references_and_clause_numbers():
    assert _targets("specified in section 7 and Appendix A.") == [
        ("section", "7", "section 7"), ("appendix", "A", "Appendix A"),
    ]
    assert _targets("as clause 5.6 says") == [("section", "5.6", "clause 5.6")]


def test_prose_that_is_not_a_reference():
    assert _targets("appendix a few notes; a section of the staff; Appendix Approval") == []


def test_links_in_a_rendered_page(policy):
    page = PolicyRenderer().section_page(policy, policy.section("2"))
    assert '<a href="holbrook:social-media/5">sections 5</a>' in page
    assert '<a href="holbrook:social-media/7">7</a>' in page
    assert '<a href="holbrook:social-media/A">Appendices A</a>' in page
    # Section 6 and Appendix B do not exist: marked, never linked.
    assert '<span class="missing-reference" title="This policy has no section 6">6</span>' in page
    assert '<span class="missing-reference" title="This policy has no appendix B">B</span>' in page
    assert 'href="holbrook:social-media/6"' not in page


def test_page_has_clause_anchors_numbers_lists_and_neighbours(policy):
    page = PolicyRenderer().section_page(policy, policy.section("3"))
    for number in ("3.1", "3.2", "3.3", "3.4"):
        assert f'<p><a name="c-{number}"></a><span class="clause-number">{number}</span>' in page
    assert "<li>Malicious Communications Act 1998</li>" in page
    assert 'href="holbrook:social-media/2">← 2 SCOPE</a>' in page
    assert 'Next: <a href="holbrook:social-media/4">4 RELATED POLICIES →</a>' in page


def test_appendix_page_lists_its_parts(policy):
    page = PolicyRenderer().section_page(policy, policy.section("A"))
    assert '<a href="holbrook:social-media/A.2">A.2 CHILDREN AND YOUNG PEOPLE</a>' in page


def test_whole_policy_document_for_printing(policy):
    document = PolicyRenderer().policy_document(policy)
    assert policy.sha256 in document
    assert document.count('<span class="clause-number">') == 66
    assert "effective 1 September 2026" in document
    # Links stay inside the document; the app's own scheme means nothing in a PDF reader.
    assert "holbrook:" not in document
    assert '<a href="#s-5">sections 5</a>' in document
    assert '<a name="s-5"></a>' in document


def test_href_round_trip():
    location = Location("social-media", "5", "5.6")
    assert location.href == "holbrook:social-media/5#c-5.6"
    assert parse_href(location.href) == location
    assert parse_href("https://example.org/5") is None
    assert parse_href("holbrook:nothing") is None

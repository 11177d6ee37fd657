"""Search: case- and accent-insensitive, singular finds plural, best clause first."""

import pytest

from holbrook_desktop.core.content.folder import load_content
from holbrook_desktop.core.content.search import SearchIndex
from tests.conftest import REAL_CONTENT


@pytest.fixture(scope="module")
def index():
    return SearchIndex(load_content(REAL_CONTENT).handbook)


def _numbers(index, query):
    return [hit.number for hit in index.search(query)]


@pytest.mark.parametrize("query", ["friend request", "friend requests", "FRIEND Requests",
                                   "  friend   request "])
def test_friend_request_finds_5_6_first(index, query):
    assert _numbers(index, query)[0] == "5.6"


def test_matching_phrase_is_highlighted(index):
    hit = index.search("friend request")[0]
    assert hit.clause_id == "social-media/5.6"
    assert hit.marked_snippet() .startswith("Staff members must decline ‘[friend requests]’")
    start, end = hit.highlights[0]
    assert hit.plain_snippet[start:end] == "friend requests"
    assert hit.terms == ("friend requests",)


def test_accents_do_not_matter(index):
    assert "5.12" in _numbers(index, "Wikipédia")
    assert _numbers(index, "Wikipédia") == _numbers(index, "wikipedia")


def test_whole_phrase_ranks_before_scattered_words(index):
    numbers = _numbers(index, "former pupils")
    assert numbers[:2] == ["5.7", "5.8"]


def test_partial_last_word_while_typing(index):
    assert _numbers(index, "photogr")[0] == "5.10"
    assert _numbers(index, "media enq")[0] == "A.3.6"


def test_clause_number_jumps_to_that_clause(index):
    assert _numbers(index, "5.6")[0] == "5.6"
    assert _numbers(index, "clause a.3.6")[0] == "A.3.6"


def test_any_word_when_no_clause_has_all(index):
    assert _numbers(index, "wikipedia zebra")[:1] != []


@pytest.mark.parametrize("query", ["", "   ", '"', "AND OR NOT", "(((", "*", "zzzqqq"])
def test_odd_queries_find_nothing_or_something_but_never_fail(index, query):
    assert isinstance(index.search(query), list)


def test_search_covers_every_policy(make_content):
    from tests.conftest import policy_text

    root = make_content({
        "social-media": (REAL_CONTENT / "policies/social-media/policy.md").read_text("utf-8"),
        "e-safety": policy_text("\n## 1 ONE\n\n1.1 Pupils use tablets safely.\n", id="e-safety"),
    })
    hits = SearchIndex(load_content(root).handbook).search("tablets")
    assert [h.clause_id for h in hits] == ["e-safety/1.1"]

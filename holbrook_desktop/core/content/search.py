"""Full-text search over clauses: SQLite FTS5 with stemming, case and accent folding."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from holbrook_desktop.core.content.handbook import Handbook

# Porter stemming makes "friend request" find "friend requests"; unicode61 folds case
# and (remove_diacritics 2) accents, so "wikipédia" finds "Wikipedia".
_TOKENIZER = "porter unicode61 remove_diacritics 2"
_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"
_WORD = re.compile(r"\w+")
_CLAUSE_NUMBER = re.compile(r"^\s*(?:(?i:clause|section)\s+)?((?:\d+|[A-Za-z])(?:\.\d+)+)\s*$")
_ADJACENT_MARKS = re.compile(f"{_MARK_CLOSE}(\\W{{0,3}}){_MARK_OPEN}")
SNIPPET_WORDS = 14


@dataclass(frozen=True)
class SearchHit:
    clause_id: str
    policy_id: str
    number: str
    section_number: str
    snippet: str  # plain text with the matching phrases between [ and ] for plain output
    highlights: tuple[tuple[int, int], ...]  # spans of `plain_snippet` that matched
    terms: tuple[str, ...]  # the words of the clause that matched, as written there

    @property
    def plain_snippet(self) -> str:
        return self.snippet.replace(_MARK_OPEN, "").replace(_MARK_CLOSE, "")

    def marked_snippet(self, start: str = "[", end: str = "]") -> str:
        return self.snippet.replace(_MARK_OPEN, start).replace(_MARK_CLOSE, end)

    def as_dict(self) -> dict[str, object]:
        return {
            "clause_id": self.clause_id,
            "policy_id": self.policy_id,
            "number": self.number,
            "section": self.section_number,
            "snippet": self.plain_snippet,
            "highlights": [list(span) for span in self.highlights],
            "terms": list(self.terms),
        }


class SearchIndex:
    """An in-memory index built once per handbook; a query over it takes well under a millisecond."""

    def __init__(self, handbook: Handbook) -> None:
        self._handbook = handbook
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE clause_text USING fts5("
            f"clause_id UNINDEXED, number, heading, body, tokenize = '{_TOKENIZER}')"
        )
        rows = []
        for policy in handbook.policies:
            for section in policy.all_sections():
                for clause in section.clauses:
                    rows.append((clause.id, clause.number, section.title, clause.plain_text))
        self._db.executemany("INSERT INTO clause_text VALUES (?, ?, ?, ?)", rows)

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Clauses matching every word (the whole phrase ranked first); any word if none match all."""
        words = _WORD.findall(query)
        if not words:
            return []
        exact = self._exact_number(query)
        # The last word is a prefix while someone is still typing it.
        star = "" if query[-1:].isspace() else "*"
        quoted = [f'"{w}"' for w in words]
        every_word = " AND ".join(quoted) + star
        queries = [every_word]
        if len(words) > 1:
            queries.insert(0, '"' + " ".join(words) + '"' + star)  # the phrase as typed ranks first
        hits: list[SearchHit] = [exact] if exact else []
        seen = {h.clause_id for h in hits}
        for fts_query in queries:
            self._collect(fts_query, hits, seen, limit)
        found_in_text = len(hits) - (1 if exact else 0)
        if found_in_text == 0 and len(words) > 1:
            # Nothing holds every word: show clauses with any of them rather than nothing.
            self._collect(" OR ".join(quoted), hits, seen, limit)
        return hits[:limit]

    def _collect(self, fts_query: str, hits: list[SearchHit], seen: set[str], limit: int) -> None:
        try:
            rows = self._db.execute(
                "SELECT clause_id, "
                f"snippet(clause_text, 3, '{_MARK_OPEN}', '{_MARK_CLOSE}', '…', {SNIPPET_WORDS}), "
                f"highlight(clause_text, 3, '{_MARK_OPEN}', '{_MARK_CLOSE}') "
                "FROM clause_text WHERE clause_text MATCH '{body heading}: (' || ? || ')' "
                "ORDER BY bm25(clause_text, 0.0, 0.0, 2.0, 1.0) LIMIT ?",
                (fts_query, limit),
            ).fetchall()
        except sqlite3.OperationalError:
            return  # a query FTS5 cannot parse finds nothing rather than failing the search box
        for clause_id, snippet, highlighted in rows:
            if clause_id in seen:
                continue
            seen.add(clause_id)
            hits.append(self._hit(clause_id, snippet, highlighted))

    def _exact_number(self, query: str) -> SearchHit | None:
        found = _CLAUSE_NUMBER.match(query)
        if not found:
            return None
        number = found.group(1).upper()
        for policy in self._handbook.policies:
            clause = policy.clause(number)
            if clause is not None:
                text = clause.plain_text
                words = text.split()
                snippet = " ".join(words[:SNIPPET_WORDS]) + ("…" if len(words) > SNIPPET_WORDS else "")
                return self._hit(clause.id, snippet, text)
        return None

    def _hit(self, clause_id: str, snippet: str, highlighted: str) -> SearchHit:
        clause = self._handbook.clause(clause_id)
        assert clause is not None  # ids come from the same handbook
        snippet = _ADJACENT_MARKS.sub(r"\1", snippet)  # "[friend] [requests]" → "[friend requests]"
        return SearchHit(
            clause_id=clause_id,
            policy_id=clause.policy_id,
            number=clause.number,
            section_number=clause.section_number,
            snippet=snippet,
            highlights=_spans(snippet),
            terms=tuple(dict.fromkeys(re.findall(f"{_MARK_OPEN}(.*?){_MARK_CLOSE}", highlighted))),
        )


def _spans(marked: str) -> tuple[tuple[int, int], ...]:
    spans = []
    plain_index = 0
    start = None
    for char in marked:
        if char == _MARK_OPEN:
            start = plain_index
        elif char == _MARK_CLOSE:
            if start is not None:
                spans.append((start, plain_index))
            start = None
        else:
            plain_index += 1
    return tuple(spans)

"""One way of comparing people's names: case, accents and apostrophe style do not matter."""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter and an accent, and marks that people
# type one way or another (O’Brien, O'Brien, OBrien), so that "obrien" and "soren" still match.
_FOLDS = str.maketrans({
    "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th",
    "’": None, "‘": None, "'": None, "`": None, "ʼ": None, "´": None,
    "-": " ", "‐": " ", "‑": " ", "–": " ", ".": " ",
})


def fold(text: str) -> str:
    """Lower case, without accents or apostrophes: what the start screen's search compares."""
    if text.isascii():  # most names: no accents to take off
        return text.lower().translate(_FOLDS)
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.casefold().translate(_FOLDS)


def name_key(name: str) -> str:
    """Two names are the same person's name when these match: `fold`, and spacing ignored
    ("Sian O'Neill" is "Siân O’Neill")."""
    return "".join(fold(name).split())

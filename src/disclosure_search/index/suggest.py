"""'Did you mean': the indexed title a mistyped long query was most likely meant to be."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Protocol

from whoosh import query as wq

from disclosure_search.index.analyzer import bigrams
from disclosure_search.vocabulary.folding import fold

#: Only queries at least this long are checked: short words have too many near neighbours.
MIN_CHARS = 8
#: How alike (difflib ratio on folded text) a title must be to be offered.
MIN_RATIO = 0.8
#: Titles compared in full, after a cheap bigram ranking.
CANDIDATES = 5


class _Engine(Protocol):
    def docs(self, query: wq.Query) -> int: ...

    def rank(self, query: wq.Query, candidates: int, limit: int) -> list[tuple[int, float]]: ...


def title_grams(text: str) -> list[str]:
    """Return the bigrams to find titles like ``text`` by; [] when ``text`` gets no suggestion."""
    folded = fold(text.strip())
    if len(folded) < MIN_CHARS or '"' in folded or ":" in folded:
        return []
    return list(dict.fromkeys(bigrams(folded)))


def closest_title(text: str, titles: Iterable[str]) -> str | None:
    """Return the title of ``titles`` most like ``text`` when alike enough and not ``text``."""
    folded = fold(text.strip())
    best: tuple[float, str] | None = None
    for title in titles:
        ratio = difflib.SequenceMatcher(None, folded, fold(title)).ratio()
        if best is None or ratio > best[0]:
            best = (ratio, title)
    if best is None or best[0] < MIN_RATIO or fold(best[1]) == folded:
        return None
    return best[1]


def suggest_title(engine: _Engine, stored_title: Callable[[int], str], text: str) -> str | None:
    """Return the indexed title ``text`` was probably meant to be, or None.

    Offered only for a long query (≥ ``MIN_CHARS`` characters) that is within a character or
    two of one title but is not that title, so a correct query never gets a suggestion.

    Args:
        engine: the matching engine of the current index generation.
        stored_title: a callable docnum -> stored title.
        text: the query as typed.
    """
    grams = title_grams(text)
    if not grams:
        return None
    query = wq.Or([wq.Term("title_grams", g) for g in grams])
    matched = engine.docs(query)
    ranked = engine.rank(query, matched, CANDIDATES)
    return closest_title(text, (stored_title(docnum) for docnum, _ in ranked))

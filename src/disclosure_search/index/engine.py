"""Matching and ranking over cached postings: set algebra and BM25 in place of Whoosh's matchers.

Whoosh evaluates a query through a tree of Python matcher objects, one call per posting per
node; with facets over the whole result that is most of a query's time. Here each term's
postings are read once per index generation into a dict (document number -> weight), boolean
structure is evaluated with set operations, and only the matching documents are scored (BM25,
the formula Whoosh uses by default).
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

#: Terms whose postings are kept in memory per index generation.
POSTINGS_CACHE = 4096
K1, B = 1.2, 0.75
#: Fields whose per-document length normalises their scores (the others use the average).
_NORMALISED = ("title", "body")

Postings = dict[int, float]


class Engine:
    """Set-based matching and BM25 ranking over one searcher's index generation."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.leaves: list[tuple[Any, int]] = list(self.reader.leaf_readers())
        self.doc_count = max(1, self.reader.doc_count())
        self._postings: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._lengths: dict[str, list[int]] = {}
        self._universe: set[int] | None = None
        self._columns: dict[str, list[Any]] = {}
        self._by_date: tuple[list[int], list[int]] | None = None

    def universe(self) -> set[int]:
        """Return the numbers of all live documents."""
        if self._universe is None:
            self._universe = set(self.reader.all_doc_ids())
        return self._universe

    def postings(self, field: str, text: str) -> Postings:
        """Return ``{document number: weight}`` of a term (live documents only), cached."""
        key = (field, text)
        cached = self._postings.get(key)
        if cached is not None:
            self._postings.move_to_end(key)
            return cached
        found: Postings = {}
        for reader, offset in self.leaves:
            if (field, text) in reader:
                _read_postings(reader, field, text, offset, found)
        self._postings[key] = found
        if len(self._postings) > POSTINGS_CACHE:
            self._postings.popitem(last=False)
        return found

    def docs(self, query: wq.Query) -> set[int]:
        """Return the documents matching ``query`` (the query types this package builds)."""
        if isinstance(query, wq.Term):
            return set(self.postings(query.fieldname, query.text))
        if isinstance(query, wq.And):
            parts = sorted((self.docs(q) for q in query.subqueries), key=len)
            return set.intersection(*parts) if parts else set()
        if isinstance(query, wq.Or):
            return set().union(*(self.docs(q) for q in query.subqueries))
        if isinstance(query, wq.Not):
            return self.universe() - self.docs(query.query)
        if isinstance(query, wq.Every):
            return set(self.universe())
        if isinstance(query, wq.ConstantScoreQuery):
            return self.docs(query.child)
        if query is wq.NullQuery:
            return set()
        if isinstance(query, wq.NumericRange) and query.fieldname == "published":
            return self._date_range(query.start, query.end)
        return set(self.searcher.docs_for_query(query))  # phrases

    def column(self, name: str) -> list[Any]:
        """Return a sortable field's value for every document number, read once."""
        if name not in self._columns:
            if self.reader.doc_count_all() == 0:  # an empty reader has no columns at all
                self._columns[name] = []
            else:
                self._columns[name] = list(self.reader.column_reader(name, translate=True))
        return self._columns[name]

    def _date_range(self, start: int | None, end: int | None) -> set[int]:
        if self._by_date is None:
            dates = self.column("published")
            order = sorted((d for d in self.universe()), key=dates.__getitem__)
            self._by_date = ([dates[d] for d in order], order)
        values, order = self._by_date
        low = bisect.bisect_left(values, start) if start is not None else 0
        high = bisect.bisect_right(values, end) if end is not None else len(values)
        return set(order[low:high])

    def by_date(self, candidates: set[int], newest: bool, limit: int) -> list[tuple[int, float]]:
        """Return the ``limit`` newest (or oldest) candidates; undated documents come last."""
        dates, ids = self.column("published"), self.column("id")
        if newest:
            best = heapq.nlargest(limit, candidates, key=lambda d: (dates[d], ids[d]))
        else:
            best = heapq.nsmallest(limit, candidates,
                                   key=lambda d: (dates[d] or 99_999_999, ids[d]))
        return [(d, 0.0) for d in best]

    def _length_norms(self, field: str) -> list[float] | None:
        if field not in _NORMALISED:
            return None
        if field not in self._lengths:
            self._lengths[field] = [
                self.reader.doc_field_length(d, field, 0)
                for d in range(self.reader.doc_count_all())
            ]
        lengths = self._lengths[field]
        average = max(1.0, self.reader.field_length(field) / self.doc_count)
        return [K1 * (1 - B + B * n / average) for n in lengths]

    def rank(self, query: wq.Query, candidates: set[int], limit: int) -> list[tuple[int, float]]:
        """Return the ``limit`` best candidates by BM25 over the query's positive terms.

        Exact-match bonuses (``ConstantScoreQuery``) are added to the documents they match;
        ties are broken by document id, never by indexing order, so an index rebuilt from
        the archive ranks exactly as the live one.
        """
        scores: dict[int, float] = dict.fromkeys(candidates, 0.0)
        for field, text in dict.fromkeys(_positive_terms(query)):
            postings = self.postings(field, text)
            if not postings:
                continue
            idf = math.log(1 + (self.doc_count - len(postings) + 0.5) / (len(postings) + 0.5))
            norms = self._norms(field)
            small, large = (postings, scores) if len(postings) < len(scores) else (scores, postings)
            for docnum in small:
                if docnum in large:
                    weight = postings[docnum]
                    norm = norms[docnum] if norms else K1
                    scores[docnum] += idf * weight * (K1 + 1) / (weight + norm)
        for bonus_query, bonus in _bonuses(query):
            for docnum in self.docs(bonus_query) & candidates:
                scores[docnum] += bonus
        ids = self.column("id")
        return heapq.nlargest(limit, scores.items(), key=lambda item: (item[1], ids[item[0]]))

    def _norms(self, field: str) -> list[float] | None:
        key = f"norm:{field}"
        if key not in self._lengths:
            norms = self._length_norms(field)
            if norms is None:
                return None
            self._lengths[key] = norms  # type: ignore[assignment]
        return self._lengths[key]  # type: ignore[return-value]


def _read_postings(reader: Any, field: str, text: str, offset: int, into: Postings) -> None:
    """Add one segment's postings of a term to ``into`` (block-wise when possible)."""
    try:
        matcher = reader.postings(field, text)
    except TermNotFound:
        return
    if isinstance(matcher, W3LeafMatcher):  # no deletions in this segment: whole blocks
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            ids = matcher._data[0]
            if not matcher._byteids:  # delta-coded: the running sum, at C speed
                ids = itertools.accumulate(ids)
            matcher._read_weights()
            into.update(zip((offset + i for i in ids), matcher._weights, strict=True))
            matcher._next_block()
        return
    for docnum, weight in matcher.items_as("weight"):
        into[offset + docnum] = weight


def _positive_terms(query: wq.Query, negated: bool = False) -> Iterable[tuple[str, str]]:
    """Yield (field, text) of the terms that add to a score (none under NOT)."""
    if isinstance(query, wq.Not) or negated:
        return
    if isinstance(query, wq.ConstantScoreQuery):
        return
    if isinstance(query, wq.Term):
        yield query.fieldname, query.text
    elif isinstance(query, wq.Phrase):
        for word in query.words:
            yield query.fieldname, word
    elif isinstance(query, wq.CompoundQuery):
        for sub in query.subqueries:
            yield from _positive_terms(sub)


def _bonuses(query: wq.Query) -> Iterable[tuple[wq.Query, float]]:
    if isinstance(query, wq.ConstantScoreQuery):
        yield query.child, float(query.score)
    elif isinstance(query, wq.CompoundQuery) and not isinstance(query, wq.Not):
        for sub in query.subqueries:
            yield from _bonuses(sub)

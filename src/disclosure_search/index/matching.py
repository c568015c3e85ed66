"""Which documents match: a query tree evaluated as bitset algebra over cached postings.

``Term`` is a term's bitset; ``And``/``Or``/``Not`` are ``& | ~`` (NOT against the live
documents); a date range is the XOR of two prefix bitsets of the date order; a phrase asks
Whoosh's positional matcher, only when every word occurs, and is cached per generation.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict

from whoosh import query as wq
from whoosh.searching import Searcher

from disclosure_search.index.bitsets import from_bits, to_bits
from disclosure_search.index.generation import Generation


class Reorder(wq.ConstantScoreQuery):
    """A constant bonus for documents its query matches, which the enclosing query matches
    anyway (a title run): it changes the order, never the set, so matching skips it and
    ranking looks for it among the candidates only."""


#: Phrase results (bitsets) kept per index generation.
PHRASE_CACHE = 1024
#: Documents between two stored prefixes of the date order (date ranges are prefix XORs).
_DATE_STEP = 2048


class Matching(Generation):
    """Bitsets of the documents matching the query types the query compiler builds."""

    def __init__(self, searcher: Searcher) -> None:
        super().__init__(searcher)
        self._phrases: OrderedDict[wq.Query, int] = OrderedDict()
        self._by_date: tuple[list[int], list[int], list[int]] | None = None

    def docs(self, query: wq.Query) -> int:
        """Return the bitset of the documents matching ``query`` (the query types built here)."""
        if isinstance(query, wq.Term):
            return self.term(query.fieldname, query.text).bits
        if isinstance(query, wq.And):
            result = self.universe()
            for sub in query.subqueries:
                result &= self.docs(sub)
                if not result:
                    break
            return result if query.subqueries else 0
        if isinstance(query, wq.Or):
            result = 0
            for sub in query.subqueries:
                if not isinstance(sub, Reorder):
                    result |= self.docs(sub)
            return result
        if isinstance(query, wq.Not):
            return self.universe() & ~self.docs(query.query)
        if isinstance(query, wq.Every):
            return self.universe()
        if isinstance(query, wq.ConstantScoreQuery):
            return self.docs(query.child)
        if query is wq.NullQuery:
            return 0
        if isinstance(query, wq.NumericRange) and query.fieldname == "published":
            return self._date_range(query.start, query.end)
        return self._phrase(query)

    def docs_within(self, query: wq.Query, within: int) -> int:
        """Return the documents of ``within`` that ``query`` matches.

        A phrase not yet evaluated is looked for in those documents only (a title-run bonus
        over the few candidates of a result, not over every title holding its words).
        """
        if not isinstance(query, wq.Phrase) or query in self._phrases:
            return self.docs(query) & within
        possible = self._possible(query) & within
        if not possible:
            return 0
        found = []
        documents = from_bits(possible)
        for searcher, offset in self.searcher.leaf_searchers():
            end = offset + searcher.reader().doc_count_all()
            inside = documents[bisect.bisect_left(documents, offset):
                               bisect.bisect_left(documents, end)]
            if not inside:
                continue
            matcher = query.matcher(searcher)
            for docnum in inside:
                if not matcher.is_active():
                    break
                if matcher.id() < docnum - offset:
                    matcher.skip_to(docnum - offset)
                if matcher.is_active() and matcher.id() == docnum - offset:
                    found.append(docnum)
        return to_bits(found, self.size)

    def _possible(self, query: wq.Query) -> int:
        """Return the documents holding every word of a phrase (all, if it has no words)."""
        words = getattr(query, "words", None)
        field = getattr(query, "fieldname", None)
        possible = self.universe()
        if words and field:
            for word in words:
                possible &= self.term(field, word).bits
                if not possible:
                    break
        return possible

    def _phrase(self, query: wq.Query) -> int:
        """Return a phrase's documents: Whoosh's positional matcher, only when all words occur."""
        cached = self._phrases.get(query)
        if cached is not None:
            return cached
        possible = self._possible(query)
        found = to_bits(self.searcher.docs_for_query(query), self.size) if possible else 0
        self._phrases[query] = found
        if len(self._phrases) > PHRASE_CACHE:
            self._phrases.popitem(last=False)
        return found

    def _date_index(self) -> tuple[list[int], list[int], list[int]]:
        """Return live documents sorted by date, their dates, and prefix bitsets of that order."""
        if self._by_date is None:
            dates = self.column("published")
            order = sorted(from_bits(self.universe()), key=dates.__getitem__)
            prefixes = [to_bits(order[:i], self.size) for i in range(0, len(order), _DATE_STEP)]
            self._by_date = ([dates[d] for d in order], order, prefixes)
        return self._by_date

    def _prefix(self, order: list[int], prefixes: list[int], end: int) -> int:
        start = end // _DATE_STEP * _DATE_STEP
        if start >= len(order):
            start = (len(prefixes) - 1) * _DATE_STEP
        base = prefixes[start // _DATE_STEP] if prefixes else 0
        return base | (to_bits(order[start:end], self.size) if end > start else 0)

    def _date_range(self, start: int | None, end: int | None) -> int:
        values, order, prefixes = self._date_index()
        low = bisect.bisect_left(values, start) if start is not None else 0
        high = bisect.bisect_right(values, end) if end is not None else len(values)
        if high <= low:
            return 0
        return self._prefix(order, prefixes, high) ^ self._prefix(order, prefixes, low)

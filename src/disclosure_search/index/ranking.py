"""Ordering a result: BM25 over the query's positive terms, or by date.

BM25 is the formula Whoosh uses by default (K1 1.2, B 0.75; title and body normalised by
their length, other fields scored as of average length), with a Lucene-style idf over live
documents. Each term's contribution per document is computed once per generation with
C-level ``map`` over its packed postings; a frequent term is scored only for the candidates
when they are far fewer. Ties are broken by document id, never by indexing order.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import operator
from array import array
from collections import deque
from collections.abc import Iterable, Iterator

from whoosh import query as wq
from whoosh.searching import Searcher

from disclosure_search.index.bitsets import flags_of, from_bits
from disclosure_search.index.generation import Scores, Term
from disclosure_search.index.matching import Matching

K1, B = 1.2, 0.75
#: A term in more than this share of the documents keeps its scores in a dense array.
_DENSE_SHARE = 1 / 8
#: Fields whose per-document length normalises their scores (the others use the average).
_NORMALISED = ("title", "body")
#: A term with this many times more postings than there are candidates is scored per candidate.
_PARTIAL_SHARE = 4


class Ranking(Matching):
    """The best candidates of a result by BM25 (plus exact-match bonuses), or by date."""

    def __init__(self, searcher: Searcher) -> None:
        super().__init__(searcher)
        self._lengths: dict[str, list[float] | None] = {}
        self._date_orders: dict[bool, list[int]] = {}

    def by_date(self, candidates: int, newest: bool, limit: int) -> list[tuple[int, float]]:
        """Return the ``limit`` newest (or oldest) candidates; undated documents come last."""
        order = self._date_orders.get(newest)
        if order is None:
            dates, ids = self.column("published"), self.column("id")
            if newest:
                order = sorted(range(self.size), key=lambda d: (dates[d], ids[d]), reverse=True)
            else:
                order = sorted(range(self.size), key=lambda d: (dates[d] or 99_999_999, ids[d]))
            self._date_orders[newest] = order
        flags = flags_of(candidates, self.size)
        chosen = itertools.compress(order, map(flags.__getitem__, order))
        return [(d, 0.0) for d in itertools.islice(chosen, limit)]

    def _norms(self, field: str) -> list[float] | None:
        if field not in _NORMALISED:
            return None
        if field not in self._lengths:
            # Whoosh answers None (not the default) for a document whose field is empty,
            # such as a page that only says 详见附件 and links its file.
            lengths = [self.reader.doc_field_length(d, field, 0) or 0 for d in range(self.size)]
            average = max(1.0, self.reader.field_length(field) / self.doc_count)
            self._lengths[field] = [K1 * (1 - B + B * n / average) for n in lengths]
        return self._lengths[field]

    def _scores(self, field: str, text: str) -> Scores:
        """Return a term's BM25 contribution per document, computed once per generation.

        ``idf * weight * (K1 + 1) / (weight + norm)`` evaluated with ``map`` over the packed
        postings: the same floating-point operations in the same order, at C speed.
        """
        entry = self.term(field, text)
        if entry.scores is None:
            count, docnums, weights = entry.count, entry.docnums, entry.weights
            idf = math.log(1 + (self.doc_count - count + 0.5) / (count + 0.5)) if count else 0.0
            norms = self._norms(field)
            norm = map(norms.__getitem__, docnums) if norms else itertools.repeat(K1)
            top = map(operator.mul, map(operator.mul, itertools.repeat(idf), weights),
                      itertools.repeat(K1 + 1))
            values = map(operator.truediv, top, map(operator.add, weights, norm))
            if count > self.size * _DENSE_SHARE:
                dense = array("d", bytes(8 * self.size))
                deque(map(dense.__setitem__, docnums, values), maxlen=0)
                entry.scores = dense
            else:
                entry.scores = dict(zip(docnums, values, strict=True))
            self._cached_bytes += entry.nbytes() - 8 * count - 200 - entry.bits.bit_length() // 8
            self._evict()
        return entry.scores

    def _candidate_scores(self, field: str, entry: Term, docnums: list[int]) -> list[float]:
        """A frequent term's BM25 contribution for a few candidates only (not cached).

        Scoring all of a term's postings costs one operation per posting; when the candidates
        are far fewer, look each one up in the sorted postings instead. The arithmetic is the
        same as :meth:`_scores`, in the same order, so the scores are identical.
        """
        count = entry.count
        idf = math.log(1 + (self.doc_count - count + 0.5) / (count + 0.5))
        norms = self._norms(field)
        postings, weights = entry.docnums, entry.weights
        out = [0.0] * len(docnums)
        at = map(bisect.bisect_left, itertools.repeat(postings), docnums)
        for n, (docnum, i) in enumerate(zip(docnums, at, strict=True)):
            if i < count and postings[i] == docnum:
                weight = weights[i]
                norm = norms[docnum] if norms else K1
                out[n] = idf * weight * (K1 + 1) / (weight + norm)
        return out

    def rank(self, query: wq.Query, candidates: int, limit: int) -> list[tuple[int, float]]:
        """Return the ``limit`` best candidates by BM25 over the query's positive terms.

        Exact-match bonuses (``ConstantScoreQuery``) are added to the documents they match;
        ties are broken by document id (the larger first), never by indexing order, so an
        index rebuilt from the archive ranks exactly as the live one.
        """
        docnums = from_bits(candidates)
        zero = itertools.repeat(0.0)
        parts: list[Iterator[float]] = []
        for field, text in dict.fromkeys(_positive_terms(query)):
            entry = self.term(field, text)
            if not entry.count:
                continue
            if entry.scores is None and len(docnums) * _PARTIAL_SHARE < entry.count:
                parts.append(iter(self._candidate_scores(field, entry, docnums)))
                continue
            scores = self._scores(field, text)
            if isinstance(scores, array):
                parts.append(map(scores.__getitem__, docnums))
            else:
                parts.append(map(scores.get, docnums, zero))
        for bonus_query, bonus in _bonuses(query):
            flags = flags_of(self.docs(bonus_query) & candidates, self.size)
            extra = itertools.repeat(bonus)
            parts.append(map(operator.mul, map(flags.__getitem__, docnums), extra))
        totals: Iterable[float] = [0.0] * len(docnums)
        for part in parts:
            totals = map(operator.add, totals, part)
        summed: list[float] = list(totals)
        if len(summed) > limit:  # only documents at or above the limit-th best score
            floor = heapq.nlargest(limit, summed)[-1]
            keep = list(map(operator.ge, summed, itertools.repeat(floor)))
            summed = list(itertools.compress(summed, keep))
            docnums = list(itertools.compress(docnums, keep))
        ids = self.column("id")
        keyed = zip(summed, map(ids.__getitem__, docnums), docnums, strict=True)
        best = heapq.nlargest(limit, keyed)
        return [(docnum, score) for score, _, docnum in best]


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
        if query.score:  # a zero-score clause (copied pieces) matches, it never ranks
            yield query.child, float(query.score)
    elif isinstance(query, wq.CompoundQuery) and not isinstance(query, wq.Not):
        for sub in query.subqueries:
            yield from _bonuses(sub)

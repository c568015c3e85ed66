"""Ordering a result: BM25 over the query's positive terms, or by date.

BM25 is the formula Whoosh uses by default (K1 1.2, B 0.75; title and body normalised by
their length, other fields scored as of average length), with a Lucene-style idf over live
documents. Each term's contribution per posting is computed once per generation in numpy
over its packed postings; a frequent term is scored only for the candidates when they are
far fewer. Ties are broken by document id, never by indexing order.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterable

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from disclosure_search.index.bitsets import flags_array, flags_of, numbers_of
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
        self._lengths: dict[str, np.ndarray | None] = {}
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

    def _norms(self, field: str) -> np.ndarray | None:
        if field not in _NORMALISED:
            return None
        if field not in self._lengths:
            # Whoosh answers None (not the default) for a document whose field is empty,
            # such as a page that only says 详见附件 and links its file.
            lengths = [self.reader.doc_field_length(d, field, 0) or 0 for d in range(self.size)]
            average = max(1.0, self.reader.field_length(field) / self.doc_count)
            self._lengths[field] = K1 * (1 - B + B * np.array(lengths, np.float64) / average)
        return self._lengths[field]

    def _bm25(self, field: str, entry: Term, at: np.ndarray | None = None,
              docnums: np.ndarray | None = None) -> np.ndarray:
        """Return ``idf * weight * (K1 + 1) / (weight + norm)`` for a term's postings.

        ``at`` picks some of the postings (positions in the term's arrays) and ``docnums`` are
        their document numbers; without them, all postings. The floating-point operations
        are the ones of the formula, in its order, so every score is the same whichever way
        it is computed.
        """
        count = entry.count
        idf = math.log(1 + (self.doc_count - count + 0.5) / (count + 0.5))
        weights = np.frombuffer(entry.weights, np.float32).astype(np.float64)
        if at is not None:
            weights = weights[at]
        else:
            docnums = np.frombuffer(entry.docnums, np.uint32)
        norms = self._norms(field)
        norm = norms[docnums] if norms is not None else K1
        return idf * weights * (K1 + 1) / (weights + norm)

    def _scores(self, field: str, text: str) -> Scores:
        """Return a term's BM25 contribution per posting (or per document, for a frequent
        term: a dense array), computed once per generation."""
        entry = self.term(field, text)
        if entry.scores is None:
            values = self._bm25(field, entry)
            if entry.count > self.size * _DENSE_SHARE:
                dense = np.zeros(self.size, np.float64)
                dense[np.frombuffer(entry.docnums, np.uint32)] = values
                values = dense
            entry.scores = values
            self._cached_bytes += values.nbytes
            self._evict()
        return entry.scores

    def _term_part(self, field: str, text: str, entry: Term, docnums: np.ndarray) -> np.ndarray:
        """Return a term's BM25 contribution for each candidate (0.0 where it is absent).

        A frequent term with far more postings than there are candidates is scored for the
        candidates only (not cached); the others once for all their postings.
        """
        if entry.scores is None and len(docnums) * _PARTIAL_SHARE < entry.count:
            at, found = _positions(entry, docnums)
            part = np.zeros(len(docnums), np.float64)
            part[found] = self._bm25(field, entry, at[found], docnums[found])
            return part
        scores = self._scores(field, text)
        if entry.count > self.size * _DENSE_SHARE:  # one score per document
            return scores[docnums]
        at, found = _positions(entry, docnums)
        return np.where(found, scores[at], 0.0)

    def rank(self, query: wq.Query, candidates: int, limit: int) -> list[tuple[int, float]]:
        """Return the ``limit`` best candidates by BM25 over the query's positive terms.

        Exact-match bonuses (``ConstantScoreQuery``) are added to the documents they match;
        ties are broken by document id (the larger first), never by indexing order, so an
        index rebuilt from the archive ranks exactly as the live one.
        """
        docnums = numbers_of(candidates)
        if limit <= 0 or not len(docnums):
            return []
        totals = np.zeros(len(docnums), np.float64)
        for field, text in dict.fromkeys(_positive_terms(query)):
            entry = self.term(field, text)
            if entry.count:
                totals = totals + self._term_part(field, text, entry, docnums)
        for bonus_query, bonus in _bonuses(query):
            flags = flags_array(self.docs_within(bonus_query, candidates), self.size)[docnums]
            totals = totals + flags.astype(np.float64) * bonus
        if len(totals) > limit:  # only documents at or above the limit-th best score
            floor = np.partition(totals, len(totals) - limit)[len(totals) - limit]
            keep = totals >= floor
            totals, docnums = totals[keep], docnums[keep]
        ids = self.column("id")
        numbers = docnums.tolist()
        keyed = zip(totals.tolist(), map(ids.__getitem__, numbers), numbers, strict=True)
        best = heapq.nlargest(limit, keyed)
        return [(docnum, score) for score, _, docnum in best]


def _positions(entry: Term, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return where each document number is (or would be) in a term's sorted postings, and
    whether it is there."""
    postings = np.frombuffer(entry.docnums, np.uint32)
    at = np.minimum(np.searchsorted(postings, docnums), entry.count - 1)
    return at, postings[at] == docnums


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

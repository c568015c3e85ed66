"""Matching and ranking over cached postings: bitset algebra and BM25 in place of Whoosh's matchers.

Whoosh evaluates a query through a tree of Python matcher objects, one call per posting per
node; with facets over the whole result that is most of a query's time. Here each term's
postings are read once per index generation into a bitset (a Python int, bit ``n`` set for
document number ``n``) and packed arrays of document numbers and weights. AND/OR/NOT are
``& | ~`` on those ints, facet counts are popcounts of ``result & value bits``, and only the
matching documents are scored (BM25, the formula Whoosh uses by default) with C-level ``map``
over cached per-term scores.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import operator
from array import array
from collections import Counter, OrderedDict, deque
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

# SplitCodec is re-exported: indexes name their codec by import path, and some were written
# while it lived here.
from disclosure_search.index.codec import SplitCodec, read_postings  # noqa: F401

#: Memory (MB, estimated) for the postings and scores kept per index generation, LRU.
POSTINGS_CACHE_MB = 192
#: Phrase results (bitsets) kept per index generation.
PHRASE_CACHE = 1024
#: A term in more than this share of the documents keeps its scores in a dense array.
_DENSE_SHARE = 1 / 8
K1, B = 1.2, 0.75
#: Fields whose per-document length normalises their scores (the others use the average).
_NORMALISED = ("title", "body")
#: A facet with more distinct values than this is counted per document, not per value bitset.
FACET_BITSETS = 512
#: Documents between two stored prefixes of the date order (date ranges are prefix XORs).
_DATE_STEP = 2048
#: Below this many documents, bitsets are built (and, below an eighth of it, read) bit by bit.
_FEW = 512
#: A term with this many times more postings than there are candidates is scored per candidate.
_PARTIAL_SHARE = 4
_TO_ASCII = bytes.maketrans(b"\x00\x01", b"01")
_TO_FLAGS = bytes.maketrans(b"01", b"\x00\x01")

Scores = dict[int, float] | array


def to_bits(docnums: Iterable[int], size: int) -> int:
    """Return the bitset (bit ``n`` set for each ``n``) of document numbers below ``size``."""
    if isinstance(docnums, (list, array)) and len(docnums) < _FEW:
        packed = bytearray((size >> 3) + 1)
        for docnum in docnums:
            packed[docnum >> 3] |= 1 << (docnum & 7)
        return int.from_bytes(packed, "little")
    flags = bytearray(size)
    deque(map(flags.__setitem__, docnums, itertools.repeat(1)), maxlen=0)  # C-speed loop
    return int(flags.translate(_TO_ASCII)[::-1] or b"0", 2)


def flags_of(bits: int, size: int) -> bytes:
    """Return one byte per document number, 1 where ``bits`` has it."""
    return bin(bits)[:1:-1].encode().translate(_TO_FLAGS).ljust(size, b"\x00")


def from_bits(bits: int) -> list[int]:
    """Return the document numbers in a bitset, ascending."""
    if not bits:
        return []
    if bits.bit_count() < _FEW // 8:  # a few: peel off the lowest bit each time
        found = []
        while bits:
            lowest = bits & -bits
            found.append(lowest.bit_length() - 1)
            bits ^= lowest
        return found
    flags = flags_of(bits, 0)
    return list(itertools.compress(range(len(flags)), flags))


class _Term:
    """One term's cached postings: bitset, document numbers, weights, and BM25 scores once ranked.

    The document numbers and weights are packed arrays (8 bytes a posting); scores are a dict
    for rare terms and a dense array (8 bytes a document) for frequent ones.
    """

    __slots__ = ("bits", "count", "docnums", "scores", "weights")

    def __init__(self, docnums: array, weights: array, size: int) -> None:
        self.docnums, self.weights, self.count = docnums, weights, len(docnums)
        self.bits = to_bits(docnums, size) if docnums else 0
        self.scores: Scores | None = None

    def nbytes(self) -> int:
        """Return the estimated memory this entry holds."""
        scores = self.scores
        held = 0 if scores is None else (
            scores.itemsize * len(scores) if isinstance(scores, array) else 100 * len(scores)
        )
        return 200 + self.bits.bit_length() // 8 + 8 * self.count + held


class Engine:
    """Bitset matching and BM25 ranking over one searcher's index generation."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.leaves: list[tuple[Any, int]] = list(self.reader.leaf_readers())
        self.size = self.reader.doc_count_all()
        self.doc_count = max(1, self.reader.doc_count())
        self._terms: OrderedDict[tuple[str, str], _Term] = OrderedDict()
        self._cached_bytes = 0
        self._phrases: OrderedDict[wq.Query, int] = OrderedDict()
        self._lengths: dict[str, list[float] | None] = {}
        self._universe: int | None = None
        self._columns: dict[str, list[Any]] = {}
        self._facets: dict[str, dict[Any, int] | None] = {}
        self._by_date: tuple[list[int], list[int], list[int]] | None = None
        self._date_orders: dict[bool, list[int]] = {}

    def universe(self) -> int:
        """Return the bitset of all live documents."""
        if self._universe is None:
            self._universe = to_bits(self.reader.all_doc_ids(), self.size)
        return self._universe

    def term(self, field: str, text: str) -> _Term:
        """Return a term's postings (live documents only), read once per generation."""
        key = (field, text)
        cached = self._terms.get(key)
        if cached is not None:
            self._terms.move_to_end(key)
            return cached
        docnums, weights = array("I"), array("f")
        for reader, offset in self.leaves:
            if (field, text) in reader:
                read_postings(reader, field, text, offset, docnums, weights)
        entry = _Term(docnums, weights, self.size)
        self._terms[key] = entry
        self._cached_bytes += entry.nbytes()
        self._evict()
        return entry

    def _evict(self) -> None:
        """Drop the least recently used terms while over :data:`POSTINGS_CACHE_MB`."""
        while self._cached_bytes > POSTINGS_CACHE_MB * 1e6 and len(self._terms) > 1:
            _, old = self._terms.popitem(last=False)
            self._cached_bytes -= old.nbytes()

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

    def _phrase(self, query: wq.Query) -> int:
        """Return a phrase's documents: Whoosh's positional matcher, only when all words occur."""
        cached = self._phrases.get(query)
        if cached is not None:
            return cached
        words = getattr(query, "words", None)
        field = getattr(query, "fieldname", None)
        possible = self.universe()
        if words and field:
            for word in words:
                possible &= self.term(field, word).bits
                if not possible:
                    break
        found = to_bits(self.searcher.docs_for_query(query), self.size) if possible else 0
        self._phrases[query] = found
        if len(self._phrases) > PHRASE_CACHE:
            self._phrases.popitem(last=False)
        return found

    def column(self, name: str) -> list[Any]:
        """Return a sortable field's value for every document number, read once."""
        if name not in self._columns:
            if self.size == 0:  # an empty reader has no columns at all
                self._columns[name] = []
            else:
                self._columns[name] = list(self.reader.column_reader(name, translate=True))
        return self._columns[name]

    def facet_counts(self, name: str, bits: int) -> Counter[Any]:
        """Count a column's values over the documents of ``bits`` (popcounts per value)."""
        if name not in self._facets:
            values = self.column(name)
            groups: dict[Any, list[int]] = {}
            for docnum, value in enumerate(values):
                groups.setdefault(value, []).append(docnum)
            self._facets[name] = (
                {v: to_bits(docnums, self.size) for v, docnums in groups.items()}
                if len(groups) <= FACET_BITSETS else None
            )
        per_value = self._facets[name]
        if per_value is None:
            values = self.column(name)
            return Counter(map(values.__getitem__, from_bits(bits)))
        counts: Counter[Any] = Counter()
        for value, value_bits in per_value.items():
            count = (bits & value_bits).bit_count()
            if count:
                counts[value] = count
        return counts

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

    def _candidate_scores(self, field: str, entry: _Term, docnums: list[int]) -> list[float]:
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
        yield query.child, float(query.score)
    elif isinstance(query, wq.CompoundQuery) and not isinstance(query, wq.Not):
        for sub in query.subqueries:
            yield from _bonuses(sub)



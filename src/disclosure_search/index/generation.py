"""One index generation as the engine reads it: postings per term, live documents, columns.

Each term's postings are read once per generation (all segments, deleted documents left out)
into a bitset and packed arrays of document numbers and weights, and kept in a
memory-bounded LRU cache; sortable columns (id, dates, facet values) are read once too.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from disclosure_search.index.bitsets import to_bits
from disclosure_search.index.codec import read_postings

#: Memory (MB, estimated) for the postings and scores kept per index generation, LRU.
POSTINGS_CACHE_MB = 120

#: A term's BM25 scores: one per posting, or one per document for a frequent term.
Scores = np.ndarray


class Term:
    """One term's cached postings: bitset, document numbers, weights, and BM25 scores once ranked.

    The document numbers and weights are packed arrays (8 bytes a posting); scores are 8 bytes
    a posting for rare terms and a dense array (8 bytes a document) for frequent ones.
    """

    __slots__ = ("bits", "count", "docnums", "scores", "weights")

    def __init__(self, docnums: array, weights: array, size: int) -> None:
        self.docnums, self.weights, self.count = docnums, weights, len(docnums)
        self.bits = to_bits(docnums, size) if docnums else 0
        self.scores: Scores | None = None

    def nbytes(self) -> int:
        """Return the estimated memory this entry holds."""
        held = 0 if self.scores is None else self.scores.nbytes
        return 200 + self.bits.bit_length() // 8 + 8 * self.count + held


class Generation:
    """The postings, live documents and columns of one searcher's index generation."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.leaves: list[tuple[Any, int]] = list(self.reader.leaf_readers())
        self.size = self.reader.doc_count_all()
        self.doc_count = max(1, self.reader.doc_count())
        self._terms: OrderedDict[tuple[str, str], Term] = OrderedDict()
        self._cached_bytes = 0
        self._universe: int | None = None
        self._columns: dict[str, list[Any]] = {}

    def universe(self) -> int:
        """Return the bitset of all live documents."""
        if self._universe is None:
            self._universe = to_bits(self.reader.all_doc_ids(), self.size)
        return self._universe

    def term(self, field: str, text: str) -> Term:
        """Return a term's postings (live documents only), read once per generation."""
        key = (field, text)
        cached = self._terms.get(key)
        if cached is not None:
            self._terms.move_to_end(key)
            return cached
        docnums, weights = array("I"), array("f")
        for reader, offset in self.leaves:  # a segment without the term raises, once
            read_postings(reader, field, text, offset, docnums, weights)
        entry = Term(docnums, weights, self.size)
        self._terms[key] = entry
        self._cached_bytes += entry.nbytes()
        self._evict()
        return entry

    def _evict(self) -> None:
        """Drop the least recently used terms while over :data:`POSTINGS_CACHE_MB`."""
        while self._cached_bytes > POSTINGS_CACHE_MB * 1e6 and len(self._terms) > 1:
            _, old = self._terms.popitem(last=False)
            self._cached_bytes -= old.nbytes()

    def column(self, name: str) -> list[Any]:
        """Return a sortable field's value for every document number, read once."""
        if name not in self._columns:
            if self.size == 0:  # an empty reader has no columns at all
                self._columns[name] = []
            else:
                self._columns[name] = list(self.reader.column_reader(name, translate=True))
        return self._columns[name]

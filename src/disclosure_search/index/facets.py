"""Facet counts over a whole result: popcounts of ``result & value bits`` per column value."""

from __future__ import annotations

from collections import Counter
from typing import Any

from whoosh.searching import Searcher

from disclosure_search.index.bitsets import from_bits, to_bits
from disclosure_search.index.generation import Generation

#: A facet with more distinct values than this is counted per document, not per value bitset.
FACET_BITSETS = 512


class Facets(Generation):
    """Counts of a column's values over a result's documents."""

    def __init__(self, searcher: Searcher) -> None:
        super().__init__(searcher)
        self._facets: dict[str, dict[Any, int] | None] = {}

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

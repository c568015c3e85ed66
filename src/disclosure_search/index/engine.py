"""The search engine over Whoosh's segments: bitset matching, BM25 ranking, popcount facets.

Whoosh evaluates a query through a tree of Python matcher objects, one call per posting per
node; with facets over the whole result that is most of a query's time. This engine reads
each term's postings once per index generation and answers from them, one job per module:

- ``generation.py``: the per-generation caches (postings per term, live documents, columns);
- ``bitsets.py``: document-number sets as Python ints;
- ``matching.py``: which documents match (bitset algebra, date ranges, phrases);
- ``ranking.py``: BM25 and date order over the matches;
- ``facets.py``: value counts over the matches.

How a query runs, end to end, is in ``index/README.md``.
"""

from __future__ import annotations

from whoosh.searching import Searcher

# SplitCodec is re-exported: indexes name their codec by import path, and some were written
# while it lived here.
from disclosure_search.index.codec import SplitCodec  # noqa: F401
from disclosure_search.index.facets import Facets
from disclosure_search.index.ranking import Ranking


class Engine(Ranking, Facets):
    """Matching, ranking and facet counting over one searcher's index generation."""

    def __init__(self, searcher: Searcher) -> None:
        super().__init__(searcher)

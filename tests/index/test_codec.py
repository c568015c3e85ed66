"""Tests for the postings format (index/codec.py) and the bitsets the engine builds from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from disclosure_search.index.backend import open_backend
from disclosure_search.index.bitsets import from_bits, to_bits
from disclosure_search.models import Document, SearchQuery, document_id


@pytest.mark.parametrize("size", [0, 1, 63, 64, 511, 512, 513, 5000])
def test_bitsets_round_trip_at_block_and_word_edges(size: int) -> None:
    docnums = list(range(0, size, 3)) + ([size - 1] if size else [])
    expected = sorted(set(docnums))
    assert from_bits(to_bits(expected, size)) == expected


def test_phrases_and_terms_read_back_from_large_blocks(tmp_path: Path) -> None:
    # 1,200 documents put a term's postings in several full blocks of the split format;
    # a phrase needs the positions stored apart from ids and weights.
    docs = [
        Document(id=document_id(f"http://127.0.0.1/{n}.html"), source="kjj",
                 url=f"http://127.0.0.1/{n}.html", title=f"第{n}号通知",
                 body=("加快科技创新体系建设。" if n % 2 else "创新科技，加快体系。") * 3)
        for n in range(1200)
    ]
    backend = open_backend(tmp_path / "index", writable=True)
    backend.upsert(docs)
    assert backend.search(SearchQuery(text="科技创新", facets=False)).total == 1200
    assert backend.search(SearchQuery(text='"科技创新体系"', facets=False)).total == 600
    backend.close()

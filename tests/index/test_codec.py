"""Tests for the postings format (index/codec.py) and the bitsets the engine builds from it."""

from __future__ import annotations

from array import array
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disclosure_search.index.backend import open_backend
from disclosure_search.index.bitsets import flags_of, from_bits, numbers_of, to_bits
from disclosure_search.models import Document, SearchQuery, document_id


@pytest.mark.parametrize("size", [0, 1, 63, 64, 511, 512, 513, 5000])
def test_bitsets_round_trip_at_block_and_word_edges(size: int) -> None:
    docnums = list(range(0, size, 3)) + ([size - 1] if size else [])
    expected = sorted(set(docnums))
    assert from_bits(to_bits(expected, size)) == expected


@settings(max_examples=60, derandomize=True, deadline=None)
@given(
    st.integers(min_value=1, max_value=4000).flatmap(
        lambda size: st.tuples(
            st.just(size), st.sets(st.integers(min_value=0, max_value=size - 1), max_size=1500)
        )
    ),
    st.sampled_from(["list", "array", "iterator"]),
)
def test_bitsets_agree_with_plain_sets_whatever_the_input(
    case: tuple[int, set[int]], kind: str
) -> None:
    # the numpy conversions (many documents) and the bit-by-bit ones (few) must give the same
    # sets, counts and per-document flags, from each kind of input the engine hands them
    size, numbers = case
    ordered = sorted(numbers)
    given_as = {"list": ordered, "array": array("I", ordered), "iterator": iter(ordered)}[kind]
    bits = to_bits(given_as, size)
    assert bits.bit_count() == len(numbers)
    assert from_bits(bits) == ordered
    assert numbers_of(bits).tolist() == ordered
    flags = flags_of(bits, size)
    assert len(flags) == size
    assert [n for n in range(size) if flags[n]] == ordered


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


def _postings_bytes(index_dir: Path) -> int:
    return sum(p.stat().st_size for p in index_dir.glob("*.pst"))


def test_blocks_are_pickled_as_bytes_and_older_blocks_still_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whoosh pickles a block with protocol 2, which stores each compressed array as a UTF-8
    # string (about 1.5 times its bytes) and decodes it on every read. Blocks written now are
    # smaller; an index whose older segments hold protocol-2 blocks still finds everything.
    from disclosure_search.index import codec

    def docs(start: int) -> list[Document]:
        return [
            Document(id=document_id(f"http://127.0.0.1/{n}.html"), source="kjj",
                     url=f"http://127.0.0.1/{n}.html", title=f"第{n}号通知",
                     body=f"加快科技创新体系建设，第{n}批项目。" * 4)
            for n in range(start, start + 1100)
        ]

    sizes = {}
    for protocol in (2, 4):
        monkeypatch.setattr(codec, "_DATA_PROTOCOL", protocol)
        backend = open_backend(tmp_path / f"p{protocol}", writable=True)
        backend.upsert(docs(0))
        backend.close()
        sizes[protocol] = _postings_bytes(tmp_path / f"p{protocol}")
    assert sizes[4] < sizes[2] * 0.85, sizes

    backend = open_backend(tmp_path / "p2", writable=True)  # protocol 4 from here on
    backend.upsert(docs(1100))
    assert backend.search(SearchQuery(text="科技创新", facets=False)).total == 2200
    assert backend.search(SearchQuery(text='"科技创新体系"', facets=False)).total == 2200
    assert backend.search(SearchQuery(text="第1500号通知", facets=False)).hits[0].title == (
        "第1500号通知")
    backend.close()

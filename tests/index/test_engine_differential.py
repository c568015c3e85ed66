"""The engine against Whoosh's own searcher: same matches, same BM25 scores, same facet counts.

The engine (index/engine.py) reads postings blocks itself and matches with bitsets; Whoosh's
searcher walks its own matcher tree over the same index. Both run here on generated indexes
(real document text from the sample portal, a seeded choice of documents and queries): in
the project's split postings format and in Whoosh's own format, several segments, with
replaced documents (deletions), with blocks small enough that terms span many of them.
Scores are compared with a Whoosh weighting model that states the engine's BM25 formula in
Whoosh's terms (per-segment searcher, matcher weights, stored field lengths).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from whoosh import index as windex
from whoosh import query as wq
from whoosh import scoring
from whoosh.codec.whoosh3 import W3Codec

from disclosure_search.index.analyzer import words
from disclosure_search.index.bitsets import from_bits
from disclosure_search.index.codec import SplitCodec
from disclosure_search.index.engine import Engine
from disclosure_search.index.ranking import K1, B
from disclosure_search.index.schema import build_schema, date_number, document_fields
from disclosure_search.models import Document
from disclosure_search.sample_portal.data import load_documents

SEED = 20240131
DOCS = 160
QUERIES = 120
#: Fields the engine normalises by length (the others score as if of average length).
NORMALISED = ("title", "body")


def _documents() -> list[Document]:
    rng = random.Random(SEED)
    portal = [d for d in load_documents() if d.edition == 0]
    return [
        Document(id=f"d{n:04d}-{p.key}", source=p.site, url=f"http://h/{p.key}", title=p.title,
                 body=p.body[:1500], category=p.category,
                 published_date=date.fromisoformat(p.published_date))
        for n, p in enumerate(rng.sample(portal, DOCS))
    ]


def _build(folder: Path, codec: W3Codec, docs: list[Document]) -> None:
    """Three segments, then a fourth replacing some documents (deletions in the others)."""
    ix = windex.create_in(str(folder), build_schema())
    for part in (docs[:60], docs[60:110], docs[110:]):
        writer = ix.writer(codec=codec, compound=False)
        for doc in part:
            writer.add_document(**document_fields(doc))
        writer.commit(merge=False)
    writer = ix.writer(codec=codec, compound=False)
    for doc in docs[::7]:
        writer.update_document(**document_fields(replace(doc, title=doc.title + "（修订）")))
    writer.commit(merge=False)


class _Reference:
    """BM25 as the engine defines it, computed from Whoosh's matchers and statistics."""

    def __init__(self) -> None:
        self._df: dict[tuple[str, str], int] = {}

    def weighting(self) -> scoring.FunctionWeighting:
        return scoring.FunctionWeighting(self._score)

    def _score(self, searcher, fieldname: str, text: str, matcher) -> float:  # type: ignore[no-untyped-def]
        parent = searcher.get_parent()
        live = max(1, parent.doc_count())
        key = (fieldname, text)
        if key not in self._df:  # live documents only: Whoosh's own count includes deleted
            self._df[key] = len(list(parent.docs_for_query(wq.Term(fieldname, text))))
        n = self._df[key]
        idf = math.log(1 + (live - n + 0.5) / (n + 0.5))
        tf = matcher.weight()
        if fieldname in NORMALISED:
            average = max(1.0, parent.field_length(fieldname) / live)
            length = searcher.doc_field_length(matcher.id(), fieldname, 0)
            norm = K1 * (1 - B + B * length / average)
        else:
            norm = K1
        return idf * tf * (K1 + 1) / (tf + norm)


def _vocabulary(docs: list[Document]) -> dict[str, list[str]]:
    rng = random.Random(SEED)
    found = {
        "title": sorted({w for d in docs for w in words(d.title)}),
        "body": sorted({w for d in rng.sample(docs, 30) for w in words(d.body)}),
    }
    return {field: [w for w in vocab if len(w) > 1] for field, vocab in found.items()}


def _queries(docs: list[Document]) -> Iterator[tuple[wq.Query, wq.Query | None]]:
    """(query, filter) pairs; a filter narrows the matches and adds nothing to scores."""
    rng = random.Random(SEED)
    vocab = _vocabulary(docs)

    def term() -> wq.Term:
        field = rng.choice(NORMALISED)
        return wq.Term(field, rng.choice(vocab[field]))

    def distinct(n: int) -> list[wq.Term]:
        terms: dict[tuple[str, str], wq.Term] = {}
        while len(terms) < n:
            t = term()
            terms[(t.fieldname, t.text)] = t
        return list(terms.values())

    years = sorted({d.published_date.year for d in docs if d.published_date})
    for _ in range(QUERIES):
        shape = rng.randrange(6)
        if shape == 0:
            yield term(), None
        elif shape == 1:
            yield wq.Or(distinct(rng.randint(2, 4))), None
        elif shape == 2:
            a, b = distinct(2)
            yield wq.And([wq.Or([a, b]), wq.Term("category", rng.choice(docs).category)]), None
        elif shape == 3:
            a, b, c = distinct(3)
            yield wq.And([wq.Or([a, b]), wq.Not(c)]), None
        elif shape == 4:
            year = rng.choice(years)
            dated = wq.NumericRange("published", date_number(date(year, 1, 1)),
                                    date_number(date(year, 12, 31)))
            yield wq.Or(distinct(2)), dated
        else:
            doc = rng.choice(docs)
            title = words(doc.title)
            start = rng.randrange(max(1, len(title) - 1))
            yield wq.Phrase("title", title[start:start + 2]), None


def _positive(query: wq.Query) -> wq.Query:
    """``And([x, Not(y)])`` scored as ``x``: Whoosh scores a bare NOT clause 1.0 for every
    document it lets through; in the engine negation adds nothing. (Whoosh's ``AndNot``
    cannot stand in: across segments with deletions it let through documents it should not.)"""
    if isinstance(query, wq.And) and any(isinstance(q, wq.Not) for q in query.subqueries):
        kept = [q for q in query.subqueries if not isinstance(q, wq.Not)]
        return kept[0] if len(kept) == 1 else wq.And(kept)
    return query


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    return _documents()


@pytest.mark.parametrize("codec", [SplitCodec(blocklimit=32), W3Codec(blocklimit=32)],
                         ids=["split-format", "whoosh-format"])
def test_engine_agrees_with_whoosh(codec: W3Codec, docs: list[Document], tmp_path: Path) -> None:
    _build(tmp_path, codec, docs)
    ix = windex.open_dir(str(tmp_path))
    reference = _Reference()
    with ix.searcher(weighting=reference.weighting()) as searcher:
        assert len(searcher.reader().leaf_readers()) == 4 and searcher.reader().has_deletions()
        engine = Engine(searcher)
        compared = 0
        for query, filter_ in _queries(docs):
            matched = engine.docs(wq.And([query, filter_]) if filter_ else query)
            expected = {hit.docnum for hit in searcher.search(query, filter=filter_, limit=None)}
            assert set(from_bits(matched)) == expected, query
            assert engine.facet_counts("category", matched) == Counter(
                searcher.stored_fields(d)["category"] for d in expected), query
            if isinstance(query, wq.Phrase) or not expected:
                continue  # phrases: Whoosh scores phrase frequency, the engine its words
            ranked = dict(engine.rank(query, matched, len(expected)))
            hits = [hit for hit in searcher.search(_positive(query), filter=filter_, limit=None)
                    if hit.docnum in expected]
            assert ranked.keys() == {hit.docnum for hit in hits}, query
            for hit in hits:
                assert ranked[hit.docnum] == pytest.approx(hit.score, rel=1e-9), (query, hit)
            compared += 1
        assert compared > QUERIES // 2

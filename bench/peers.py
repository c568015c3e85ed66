"""Reference engines on the same tokens: SQLite FTS5 and tantivy, fed the project's analysis.

They show what the same analysis (OpenCC fold, rjieba search mode, stop words) costs with a
compiled engine behind it. Each document's title and body are segmented by the project's
analyzer in worker processes (one per CPU, as the project's own build does) and handed to the
engine as words separated by spaces, which both engines only split: FTS5 with its
``unicode61`` tokenizer, tantivy with its ``whitespace`` tokenizer. Queries are the bench's
words, analysed the same way, every word required in the title or the body, with the same
filters, facet counts (category, year, source) over the whole result and the top 10 with a
snippet of the body.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.corpus import read_documents
from disclosure_search.models import Document

#: Documents handed to an analysis worker at a time.
_CHUNK = 64
PEERS = ("fts5", "tantivy")


def _analysed(doc: Document) -> tuple[str, str, str, str, str, int]:
    from disclosure_search.index.analyzer import words

    published = doc.published_date
    return (
        doc.id,
        " ".join(words(doc.title)),
        " ".join(words(doc.body)),
        doc.category or "其他",
        doc.source,
        published.year * 10_000 + published.month * 100 + published.day if published else 0,
    )


def _analysed_documents(docs_path: Path) -> Iterator[tuple[str, str, str, str, str, int]]:
    """Yield each document's analysed fields, segmented in one worker process per CPU."""
    from disclosure_search.index.analyzer import warm_up

    warm_up()  # workers fork from here with the dictionary loaded
    workers = len(os.sched_getaffinity(0))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(_analysed, read_documents(docs_path), chunksize=_CHUNK)


def query_words(words: tuple[str, ...]) -> list[str]:
    """Return the analysed words of a bench query (the same analysis as the documents)."""
    from disclosure_search.index.analyzer import words as analyse

    return [w for word in words for w in analyse(word)]


# -- SQLite FTS5 ---------------------------------------------------------------------------------


def build_fts5(docs_path: Path, index_dir: Path) -> int:
    """Build an FTS5 table of the analysed documents (and a table of their filter fields)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(index_dir / "fts5.sqlite3")
    db.executescript(
        """
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'unicode61');
        CREATE TABLE meta (rowid INTEGER PRIMARY KEY, id TEXT, category TEXT, source TEXT,
                           year TEXT, published INTEGER);
        """
    )
    count = 0
    for count, (doc_id, title, body, category, source, published) in enumerate(
        _analysed_documents(docs_path), 1
    ):
        db.execute("INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)", (count, title, body))
        db.execute(
            "INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?)",
            (count, doc_id, category, source, str(published // 10_000 or ""), published),
        )
    db.execute("CREATE INDEX meta_category ON meta(category, published)")
    db.commit()
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    db.commit()
    db.close()
    return count


def _fts5_match(words: list[str]) -> str:
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words) or '""'


def fts5_searcher(index_dir: Path) -> Any:
    """Return a function running one bench query on the FTS5 index (facets, top 10, snippets)."""
    db = sqlite3.connect(index_dir / "fts5.sqlite3")

    def search(words: list[str], category: str | None, start: int, end: int) -> int:
        where, params = ["docs MATCH ?"], [_fts5_match(words)]
        if category:
            where.append("meta.category = ?")
            params.append(category)
        if end:
            where.append("meta.published BETWEEN ? AND ?")
            params += [start, end]
        matched = f"FROM docs JOIN meta ON meta.rowid = docs.rowid WHERE {' AND '.join(where)}"
        total = 0
        for facet in ("category", "year", "source"):
            counts = db.execute(f"SELECT meta.{facet}, count(*) {matched} GROUP BY 1", params)
            total = sum(n for _, n in counts)
        top = db.execute(
            f"SELECT meta.id, snippet(docs, 1, '<b>', '</b>', '…', 24) {matched} "
            "ORDER BY rank LIMIT 10",
            params,
        ).fetchall()
        assert len(top) <= 10
        return total

    return search


# -- tantivy -------------------------------------------------------------------------------------


def _tantivy_schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="whitespace")
    builder.add_text_field("body", stored=True, tokenizer_name="whitespace")
    for facet in ("category", "year", "source"):
        builder.add_text_field(facet, fast=True, tokenizer_name="raw")
    builder.add_integer_field("published", fast=True, indexed=True)
    return builder.build()


def build_tantivy(docs_path: Path, index_dir: Path) -> int:
    """Build a tantivy index of the analysed documents (one writer thread per CPU)."""
    import tantivy

    index_dir.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_tantivy_schema(), path=str(index_dir))
    writer = index.writer(heap_size=256_000_000, num_threads=len(os.sched_getaffinity(0)))
    count = 0
    for doc_id, title, body, category, source, published in _analysed_documents(docs_path):
        count += 1
        year = str(published // 10_000) if published else ""
        writer.add_document(
            tantivy.Document(
                id=doc_id,
                title=title,
                body=body,
                category=category,
                source=source,
                year=year,
                published=published,
            )
        )
    writer.commit()
    writer.wait_merging_threads()
    return count


def tantivy_searcher(index_dir: Path) -> Any:
    """Return a function running one bench query on the tantivy index."""
    import tantivy

    schema = _tantivy_schema()
    index = tantivy.Index.open(str(index_dir))
    searcher = index.searcher()
    must = tantivy.Occur.Must
    aggregations = {f: {"terms": {"field": f, "size": 100}} for f in ("category", "year", "source")}

    def word(text: str) -> Any:
        either = [
            (tantivy.Occur.Should, tantivy.Query.term_query(schema, field, text))
            for field in ("title", "body")
        ]
        return tantivy.Query.boolean_query(either)

    def search(words: list[str], category: str | None, start: int, end: int) -> int:
        clauses = [(must, word(w)) for w in words]
        if category:
            clauses.append((must, tantivy.Query.term_query(schema, "category", category)))
        if end:
            clauses.append(
                (
                    must,
                    tantivy.Query.range_query(
                        schema, "published", tantivy.FieldType.Integer, start, end
                    ),
                )
            )
        query = tantivy.Query.boolean_query(clauses)
        facets = searcher.aggregate(query, aggregations)
        result = searcher.search(query, 10, count=True)
        generator = tantivy.SnippetGenerator.create(searcher, query, schema, "body")
        for _, address in result.hits:
            generator.snippet_from_doc(searcher.doc(address)).to_html()
        assert len(facets) == 3
        return int(result.count or 0)

    return search


BUILDERS = {"fts5": build_fts5, "tantivy": build_tantivy}
SEARCHERS = {"fts5": fts5_searcher, "tantivy": tantivy_searcher}

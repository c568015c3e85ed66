"""The Whoosh implementation of SearchBackend: batched writes, refreshable reader, search."""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh import query as wq
from whoosh import writing
from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import LockError
from whoosh.searching import Searcher

from disclosure_search.errors import SearchIndexError
from disclosure_search.index import analyzer, literal, snippets, storage
from disclosure_search.index import compile as qc
from disclosure_search.index.bitsets import from_bits
from disclosure_search.index.bulk import write_segments
from disclosure_search.index.codec import SplitCodec
from disclosure_search.index.engine import Engine
from disclosure_search.index.hits import hit
from disclosure_search.index.query import as_any
from disclosure_search.index.schema import (
    SCHEMA_VERSION,
    build_schema,
    document_fields,
)
from disclosure_search.index.suggest import suggest_title
from disclosure_search.models import Document, IndexStats, SearchHit, SearchQuery, SearchResult

log = logging.getLogger(__name__)

#: Memory a writer may use for its postings pool (split between the processes of a bulk
#: build, each of which then starts a new segment).
WRITER_LIMIT_MB = 256
#: Seconds a writer waits for another writer's lock before giving up.
WRITER_TIMEOUT_S = 30.0
#: An empty index filled with at least this many documents is written by parallel processes.
BULK_THRESHOLD = 1_000
#: A bulk build commits after this many documents, so a killed build loses at most these.
BULK_CHUNK = 50_000
#: Postings per block on disk; reading a term's postings costs one decode per block.
POSTING_BLOCK = 512
_FACETS = ("category", "year", "source", "agency", "validity", "topic")
#: File in the index folder naming the schema version the index was built with.
SCHEMA_MARKER = "SCHEMA_VERSION"


def cpus() -> int:
    """Return how many CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _open_index(index_dir: Path, writable: bool) -> windex.FileIndex:
    """Open the index; create it (writable) when missing or built for another schema version."""
    marker = index_dir / SCHEMA_MARKER
    exists = windex.exists_in(str(index_dir))
    current = exists and marker.exists() and marker.read_text().strip() == str(SCHEMA_VERSION)
    if not writable and not current:
        state = "由另一个版本建立" if exists else "不存在"
        raise SearchIndexError(
            f"{index_dir} 中的检索索引{state}：请运行 disclosure-search reindex 重建"
        )
    if not current:
        if exists:
            log.warning("rebuilding %s: it was built for another schema version", index_dir)
        index_dir.mkdir(parents=True, exist_ok=True)
        created = storage.create_index(index_dir, build_schema())
        marker.write_text(f"{SCHEMA_VERSION}\n")
        return created
    try:
        return storage.open_index(index_dir)
    except (OSError, windex.IndexError) as exc:
        raise SearchIndexError(f"cannot open the search index in {index_dir}: {exc}") from exc


def _pinned_searcher(index: windex.FileIndex) -> Searcher:
    """Return a searcher with every file of its segments open.

    Whoosh opens column files (stored fields, lengths, sort keys) on first use, and a commit
    removes the files of segments it no longer lists. Opened now, they stay readable for as
    long as this searcher lives (POSIX keeps a removed file for its open handles), so a
    reader between two refreshes keeps answering from its own generation.
    """
    for _ in range(3):
        searcher = index.searcher()
        try:
            for reader, _ in searcher.reader().leaf_readers():
                _open_columns(reader)
            return searcher
        except (OSError, TypeError):  # a commit removed the files meanwhile: the next TOC
            searcher.close()
    return index.searcher()


def _open_columns(reader: Any) -> None:
    if not reader.doc_count_all():
        return
    reader.stored_fields(0)
    for name, field in reader.schema.items():
        if field.scorable:
            reader.doc_field_length(0, name)
        if field.column_type is not None and reader.has_column(name):
            reader.column_reader(name)


class WhooshBackend:
    """A Whoosh index in one folder. Writers hold Whoosh's lock only while writing.

    Whoosh commits by writing new segment files and then a new table of contents, so a
    writer that dies mid-way leaves the last committed generation intact; readers keep
    their generation until :meth:`refresh`.
    """

    def __init__(self, index_dir: Path, *, writable: bool = False) -> None:
        self.index_dir = index_dir
        self.writable = writable
        self._lock = threading.Lock()
        self._index = _open_index(index_dir, writable)
        self._searcher: Searcher = _pinned_searcher(self._index)
        self._retired: Searcher | None = None
        self._engine_cache: Engine | None = None

    # -- writing -------------------------------------------------------------------------

    def _writer(self) -> writing.IndexWriter:
        """Return a writer holding the index's lock (segments written as plain files)."""
        if not self.writable:
            raise SearchIndexError("the search index was opened read-only")
        try:
            return self._index.writer(
                limitmb=WRITER_LIMIT_MB, timeout=WRITER_TIMEOUT_S, codec=_codec(), compound=False
            )
        except LockError as exc:
            lock = self.index_dir / "MAIN_WRITELOCK"
            raise SearchIndexError(
                f"检索索引正被另一个写入者（抓取或重建索引）锁定：请等它"
                f"结束；如果没有这样的进程在运行，请删除 {lock}"
            ) from exc

    def upsert(self, docs: Iterable[Document]) -> int:
        """Add documents or replace those with the same id, then commit once.

        Filling an empty index with more than :data:`BULK_THRESHOLD` documents (a first
        build, a reindex after ``clear()``) uses one writer process per CPU, each analysing
        and writing its own segment; otherwise one process updates in place. When an id
        comes twice, the last version wins.

        Returns:
            How many distinct documents were written.
        """
        iterator = iter(docs)
        head = list(itertools.islice(iterator, BULK_THRESHOLD))
        bulk = len(head) == BULK_THRESHOLD and self._index.doc_count_all() == 0
        count, repeats = self._write(itertools.chain(head, iterator), bulk)
        if repeats:  # a writer cannot replace what it added itself: a second pass does
            self._write(repeats.values(), bulk=False)
        log.info("indexed %d documents", count)
        self.refresh()
        return count

    def _write(self, docs: Iterable[Document], bulk: bool) -> tuple[int, dict[str, Document]]:
        """Write and commit; return the count and the later versions of repeated ids."""
        seen: set[str] = set()
        repeats: dict[str, Document] = {}

        def first_versions() -> Iterator[Document]:
            for doc in docs:
                if doc.id in seen:
                    repeats[doc.id] = doc
                    continue
                seen.add(doc.id)
                yield doc

        if bulk:
            self._bulk_write(first_versions())
            return len(seen), repeats
        writer = self._writer()
        try:
            for doc in first_versions():
                writer.update_document(**document_fields(doc))
            writer.commit(merge=True)
        except BaseException:
            writer.cancel()
            raise
        return len(seen), repeats

    def _bulk_write(self, docs: Iterator[Document]) -> None:
        """Write documents as new segments from one process per CPU, committing every chunk.

        Each commit bounds what a killed build loses; each worker's postings pool is bounded
        by :data:`WRITER_LIMIT_MB` split between the workers, whatever the chunk size.
        """
        analyzer.warm_up()  # writer processes fork from here: load jieba once, share it
        procs = cpus()
        while True:
            chunk = itertools.islice(docs, BULK_CHUNK)
            head = next(chunk, None)
            if head is None:
                return
            parent = self._writer()
            try:
                write_segments(
                    self._index,
                    parent,
                    map(document_fields, itertools.chain((head,), chunk)),
                    procs=procs,
                    budget_mb=WRITER_LIMIT_MB // procs,
                    writer_kwargs={"codec": _codec(), "compound": False},
                )
            except BaseException:
                if not parent.is_closed:
                    parent.cancel()
                raise

    def rebuild(self, docs: Iterable[Document]) -> int:
        """Empty the index and fill it with ``docs`` (readers see the empty index meanwhile)."""
        self.clear()
        return self.upsert(docs)

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id and commit; return how many were in the index."""
        wanted = set(ids)
        present = wanted & self.ids()
        if not present:
            return 0
        writer = self._writer()
        for doc_id in present:
            writer.delete_by_term("id", doc_id)
        writer.commit()
        self.refresh()
        return len(present)

    def clear(self) -> None:
        """Remove every document, keeping an empty, usable index."""
        writer = self._writer()
        writer.commit(mergetype=writing.CLEAR)
        self.refresh()

    # -- reading -------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Switch to the newest committed generation; True if there was a newer one."""
        with self._lock:
            if self._searcher.up_to_date():
                return False
            # A fresh searcher rather than Searcher.refresh(): reusing the segments of an
            # empty reader fails in Whoosh. The old one may still serve a request in another
            # thread, so it is closed one refresh later.
            if self._retired is not None:
                self._retired.close()
            self._retired, self._searcher = self._searcher, _pinned_searcher(self._index)
            return True

    def ids(self) -> set[str]:
        """Return the ids of every live document."""
        engine = self._engine()
        column = engine.column("id")
        return {column[docnum] for docnum in from_bits(engine.universe())}

    def fingerprints(self) -> dict[str, str]:
        """Return each live document's id and the catalog fingerprint it was indexed with."""
        engine = self._engine()
        ids, prints = engine.column("id"), engine.column("fingerprint")
        return {ids[docnum]: prints[docnum] or "" for docnum in from_bits(engine.universe())}

    def stats(self) -> IndexStats:
        """Return document counts overall and per category, source and year."""
        engine = self._engine()
        searcher = engine.searcher
        facets = _count(engine, engine.universe())
        toc_time = self._index.latest_generation()
        modified = _last_modified(self.index_dir)
        return IndexStats(
            doc_count=searcher.doc_count(),
            by_category=facets["category"],
            by_source=facets["source"],
            by_year=facets["year"],
            generation=toc_time,
            last_modified=modified,
        )

    def search(self, query: SearchQuery) -> SearchResult:
        """Run ``query``; an AND of plain words that finds nothing is retried as OR."""
        started = time.perf_counter()
        tree, explicit = qc.parsed(query)
        engine = self._engine()
        filters = qc.filter_query(query, self._agencies(engine) if query.agency else ())
        text = qc.text_query(query.text, tree)
        matched = engine.docs(wq.And([text, filters]) if filters is not None else text)
        suggestion = None
        if tree is not None and not explicit and not matched:
            suggestion = suggest_title(
                engine, lambda d: str(engine.searcher.stored_fields(d).get("title", "")),
                query.text)
        if tree is not None and not explicit and not matched and as_any(tree) != tree:
            tree = as_any(tree)
            text = qc.text_query(query.text, tree)
            matched = engine.docs(wq.And([text, filters]) if filters is not None else text)
        limit = query.page * query.per_page
        if tree is not None and query.sort == "relevance":
            piece = literal.copied_piece(tree)
            window = max(limit, literal.LITERAL_WINDOW) if piece else limit
            top = engine.rank(text, matched, window)
            if piece:
                top = literal.literal_first(engine, top, piece)[:limit]
        else:  # browsing has nothing to rank by: newest first
            top = engine.by_date(matched, query.sort != "oldest", limit)
        first = (query.page - 1) * query.per_page
        return SearchResult(
            query=query,
            total=matched.bit_count(),
            hits=self._hits(engine.searcher, top[first:], query, tree),
            facets=_count(engine, matched) if query.facets else {},
            took_ms=(time.perf_counter() - started) * 1000,
            suggestion=suggestion,
        )

    def _agencies(self, engine: Engine) -> list[str]:
        """Return the agency names in the index, 发布机构 and 发文机关 (for agency filters)."""
        return sorted({term.decode("utf-8") if isinstance(term, bytes) else term
                       for field in qc.AGENCY_FIELDS for term in engine.reader.lexicon(field)})

    def _engine(self) -> Engine:
        """Return the matching engine of the current generation (built once per generation)."""
        with self._lock:
            if self._engine_cache is None or self._engine_cache.searcher is not self._searcher:
                self._engine_cache = Engine(self._searcher)
            return self._engine_cache

    def _hits(
        self, searcher: Searcher, top: list[tuple[int, float]], query: SearchQuery, tree: Any
    ) -> tuple[SearchHit, ...]:
        pattern = snippets.term_pattern(qc.highlight_terms(tree)) if query.snippets else None
        return tuple(
            hit(searcher.stored_fields(docnum), score, pattern, query.snippets)
            for docnum, score in top
        )

    def close(self) -> None:
        """Close the searcher and the index."""
        if self._retired is not None:
            self._retired.close()
        self._searcher.close()
        self._index.close()


def _codec() -> W3Codec:
    """The split postings codec with blocks of 512 (not 128): a quarter of the block decodes."""
    return SplitCodec(blocklimit=POSTING_BLOCK)


def _count(engine: Engine, docnums: int) -> dict[str, dict[str, int]]:
    """Count facet values over the whole result, most frequent first; empty values left out.

    A document counts under its agency (发布机构) and under a different issuer (发文机关).
    """
    out: dict[str, dict[str, int]] = {}
    for name in _FACETS:
        counts = engine.facet_counts(name, docnums)
        if name == "agency":
            counts.update(engine.facet_counts("issuer", docnums))
        counts.pop("", None)
        out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def _last_modified(index_dir: Path) -> datetime | None:
    tocs: Iterator[Path] = index_dir.glob("_MAIN_*.toc")
    times = [p.stat().st_mtime for p in tocs]
    return datetime.fromtimestamp(max(times)).astimezone() if times else None

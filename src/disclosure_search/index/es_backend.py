"""The Elasticsearch implementation of SearchBackend: for one service over many portals.

Documents are analysed here (jieba, OpenCC, sub-word grams; in worker processes for large
batches) and bulk-indexed with retries; Elasticsearch only splits the tokens on spaces, so
matching behaves as with the embedded engine. Every write is refreshed before it returns,
so ``upsert`` then ``search`` sees the document, as with Whoosh. Pages past Elasticsearch's
10,000-hit window are reached with ``search_after``.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from elasticsearch import BadRequestError, helpers

from disclosure_search.config import IndexSettings
from disclosure_search.errors import QueryError, SearchIndexError
from disclosure_search.index import analyzer, es_indices, snippets
from disclosure_search.index import compile as qc
from disclosure_search.index import es_query as eq
from disclosure_search.index.compile import highlight_terms
from disclosure_search.index.es_schema import source
from disclosure_search.index.hits import hit
from disclosure_search.index.query import QueryTree, as_any
from disclosure_search.index.suggest import CANDIDATES, closest_title, title_grams
from disclosure_search.models import Document, IndexStats, SearchQuery, SearchResult

log = logging.getLogger(__name__)

#: A batch of at least this many documents is analysed by one worker process per CPU.
PARALLEL_THRESHOLD = 1_000
#: Documents analysed per round of the worker pool (bounds memory: nothing is read ahead more).
ANALYSIS_ROUND = 4_000
#: Bulk requests: documents and bytes per request; retries of a rejected (429) request.
BULK_DOCS, BULK_BYTES, BULK_RETRIES = 500, 20_000_000, 8
#: Elasticsearch's from+size limit; deeper pages continue with search_after.
WINDOW = 10_000
_FACETS = ("category", "year", "source", "agency", "validity", "topic")
_FACET_SIZE = 1_000


def cpus() -> int:
    """Return how many CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _analysed(doc: Document) -> tuple[str, dict[str, Any]]:
    return doc.id, source(doc)


def analysed(docs: Iterable[Document]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(id, source)`` per document; large batches are analysed by a process pool."""
    iterator = iter(docs)
    head = list(itertools.islice(iterator, PARALLEL_THRESHOLD))
    if len(head) < PARALLEL_THRESHOLD or cpus() == 1:
        yield from map(_analysed, itertools.chain(head, iterator))
        return
    analyzer.warm_up()  # the workers fork from here: the dictionary is loaded once
    with multiprocessing.get_context("fork").Pool(cpus()) as pool:
        rest = itertools.chain(head, iterator)
        while chunk := list(itertools.islice(rest, ANALYSIS_ROUND)):
            yield from pool.map(_analysed, chunk, chunksize=64)


class ElasticsearchBackend:
    """The documents of one alias on an Elasticsearch cluster."""

    def __init__(self, config: IndexSettings, *, writable: bool = False) -> None:
        self.config = config
        self.alias = config.name
        self.writable = writable
        self.client = es_indices.connect(config)
        self._lock = threading.Lock()
        self._cursors: OrderedDict[tuple[str, int], list[Any]] = OrderedDict()
        try:
            with es_indices.reported(config, "opening the index"):
                es_indices.ready(self.client, config, writable)
                self._seen = es_indices.marker(self.client, self.alias)
        except BaseException:
            self.client.close()  # nobody else can: the caller gets no backend
            raise

    # -- writing -------------------------------------------------------------------------

    def _check_writable(self) -> None:
        if not self.writable:
            raise SearchIndexError("the search index was opened read-only")

    def _bulk(self, index: str, actions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send actions in bulk requests, retrying rejected ones; return every item's result."""
        results = []
        for _ok, item in helpers.streaming_bulk(
            self.client, actions, index=index, chunk_size=BULK_DOCS,
            max_chunk_bytes=BULK_BYTES, max_retries=BULK_RETRIES, initial_backoff=0.5,
            max_backoff=30, raise_on_error=False, yield_ok=True,
        ):
            results.append(next(iter(item.values())))
        return results

    def _write(self, index: str, docs: Iterable[Document]) -> int:
        seen: set[str] = set()

        def actions() -> Iterator[dict[str, Any]]:
            for doc_id, body in analysed(docs):
                seen.add(doc_id)
                yield {"_id": doc_id, "_source": body}

        failed = [r for r in self._bulk(index, actions()) if r.get("status", 500) >= 300]
        if failed:
            raise SearchIndexError(
                f"Elasticsearch refused {len(failed)} documents, e.g. {failed[0].get('_id')}: "
                f"{failed[0].get('error')}"
            )
        return len(seen)

    def _changed(self, index: str) -> None:
        self.client.indices.refresh(index=index)
        es_indices.bump(self.client, index)
        self.refresh()

    def upsert(self, docs: Iterable[Document]) -> int:
        """Add documents or replace those with the same id; refreshed before returning."""
        self._check_writable()
        with es_indices.reported(self.config, "indexing"):
            index = es_indices.ready(self.client, self.config, True)
            count = self._write(index, docs)
            self._changed(index)
        log.info("indexed %d documents", count)
        return count

    def rebuild(self, docs: Iterable[Document]) -> int:
        """Write ``docs`` into a new index and swap the alias to it only once it is complete.

        Searches keep answering from the old index meanwhile; when anything fails the new
        index is deleted and the old one keeps serving. What a killed rebuild left (an index
        of this alias not behind it) is deleted first.
        """
        self._check_writable()
        with es_indices.reported(self.config, "rebuilding the index"):
            es_indices.drop(self.client, es_indices.leftovers(self.client, self.config))
            name = es_indices.new_index(self.client, self.config, building=True)
            try:
                count = self._write(name, docs)
                es_indices.finish_build(self.client, self.config, name)
                es_indices.bump(self.client, name)
                old = es_indices.point_alias(self.client, self.alias, name)
            except BaseException:
                es_indices.drop(self.client, [name])
                raise
            es_indices.drop(self.client, old)
            self.refresh()
        log.info("rebuilt %s with %d documents behind %s", name, count, self.alias)
        return count

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id; return how many were present."""
        self._check_writable()
        wanted = sorted(set(ids))
        if not wanted:
            return 0
        with es_indices.reported(self.config, "deleting"):
            index = es_indices.ready(self.client, self.config, True)
            results = self._bulk(index, ({"_op_type": "delete", "_id": i} for i in wanted))
            self._changed(index)
        return sum(1 for r in results if r.get("result") == "deleted")

    def clear(self) -> None:
        """Remove every document: the alias moves to a new empty index, the old is deleted."""
        self._check_writable()
        with es_indices.reported(self.config, "clearing"):
            name = es_indices.new_index(self.client, self.config, building=False)
            es_indices.bump(self.client, name)
            es_indices.drop(self.client, es_indices.point_alias(self.client, self.alias, name))
            self.refresh()

    # -- reading -------------------------------------------------------------------------

    def refresh(self) -> bool:
        """True when the alias points elsewhere or a writer changed the index since last time."""
        with es_indices.reported(self.config, "checking for changes"):
            found = es_indices.marker(self.client, self.alias)
        with self._lock:
            changed, self._seen = found != self._seen, found
            if changed:
                self._cursors.clear()
        return changed

    def ids(self) -> set[str]:
        """Return the ids of every indexed document."""
        return set(self.fingerprints())

    def fingerprints(self) -> dict[str, str]:
        """Return each indexed document's id and the catalog fingerprint it was indexed with."""
        with es_indices.reported(self.config, "listing the indexed documents"):
            return {h["_id"]: h.get("_source", {}).get("fingerprint", "")
                    for h in helpers.scan(self.client, index=self.alias, size=5_000,
                                          query={"query": eq.MATCH_ALL},
                                          _source=["fingerprint"])}

    def stats(self) -> IndexStats:
        """Return document counts overall and per category, source and year."""
        with es_indices.reported(self.config, "counting"):
            found = self.client.search(index=self.alias, size=0, track_total_hits=True,
                                       aggs=_aggs())
            name, generation = es_indices.marker(self.client, self.alias)
            modified = es_indices.meta(self.client, name).get("modified")
        facets = _facets(dict(found))
        return IndexStats(
            doc_count=found["hits"]["total"]["value"],
            by_category=facets["category"],
            by_source=facets["source"],
            by_year=facets["year"],
            generation=generation,
            last_modified=datetime.fromisoformat(modified).astimezone() if modified else None,
        )

    def search(self, query: SearchQuery) -> SearchResult:
        """Run ``query``; an AND of plain words that finds nothing is retried as OR."""
        started = time.perf_counter()
        tree, explicit = qc.parsed(query)
        found = self._page(query, tree)
        suggestion = None
        total = found["hits"]["total"]["value"]
        if tree is not None and not explicit and not total:
            suggestion = self._suggest(query.text)
            if as_any(tree) != tree:
                tree = as_any(tree)
                found = self._page(query, tree)
        pattern = snippets.term_pattern(highlight_terms(tree)) if query.snippets else None
        return SearchResult(
            query=query,
            total=found["hits"]["total"]["value"],
            hits=tuple(hit(h["_source"]["shown"], h.get("_score"), pattern, query.snippets)
                       for h in found["hits"]["hits"]),
            facets=_facets(found) if query.facets else {},
            took_ms=(time.perf_counter() - started) * 1000,
            suggestion=suggestion,
        )

    def _page(self, query: SearchQuery, tree: QueryTree | None) -> dict[str, Any]:
        """Return the response holding the query's page; deep pages walk with search_after."""
        agencies = self._agencies() if query.agency else ()
        body: dict[str, Any] = {"query": eq.search_clause(query, tree, agencies),
                                "sort": eq.sort_clause(query, tree)}
        key = repr(body)
        first = (query.page - 1) * query.per_page
        extra: dict[str, Any] = {"aggs": _aggs()} if query.facets else {}
        with es_indices.reported(self.config, "searching"), _as_query_error():
            if first + query.per_page <= WINDOW:
                found = self._search(body, from_=first, size=query.per_page, **extra)
            else:
                after = self._walk(body, key, first)
                if after is not None:
                    extra["search_after"] = after
                found = self._search(body, size=query.per_page, **extra)
        hits = found["hits"]["hits"]
        if hits:
            self._remember(key, first + len(hits), hits[-1]["sort"])
        return found

    def _agencies(self) -> list[str]:
        """Return the agency names in the index, 发布机构 and 发文机关 (for agency filters)."""
        found = self.client.search(index=self.alias, size=0, aggs={
            field: {"terms": {"field": field, "size": 65_000}} for field in qc.AGENCY_FIELDS})
        return sorted({str(b["key"]) for field in qc.AGENCY_FIELDS
                       for b in found["aggregations"][field]["buckets"]})

    def _search(self, body: dict[str, Any], **kw: Any) -> dict[str, Any]:
        return dict(self.client.search(index=self.alias, track_total_hits=True,
                                       source_includes=["shown"], **body, **kw))

    def _walk(self, body: dict[str, Any], key: str, first: int) -> list[Any] | None:
        """Return the sort values of hit number ``first``, from the nearest remembered cursor."""
        with self._lock:
            known = [(n, s) for (k, n), s in self._cursors.items() if k == key and n <= first]
        start, after = max(known, key=lambda kv: kv[0]) if known else (0, None)
        while start < first:
            step = min(WINDOW, first - start)
            extra: dict[str, Any] = {"search_after": after} if after is not None else {}
            found = self.client.search(index=self.alias, size=step, source=False,
                                       track_total_hits=False, **body, **extra)
            hits = found["hits"]["hits"]
            if not hits:
                break
            start, after = start + len(hits), hits[-1]["sort"]
            self._remember(key, start, after)
        return after

    def _remember(self, key: str, position: int, sort: list[Any]) -> None:
        with self._lock:
            self._cursors[(key, position)] = sort
            while len(self._cursors) > 256:
                self._cursors.popitem(last=False)

    def _suggest(self, text: str) -> str | None:
        grams = title_grams(text)
        if not grams:
            return None
        found = self.client.search(
            index=self.alias, size=CANDIDATES, source_includes=["shown"],
            query=eq._any([eq._term("title_grams", g) for g in grams]),
            sort=[{"_score": "desc"}, {"id": "desc"}],
        )
        return closest_title(text, (h["_source"]["shown"]["title"]
                                    for h in found["hits"]["hits"]))

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()


@contextlib.contextmanager
def _as_query_error() -> Iterator[None]:
    """Turn a query Elasticsearch rejects (400) into QueryError; other errors pass."""
    try:
        yield
    except BadRequestError as exc:
        raise QueryError(f"the search engine rejected the query: {exc}") from exc


def _aggs() -> dict[str, Any]:
    return {name: {"terms": {"field": name, "size": _FACET_SIZE}}
            for name in (*_FACETS, "issuer")}


def _facets(found: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Facet counts, most frequent first; a facet without values is an empty dict.

    A document counts under its agency (发布机构) and under a different issuer (发文机关).
    """
    out: dict[str, dict[str, int]] = {}
    aggs = found.get("aggregations", {})
    for name in _FACETS:
        buckets = aggs.get(name, {}).get("buckets", [])
        if name == "agency":
            buckets = buckets + aggs.get("issuer", {}).get("buckets", [])
        counts: Counter[str] = Counter()
        for b in buckets:
            if b["key"] != "":
                counts[str(b["key"])] += int(b["doc_count"])
        out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out

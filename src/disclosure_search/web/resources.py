"""Opens the search index and the archive catalog read-only, once per process or thread."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from disclosure_search.config import Settings
from disclosure_search.errors import ArchiveError, SearchIndexError
from disclosure_search.models import SearchQuery, SearchResult

if TYPE_CHECKING:
    from disclosure_search.archive.catalog import Catalog
    from disclosure_search.index.backend import SearchBackend

log = logging.getLogger(__name__)

#: How often (seconds) a request may ask the index whether a crawl committed a newer one.
REFRESH_INTERVAL_S = 1.0
#: Results kept per process for repeated searches (pagination, popular words, feed readers);
#: emptied whenever a newer index is picked up, so a cached page is never stale.
RESULT_CACHE_SIZE = 2048


class Resources:
    """The web process's handles on the index and the catalog.

    One index reader per process, refreshed at most once per :data:`REFRESH_INTERVAL_S` so
    a finished crawl shows up without a restart. A Whoosh searcher reads its files through
    shared handles and is not safe for concurrent use, so searches in a process run one at
    a time (they are CPU-bound Python, so threads would not run them in parallel anyway;
    worker processes do). Rendering, catalog reads and I/O still overlap. SQLite
    connections are per thread.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._search_lock = threading.Lock()
        self._backend: SearchBackend | None = None
        self._checked_at = 0.0
        self._local = threading.local()
        self._catalogs: list[Any] = []
        self._results: OrderedDict[SearchQuery, SearchResult] = OrderedDict()
        self.cache_hits = 0
        self.cache_misses = 0

    def search(self, query: SearchQuery, *, cache: bool = True) -> SearchResult:
        """Run ``query`` on the current index, answering repeats from a small LRU cache.

        Args:
            query: the search.
            cache: False for one-off bulk queries (exports) that should not evict others.

        Raises:
            SearchIndexError: the index does not exist yet or cannot be opened.
            QueryError: the index rejects the query.
        """
        started = time.perf_counter()
        refresh_due = time.monotonic() - self._checked_at >= REFRESH_INTERVAL_S
        if cache and not refresh_due:
            cached = self._cached(query)
            if cached is not None:
                return replace(cached, took_ms=(time.perf_counter() - started) * 1000)
        with self._search_lock:
            backend = self._current_backend()
            cached = self._cached(query) if cache else None
            if cached is not None:
                return replace(cached, took_ms=(time.perf_counter() - started) * 1000)
            result = backend.search(query)
            if cache:  # stored before the lock is released, so a refresh cannot interleave
                with self._lock:
                    self.cache_misses += 1
                    self._results[query] = result
                    while len(self._results) > RESULT_CACHE_SIZE:
                        self._results.popitem(last=False)
        return result

    def _cached(self, query: SearchQuery) -> SearchResult | None:
        with self._lock:
            found = self._results.get(query)
            if found is not None:
                self._results.move_to_end(query)
                self.cache_hits += 1
            return found

    def _current_backend(self) -> SearchBackend:
        """The index reader, refreshed if a newer index was committed (search lock held)."""
        if self._backend is None:
            self._backend = self._open_backend()
            self._checked_at = time.monotonic()
        elif time.monotonic() - self._checked_at >= REFRESH_INTERVAL_S:
            self._checked_at = time.monotonic()
            if self._backend.refresh():
                with self._lock:
                    self._results.clear()
                log.info("picked up a newer search index")
        return self._backend

    def catalog(self) -> Catalog:
        """Return this thread's read-only catalog connection.

        Raises:
            ArchiveError: the catalog does not exist yet or cannot be opened.
        """
        found = getattr(self._local, "catalog", None)
        if found is None:
            found = self._open_catalog()
            self._local.catalog = found
            with self._lock:
                self._catalogs.append(found)
        return found

    def close(self) -> None:
        """Close every handle this object opened (used by tests and at shutdown)."""
        with self._search_lock:
            if self._backend is not None:
                self._backend.close()
                self._backend = None
        with self._lock:
            for catalog in self._catalogs:
                close = getattr(catalog, "close", None)
                if close is not None:
                    try:
                        close()
                    except Exception:  # another thread's SQLite handle; harmless at exit
                        log.debug("could not close a catalog connection", exc_info=True)
            self._catalogs.clear()
        self._local = threading.local()

    def _open_backend(self) -> SearchBackend:
        from disclosure_search.index.backend import open_backend

        index_dir = self.settings.index_dir
        if self.settings.index.backend == "whoosh" and not index_dir.exists():
            raise SearchIndexError(
                f"检索索引 {index_dir} 尚未建立：请先运行 disclosure-search crawl 或 "
                "disclosure-search reindex"
            )
        return open_backend(index_dir, writable=False, config=self.settings.index)

    def _open_catalog(self) -> Catalog:
        from disclosure_search.archive.catalog import Catalog

        path = self.settings.catalog_path
        if not path.exists():
            raise ArchiveError(
                f"存档目录 {path} 尚未建立：请先运行 disclosure-search crawl"
            )
        return Catalog.open(path, readonly=True)

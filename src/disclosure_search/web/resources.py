"""Opens the search index and the archive catalog read-only, once per process or thread."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from disclosure_search.config import Settings
from disclosure_search.errors import ArchiveError, SearchIndexError

if TYPE_CHECKING:
    from disclosure_search.archive.catalog import Catalog
    from disclosure_search.index.backend import SearchBackend

log = logging.getLogger(__name__)

#: How often (seconds) a request may ask the index whether a crawl committed a newer one.
REFRESH_INTERVAL_S = 1.0


class Resources:
    """The web process's handles on the index and the catalog.

    The index reader is shared by all threads and refreshed at most once per
    :data:`REFRESH_INTERVAL_S`, so a finished crawl shows up without a restart. SQLite
    connections cannot be shared between threads, so each thread opens its own catalog.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._backend: SearchBackend | None = None
        self._checked_at = 0.0
        self._local = threading.local()
        self._catalogs: list[Any] = []

    def backend(self) -> SearchBackend:
        """Return the shared index reader, refreshed if a newer index was committed.

        Raises:
            SearchIndexError: the index does not exist yet or cannot be opened.
        """
        with self._lock:
            if self._backend is None:
                self._backend = self._open_backend()
                self._checked_at = time.monotonic()
            elif time.monotonic() - self._checked_at >= REFRESH_INTERVAL_S:
                self._checked_at = time.monotonic()
                if self._backend.refresh():
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
        with self._lock:
            if self._backend is not None:
                self._backend.close()
                self._backend = None
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
        if not index_dir.exists():
            raise SearchIndexError(
                f"search index {index_dir} does not exist yet; "
                "run 'disclosure-search crawl' or 'disclosure-search reindex' first"
            )
        return open_backend(index_dir, writable=False)

    def _open_catalog(self) -> Catalog:
        from disclosure_search.archive.catalog import Catalog

        path = self.settings.catalog_path
        if not path.exists():
            raise ArchiveError(
                f"archive catalog {path} does not exist yet; run 'disclosure-search crawl' first"
            )
        return Catalog.open(path, readonly=True)

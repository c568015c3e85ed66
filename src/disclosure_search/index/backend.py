"""The search backend interface every engine implements, and the function that opens one."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from disclosure_search.config import IndexSettings
from disclosure_search.models import Document, IndexStats, SearchQuery, SearchResult


class SearchBackend(Protocol):
    """A full-text index of Documents; Whoosh is one implementation, a cluster could be another."""

    def upsert(self, docs: Iterable[Document]) -> int:
        """Add documents or replace those with the same id; commit; return how many."""
        ...

    def rebuild(self, docs: Iterable[Document]) -> int:
        """Replace the whole index by ``docs``; return how many were written.

        Where the engine allows (Elasticsearch), searches answer from the old index until
        the new one is complete, and a failed rebuild leaves the old one serving.
        """
        ...

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id; commit; return how many were present."""
        ...

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query: hits of the requested page, total, facets, snippets."""
        ...

    def stats(self) -> IndexStats:
        """Return counts over the whole index."""
        ...

    def ids(self) -> set[str]:
        """Return the ids of every indexed document."""
        ...

    def fingerprints(self) -> dict[str, str]:
        """Return each indexed document's id and the catalog fingerprint it was indexed with."""
        ...

    def clear(self) -> None:
        """Remove every document (the index stays usable)."""
        ...

    def refresh(self) -> bool:
        """Pick up a newer committed index; True if the view changed."""
        ...

    def close(self) -> None:
        """Release files and locks."""
        ...


def open_backend(
    index_dir: Path, *, writable: bool = False, config: IndexSettings | None = None
) -> SearchBackend:
    """Open (or, when writable, create) the search index the config names.

    Args:
        index_dir: the embedded index's folder, normally ``data_dir / "index"``.
        writable: open for writing; only one Whoosh writer at a time (others get
            SearchIndexError).
        config: the ``[index]`` settings; ``backend = "elasticsearch"`` opens the alias
            ``name`` on ``hosts`` instead of ``index_dir``. None means the embedded default.

    Returns:
        A backend; call ``close()`` when done.

    Raises:
        SearchIndexError: there is no index to read, or it cannot be opened.
    """
    if config is not None and config.backend == "elasticsearch":
        from disclosure_search.index.es_backend import ElasticsearchBackend

        return ElasticsearchBackend(config, writable=writable)
    from disclosure_search.index.whoosh_backend import WhooshBackend

    return WhooshBackend(Path(index_dir), writable=writable)

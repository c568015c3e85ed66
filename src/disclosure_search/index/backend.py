"""The search backend interface every engine implements, and the function that opens one."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from disclosure_search.models import Document, IndexStats, SearchQuery, SearchResult


class SearchBackend(Protocol):
    """A full-text index of Documents; Whoosh is one implementation, a cluster could be another."""

    def upsert(self, docs: Iterable[Document]) -> int:
        """Add documents or replace those with the same id; commit; return how many."""
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


def open_backend(index_dir: Path, *, writable: bool = False) -> SearchBackend:
    """Open (or, when writable, create) the search index in ``index_dir``.

    Args:
        index_dir: the index folder, normally ``data_dir / "index"``.
        writable: open for writing; only one writer at a time (others get SearchIndexError).

    Returns:
        A backend; call ``close()`` when done.

    Raises:
        SearchIndexError: there is no index to read, or it cannot be opened.
    """
    from disclosure_search.index.whoosh_backend import WhooshBackend

    return WhooshBackend(Path(index_dir), writable=writable)

"""Repeated searches are answered from a small cache that a newer index empties."""

from __future__ import annotations

from pathlib import Path

import pytest

from disclosure_search.config import Settings
from disclosure_search.index.backend import open_backend
from disclosure_search.models import SearchQuery
from disclosure_search.web import resources
from disclosure_search.web.resources import Resources

from .conftest import build_documents


def test_repeated_search_is_cached_until_a_new_index(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(data_dir=tmp_path)
    writer = open_backend(settings.index_dir, writable=True)
    writer.upsert(build_documents()[:4])
    handles = Resources(settings)
    try:
        query = SearchQuery(text="通知")
        first = handles.search(query)
        again = handles.search(query)
        assert again.total == first.total and again.hits == first.hits
        assert (handles.cache_hits, handles.cache_misses) == (1, 1)
        writer.upsert(build_documents()[4:10])
        monkeypatch.setattr(resources, "REFRESH_INTERVAL_S", 0.0)
        newer = handles.search(query)
        assert newer.total > first.total  # the cache was emptied, not served stale
    finally:
        writer.close()
        handles.close()

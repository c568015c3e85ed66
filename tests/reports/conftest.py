"""Fixtures for the report tests: a small bureau site's documents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from disclosure_search.config import Settings
from disclosure_search.models import Document

from .data import build_catalog, sample_documents


@pytest.fixture
def documents() -> list[Document]:
    """A small bureau site: policies, notices, one removed item, two near-identical titles."""
    return sample_documents()


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Any]:
    """A real catalog (with WARC captures) holding the sample documents, opened read-only."""
    pytest.importorskip("disclosure_search.archive.catalog",
                        reason="needs disclosure_search.archive.catalog")
    from disclosure_search.archive.catalog import Catalog

    settings = Settings(data_dir=tmp_path)
    build_catalog(settings, sample_documents())
    catalog = Catalog.open(settings.catalog_path, readonly=True)
    yield catalog
    catalog.close()

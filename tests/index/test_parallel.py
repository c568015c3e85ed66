"""Tests for parallel analysis: worker processes give exactly what one process gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from disclosure_search.index import parallel
from disclosure_search.index.backend import open_backend
from disclosure_search.index.schema import index_fields
from disclosure_search.models import Document, SearchQuery


def _docs(n: int) -> list[Document]:
    return [
        Document(
            id=f"p{i}",
            source="kjj",
            url=f"https://x/{i}",
            title=f"第{i}号 政府資訊公開通知",
            body=f"科技局第{i}次会议研究高新技术企业认定事项。",
        )
        for i in range(n)
    ]


def test_workers_yield_the_same_fields_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 20)
    docs = _docs(60)
    assert list(parallel.analysed(docs, processes=2)) == [index_fields(d) for d in docs]


def test_small_batches_stay_in_process() -> None:
    docs = _docs(3)
    assert list(parallel.analysed(iter(docs))) == [index_fields(d) for d in docs]


def test_parallel_upsert_is_searchable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 20)
    backend = open_backend(tmp_path / "ix", writable=True)
    assert backend.upsert(_docs(50)) == 50
    result = backend.search(SearchQuery(text="资讯公开 第7次"))
    assert result.hits[0].id == "p7"
    assert backend.stats().doc_count == 50
    backend.close()

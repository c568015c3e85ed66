"""Tests for set-based matching and BM25 ranking, through a real multi-segment index."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from disclosure_search.index.backend import open_backend
from disclosure_search.models import Document, SearchQuery


def _doc(doc_id: str, title: str, body: str, day: int = 1) -> Document:
    return Document(
        id=doc_id,
        source="kjj",
        url=f"https://x/{doc_id}",
        title=title,
        body=body,
        published_date=date(2022, 5, day),
    )


def test_title_matches_outrank_body_matches_and_frequency_counts(tmp_path: Path) -> None:
    backend = open_backend(tmp_path / "ix", writable=True)
    backend.upsert(
        [
            _doc("body-once", "工作通知", "今年推进营商环境建设。" + "其他内容。" * 50),
            _doc("title", "优化营商环境实施方案", "具体措施如下。"),
            _doc("body-often", "工作要点", "营商环境。营商环境评价。营商环境监测。"),
        ]
    )
    ids = [hit.id for hit in backend.search(SearchQuery(text="营商环境")).hits]
    assert ids == ["title", "body-often", "body-once"]
    scores = [hit.score for hit in backend.search(SearchQuery(text="营商环境")).hits]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    backend.close()


def test_replaced_and_deleted_documents_never_match(tmp_path: Path) -> None:
    backend = open_backend(tmp_path / "ix", writable=True)
    backend.upsert([_doc("a", "旧标题农业补贴", "正文"), _doc("b", "农业补贴公示", "正文")])
    backend.upsert([replace(_doc("a", "新标题林业补贴", "正文"))])  # a second segment
    assert [h.id for h in backend.search(SearchQuery(text="农业")).hits] == ["b"]
    assert [h.id for h in backend.search(SearchQuery(text="林业")).hits] == ["a"]
    result = backend.search(SearchQuery(text="补贴"))
    assert result.total == 2 and result.facets["source"] == {"kjj": 2}
    backend.delete(["b"])
    assert backend.search(SearchQuery(text="农业")).total == 0
    assert backend.search(SearchQuery()).total == 1
    backend.close()


def test_date_sort_puts_undated_documents_last(tmp_path: Path) -> None:
    backend = open_backend(tmp_path / "ix", writable=True)
    undated = replace(_doc("none", "通知甲", "正文"), published_date=None)
    backend.upsert([undated, _doc("early", "通知乙", "正文", 2), _doc("late", "通知丙", "正文", 9)])
    newest = [h.id for h in backend.search(SearchQuery(text="通知", sort="newest")).hits]
    oldest = [h.id for h in backend.search(SearchQuery(text="通知", sort="oldest")).hits]
    assert newest == ["late", "early", "none"]
    assert oldest == ["early", "late", "none"]
    backend.close()

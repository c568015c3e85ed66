"""Tests for 'did you mean' (index/suggest.py) through the real Whoosh backend."""

from __future__ import annotations

from pathlib import Path

from disclosure_search.index.backend import open_backend
from disclosure_search.models import Document, SearchQuery, document_id

TITLES = [
    "示例市科技局关于印发《示例市科技企业孵化器认定和管理办法》的通知",
    "示例市人民政府办公厅关于加快发展现代农业的实施意见",
    "示例市财政局关于下达2018年度部门预算的通知",
]


def _backend(tmp_path: Path):  # type: ignore[no-untyped-def]
    backend = open_backend(tmp_path / "index", writable=True)
    docs = [Document(id=document_id(f"http://127.0.0.1/{n}.html"), source="kjj",
                     url=f"http://127.0.0.1/{n}.html", title=title, body="正文。" * 20)
            for n, title in enumerate(TITLES)]
    backend.upsert(docs)
    return backend


def test_a_title_with_one_wrong_character_gets_the_real_title_offered(tmp_path: Path) -> None:
    backend = _backend(tmp_path)
    typo = TITLES[0].replace("孵化器", "孵化期")
    result = backend.search(SearchQuery(text=typo))
    assert result.suggestion == TITLES[0]
    backend.close()


def test_a_correct_or_short_query_gets_no_suggestion(tmp_path: Path) -> None:
    backend = _backend(tmp_path)
    assert backend.search(SearchQuery(text=TITLES[1])).suggestion is None
    assert backend.search(SearchQuery(text="农业")).suggestion is None
    backend.close()

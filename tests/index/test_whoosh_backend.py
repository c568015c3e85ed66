"""Whoosh-only behaviour: the writer lock, parallel segment writers, the schema marker."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from disclosure_search.errors import SearchIndexError
from disclosure_search.index import whoosh_backend
from disclosure_search.index.backend import open_backend
from disclosure_search.models import Document, SearchQuery


def _doc(n: int, title: str, body: str, **kw: object) -> Document:
    fields: dict[str, object] = {
        "id": f"d{n:02d}",
        "source": "kjj",
        "url": f"https://kjj.example.gov.cn/xxgk/{n}.html",
        "published_date": date(2020, 1, n),
        "first_seen": datetime(2020, 1, n, 8, 0),
    }
    fields.update(kw)
    return Document(title=title, body=body, **fields)  # type: ignore[arg-type]


DOCS = [
    _doc(1, "关于印发《高新技术企业认定管理办法》的通知", "各区科技局：现将认定办法印发给你们。"),
    _doc(2, "中国农业发展银行支持科技创新座谈会召开", "推动科技创新与乡村振兴。"),
]


def _ids(backend: whoosh_backend.WhooshBackend, **kw: object) -> list[str]:
    return [hit.id for hit in backend.search(SearchQuery(**kw)).hits]  # type: ignore[arg-type]


def test_second_writer_gets_a_clear_lock_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(whoosh_backend, "WRITER_TIMEOUT_S", 0.1)
    first = open_backend(tmp_path / "ix", writable=True)
    second = open_backend(tmp_path / "ix", writable=True)
    held = first._writer()  # type: ignore[attr-defined]
    try:
        with pytest.raises(SearchIndexError, match="正被另一个写入者"):
            second.upsert(DOCS[:1])
    finally:
        held.cancel()
    assert second.upsert(DOCS[:1]) == 1
    first.close()
    second.close()


def test_bulk_build_in_parallel_processes_then_update_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(whoosh_backend, "BULK_THRESHOLD", 20)
    monkeypatch.setattr(whoosh_backend, "BULK_CHUNK", 25)  # 60 documents: three commits
    monkeypatch.setattr(whoosh_backend, "cpus", lambda: 2)
    many = [
        _doc(1, f"第{i}号 政府資訊公開通知", f"科技局第{i}次会议研究高新技术企业认定。", id=f"m{i}")
        for i in range(60)
    ]
    backend = open_backend(tmp_path / "ix", writable=True)
    assert backend.upsert(many) == 60
    assert backend.stats().doc_count == 60
    assert backend.search(SearchQuery(text="资讯公开 第7次")).hits[0].id == "m7"
    backend.upsert([*many[:30], replace(many[7], title="已废止的通知")])  # in place
    assert backend.stats().doc_count == 60
    assert _ids(backend, text="已废止") == ["m7"]
    backend.close()


@pytest.mark.parametrize("old", ["0", "2"])  # 2: before agency words, 成文日期 and 有效性
def test_an_index_of_another_schema_version_is_rebuilt_by_a_writer(
    tmp_path: Path, old: str
) -> None:
    writer = open_backend(tmp_path / "ix", writable=True)
    writer.upsert(DOCS[:2])
    writer.close()
    (tmp_path / "ix" / whoosh_backend.SCHEMA_MARKER).write_text(f"{old}\n")
    with pytest.raises(SearchIndexError, match=r"由另一个版本建立.*reindex"):
        open_backend(tmp_path / "ix")
    rebuilt = open_backend(tmp_path / "ix", writable=True)
    assert rebuilt.stats().doc_count == 0
    rebuilt.close()
    assert open_backend(tmp_path / "ix").stats().doc_count == 0

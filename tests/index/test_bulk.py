"""Bulk builds (worker processes, array postings pools) against the one-writer path."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from disclosure_search.errors import SearchIndexError
from disclosure_search.index import bulk, schema, whoosh_backend
from disclosure_search.index.backend import SearchBackend, open_backend
from disclosure_search.models import Attachment, Document, SearchQuery

# Real titles and sentences of the sample portal's kind of documents.
TITLES = (
    "关于印发《高新技术企业认定管理办法》的通知",
    "中国农业发展银行支持科技创新座谈会召开",
    "政府資訊公開年度報告",
    "关于开展2014年全省粮食生产先进单位表扬工作的通知",
    "市科技局关于公布2020年度科技计划项目的公示",
)
SENTENCES = (
    "各区科技局：现将认定办法印发给你们，请认真贯彻执行。",
    "推动科技创新与乡村振兴，加强农业科技成果转化。",
    "本報告依據《中華人民共和國政府資訊公開條例》編製。",
    "采取强制性措施，迅速平息事态，按照国家规定的标准设置。",
    "由财政、公安、交通等部门组成联合检查组。",
)
QUERIES = ("科技", "农业 科技", "资讯公开", '"科技创新"', "title:通知", "粮食生产", "公安 交通")


def _docs(count: int) -> list[Document]:
    return [
        Document(
            id=f"b{i:04d}",
            source=("kjj", "city")[i % 2],
            url=f"https://kjj.example.gov.cn/xxgk/{i}.html",
            title=f"{TITLES[i % 5]}（第{i}号）",
            body="\n".join(SENTENCES[(i + k) % 5] for k in range(1 + i % 4)),
            category=("规范性文件", "其他文件", "政务信息")[i % 3],
            doc_number=f"洪科发〔2020〕{i}号" if i % 4 == 0 else "",
            agency="市科技局",
            published_date=date(2015 + i % 8, 1 + i % 12, 1 + i % 28),
            attachments=(
                Attachment(
                    url=f"https://kjj.example.gov.cn/{i}.pdf", name="附件", text=SENTENCES[i % 5]
                ),
            )
            if i % 7 == 0
            else (),
        )
        for i in range(count)
    ]


def _answers(backend: SearchBackend) -> dict[str, tuple[int, list[tuple[str, float]]]]:
    answers = {}
    for text in QUERIES:
        result = backend.search(SearchQuery(text=text, per_page=50))
        answers[text] = (result.total, [(h.id, round(h.score, 4)) for h in result.hits])
    return answers


@pytest.fixture
def opened() -> Iterator[list[SearchBackend]]:
    backends: list[SearchBackend] = []
    yield backends
    for backend in backends:
        backend.close()


def _built(
    path: Path, docs: list[Document], *, bulk: bool, into: list[SearchBackend]
) -> SearchBackend:
    backend = open_backend(path, writable=True)
    into.append(backend)
    if bulk:
        backend.upsert(docs)
    else:  # one document at a time: Whoosh's own posting pool and merges
        for start in range(0, len(docs), 40):
            backend.upsert(docs[start : start + 40])
    return backend


@pytest.fixture
def small_bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(whoosh_backend, "BULK_THRESHOLD", 50)
    monkeypatch.setattr(whoosh_backend, "cpus", lambda: 2)


@pytest.mark.usefixtures("small_bulk")
def test_a_bulk_build_answers_exactly_as_documents_written_one_batch_at_a_time(
    tmp_path: Path, opened: list[SearchBackend]
) -> None:
    docs = _docs(200)
    bulk = _built(tmp_path / "bulk", docs, bulk=True, into=opened)
    single = _built(tmp_path / "single", docs, bulk=False, into=opened)
    assert bulk.ids() == single.ids() == {d.id for d in docs}
    assert _answers(bulk) == _answers(single)
    assert bulk.stats().by_category == single.stats().by_category


@pytest.mark.usefixtures("small_bulk")
def test_a_small_memory_budget_spills_runs_and_still_writes_one_segment_per_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opened: list[SearchBackend]
) -> None:
    """A search looks each term up in every segment: a full pool must not start a new one."""
    docs = _docs(200)
    roomy = _built(tmp_path / "roomy", docs, bulk=True, into=opened)
    monkeypatch.setattr(whoosh_backend, "WRITER_LIMIT_MB", 1)
    monkeypatch.setattr(bulk, "_POSTING_COST", 20_000)  # a run to disk every few documents
    spills = tmp_path / "spills"  # written by the writer processes
    real_spill = bulk.ArrayPool.spill

    def spill(pool: bulk.ArrayPool) -> None:
        with spills.open("a") as log:
            log.write(f"{len(pool.terms)}\n")
        real_spill(pool)

    monkeypatch.setattr(bulk.ArrayPool, "spill", spill)
    tight = _built(tmp_path / "tight", docs, bulk=True, into=opened)
    assert len(spills.read_text().split()) > 20  # the budget really was hit, many times
    segments = sorted(p.name for p in (tmp_path / "tight").glob("*.pst"))
    assert len(segments) == len(list((tmp_path / "roomy").glob("*.pst"))) == 2
    assert _answers(tight) == _answers(roomy)
    assert sorted(p.name for p in (tmp_path / "tight").iterdir() if p.name.startswith("tmp")) == []


@pytest.mark.usefixtures("small_bulk")
def test_a_failing_writer_process_fails_the_build_and_keeps_what_was_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(whoosh_backend, "BULK_CHUNK", 100)  # two commits of 100
    real_fields = schema.document_fields

    def fields(doc: Document) -> dict[str, object]:
        values = real_fields(doc)
        if doc.id == "b0150":
            values["published"] = "not a date"  # the writer process raises on this one
        return values

    monkeypatch.setattr(whoosh_backend, "document_fields", fields)
    backend = open_backend(tmp_path, writable=True)
    with pytest.raises(SearchIndexError, match="writer process failed"):
        backend.upsert(_docs(200))
    backend.close()
    reopened = open_backend(tmp_path)
    assert reopened.ids() == {f"b{i:04d}" for i in range(100)}  # the first chunk's commit
    reopened.close()


@pytest.mark.usefixtures("small_bulk")
def test_after_a_bulk_build_updates_replace_documents_in_place(
    tmp_path: Path, opened: list[SearchBackend]
) -> None:
    docs = _docs(120)
    backend = _built(tmp_path, docs, bulk=True, into=opened)
    backend.upsert([replace(docs[3], title="已废止的认定办法")])
    assert backend.stats().doc_count == 120
    hits = backend.search(SearchQuery(text="已废止")).hits
    assert [h.id for h in hits] == ["b0003"]

"""Pinned relevance cases on both engines: sub-words, script, 文号 variants, phrases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import Engine
from disclosure_search.index.backend import SearchBackend
from disclosure_search.models import Document, SearchQuery, document_id

# Real titles and sentences from the sample portal, cut short.
_DOCS = [
    ("a", "国务院办公厅转发国家环保局、建设部关于进一步加强城市环境综合整治工作若干意见的通知",
     "各地要积极支持中国农业发展银行开展政策性贷款，推进清洁生产和工业废弃物的综合利用。",
     "国办发〔1992〕24号"),
    ("b", "市政府印发《关于创新驱动发展巩固提升实体经济能级的若干意见》的通知",
     "若干意见的通知已经市政府同意，现印发给你们，请认真按照执行。清洁和生产都要加强。",
     "示府发〔2018〕7号"),
    ("c", "示例市人民政府辦公廳關於印發預算預備費暫行管理辦法的通知",
     "為規範預算預備費的管理，制定本辦法。", "示府辦發〔2021〕33號"),
    ("d", "示例市科技局关于做好证明事项清理工作的通知",
     "各区科技主管部门：现就做好证明事项清理工作通知如下。", "示科发〔2018〕29号"),
    ("e", "示例市科技局关于做好证明事项清理工作的通知",  # republished by the city
     "各区科技主管部门：现就做好证明事项清理工作通知如下。", "示科发〔2018〕29号"),
]


@pytest.fixture(scope="module")
def backend(module_engine: Engine) -> Iterator[SearchBackend]:
    opened = module_engine.open(writable=True)
    opened.upsert(
        Document(id=document_id(f"https://x.example.gov.cn/{key}.html"), source="kjj",
                 url=f"https://x.example.gov.cn/{key}.html", title=title, body=body,
                 doc_number=number)
        for key, title, body, number in _DOCS
    )
    yield opened
    opened.close()


def _keys(backend: SearchBackend, text: str) -> list[str]:
    hits = backend.search(SearchQuery(text=text, facets=False, snippets=False)).hits
    return [hit.url.rsplit("/", 1)[1].removesuffix(".html") for hit in hits]


@pytest.mark.parametrize("text", ["发展银行", "农业发展", "農業發展銀行"])
def test_a_word_hidden_inside_a_longer_word_is_found(backend: SearchBackend, text: str) -> None:
    assert _keys(backend, text) == ["a"]


@pytest.mark.parametrize("text", ["预算预备费暂行管理", "預算預備費暫行管理", "预算预备费 管理"])
def test_either_script_finds_a_traditional_page(backend: SearchBackend, text: str) -> None:
    assert _keys(backend, text)[0] == "c"


@pytest.mark.parametrize("text", ["證明事項清理", "证明事项清理"])
def test_traditional_and_simplified_queries_rank_alike(backend: SearchBackend, text: str) -> None:
    assert sorted(_keys(backend, text)) == ["d", "e"]


@pytest.mark.parametrize(
    "text",
    ["示科发[2018]29号", "示科发（2018）29号", "示科发2018年29号", "示科发〔２０１８〕２９号",
     "示科發〔2018〕第29號"],
)
def test_doc_number_variants_find_every_copy_first(backend: SearchBackend, text: str) -> None:
    assert sorted(_keys(backend, text)[:2]) == ["d", "e"]


def test_doc_number_of_a_traditional_page_in_simplified(backend: SearchBackend) -> None:
    assert _keys(backend, "示府办发[2021]33号")[0] == "c"


def test_quoted_phrase_needs_the_words_together(backend: SearchBackend) -> None:
    assert _keys(backend, '"清洁生产"') == ["a"]
    assert set(_keys(backend, "清洁 生产")) == {"a", "b"}


def test_a_title_typed_partly_ranks_the_unbroken_title_first(backend: SearchBackend) -> None:
    assert _keys(backend, "若干意见的通知")[0] == "a"

"""A 文号 typed in any of its written forms finds the same document in search (both engines,
as a query and as the doc_number filter) and in the publication check."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import Engine
from disclosure_search.index.backend import SearchBackend
from disclosure_search.models import Document, SearchQuery, document_id
from disclosure_search.reports.checklist import ChecklistRow
from disclosure_search.reports.matching import DocumentMatcher
from disclosure_search.vocabulary.doc_numbers import doc_number_variants

# 文号 as real pages print them (a zero-padded serial, a 号 left out, a full-width digit, the
# year as 2015年第), with a title from the same page's source; one neighbour number each.
_PRINTED = {
    "a": ("沪发改价费〔2009〕009号", "关于调整本市城市供水价格的通知"),
    "b": ("沪发改价费〔2009〕90号", "关于规范本市停车收费的通知"),
    "c": ("晋政办发〔2012〕18", "山西省人民政府办公厅关于进一步加强政府信息公开工作的通知"),
    "d": ("粤府办〔2002〕1２号", "广东省人民政府办公厅关于印发政务公开实施办法的通知"),
    "e": ("国家税务总局公告2015年第41号", "国家税务总局关于发布企业所得税相关事项的公告"),
}


def _doc(key: str) -> Document:
    number, title = _PRINTED[key]
    url = f"https://x.example.gov.cn/{key}.html"
    return Document(id=document_id(url), source="kjj", url=url, title=title,
                    body="现将有关事项通知如下。", doc_number=number)


@pytest.fixture(scope="module")
def backend(module_engine: Engine) -> Iterator[SearchBackend]:
    opened = module_engine.open(writable=True)
    opened.upsert(_doc(key) for key in _PRINTED)
    yield opened
    opened.close()


def _variants(key: str) -> list[str]:
    variants = sorted(doc_number_variants(_PRINTED[key][0]))
    assert len(variants) >= 40  # brackets x 号 x width x script
    return variants


@pytest.mark.parametrize("key", ["a", "c", "d", "e"])
def test_every_written_form_finds_the_document_first(backend: SearchBackend, key: str) -> None:
    for typed in _variants(key):
        hits = backend.search(SearchQuery(text=typed, facets=False, snippets=False)).hits
        assert hits and hits[0].url.endswith(f"/{key}.html"), typed
        only = backend.search(SearchQuery(doc_number=typed, facets=False, snippets=False))
        assert [hit.url for hit in only.hits] == [_doc(key).url], typed


@pytest.mark.parametrize("key", ["a", "c", "d", "e"])
def test_the_check_matches_every_written_form(key: str) -> None:
    matcher = DocumentMatcher([_doc(k) for k in _PRINTED])
    for typed in _variants(key):
        found = matcher.match(ChecklistRow(line=2, title="标题另写", doc_number=typed))
        assert found.outcome == "matched", typed
        assert found.document is not None and found.document.url == _doc(key).url
        assert found.reason == "文号一致"


def test_a_neighbour_number_is_not_matched() -> None:
    matcher = DocumentMatcher([_doc(k) for k in _PRINTED])
    found = matcher.match(ChecklistRow(line=2, title="关于调整本市城市供水价格的通知",
                                       doc_number="沪发改价费〔2009〕9号"))
    assert found.reason == "文号一致" and found.document == _doc("a")
    other = matcher.match(ChecklistRow(line=2, title="关于调整本市城市供水价格的通知",
                                       doc_number="沪发改价费〔2009〕19号"))
    assert "文号不一致" in other.reason

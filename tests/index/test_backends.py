"""One behaviour, two engines: SearchBackend tests run on Whoosh and on a real Elasticsearch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime

import pytest

from conftest import Engine
from disclosure_search.errors import QueryError, SearchIndexError
from disclosure_search.index import es_backend, es_indices, whoosh_backend
from disclosure_search.index.backend import SearchBackend
from disclosure_search.models import Attachment, Document, SearchQuery


def _doc(n: int, title: str, body: str, **kw: object) -> Document:
    fields: dict[str, object] = {
        "id": f"d{n:02d}",
        "source": "kjj",
        "url": f"https://kjj.example.gov.cn/xxgk/{n}.html",
        "category": "政务信息",
        "agency": "市科技局",
        "published_date": date(2020, 1, n),
        "first_seen": datetime(2020, 1, n, 8, 0),
    }
    fields.update(kw)
    return Document(title=title, body=body, **fields)  # type: ignore[arg-type]


DOCS = [
    _doc(
        1,
        "关于印发《高新技术企业认定管理办法》的通知",
        "各区科技局：现将认定办法印发给你们。",
        category="规范性文件",
        doc_number="洪科发〔2020〕12号",
        published_date=date(2020, 3, 1),
    ),
    _doc(
        2,
        "中国农业发展银行支持科技创新座谈会召开",
        "推动科技创新与乡村振兴。",
        published_date=date(2020, 3, 31),
    ),
    _doc(
        3,
        "政府資訊公開年度報告",
        "本報告依據《中華人民共和國政府資訊公開條例》編製。",
        source="rmzf",
        agency="市人民政府办公厅",
        category="其他",
        published_date=date(2021, 1, 15),
    ),
    _doc(
        4,
        "<script>alert(1)</script>通知",
        "正文<b>加粗</b>：关于行政许可事项的公告。",
        category="公告公示",
        published_date=date(2019, 12, 31),
    ),
    _doc(
        5,
        "科技项目验收结果公示",
        "科学 技术 创新 三个词分开出现。",
        category="公告公示",
        published_date=None,
    ),
    _doc(
        6,
        "年度预算公开",
        "部门预算说明。",
        category="部门预决算",
        published_date=date(2020, 4, 1),
        attachments=(
            Attachment(
                url="https://x/a.xlsx", name="预算表", text="一般公共预算财政拨款收入支出表"
            ),
        ),
    ),
]


@pytest.fixture(scope="module")
def filled(module_engine: Engine) -> Engine:
    backend = module_engine.open(writable=True)
    assert backend.upsert(DOCS) == len(DOCS)
    backend.close()
    return module_engine


@pytest.fixture()
def backend(filled: Engine) -> Iterator[SearchBackend]:
    opened = filled.open()
    yield opened
    opened.close()


def _ids(backend: SearchBackend, **kw: object) -> list[str]:
    return [hit.id for hit in backend.search(SearchQuery(**kw)).hits]  # type: ignore[arg-type]


def test_words_find_documents_with_metadata(backend: SearchBackend) -> None:
    result = backend.search(SearchQuery(text="高新技术企业"))
    assert result.total == 1
    hit = result.hits[0]
    assert (hit.id, hit.category, hit.agency, hit.doc_number) == (
        "d01",
        "规范性文件",
        "市科技局",
        "洪科发〔2020〕12号",
    )
    assert hit.published_date == date(2020, 3, 1)
    assert hit.first_seen == datetime(2020, 1, 1, 8, 0)
    assert "<mark>高新技术企业</mark>" in hit.title_html


def test_sub_word_is_found_inside_a_long_name(backend: SearchBackend) -> None:
    assert _ids(backend, text="农业") == ["d02"]
    assert _ids(backend, text="发展银") == ["d02"]  # not a word at all: bigrams still find it


def test_traditional_query_finds_simplified_and_vice_versa(backend: SearchBackend) -> None:
    assert _ids(backend, text="資訊公開") == ["d03"]
    assert _ids(backend, text="资讯公开") == ["d03"]
    assert _ids(backend, text="認定辦法") == ["d01"]


def test_doc_number_variant_ranks_the_document_first(backend: SearchBackend) -> None:
    for text in ("洪科发[2020]12号", "洪科發（２０２０）12號", "文号:洪科发〔2020〕12号"):
        assert _ids(backend, text=text)[0] == "d01", text


def test_phrase_matches_adjacent_words_only(backend: SearchBackend) -> None:
    assert _ids(backend, text='"科技创新"') == ["d02"]
    assert _ids(backend, text="技术 创新") == ["d05"]  # words apart: found as words ...
    assert _ids(backend, text='"技术创新"') == []  # ... but not as a phrase


def test_and_by_default_or_when_and_finds_nothing(backend: SearchBackend) -> None:
    assert _ids(backend, text="科技 乡村振兴") == ["d02"]
    assert set(_ids(backend, text="乡村振兴 不存在的词语")) == {"d02"}
    assert _ids(backend, text="乡村振兴 AND 不存在的词语") == []


def test_not_and_title_prefix(backend: SearchBackend) -> None:
    assert "d02" not in _ids(backend, text="科技 NOT 农业")
    assert _ids(backend, text="title:公示") == ["d05"]


def test_filters_category_source_agency(backend: SearchBackend) -> None:
    assert set(_ids(backend, category="公告公示")) == {"d04", "d05"}
    assert _ids(backend, source="rmzf") == ["d03"]
    assert _ids(backend, agency="市人民政府办公厅") == ["d03"]
    assert _ids(backend, text="科技", category="规范性文件") == ["d01"]


def test_date_range_is_inclusive(backend: SearchBackend) -> None:
    ids = _ids(backend, date_from=date(2020, 3, 1), date_to=date(2020, 3, 31), sort="oldest")
    assert ids == ["d01", "d02"]
    assert _ids(backend, date_to=date(2019, 12, 31)) == ["d04"]  # undated d05 is not included


def test_sort_newest_and_oldest(backend: SearchBackend) -> None:
    newest = _ids(backend, sort="newest", per_page=20)
    assert newest[:3] == ["d03", "d06", "d02"]
    oldest = _ids(backend, sort="oldest", per_page=20, date_from=date(2000, 1, 1))
    assert oldest == ["d04", "d01", "d02", "d06", "d03"]


def test_facets_count_the_whole_result_not_the_page(backend: SearchBackend) -> None:
    result = backend.search(SearchQuery(per_page=1))
    assert result.total == len(DOCS) and len(result.hits) == 1
    assert result.facets["category"]["公告公示"] == 2
    assert result.facets["source"] == {"kjj": 5, "rmzf": 1}
    assert result.facets["year"]["2020"] == 3


def test_pagination_with_total(backend: SearchBackend) -> None:
    pages = [_ids(backend, sort="newest", page=p, per_page=4) for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [4, 2, 0]
    assert len(set(pages[0] + pages[1])) == len(DOCS)
    assert backend.search(SearchQuery(page=2, per_page=4)).total == len(DOCS)
    with pytest.raises(QueryError):
        backend.search(SearchQuery(page=0))


def test_snippets_escape_everything_but_marks(backend: SearchBackend) -> None:
    hit = backend.search(SearchQuery(text="行政许可")).hits[0]
    assert hit.snippet == "正文&lt;b&gt;加粗&lt;/b&gt;：关于<mark>行政许可</mark>事项的公告。"
    assert hit.title_html == "&lt;script&gt;alert(1)&lt;/script&gt;通知"
    hit = backend.search(SearchQuery(text="script 通知")).hits[0]
    assert "<script>" not in hit.title_html and "<mark>script</mark>" in hit.title_html


def test_attachment_text_is_searched_and_shown(backend: SearchBackend) -> None:
    hit = backend.search(SearchQuery(text="财政拨款")).hits[0]
    assert hit.id == "d06"
    assert "<mark>财政拨款</mark>" in hit.snippet


@pytest.mark.parametrize("text", ['"unclosed', "((", "OR AND", "title:", "科技 ))", "NOT"])
def test_malformed_queries_do_not_raise(backend: SearchBackend, text: str) -> None:
    result = backend.search(SearchQuery(text=text))
    assert result.total >= 0


def test_a_document_with_an_empty_body_does_not_break_search(engine: Engine) -> None:
    """An item whose page only links its file has no body: every body query once crashed."""
    backend = engine.open(writable=True)
    only_file = _doc(7, "关于表扬2014年全省粮食生产先进单位的通报", "", attachments=(
        Attachment(url="https://x/f.docx", name="先进单位名单", text="粮食生产先进单位名单"),
    ))
    backend.upsert([DOCS[0], only_file, _doc(8, "粮食安全", "粮食生产")])
    assert set(_ids(backend, text="粮食生产")) == {"d07", "d08"}
    assert _ids(backend, text="认定办法") == ["d01"]
    assert _ids(backend, text="先进单位名单") == ["d07"]
    backend.close()


def test_stats_and_ids(backend: SearchBackend) -> None:
    stats = backend.stats()
    assert stats.doc_count == len(DOCS)
    assert stats.by_source == {"kjj": 5, "rmzf": 1}
    assert stats.by_category["公告公示"] == 2
    assert stats.last_modified is not None
    assert backend.ids() == {d.id for d in DOCS}


def test_each_document_keeps_the_fingerprint_it_was_indexed_with(engine: Engine) -> None:
    """What catch-up and ``verify`` compare with the catalog's fingerprints, on either engine."""
    backend = engine.open(writable=True)
    backend.upsert([replace(d, fingerprint=f"fp-{d.id}") for d in DOCS[:3]])
    assert backend.fingerprints() == {d.id: f"fp-{d.id}" for d in DOCS[:3]}
    backend.upsert([replace(DOCS[0], fingerprint="fp-new")])
    backend.delete(["d02"])
    assert backend.fingerprints() == {"d01": "fp-new", "d03": "fp-d03"}
    assert backend.ids() == {"d01", "d03"}
    backend.close()


def test_upsert_replaces_delete_removes_and_readers_refresh(engine: Engine) -> None:
    writer = engine.open(writable=True)
    writer.upsert(DOCS[:2])
    reader = engine.open()
    writer.upsert([replace(DOCS[0], title="关于废止高新技术企业认定办法的通知")])
    assert writer.stats().doc_count == 2
    if engine.name == "whoosh":  # the reader keeps its generation until it refreshes;
        assert _ids(reader, text="废止") == []  # Elasticsearch shows every refreshed write
    assert reader.refresh() is True  # either way refresh() says the index changed
    assert _ids(reader, text="废止") == ["d01"]
    assert reader.stats().doc_count == 2
    assert reader.refresh() is False
    assert writer.delete(["d01", "missing"]) == 1
    reader.refresh()
    assert reader.ids() == {"d02"}
    writer.clear()
    reader.refresh()
    assert reader.stats().doc_count == 0 and _ids(reader) == []
    reader.close()
    writer.close()


def test_missing_index_and_read_only_writes_are_index_errors(engine: Engine) -> None:
    with pytest.raises(SearchIndexError, match="reindex"):
        engine.open()
    writer = engine.open(writable=True)
    reader = engine.open()
    with pytest.raises(SearchIndexError, match="read-only"):
        reader.upsert(DOCS[:1])
    reader.close()
    writer.close()


def test_the_last_version_of_a_repeated_id_wins(engine: Engine) -> None:
    backend = engine.open(writable=True)
    first, second = DOCS[0], replace(DOCS[0], title="修订后的认定办法")
    assert backend.upsert([first, DOCS[1], second]) == 2
    assert backend.stats().doc_count == 2
    assert _ids(backend, text="修订") == ["d01"]
    assert _ids(backend, text="title:通知") == []
    backend.close()


def test_rebuild_swaps_in_a_complete_index_and_searches_answer_meanwhile(engine: Engine) -> None:
    writer = engine.open(writable=True)
    writer.upsert(DOCS)
    reader = engine.open()
    seen_during: list[int] = []

    def fresh() -> Iterator[Document]:
        for doc in DOCS[:2]:
            if engine.name == "elasticsearch":  # Whoosh empties its index first, in place
                seen_during.append(reader.search(SearchQuery(per_page=1)).total)
            yield replace(doc, title=f"重建后的{doc.title}")

    assert writer.rebuild(fresh()) == 2
    if engine.name == "elasticsearch":
        assert seen_during == [len(DOCS), len(DOCS)]
    assert reader.refresh() is True
    assert reader.ids() == {"d01", "d02"}
    assert set(_ids(reader, text="重建")) == {"d01", "d02"}
    reader.close()
    writer.close()


def test_a_failed_rebuild_leaves_the_old_index_serving(engine: Engine) -> None:
    if engine.name == "whoosh":
        pytest.skip("the embedded index is rebuilt in place (documented in the README)")
    writer = engine.open(writable=True)
    writer.upsert(DOCS)

    def broken() -> Iterator[Document]:
        yield DOCS[0]
        raise RuntimeError("the archive became unreadable")

    with pytest.raises(RuntimeError, match="unreadable"):
        writer.rebuild(broken())
    reader = engine.open()
    assert reader.stats().doc_count == len(DOCS)
    assert _ids(reader, text="高新技术企业") == ["d01"]
    assert isinstance(writer, es_backend.ElasticsearchBackend) and engine.config is not None
    killed = es_indices.new_index(writer.client, engine.config, building=True)  # kill -9 mid-way
    assert es_indices.leftovers(writer.client, engine.config) == [killed]
    assert writer.rebuild(DOCS[:1]) == 1  # the next rebuild clears what the killed one left
    assert es_indices.leftovers(writer.client, engine.config) == []
    assert writer.client.indices.exists(index=killed).body is False
    reader.close()
    writer.close()


def test_deep_pages_continue_past_the_engine_window(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(es_backend, "WINDOW", 7)  # Elasticsearch's is 10,000
    many = [_doc(1 + i % 28, f"第{i}号 科技创新通知", "科技创新" * (1 + i % 3), id=f"m{i:02d}")
            for i in range(30)]
    writer = engine.open(writable=True)
    writer.upsert(many)
    for kw in ({"text": "科技创新"}, {"sort": "newest"}, {"sort": "oldest"}):
        whole = _ids(writer, per_page=30, **kw)
        paged = [i for p in range(1, 9) for i in _ids(writer, page=p, per_page=4, **kw)]
        assert len(whole) == 30 and paged == whole, kw
        assert writer.search(SearchQuery(page=7, per_page=4, **kw)).total == 30  # type: ignore[arg-type]
    writer.close()


def test_a_large_batch_is_analysed_in_parallel_processes(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(whoosh_backend, "BULK_THRESHOLD", 20)
    monkeypatch.setattr(whoosh_backend, "cpus", lambda: 2)
    monkeypatch.setattr(es_backend, "PARALLEL_THRESHOLD", 20)
    monkeypatch.setattr(es_backend, "ANALYSIS_ROUND", 25)
    monkeypatch.setattr(es_backend, "cpus", lambda: 2)
    many = [_doc(1, f"第{i}号 政府資訊公開通知", f"科技局第{i}次会议研究高新技术企业认定。",
                 id=f"m{i:02d}") for i in range(60)]
    backend = engine.open(writable=True)
    assert backend.upsert(many) == 60
    assert backend.stats().doc_count == 60
    assert backend.search(SearchQuery(text="资讯公开 第7次")).hits[0].id == "m07"
    backend.close()


def test_the_issuing_agency_and_subject_words_are_searched_and_shown(engine: Engine) -> None:
    """发文机关 beside a different 发布机构, and 主题词: a query naming either finds the
    document (not in a title-only search), and a hit shows the issuer."""
    issued = _doc(1, "浙江省盐业体制改革实施方案", "现将实施方案印发给你们，请认真贯彻实施。",
                  agency="省政府办公厅", issuing_agency="浙江省人民政府")
    keyed = _doc(2, "国家发展改革委国家能源局关于印发〈售电公司准入与退出管理办法〉和"
                    "〈有序放开配电网业务管理办法〉的通知", "有序向社会资本放开配售电业务。",
                 agency="国家发展改革委 国家能源局", issuing_agency="国家发展改革委 国家能源局",
                 subject="发改经体, 国家发展改革委, 国家能源局, 售电公司, 准入, 退出, 有序, "
                         "放开, 配电网, 管理办法, 通知")
    writer = engine.open(writable=True)
    assert writer.upsert([issued, keyed]) == 2
    writer.close()
    backend = engine.open()
    try:
        found = backend.search(SearchQuery(text="浙江省人民政府"))
        assert [h.id for h in found.hits] == ["d01"]
        assert (found.hits[0].agency, found.hits[0].issuing_agency) == ("省政府办公厅",
                                                                        "浙江省人民政府")
        assert _ids(backend, text="发改经体") == ["d02"]
        assert _ids(backend, text="發改經體") == ["d02"]
        assert _ids(backend, text="发改经体", scope="title") == []
        assert _ids(backend, text="浙江省人民政府", scope="title") == []
        assert backend.search(SearchQuery(agency="省政府办公厅")).total == 1
    finally:
        backend.close()


def test_the_agency_filter_and_facet_know_the_issuer_too(engine: Engine) -> None:
    """A citizen filtering by the 发文机关 finds what another office published for it; the
    agency facet counts a document once under each name it carries, and a hit's agency
    stays the 发布机构."""
    issued = _doc(1, "浙江省盐业体制改革实施方案", "现将实施方案印发给你们。",
                  agency="浙江省人民政府办公厅", issuing_agency="浙江省人民政府")
    own = _doc(2, "浙江省人民政府关于公布省级权力清单的通知", "公布权力清单。",
               agency="浙江省人民政府", issuing_agency="浙江省人民政府")
    office = _doc(3, "关于做好春节假期值班工作的通知", "做好值班。",
                  agency="浙江省人民政府办公厅")
    writer = engine.open(writable=True)
    assert writer.upsert([issued, own, office]) == 3
    writer.close()
    backend = engine.open()
    try:
        everything = backend.search(SearchQuery())
        assert everything.facets["agency"] == {"浙江省人民政府": 2, "浙江省人民政府办公厅": 2}
        # a whole name, as a facet link gives it: the issuer's and its own documents
        found = backend.search(SearchQuery(agency="浙江省人民政府", sort="oldest"))
        assert [h.id for h in found.hits] == ["d01", "d02"]
        assert [h.agency for h in found.hits] == ["浙江省人民政府办公厅", "浙江省人民政府"]
        assert found.facets["agency"] == {"浙江省人民政府": 2, "浙江省人民政府办公厅": 1}
        # part of a name, either script
        assert backend.search(SearchQuery(agency="省人民政府")).total == 3
        assert _ids(backend, agency="辦公廳", sort="oldest") == ["d01", "d03"]
        assert backend.search(SearchQuery(agency="国务院")).total == 0
    finally:
        backend.close()

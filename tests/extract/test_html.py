"""Golden-page tests: every saved page must extract to exactly the fields listed beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from disclosure_search.encoding import decode_html
from disclosure_search.errors import ExtractError
from disclosure_search.extract.html import extract_document, extract_metadata
from disclosure_search.models import CATEGORIES, document_id
from hostile import nested_page

PAGES = Path(__file__).parent / "pages"
CASES = sorted(p.name.removesuffix(".expected.json") for p in PAGES.glob("*.expected.json"))
SCALARS = (
    "title",
    "category",
    "category_raw",
    "doc_number",
    "doc_number_norm",
    "index_number",
    "agency",
    "validity",
    "language_hint",
    "id",
)


def _extract(name: str) -> tuple[dict, str, object]:
    expected = json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))
    given = expected["input"]
    text, charset = decode_html((PAGES / f"{name}.html").read_bytes(), given["content_type"])
    document = extract_document(text, given["url"], source=given["source"])
    return expected, charset, document


def test_golden_pages_present() -> None:
    assert len(CASES) >= 12


@pytest.mark.parametrize("name", CASES)
def test_golden_page(name: str) -> None:
    expected, charset, document = _extract(name)
    assert charset == expected["charset"]
    want = expected["document"]
    if want is None:
        assert document is None
        return
    assert document is not None
    got = document.__dict__
    for field in SCALARS:
        assert got[field] == want[field], field
    for field in ("topic", "issuing_agency", "subject"):  # 主题分类, 发文机关, 主题词 where given
        assert got[field] == want.get(field, ""), field
    for field in ("written_date", "published_date"):
        value = got[field]
        assert (value.isoformat() if value else None) == want[field], field
    attachments = [
        {"url": a.url, "name": a.name, "media_type": a.media_type} for a in document.attachments
    ]
    assert attachments == want["attachments"]
    if "body" in want:
        assert document.body == want["body"]
    for line in want.get("body_contains", []):
        assert line in document.body
    assert len(document.body) >= want.get("body_length_at_least", 0)
    for chrome in want["body_excludes"]:
        assert chrome not in document.body
    assert document.category in CATEGORIES
    assert document.source == expected["input"]["source"]
    assert document.id == document_id(expected["input"]["url"])


@pytest.mark.parametrize("name", [c for c in CASES if c.startswith("bjzyj_")])
def test_real_pages_match_the_crawled_record(name: str) -> None:
    """The wrapped real articles give back what the crawler recorded for them."""
    expected, _, document = _extract(name)
    record = expected["record"]
    assert document is not None
    assert document.title == record["title"]
    assert document.published_date is not None
    assert document.published_date.isoformat() == record["date"]
    assert document.agency == (record["source"] or "").strip("\u200b\u3000 ")
    assert [(a.url, a.name) for a in document.attachments] == [
        (a["link"], a["mark"]) for a in record["attachment"]
    ]


def test_gbk_page_keeps_character_outside_gb2312() -> None:
    _, charset, document = _extract("trs_gbk_table")
    assert charset == "gb18030"
    assert document is not None and "朱镕基" in document.body


def test_category_prefix_applies_when_page_states_none() -> None:
    html = (PAGES / "pubdate_meta_only.html").read_text("utf-8").replace("工作动态", "")
    url = "https://kjj.example.gov.cn/gzdt/202203/t20220310_42.html"
    document = extract_document(
        html,
        url,
        source="kjj",
        category_prefixes=(
            ("https://kjj.example.gov.cn/", "其他文件"),
            ("https://kjj.example.gov.cn/gzdt/", "规划计划"),
        ),
    )
    assert document is not None
    assert document.category == "规划计划"


def test_fallback_category_when_nothing_else_says() -> None:
    html = (PAGES / "pubdate_meta_only.html").read_text("utf-8").replace("工作动态", "")
    document = extract_document(
        html, "https://x.example/a.html", source="x", fallback_category="人事任免"
    )
    assert document is not None
    assert (document.category, document.category_raw) == ("人事信息", "人事任免")


def test_search_page_without_article_is_not_a_document() -> None:
    html = """<html><head><title>搜索结果 - 某市人民政府</title></head><body>
    <form action="/search"><input name="q"></form><div class="search-result">找到 0 条结果</div>
    </body></html>"""
    assert extract_document(html, "https://x.example/search?q=a", source="x") is None


def test_extract_metadata_reports_fields_as_published() -> None:
    html = (PAGES / "hanweb_dl.html").read_text("utf-8")
    fields = extract_metadata(html)
    assert fields["doc_number"] == "赣府厅发〔2019〕18号"
    assert fields["agency"] == "江西省人民政府办公厅"
    assert fields["written_date"] == "2019年05月16日"
    assert fields["agency_label"] == "发文机关"


@pytest.mark.parametrize("depth", [1_000, 8_000, 200_000])
def test_deeply_nested_pages_are_refused_without_recursion(depth: int) -> None:
    html = nested_page(depth, "关于印发项目管理办法的通知", "现将有关事项通知如下。" * 10)
    with pytest.raises(ExtractError, match="nest more than 200 deep"):
        extract_document(html, "http://x/a.html", source="kjj")


def test_a_page_nested_150_deep_is_still_read() -> None:
    html = nested_page(150, "关于印发项目管理办法的通知", "现将有关事项通知如下。" * 10)
    doc = extract_document(html, "http://x/a.html", source="kjj")
    assert doc is not None and "现将有关事项通知如下" in doc.body


def test_a_page_of_too_many_elements_is_refused_before_it_is_walked() -> None:
    html = "<html><head><title>通知</title></head><body>" + "<p>x</p>" * 150_000 + "</body></html>"
    with pytest.raises(ExtractError, match="150004 elements"):
        extract_document(html, "http://x/a.html", source="kjj")


def test_metadata_only_in_script_variables() -> None:
    html = (
        "<html><head><title>公告公示 - 示例市人民政府</title><script>\n"
        'var articleTitle = "示例市人民政府关于公布第七批文物保护单位名单的通知";\n'
        "var pubDate = '2016-01-22 10:00:00';\n"
        'var contentSource = "示例市人民政府办公厅";\nvar columnName = "公告公示";\n'
        "</script></head><body><div class=\"article\"><div class=\"article-title\">"
        "<script>document.write(articleTitle);</script></div><div class=\"article-content\">"
        "<p>" + "各区人民政府，市政府各委、办、局：现将第七批文物保护单位名单予以公布。" * 3
        + "</p></div></div></body></html>"
    )
    doc = extract_document(html, "http://h/zwgk/content/post_1.html", source="s")
    assert doc is not None
    assert doc.title == "示例市人民政府关于公布第七批文物保护单位名单的通知"
    assert doc.published_date is not None and doc.published_date.isoformat() == "2016-01-22"
    assert doc.agency == "示例市人民政府办公厅" and doc.category == "公告公示"

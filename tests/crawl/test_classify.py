"""Page classification: detail, list, attachment, other."""

from __future__ import annotations

from crawl.site import detail_html, list_html
from disclosure_search.config import SourceSettings
from disclosure_search.crawl.classify import Classifier, looks_like_detail_url
from disclosure_search.crawl.links import discover, parse_html

SOURCE = SourceSettings(id="s", name="s", start_urls=("http://h/xxgk/",))


def kind(html: str, url: str, source: SourceSettings = SOURCE) -> str:
    tree, _charset = parse_html(html.encode("utf-8"), url)
    return Classifier(source).classify(url, tree, discover(tree, url))


def test_detail_pages_by_meta_tags() -> None:
    assert kind(detail_html("关于印发办法的通知"), "http://h/xxgk/a.html") == "detail"


def test_detail_pages_by_metadata_table_alone() -> None:
    html = ("<table><tr><td>索引号：</td><td>1136/2020-1</td><td>发布机构：</td><td>科技局</td>"
            "</tr></table><p>正文</p>")
    assert kind(html, "http://h/xxgk/show.jsp") == "detail"


def test_catalogue_list_with_metadata_headers_is_still_a_list() -> None:
    rows = [(f"./202009/t202009{n:02d}_{n}.html", f"文件{n}") for n in range(1, 16)]
    html = list_html(rows, extra="<table><tr><th>索引号</th><th>文号</th></tr></table>")
    assert kind(html, "http://h/xxgk/gfxwj/index.html") == "list"


def test_list_pages_by_paging_or_rows() -> None:
    assert kind(list_html([], 'createPageHTML(2, 0, "index", "html");'),
                "http://h/xxgk/index.html") == "list"
    rows = [(f"art_{n}_1.html", f"t{n}") for n in range(6)]
    assert kind(list_html(rows), "http://h/xxgk/col/index.html") == "list"


def test_detail_url_shapes() -> None:
    assert looks_like_detail_url("http://h/xxgk/202009/t20200930_2106115.html")
    assert looks_like_detail_url("http://h/art/2020/9/30/art_123_456.html")
    assert looks_like_detail_url("http://h/gkmlpt/content/post_123.html")
    assert not looks_like_detail_url("http://h/xxgk/index_2.html")
    assert Classifier(SOURCE).guess("http://h/x/P0201.pdf") == "attachment"


def test_configured_patterns_override_content() -> None:
    source = SourceSettings(id="s", name="s", start_urls=("http://h/",),
                            detail_url_pattern=r"/show/\d+$", list_url_pattern=r"/col/")
    assert kind(detail_html("x"), "http://h/col/index.html", source) == "list"
    assert kind("<p>plain</p>", "http://h/show/12", source) == "detail"
    assert Classifier(source).guess("http://h/xxgk/t20200930_1.html") == "other"

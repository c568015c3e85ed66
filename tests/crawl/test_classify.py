"""Page classification: list or not by the crawl; document (detail) only by extraction's word."""

from __future__ import annotations

from crawl.site import detail_html, list_html
from disclosure_search.config import SourceSettings
from disclosure_search.crawl.classify import Classifier, looks_like_detail_url
from disclosure_search.crawl.links import discover
from disclosure_search.extract.calls import parsed_page
from disclosure_search.htmltree import read_page

SOURCE = SourceSettings(id="s", name="s", start_urls=("http://h/xxgk/",))


def kind(html: str, url: str, source: SourceSettings = SOURCE, *, reader: bool = True) -> str:
    """The kind the crawler gives a page; extraction reads it as the pipeline's reader does."""
    tree, _charset = read_page(html.encode("utf-8"), base_url=url)
    links = discover(tree, url)
    classifier = Classifier(source)
    listed = classifier.listed(url, links)
    document = reader and parsed_page(tree, url, source.id, (), listed=listed)[0] is not None
    return classifier.classify(url, links, document=document)


def test_a_document_is_what_extraction_says_is_one() -> None:
    assert kind(detail_html("关于印发办法的通知"), "http://h/xxgk/a.html") == "detail"
    html = ("<table><tr><td>索引号：</td><td>1136/2020-1</td><td>发布机构：</td><td>科技局</td>"
            "</tr></table><h1>关于印发项目管理办法的通知</h1><p>正文</p>")
    assert kind(html, "http://h/xxgk/show.jsp") == "detail"


def test_the_crawl_alone_never_calls_a_page_a_document() -> None:
    assert kind(detail_html("关于印发办法的通知"), "http://h/xxgk/a.html", reader=False) == "other"


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


def test_an_article_shaped_page_that_is_no_document_is_not_walked_further() -> None:
    classifier = Classifier(SOURCE)
    assert not classifier.follows("http://h/xxgk/202009/t20200930_1.html", "other")
    assert classifier.follows("http://h/xxgk/about.html", "other")
    assert not classifier.follows("http://h/xxgk/about.html", "detail")


def test_configured_patterns_override_content() -> None:
    source = SourceSettings(id="s", name="s", start_urls=("http://h/",),
                            detail_url_pattern=r"/show/\d+$", list_url_pattern=r"/col/")
    assert kind(detail_html("x"), "http://h/col/index.html", source) == "list"
    assert kind("<p>plain</p>", "http://h/show/12", source) == "detail"
    assert Classifier(source).guess("http://h/xxgk/t20200930_1.html") == "other"


def test_a_short_list_of_real_items_is_a_list_not_a_document() -> None:
    titles = ["关于开展2018年度高新技术企业认定工作的通知", "2018年南昌市科技计划项目申报指南",
              "关于公布2018年第三批科技型中小企业名单的公告", "南昌市科技创新券管理办法",
              "关于征集2019年度市级重点研发项目的通知", "关于加强科技成果转化的实施意见"]
    rows = [(f"./202009/t202009{n:02d}_{n}.html", title) for n, title in enumerate(titles, 1)]
    assert kind(list_html(rows), "http://h/xxgk/tzgg/") == "list"

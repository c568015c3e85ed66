"""Link discovery: anchors, TRS and query-string paging, attachments, charsets."""

from __future__ import annotations

from crawl.site import list_html
from disclosure_search.crawl.links import discover
from disclosure_search.encoding import decode_html
from disclosure_search.htmltree import read_page
from disclosure_search.vocabulary.attachments import is_attachment_url

BASE = "http://h/xxgk/tzgg/index.html"


def links_of(html: str | bytes, url: str = BASE):  # type: ignore[no-untyped-def]
    body = html.encode("utf-8") if isinstance(html, str) else html
    return discover(read_page(body, base_url=url)[0], url)


def test_trs_create_page_html_expands_to_every_page() -> None:
    html = list_html([("t1.html", "一")], 'createPageHTML(4, 0, "index", "html");')
    assert links_of(html).paging == (
        "http://h/xxgk/tzgg/index.html", "http://h/xxgk/tzgg/index_1.html",
        "http://h/xxgk/tzgg/index_2.html", "http://h/xxgk/tzgg/index_3.html",
    )


def test_trs_paging_with_variables_and_other_argument_orders() -> None:
    script = "var countPage = 3//共多少页\nvar currentPage = 1;" \
             "createPageHTML('page_div', countPage, currentPage, 'index', 'shtml', 60);"
    paging = links_of(list_html([], script), "http://h/a/index_1.shtml").paging
    assert paging == ("http://h/a/index.shtml", "http://h/a/index_1.shtml",
                      "http://h/a/index_2.shtml")


def test_query_string_paging_and_next_page_text() -> None:
    extra = ('<a href="list?page=2">2</a><a href="list?page=3">3</a>'
             '<a href="/other/more.jsp?cat=1">下一页</a>')
    found = links_of(list_html([("d?id=7", "x")], "", extra), "http://h/a/list?page=1")
    assert found.paging == ("http://h/a/list?page=2", "http://h/a/list?page=3",
                            "http://h/other/more.jsp?cat=1")
    assert [link.url for link in found.links] == ["http://h/a/d?id=7"]


def test_attachments_are_sorted_out_by_extension() -> None:
    html = ('<a href="./P0201.pdf">办法.pdf</a><a href="/module/download/down.jsp?'
            'filename=1.docx">下载</a><a href="t2.html">正文</a>')
    found = links_of(f"<html><body>{html}</body></html>")
    assert [a.url for a in found.attachments] == [
        "http://h/xxgk/tzgg/P0201.pdf", "http://h/module/download/down.jsp?filename=1.docx",
    ]
    assert found.attachments[0].text == "办法.pdf"
    assert is_attachment_url("http://h/x/附件.XLSX")
    assert not is_attachment_url("http://h/x/t1.html")


def test_base_href_and_duplicates() -> None:
    html = '<html><head><base href="http://h/base/"></head><body>' \
           '<a href="a.html">a</a><a href="a.html#x">again</a></body></html>'
    assert [link.url for link in links_of(html).links] == ["http://h/base/a.html"]


def test_gbk_page_without_any_declaration_is_read() -> None:
    title = "关于开展科技项目申报的通知"
    body = f'<html><body><a href="t1.html">{title}</a></body></html>'.encode("gbk")
    assert decode_html(body, "text/html")[1] == "gb18030"
    assert links_of(body).links[0].text == "关于开展科技项目申报的通知"


def test_meta_charset_that_lies_loses_to_valid_utf8() -> None:
    body = '<meta charset="gb2312"><p>科技局</p>'.encode()
    assert "科技局" in decode_html(body, "text/html; charset=gb2312")[0]

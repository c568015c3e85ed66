"""The one HTML parser: what libxml2's tree builder would lose is kept, bad pages never raise."""

from __future__ import annotations

import pytest

from disclosure_search.crawl.links import discover
from disclosure_search.extract.html import extract_document
from disclosure_search.htmltree import parse_text, read_page

URL = "http://h/xxgk/tzgg/index.html"
# An XHTML page as older content systems serve it, GBK-encoded with its XML declaration.
XHTML = ('<?xml version="1.0" encoding="gb2312"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0'
         ' Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
         '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>通知公告</title></head><body>'
         '<ul><li><a href="./202009/t20200930_1.html">关于开展科技型中小企业评价工作的通知</a>'
         "</li></ul></body></html>")


def test_an_xhtml_page_with_its_xml_declaration_is_read() -> None:
    tree, charset = read_page(XHTML.encode("gb2312"), "text/html", base_url=URL)
    assert charset in ("gb2312", "gbk", "gb18030")
    links = discover(tree, URL)
    assert [link.text for link in links.links] == ["关于开展科技型中小企业评价工作的通知"]


@pytest.mark.parametrize("tail", [
    "</body></html><p>之后的正文</p>",
    "</html></html><a href='x.html'>之后的正文</a>",
    "</body>\n</html>\n<script>var n=1;</script><div>之后的正文</div>",
])
def test_what_follows_the_end_of_the_document_stays_in_its_body(tail: str) -> None:
    root = parse_text("<html><head><title>t</title></head><body><p>正文</p>" + tail)
    body = root.find("body")
    assert body is not None and "之后的正文" in body.text_content()


@pytest.mark.parametrize("text", ["", "   \n", "<!-- 只有注释 -->", "\ufeff", "\x00"])
def test_an_empty_or_odd_page_gives_an_empty_tree(text: str) -> None:
    assert parse_text(text).tag == "html"


def test_a_document_after_a_stray_end_tag_is_still_extracted() -> None:
    # seen on real portals: a template closes </html> early and prints the article after it
    html = ("<html><head><title>关于印发项目管理办法的通知</title>"
            '<meta name="ArticleTitle" content="关于印发项目管理办法的通知"></head><body>'
            "<div>导航</div></body></html><div class='TRS_Editor'><p>"
            + "为规范科技计划项目管理，现将有关事项通知如下。" * 3 + "</p></div>")
    doc = extract_document(html, "http://h/xxgk/t1.html", source="kjj")
    assert doc is not None and "为规范科技计划项目管理" in doc.body

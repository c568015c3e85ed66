"""Archived HTML is prepared for the sandbox: links absolute and marked, redirects dropped."""

from __future__ import annotations

import lxml.html

from disclosure_search.web.captured import LIVE_LINK_TITLE, rewrite_archived_html

PAGE = """<html><head><meta http-equiv="refresh" content="0;url=http://evil.example/">
<meta charset="gbk"><base href="/xxgk/"><title>通知</title></head>
<body><a href="t1.html">详情</a><a href="javascript:alert(1)">坏链接</a>
<a href="#top">顶部</a><form action="/submit"><input name="q"></form>
<script>document.title='PWNED'</script></body></html>"""


def _root(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def test_links_are_absolute_and_marked_as_live_site() -> None:
    root = _root(rewrite_archived_html(PAGE, "http://kjj.example.gov.cn/index.html"))
    live = root.xpath("//a[text()='详情']")[0]
    assert live.get("href") == "http://kjj.example.gov.cn/xxgk/t1.html"
    assert live.get("target") == "_blank"
    assert "noopener" in live.get("rel")
    assert live.get("title") == LIVE_LINK_TITLE


def test_unsafe_links_refresh_and_forms_are_defused() -> None:
    html = rewrite_archived_html(PAGE, "http://kjj.example.gov.cn/index.html")
    root = _root(html)
    assert root.xpath("//a[text()='坏链接']")[0].get("href") is None
    assert "javascript:" not in html
    assert "refresh" not in html and "<base" not in html
    assert root.xpath("//form")[0].get("action") == "about:blank"
    assert root.xpath("//a[text()='顶部']")[0].get("href") == "#top"
    assert [m.get("charset") for m in root.xpath("//meta[@charset]")] == ["utf-8"]


def test_empty_and_fragment_pages_still_render() -> None:
    assert "存档页面为空" in rewrite_archived_html("   ", "http://x/")
    assert "正文" in rewrite_archived_html("<p>正文</p>", "http://x/")


def test_an_xhtml_page_and_text_after_its_end_render_as_the_crawler_read_them() -> None:
    page = ('<?xml version="1.0" encoding="gb2312"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
            '<head><title>通知</title></head><body><a href="t1.html">详情</a></body></html>'
            "<p>模板之后的正文</p>")
    html = rewrite_archived_html(page, "http://kjj.example.gov.cn/xxgk/index.html")
    root = _root(html)
    assert root.xpath("//a[text()='详情']")[0].get("title") == LIVE_LINK_TITLE
    assert "模板之后的正文" in root.text_content() and "<pre>" not in html

"""Tests for snippets: matches marked, everything else escaped, windows and fallbacks."""

from __future__ import annotations

from disclosure_search.index.snippets import highlight_all, snippet, term_pattern


def test_matches_are_marked_and_html_is_escaped() -> None:
    pattern = term_pattern(["科技"])
    html = snippet(["<script>alert(1)</script>科技局 & 財政局"], pattern)
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt;<mark>科技</mark>局 &amp; 財政局"


def test_traditional_text_is_marked_in_its_own_script() -> None:
    assert highlight_all("政府資訊公開", term_pattern(["资讯公开"])) == "政府<mark>資訊公開</mark>"


def test_window_is_cut_around_the_matches() -> None:
    text = "甲" * 500 + "高新技术企业认定" + "乙" * 500
    html = snippet([text], term_pattern(["高新技术企业"]), size=60)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>高新技术企业</mark>" in html
    assert len(html) < 120


def test_falls_back_to_the_next_text_then_to_the_start() -> None:
    pattern = term_pattern(["附件"])
    assert "<mark>附件</mark>" in snippet(["正文没有", "附件里有"], pattern)
    assert snippet(["<b>正文</b>", "附录"], pattern) == "&lt;b&gt;正文&lt;/b&gt;"
    assert snippet(["", ""], pattern) == ""


def test_longest_term_wins() -> None:
    html = highlight_all("规范性文件", term_pattern(["规范", "规范性文件"]))
    assert html == "<mark>规范性文件</mark>"

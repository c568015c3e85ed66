"""URL identity: one canonical form for fetching, storing and looking up."""

from __future__ import annotations

import pytest

from disclosure_search.vocabulary.urls import canonicalize, path_name


@pytest.mark.parametrize(("raw", "base", "canonical"), [
    ("HTTP://Kjj.Example.GOV.cn:80/a/b.html?x=1&a=2#top", None,
     "http://kjj.example.gov.cn/a/b.html?x=1&a=2"),
    ("https://h:443", None, "https://h/"),
    ("http://h/附件/办法 2020.pdf?name=通知", None,
     "http://h/%E9%99%84%E4%BB%B6/%E5%8A%9E%E6%B3%95%202020.pdf?name=%E9%80%9A%E7%9F%A5"),
    ("http://h/%E9%99%84.pdf", None, "http://h/%E9%99%84.pdf"),
    # a raw Chinese link and its percent-encoded form are one URL
    ("./P020/附件一.pdf", "http://h/xxgk/t1.html", "http://h/xxgk/P020/%E9%99%84%E4%BB%B6%E4%B8%80.pdf"),
    ("./P020/%E9%99%84%E4%BB%B6%E4%B8%80.pdf", "http://h/xxgk/t1.html",
     "http://h/xxgk/P020/%E9%99%84%E4%BB%B6%E4%B8%80.pdf"),
    ("mailto:a@b.c", "http://h/", None),
])
def test_canonicalize(raw: str, base: str | None, canonical: str | None) -> None:
    assert canonicalize(raw, base) == canonical


def test_path_name_is_decoded() -> None:
    assert path_name("http://h/P020/%E9%99%84%E4%BB%B6%E4%B8%80.pdf") == "附件一.pdf"
    assert path_name("http://h/xxgk/") == ""

"""URL canonicalisation and the scope of a source."""

from __future__ import annotations

from disclosure_search.config import SourceSettings
from disclosure_search.crawl.scope import Scope
from disclosure_search.vocabulary.urls import canonicalize


def test_canonical_form_drops_fragment_default_port_and_host_case() -> None:
    assert canonicalize("HTTP://Kjj.Example.GOV.cn:80/a/b.html?x=1&a=2#top") == (
        "http://kjj.example.gov.cn/a/b.html?x=1&a=2"
    )
    assert canonicalize("https://h:443") == "https://h/"
    assert canonicalize("http://h:8080/x") == "http://h:8080/x"


def test_chinese_file_names_and_spaces_are_percent_encoded_once() -> None:
    assert canonicalize("http://h/附件/办法 2020.pdf?name=通知") == (
        "http://h/%E9%99%84%E4%BB%B6/%E5%8A%9E%E6%B3%95%202020.pdf?name=%E9%80%9A%E7%9F%A5"
    )
    assert canonicalize("http://h/%E9%99%84.pdf?a=1&b=%20") == "http://h/%E9%99%84.pdf?a=1&b=%20"
    assert canonicalize("http://科技局.中国/") == "http://xn--dgt58lv2v.xn--fiqs8s/"


def test_relative_links_resolve_against_the_page() -> None:
    assert canonicalize("../202009/t1.html", "http://h/xxgk/tzgg/index.html") == (
        "http://h/xxgk/202009/t1.html"
    )
    assert canonicalize("mailto:a@b.c", "http://h/") is None
    assert canonicalize("javascript:void(0)", "http://h/") is None


def test_scope_is_hosts_and_start_paths() -> None:
    scope = Scope(SourceSettings(id="s", name="s", start_urls=("http://h/xxgk/index.html",)))
    assert scope.allows("http://h/xxgk/tzgg/t1.html")
    assert not scope.allows("http://h/news/t1.html")
    assert not scope.allows("http://other/xxgk/t1.html")
    assert scope.host_allowed("http://h/news/t1.html")


def test_patterns_widen_the_scope_on_the_same_hosts_only() -> None:
    source = SourceSettings(id="s", name="s", start_urls=("http://h/xxgk/",),
                            detail_url_pattern=r"/art/\d+/")
    scope = Scope(source)
    assert scope.allows("http://h/art/2020/art_1_2.html")
    assert not scope.allows("http://elsewhere/art/2020/art_1_2.html")

"""robots.txt: fetched once per host, archived, obeyed."""

from __future__ import annotations

from crawl.memory import MemorySink
from crawl.site import Site, list_html
from crawl.test_crawler import FAST, crawl
from disclosure_search.crawl.robots import RobotsPolicy
from disclosure_search.models import FetchedPage


def test_disallowed_urls_are_never_requested(site: Site) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /xxgk/private/\n",
             headers=[("Content-Type", "text/plain")])
    site.add("/xxgk/index.html", list_html([("private/secret.html", "内部"), ("t.html", "公开")]))
    site.add("/xxgk/t.html", "<p>公开</p>")
    site.add("/xxgk/private/secret.html", "<p>内部</p>")
    sink = MemorySink()
    stats = crawl(site, sink, "/xxgk/index.html").stats
    assert "/xxgk/private/secret.html" not in site.paths()
    assert site.paths().count("/robots.txt") == 1
    assert stats.skipped_robots == 1
    assert sink.kinds()[site.url("/robots.txt")] == "robots"


def test_robots_rules_for_our_agent(site: Site) -> None:
    site.add("/robots.txt", "User-agent: disclosure-search\nDisallow: /\n\nUser-agent: *\n"
             "Allow: /\n", headers=[("Content-Type", "text/plain")])
    site.add("/xxgk/index.html", "<p>x</p>")
    crawl(site, MemorySink(), "/xxgk/index.html")
    assert site.paths() == ["/robots.txt"]


def _page(status: int, body: bytes = b"") -> FetchedPage:
    return FetchedPage("u", "u", status, (), (), body, fetched_at=None)  # type: ignore[arg-type]


def test_missing_robots_allows_and_broken_server_disallows() -> None:
    assert RobotsPolicy("ua", lambda url: _page(404)).allowed("http://h/a")
    assert not RobotsPolicy("ua", lambda url: _page(503)).allowed("http://h/a")
    assert not RobotsPolicy("ua", lambda url: _page(0)).allowed("http://h/a")
    assert RobotsPolicy("ua", lambda url: _page(503), obey=False).allowed("http://h/a")
    calls: list[str] = []
    rules = b"User-agent: *\nDisallow: /x"
    policy = RobotsPolicy("ua", lambda url: calls.append(url) or _page(200, rules))
    assert not policy.allowed("http://h/x/1") and policy.allowed("http://h/y")
    assert calls == ["http://h/robots.txt"]
    assert FAST.obey_robots


def test_a_redirected_robots_txt_is_followed_and_obeyed(site: Site) -> None:
    # RFC 9309 2.3.1.2: follow the redirects (here within the source's host)
    site.add("/robots.txt", status=301, headers=[("Location", "/sys/robots.txt")])
    site.add("/sys/robots.txt", "User-agent: *\nDisallow: /xxgk/private/\n",
             headers=[("Content-Type", "text/plain")])
    site.add("/xxgk/index.html", list_html([("private/secret.html", "内部"), ("t.html", "公开")]))
    site.add("/xxgk/t.html", "<p>公开</p>")
    site.add("/xxgk/private/secret.html", "<p>内部</p>")
    stats = crawl(site, MemorySink(), "/xxgk/index.html").stats
    assert "/sys/robots.txt" in site.paths()
    assert "/xxgk/private/secret.html" not in site.paths()
    assert stats.skipped_robots == 1


def test_robots_txt_redirected_to_another_host_is_followed(site: Site) -> None:
    with Site().running() as other:
        other.add("/robots.txt", "User-agent: *\nDisallow: /xxgk/private/\n",
                  headers=[("Content-Type", "text/plain")])
        site.add("/robots.txt", status=302, headers=[("Location", other.url("/robots.txt"))])
        site.add("/xxgk/index.html", list_html([("private/secret.html", "内部")]))
        site.add("/xxgk/private/secret.html", "<p>内部</p>")
        stats = crawl(site, MemorySink(), "/xxgk/index.html").stats
        assert other.paths() == ["/robots.txt"]
    assert "/xxgk/private/secret.html" not in site.paths()
    assert stats.skipped_robots == 1
